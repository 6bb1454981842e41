import {
  DATE_LOGICAL_NAME,
  Decimal,
  type Field,
  Schema,
  SchemaBuilder,
  Struct,
  TIME_LOGICAL_NAME,
} from '@sluice/api';
import { JsonConverter } from '@sluice/converter-json';

/**
 * Redis values ↔ Connect data.
 *
 * Sources: the record schemas of redis-kafka-connect, so consumers of its topics read ours.
 * Sink: how a Connect value becomes the text of a Redis string, hash field or stream field.
 */

/** The key of stream and keys source records: the entry id / the Redis key. */
export const SOURCE_KEY_SCHEMA: Schema = Schema.STRING_SCHEMA;

/** The stream source's value: `id`, `body` (the entry's fields) and `stream`. */
export const STREAM_VALUE_SCHEMA: Schema = SchemaBuilder.struct()
  .name('com.redis.kafka.connect.stream.Value')
  .field('id', Schema.STRING_SCHEMA)
  .field('body', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build())
  .field('stream', Schema.STRING_SCHEMA)
  .build();

/**
 * The keys source's value: the key, its expiry, its type (Redis's TYPE reply) and its value in
 * the field of its type; the others are null. `zset` maps each member to its score.
 */
export const KEYS_VALUE_SCHEMA: Schema = SchemaBuilder.struct()
  .name('com.redis.kafka.connect.keys.Value')
  .field('key', Schema.STRING_SCHEMA)
  .field('ttl', Schema.OPTIONAL_INT64_SCHEMA)
  .field('type', Schema.STRING_SCHEMA)
  .field('hash', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).optional().build())
  .field('string', Schema.OPTIONAL_STRING_SCHEMA)
  .field('json', Schema.OPTIONAL_STRING_SCHEMA)
  .field('list', SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
  .field('set', SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
  .field('zset', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.FLOAT64_SCHEMA).optional().build())
  .build();

/** A key as read by the keys source. `value` is shaped for the field of its type. */
export interface KeyValue {
  readonly key: string;
  readonly type: string;
  /** Absolute expiry in ms since the epoch, or null when the key does not expire. */
  readonly expiresAt: number | null;
  readonly value: unknown;
}

/** Redis TYPE replies → the value field that holds them. */
const TYPE_FIELDS: Readonly<Record<string, string>> = {
  hash: 'hash',
  string: 'string',
  'ReJSON-RL': 'json',
  list: 'list',
  set: 'set',
  zset: 'zset',
};

/** The record value of a key read by the keys source. */
export function keyValueStruct(read: KeyValue): Struct {
  const field = TYPE_FIELDS[read.type];
  return Struct.fromTrustedValues(KEYS_VALUE_SCHEMA, [
    read.key,
    read.expiresAt === null ? null : BigInt(read.expiresAt),
    read.type,
    field === 'hash' ? read.value : null,
    field === 'string' ? read.value : null,
    field === 'json' ? read.value : null,
    field === 'list' ? read.value : null,
    field === 'set' ? read.value : null,
    field === 'zset' ? read.value : null,
  ]);
}

/** The record value of a stream entry. */
export function streamEntryStruct(stream: string, id: string, body: Map<string, string>): Struct {
  return Struct.fromTrustedValues(STREAM_VALUE_SCHEMA, [id, body, stream]);
}

/** Text or bytes as written to Redis. */
export type RedisText = string | Buffer;

const json = new JsonConverter();
json.configure({ 'schemas.enable': 'false' }, false);

/**
 * A value as JSON text, as redis-kafka-connect's JSON writes do (Kafka's JsonConverter without
 * schemas: structs and maps are objects, bytes base64, decimals base64 of the unscaled value).
 */
export function jsonText(schema: Schema | null, value: unknown): Buffer {
  return Buffer.from(json.fromConnectData('', null, schema, value) ?? 'null');
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
/** `.000Z` to `.999Z`: the end of every ISO-8601 timestamp. */
const MILLIS_Z = Array.from({ length: 1000 }, (_, i) => `.${String(i).padStart(3, '0')}Z`);
/** Year 10000: from there on `toISOString` writes six-digit years. */
const YEAR_10000_MS = 253_402_300_800_000;

/** `YYYY-MM-DDTHH:MM:` of the minute written last: a batch's timestamps are mostly near one another. */
let lastMinute = Number.NaN;
let lastMinuteText = '';

/** `YYYY-MM-DDTHH:MM:` of a minute since the epoch (days to a civil date: Howard Hinnant's `civil_from_days`). */
function minuteText(minute: number): string {
  const days = Math.floor(minute / 1440);
  const minuteOfDay = minute - days * 1440;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(minuteOfDay / 60);
  return `${TWO_DIGITS[Math.floor(year / 100)]}${TWO_DIGITS[year % 100]}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T${TWO_DIGITS[hours]}:${TWO_DIGITS[minuteOfDay - hours * 60]}:`;
}

/**
 * `date.toISOString()`, computed with integer arithmetic and the text of the last minute kept:
 * the native method was a quarter of the time spent turning a typical record into HSET
 * arguments, and the calendar arithmetic half of what was left.
 */
export function isoText(date: Date): string {
  const ms = date.getTime();
  if (!(ms >= 0 && ms < YEAR_10000_MS)) return date.toISOString();
  const minute = Math.floor(ms / 60_000);
  if (minute !== lastMinute) {
    lastMinuteText = minuteText(minute);
    lastMinute = minute;
  }
  const rest = ms - minute * 60_000;
  const seconds = Math.floor(rest / 1000);
  return lastMinuteText + TWO_DIGITS[seconds] + MILLIS_Z[rest - seconds * 1000];
}

function dateText(schema: Schema | null, date: Date): string {
  const iso = isoText(date);
  if (schema?.name === DATE_LOGICAL_NAME) return iso.slice(0, 10);
  if (schema?.name === TIME_LOGICAL_NAME) return iso.slice(11, 23);
  return iso;
}

/**
 * A Connect value as the text of a Redis string, hash field or stream field: strings as they
 * are, bytes as they are, numbers and booleans in decimal text, a Decimal in plain notation,
 * a Date as ISO-8601 (Date: `2024-05-01`, Time: `13:45:00.000`, Timestamp:
 * `2024-05-01T13:45:00.000Z`), a struct, map or array as JSON. `null` stays `null`.
 */
export function redisText(schema: Schema | null, value: unknown): RedisText | null {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
  }
  if (value instanceof Uint8Array) {
    return Buffer.isBuffer(value)
      ? value
      : Buffer.from(value.buffer, value.byteOffset, value.length);
  }
  if (value instanceof Decimal) return value.toString();
  if (value instanceof Date) return dateText(schema, value);
  return jsonText(schema, value);
}

/**
 * Appends the field/value pairs of a Struct or map value to `out`, flattened into the argument
 * list of HSET or XADD: one pair per struct field or map entry, values as {@link redisText},
 * text through `encode` (null: as it is, for UTF-8). Null values are left out (a hash field
 * cannot hold null). Returns false (appending nothing) for a value that is neither.
 */
export function appendFieldPairs(
  out: RedisText[],
  schema: Schema | null,
  value: unknown,
  encode: ((text: string) => RedisText) | null,
): boolean {
  if (value instanceof Struct) {
    const fields = value.schema.fields;
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i] as Field;
      const text = redisText(field.schema, value.get(field));
      if (text === null) continue;
      if (encode === null) out.push(field.name, text);
      else out.push(encode(field.name), typeof text === 'string' ? encode(text) : text);
    }
    return true;
  }
  if (value instanceof Map) {
    const keySchema = schema?.keySchema ?? null;
    const valueSchema = schema?.valueSchema ?? null;
    for (const [k, v] of value)
      appendPair(out, redisText(keySchema, k), redisText(valueSchema, v), encode);
    return true;
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    value instanceof Uint8Array ||
    value instanceof Date ||
    value instanceof Decimal
  ) {
    return false;
  }
  // Schemaless JSON objects arrive as plain objects.
  for (const k of Object.keys(value)) {
    appendPair(out, k, redisText(null, (value as Record<string, unknown>)[k]), encode);
  }
  return true;
}

function appendPair(
  out: RedisText[],
  name: RedisText | null,
  text: RedisText | null,
  encode: ((text: string) => RedisText) | null,
): void {
  if (name === null || text === null) return;
  if (encode === null) {
    out.push(name, text);
    return;
  }
  out.push(
    typeof name === 'string' ? encode(name) : name,
    typeof text === 'string' ? encode(text) : text,
  );
}
