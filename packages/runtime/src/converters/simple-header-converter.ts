import { ConfigDef, type HeaderConverter, Schema, type SchemaAndValue, Struct } from '@sluice/api';

const NO_SETTINGS = new ConfigDef();

function render(value: unknown): unknown {
  if (value instanceof Struct) {
    const out: Record<string, unknown> = {};
    for (const f of value.schema.fields) out[f.name] = render(value.get(f.name));
    return out;
  }
  if (value instanceof Map)
    return Object.fromEntries([...value].map(([k, v]) => [String(k), render(v)]));
  if (Array.isArray(value)) return value.map(render);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  return value;
}

/**
 * Kafka's default header converter: values as their string form (structs, maps and arrays
 * as JSON, bytes as base64); bytes read back as the narrowest type that parses — BOOLEAN,
 * INT8..INT64, FLOAT64 — else STRING.
 */
export class SimpleHeaderConverter implements HeaderConverter {
  configure(_configs: Record<string, unknown>): void {}

  config(): ConfigDef<object> {
    return NO_SETTINGS;
  }

  fromConnectHeader(
    _topic: string,
    _key: string,
    _schema: Schema | null,
    value: unknown,
  ): Uint8Array | null {
    if (value === null || value === undefined) return null;
    if (typeof value === 'string') return Buffer.from(value, 'utf8');
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
      return Buffer.from(String(value), 'utf8');
    const rendered = render(value);
    return Buffer.from(typeof rendered === 'string' ? rendered : JSON.stringify(rendered), 'utf8');
  }

  toConnectHeader(_topic: string, _key: string, value: Uint8Array | null): SchemaAndValue {
    if (value === null) return { schema: null, value: null };
    const text = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
    if (text === 'true' || text === 'false')
      return { schema: Schema.BOOLEAN_SCHEMA, value: text === 'true' };
    if (/^-?\d+$/.test(text) && text.length < 21) {
      const n = BigInt(text);
      if (n >= -128n && n <= 127n) return { schema: Schema.INT8_SCHEMA, value: Number(n) };
      if (n >= -32768n && n <= 32767n) return { schema: Schema.INT16_SCHEMA, value: Number(n) };
      if (n >= -2147483648n && n <= 2147483647n)
        return { schema: Schema.INT32_SCHEMA, value: Number(n) };
      if (n >= -(2n ** 63n) && n < 2n ** 63n) return { schema: Schema.INT64_SCHEMA, value: n };
    }
    if (/^-?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$/.test(text) && Number.isFinite(Number(text))) {
      return { schema: Schema.FLOAT64_SCHEMA, value: Number(text) };
    }
    return { schema: Schema.STRING_SCHEMA, value: text };
  }

  close(): void {}
}
