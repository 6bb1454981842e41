import { ConnectRecord, type ConnectRecordFields } from './connect-record.js';

/** How a Kafka record's timestamp was set (Kafka's TimestampType). */
export type TimestampType = 'NoTimestampType' | 'CreateTime' | 'LogAppendTime';

/** What a {@link SinkRecord} is built from. */
export interface SinkRecordFields extends ConnectRecordFields {
  kafkaPartition: number;
  /** The record's offset in its partition. */
  kafkaOffset: number;
  /** Defaults to `NoTimestampType`. */
  timestampType?: TimestampType | undefined;
  /** The topic the record was consumed from, before any transform renamed it (default: `topic`). */
  originalTopic?: string | undefined;
  /** The partition the record was consumed from (default: `kafkaPartition`). */
  originalKafkaPartition?: number | undefined;
  /** The offset the record was consumed at (default: `kafkaOffset`). */
  originalKafkaOffset?: number | undefined;
}

/**
 * A record consumed from Kafka and given to a SinkTask. `original*` keep where it was consumed from
 * (KIP-793) even when transforms change topic or partition: report and commit offsets with them.
 */
export class SinkRecord extends ConnectRecord {
  readonly kafkaOffset: number;
  readonly timestampType: TimestampType;
  readonly originalTopic: string;
  readonly originalKafkaPartition: number;
  readonly originalKafkaOffset: number;
  declare readonly kafkaPartition: number;

  constructor(fields: SinkRecordFields) {
    super(fields);
    this.kafkaOffset = fields.kafkaOffset;
    this.timestampType = fields.timestampType ?? 'NoTimestampType';
    this.originalTopic = fields.originalTopic ?? fields.topic;
    this.originalKafkaPartition = fields.originalKafkaPartition ?? fields.kafkaPartition;
    this.originalKafkaOffset = fields.originalKafkaOffset ?? fields.kafkaOffset;
  }

  /** A copy with changes; the Kafka offset, timestamp type and original position are kept. */
  override newRecord(changes: Partial<ConnectRecordFields> = {}): this {
    // Fields are added to the fresh object rather than spread into a new literal: V8 (Node 20)
    // takes a slow path for the spread that cost ~20 µs per copy, most of a transform chain's time.
    const fields = this.changedFields(changes) as SinkRecordFields;
    // Kafka keeps the partition if a transform clears it; a sink record always has one.
    fields.kafkaPartition ??= this.kafkaPartition;
    fields.kafkaOffset = this.kafkaOffset;
    fields.timestampType = this.timestampType;
    fields.originalTopic = this.originalTopic;
    fields.originalKafkaPartition = this.originalKafkaPartition;
    fields.originalKafkaOffset = this.originalKafkaOffset;
    return new SinkRecord(fields) as this;
  }

  override equals(other: unknown): boolean {
    return (
      super.equals(other) &&
      other instanceof SinkRecord &&
      this.kafkaOffset === other.kafkaOffset &&
      this.timestampType === other.timestampType &&
      this.originalTopic === other.originalTopic &&
      this.originalKafkaPartition === other.originalKafkaPartition &&
      this.originalKafkaOffset === other.originalKafkaOffset
    );
  }
}
