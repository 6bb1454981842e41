import { ConnectRecord, type ConnectRecordFields } from './connect-record.js';
import { valuesEqual } from './schema-equality.js';

/**
 * Where a source record comes from (a table, a file, a shard), as a JSON-able map. Kafka Connect
 * stores it as the key of the offsets topic (`["<connector>", {partition}]`), so use string keys
 * and JSON values: strings, finite numbers, booleans, null, arrays and plain objects. A bigint is
 * written as a JSON integer (and read back as a number when it is a safe integer).
 */
export type SourcePartition = Record<string, unknown>;

/** How far a source record's partition has been read (an id, an LSN, a file position), JSON-able. */
export type SourceOffset = Record<string, unknown>;

/** What a {@link SourceRecord} is built from. */
export interface SourceRecordFields extends ConnectRecordFields {
  /** `null` for records without a position (Kafka allows it; such records commit nothing). */
  sourcePartition: SourcePartition | null;
  sourceOffset: SourceOffset | null;
}

/** A record produced by a SourceTask, carrying its source partition and offset. */
export class SourceRecord extends ConnectRecord {
  readonly sourcePartition: SourcePartition | null;
  readonly sourceOffset: SourceOffset | null;

  constructor(fields: SourceRecordFields) {
    super(fields);
    this.sourcePartition = fields.sourcePartition ?? null;
    this.sourceOffset = fields.sourceOffset ?? null;
  }

  override newRecord(changes: Partial<ConnectRecordFields> = {}): this {
    // Added to the fresh object, not spread: see SinkRecord.newRecord.
    const fields = this.changedFields(changes) as SourceRecordFields;
    fields.sourcePartition = this.sourcePartition;
    fields.sourceOffset = this.sourceOffset;
    return new SourceRecord(fields) as this;
  }

  override equals(other: unknown): boolean {
    return (
      super.equals(other) &&
      other instanceof SourceRecord &&
      valuesEqual(this.sourcePartition, other.sourcePartition) &&
      valuesEqual(this.sourceOffset, other.sourceOffset)
    );
  }
}
