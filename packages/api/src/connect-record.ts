import { ConnectHeaders, type Header } from './headers.js';
import type { Schema } from './schema.js';
import { schemaEquals, valuesEqual } from './schema-equality.js';

/** The fields every record has; what `newRecord` may change. */
export interface ConnectRecordFields {
  topic: string;
  /** The Kafka partition, or `null` to let the producer's partitioner choose (source records). */
  kafkaPartition?: number | null | undefined;
  keySchema?: Schema | null | undefined;
  key?: unknown;
  valueSchema?: Schema | null | undefined;
  /** The value; `null` is a tombstone. */
  value?: unknown;
  /** Milliseconds since the epoch, or `null`. */
  timestamp?: number | null | undefined;
  /** The headers; a `ConnectHeaders` is used as is, any other iterable is copied. */
  headers?: ConnectHeaders | Iterable<Header> | undefined;
}

/**
 * A record flowing through Connect: a topic, optional partition, key and value with their schemas
 * (`null` schemas mean schemaless data), a timestamp and headers. Records are immutable except for
 * their headers; transforms make changed copies with {@link ConnectRecord.newRecord}.
 */
export abstract class ConnectRecord {
  readonly topic: string;
  readonly kafkaPartition: number | null;
  readonly keySchema: Schema | null;
  readonly key: unknown;
  readonly valueSchema: Schema | null;
  readonly value: unknown;
  readonly timestamp: number | null;
  readonly headers: ConnectHeaders;

  constructor(fields: ConnectRecordFields) {
    this.topic = fields.topic;
    this.kafkaPartition = fields.kafkaPartition ?? null;
    this.keySchema = fields.keySchema ?? null;
    this.key = fields.key ?? null;
    this.valueSchema = fields.valueSchema ?? null;
    this.value = fields.value ?? null;
    this.timestamp = fields.timestamp ?? null;
    const headers = fields.headers;
    this.headers = headers instanceof ConnectHeaders ? headers : new ConnectHeaders(headers);
  }

  /**
   * This record's fields with `changes` applied (entries that are `undefined` are ignored) and
   * headers duplicated unless given: what subclasses build `newRecord` from.
   */
  protected changedFields(changes: Partial<ConnectRecordFields>): ConnectRecordFields & {
    headers: ConnectHeaders | Iterable<Header>;
  } {
    return {
      topic: changes.topic ?? this.topic,
      kafkaPartition:
        changes.kafkaPartition !== undefined ? changes.kafkaPartition : this.kafkaPartition,
      keySchema: changes.keySchema !== undefined ? changes.keySchema : this.keySchema,
      key: changes.key !== undefined ? changes.key : this.key,
      valueSchema: changes.valueSchema !== undefined ? changes.valueSchema : this.valueSchema,
      value: changes.value !== undefined ? changes.value : this.value,
      timestamp: changes.timestamp !== undefined ? changes.timestamp : this.timestamp,
      headers: changes.headers ?? this.headers.duplicate(),
    };
  }

  /**
   * A copy of this record of the same kind with some fields changed (Kafka's `newRecord`). Fields
   * not given are kept; headers are duplicated unless given, so the copy can change them freely.
   * Kind-specific fields (source partition and offset, Kafka offset) are always kept.
   */
  abstract newRecord(changes?: Partial<ConnectRecordFields>): this;

  /** Same kind and equal fields, values compared deeply. */
  equals(other: unknown): boolean {
    if (other === this) return true;
    if (!(other instanceof ConnectRecord) || other.constructor !== this.constructor) return false;
    return (
      this.topic === other.topic &&
      this.kafkaPartition === other.kafkaPartition &&
      this.timestamp === other.timestamp &&
      schemaEquals(this.keySchema, other.keySchema) &&
      schemaEquals(this.valueSchema, other.valueSchema) &&
      valuesEqual(this.key, other.key) &&
      valuesEqual(this.value, other.value) &&
      this.headers.equals(other.headers)
    );
  }

  toString(): string {
    return `${this.constructor.name}{topic='${this.topic}', kafkaPartition=${this.kafkaPartition}, key=${String(this.key)}, keySchema=${String(this.keySchema)}, value=${String(this.value)}, valueSchema=${String(this.valueSchema)}, timestamp=${this.timestamp}, headers=${String(this.headers)}}`;
  }
}
