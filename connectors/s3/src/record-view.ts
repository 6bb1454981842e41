import {
  ConnectHeaders,
  DataException,
  Decimal,
  type Header,
  type Schema,
  SchemaBuilder,
  Schema as Schemas,
  type SinkRecord,
  Struct,
} from '@sluice/api';

/** Which part of a record an object holds: the value, the key or the headers (Confluent's RecordView). */
export type RecordView = 'value' | 'key' | 'headers';

/** The infix before the format extension: `topic+0+0000000000.keys.avro`. */
export const VIEW_EXTENSIONS: Record<RecordView, string> = {
  value: '',
  key: '.keys',
  headers: '.headers',
};

/** One header as Confluent writes it: key and value as strings. */
export const SINGLE_HEADER_SCHEMA = SchemaBuilder.struct()
  .field('key', Schemas.STRING_SCHEMA)
  .field('value', Schemas.STRING_SCHEMA)
  .build();

/** The headers view: an array of key/value structs. */
export const HEADERS_SCHEMA = SchemaBuilder.array(SINGLE_HEADER_SCHEMA).build();

/** The headers view enveloped (JSON): `{"headers": [...]}`. */
export const ENVELOPED_HEADERS_SCHEMA = SchemaBuilder.struct()
  .name('RecordHeaders')
  .field('headers', HEADERS_SCHEMA)
  .build();

function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** A header value as a string (Kafka's `Values.convertToString`, for the common types). */
export function headerValueToString(value: unknown): string {
  if (value === null || value === undefined) {
    throw new DataException('A header with a null value cannot be stored');
  }
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return bytesToBase64(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Decimal) return value.toString();
  if (value instanceof Struct) return value.toString();
  if (value instanceof Map) {
    return `{${[...value].map(([k, v]) => `${headerValueToString(k)}=${headerValueToString(v)}`).join(', ')}}`;
  }
  if (Array.isArray(value)) return `[${value.map(headerValueToString).join(', ')}]`;
  return String(value);
}

/** The schema and value of `view` for a record; headers enveloped when `envelop` (JSON files). */
export function viewOf(
  view: RecordView,
  record: SinkRecord,
  envelop: boolean,
): { schema: Schema | null; value: unknown } {
  switch (view) {
    case 'value':
      return { schema: record.valueSchema, value: record.value };
    case 'key':
      return { schema: record.keySchema, value: record.key };
    case 'headers': {
      const list = [...record.headers].map((h: Header) =>
        new Struct(SINGLE_HEADER_SCHEMA)
          .put('key', h.key)
          .put('value', headerValueToString(h.value)),
      );
      if (!envelop) return { schema: HEADERS_SCHEMA, value: list };
      return {
        schema: ENVELOPED_HEADERS_SCHEMA,
        value: new Struct(ENVELOPED_HEADERS_SCHEMA).put('headers', list),
      };
    }
  }
}

function field(item: unknown, name: string): unknown {
  if (item instanceof Struct) return item.get(name);
  if (item instanceof Map) return item.get(name);
  if (item !== null && typeof item === 'object') return (item as Record<string, unknown>)[name];
  return undefined;
}

/**
 * Headers read back from a headers object value: the array of `{key, value}` (Avro, Parquet) or
 * its `{"headers": [...]}` envelope (JSON, read schemaless).
 */
export function headersFromView(value: unknown): ConnectHeaders {
  const headers = new ConnectHeaders();
  const list = Array.isArray(value) ? value : field(value, 'headers');
  if (!Array.isArray(list)) throw new DataException('Not a headers record');
  for (const item of list) {
    const key = field(item, 'key');
    const v = field(item, 'value');
    headers.addString(String(key), v === null || v === undefined ? null : String(v));
  }
  return headers;
}
