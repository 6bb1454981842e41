import type { ConnectRecord, Header, Schema } from '@sluice/api';

/**
 * The half of a record a Key/Value transform variant works on (Kafka's `operatingSchema`,
 * `operatingValue` and `newRecord` trio).
 */
export interface RecordPart {
  /** `key` or `value`, for messages. */
  readonly name: 'key' | 'value';
  schema(record: ConnectRecord): Schema | null;
  value(record: ConnectRecord): unknown;
  /** A copy of the record with this part replaced (and the headers, when given). */
  update<R extends ConnectRecord>(
    record: R,
    schema: Schema | null,
    value: unknown,
    headers?: Iterable<Header>,
  ): R;
}

/** The record key. */
export const KEY: RecordPart = Object.freeze({
  name: 'key',
  schema: (record: ConnectRecord) => record.keySchema,
  value: (record: ConnectRecord) => record.key,
  update<R extends ConnectRecord>(
    record: R,
    schema: Schema | null,
    value: unknown,
    headers?: Iterable<Header>,
  ): R {
    return headers === undefined
      ? record.newRecord({ keySchema: schema, key: value })
      : record.newRecord({ keySchema: schema, key: value, headers });
  },
});

/** The record value. */
export const VALUE: RecordPart = Object.freeze({
  name: 'value',
  schema: (record: ConnectRecord) => record.valueSchema,
  value: (record: ConnectRecord) => record.value,
  update<R extends ConnectRecord>(
    record: R,
    schema: Schema | null,
    value: unknown,
    headers?: Iterable<Header>,
  ): R {
    return headers === undefined
      ? record.newRecord({ valueSchema: schema, value })
      : record.newRecord({ valueSchema: schema, value, headers });
  },
});
