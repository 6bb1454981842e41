import {
  type ConfigDef,
  DataException,
  NULL_SCHEMA_AND_VALUE,
  type Schema,
  type SchemaAndValue,
} from '@sluice/api';
import {
  JSON_CONVERTER_CONFIG_DEF,
  type JsonConverterConfig,
  parseJsonConverterConfig,
} from './config.js';
import { compileDirectReader, type DirectReader } from './direct-reader.js';
import {
  ExactNumber,
  hasUnsafeInteger,
  type JsonValue,
  parseJson,
  parseJsonExact,
} from './json-parser.js';
import {
  compileReader,
  type ReadOptions,
  readSchemaless,
  type ValueReader,
} from './json-reader.js';
import { schemaFromJson, schemaToJson } from './json-schema.js';
import { compileWriter, type ValueWriter, writeSchemaless } from './json-writer.js';
import { LruCache } from './lru-cache.js';

/** Where a record sits, when the caller knows it; named in every DataException. */
export interface RecordPosition {
  readonly partition?: number;
  readonly offset?: number;
}

interface WriteEntry {
  /** `{"schema":<schema json>,"payload":` — the envelope head, built once per schema. */
  readonly head: string;
  /** The head's UTF-8 bytes, encoded once per schema. */
  readonly headBytes: Uint8Array;
  readonly write: ValueWriter;
}

interface ReadEntry {
  readonly schema: Schema | null;
  readonly read: ValueReader;
  /** Reads a compact payload straight into Connect data; null for schemaless. */
  readonly direct: DirectReader | null;
}

/** The schema last read, to recognise the next envelope of the same schema by its bytes. */
interface LastRead {
  readonly schemaText: string;
  readonly entry: ReadEntry;
  /** The UTF-8 bytes of `{"schema":<schemaText>,"payload":`. */
  readonly head: Buffer;
}

const ENVELOPE_HEAD = '{"schema":';
const PAYLOAD_SEPARATOR = ',"payload":';
const NULL_SCHEMA_HEAD = '{"schema":null,"payload":';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** `bytes` as text; invalid UTF-8 is a DataException naming the record. */
function decodeUtf8(
  bytes: Uint8Array,
  topic: string,
  position: RecordPosition | undefined,
): string {
  try {
    return decoder.decode(bytes);
  } catch (error) {
    throw wrap(
      error,
      'Converting byte[] to Kafka Connect data failed: invalid UTF-8',
      topic,
      position,
    );
  }
}

/**
 * Kafka Connect's JsonConverter (`org.apache.kafka.connect.json.JsonConverter`): the same
 * bytes in both directions, with and without the schema envelope. Synchronous.
 * Also a header converter, as in Kafka.
 */
export class JsonConverter {
  private parsed: JsonConverterConfig = parseJsonConverterConfig({});
  private writeCache = new LruCache<Schema, WriteEntry>(1000);
  private readCache = new LruCache<string, ReadEntry>(1000);
  private lastRead: LastRead | undefined;

  /** Applies converter configs (`schemas.enable`, `decimal.format`, ...). */
  configure(configs: Readonly<Record<string, unknown>>, isKey = false): void {
    const withType =
      configs['converter.type'] === undefined
        ? { ...configs, 'converter.type': isKey ? 'key' : 'value' }
        : configs;
    this.parsed = parseJsonConverterConfig(withType);
    this.writeCache = new LruCache(this.parsed.schemasCacheSize);
    this.readCache = new LruCache(this.parsed.schemasCacheSize);
    this.lastRead = undefined;
  }

  /** The converter's configuration definition (Kafka's JsonConverterConfig keys). */
  config(): ConfigDef<object> {
    return JSON_CONVERTER_CONFIG_DEF;
  }

  /** The parsed configuration in force. */
  get settings(): JsonConverterConfig {
    return this.parsed;
  }

  /** Connect data → JSON bytes; `null` for a schemaless null (a tombstone). */
  fromConnectData(
    topic: string,
    _headers: unknown,
    schema: Schema | null,
    value: unknown,
    position?: RecordPosition,
  ): Uint8Array | null {
    if (schema === null && (value === null || value === undefined)) return null;
    try {
      // A Buffer (a Uint8Array), from Node's pool for small messages: no zero-filling.
      if (schema === null || !this.parsed.schemasEnable) {
        return Buffer.from(this.toJsonText(schema, value), 'utf8');
      }
      // The schema's part of the envelope is encoded once per schema: only the payload here.
      const entry = this.writeEntry(schema);
      const payload = entry.write(value);
      const head = entry.headBytes;
      const out = Buffer.allocUnsafe(head.length + Buffer.byteLength(payload, 'utf8') + 1);
      out.set(head);
      const written = out.write(payload, head.length, 'utf8');
      out[head.length + written] = 0x7d; // }
      return out;
    } catch (error) {
      throw wrap(error, 'Converting Kafka Connect data to byte[] failed', topic, position);
    }
  }

  /** JSON bytes → Connect data; null bytes give a schemaless null. */
  toConnectData(
    topic: string,
    _headers: unknown,
    bytes: Uint8Array | null,
    position?: RecordPosition,
  ): SchemaAndValue {
    if (bytes === null || bytes === undefined) return NULL_SCHEMA_AND_VALUE;
    if (this.parsed.schemasEnable) {
      const read = this.readEnvelopeBytes(bytes, topic, position);
      if (read !== undefined) return read;
    }
    const text = decodeUtf8(bytes, topic, position);
    try {
      return this.fromJsonText(text);
    } catch (error) {
      throw wrap(error, 'Converting byte[] to Kafka Connect data failed', topic, position);
    }
  }

  /**
   * The envelope of the schema read last, recognised by its bytes: only the payload is decoded
   * and read. Undefined when the bytes are not that schema's envelope, or the payload is not
   * one JSON value (the general path then reads or reports the whole text).
   */
  private readEnvelopeBytes(
    bytes: Uint8Array,
    topic: string,
    position: RecordPosition | undefined,
  ): SchemaAndValue | undefined {
    const last = this.lastRead;
    if (last === undefined) return undefined;
    const start = last.head.length;
    const end = bytes.length - 1;
    if (end < start || bytes[end] !== 0x7d) return undefined;
    const buffer = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (last.head.compare(buffer, 0, start) !== 0) return undefined;
    const payloadText = decodeUtf8(bytes.subarray(start, end), topic, position);
    const entry = last.entry;
    try {
      return this.readPayload(entry, payloadText);
    } catch (error) {
      throw wrap(error, 'Converting byte[] to Kafka Connect data failed', topic, position);
    }
  }

  /** The payload of an envelope of `entry`'s schema; undefined when it is not one JSON value. */
  private readPayload(entry: ReadEntry, payloadText: string): SchemaAndValue | undefined {
    if (entry.direct !== null) {
      const value = entry.direct(payloadText);
      if (value !== undefined) return { schema: entry.schema, value };
    }
    const payload = parsePayload(payloadText);
    return payload === undefined ? undefined : { schema: entry.schema, value: entry.read(payload) };
  }

  /** HeaderConverter: a header value → JSON bytes, as `fromConnectData`. */
  fromConnectHeader(
    topic: string,
    _headerKey: string,
    schema: Schema | null,
    value: unknown,
  ): Uint8Array | null {
    return this.fromConnectData(topic, null, schema, value);
  }

  /** HeaderConverter: JSON bytes → a header value, as `toConnectData`. */
  toConnectHeader(topic: string, _headerKey: string, bytes: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, null, bytes);
  }

  /** Nothing to release. */
  close(): void {}

  /** The JSON text (envelope included when schemas are enabled) of one value. */
  toJsonText(schema: Schema | null, value: unknown): string {
    if (schema === null) {
      const payload = writeSchemaless(value);
      return this.parsed.schemasEnable ? `${NULL_SCHEMA_HEAD}${payload}}` : payload;
    }
    const entry = this.writeEntry(schema);
    return this.parsed.schemasEnable ? `${entry.head}${entry.write(value)}}` : entry.write(value);
  }

  private writeEntry(schema: Schema): WriteEntry {
    let entry = this.writeCache.get(schema);
    if (entry === undefined) {
      const write = compileWriter(schema, this.parsed);
      const head = this.parsed.schemasEnable
        ? `${ENVELOPE_HEAD}${schemaToJson(schema, this.parsed)}${PAYLOAD_SEPARATOR}`
        : '';
      entry = { head, headBytes: encoder.encode(head), write };
      this.writeCache.set(schema, entry);
    }
    return entry;
  }

  /** Connect data of one JSON document (envelope expected when schemas are enabled). */
  fromJsonText(text: string): SchemaAndValue {
    if (!this.parsed.schemasEnable) {
      if (text.trim() === '') return NULL_SCHEMA_AND_VALUE; // Jackson reads no content as "missing"
      return { schema: null, value: parseSchemaless(text) };
    }
    return this.readEnvelopeFast(text) ?? this.readEnvelope(parseJson(text));
  }

  /**
   * Kafka writes envelopes compactly as `{"schema":S,"payload":P}`. When the text has that
   * shape and S is a schema already seen, only P is parsed: the schema text is the cache key.
   */
  private readEnvelopeFast(text: string): SchemaAndValue | undefined {
    if (!text.startsWith(ENVELOPE_HEAD) || text.charCodeAt(text.length - 1) !== 0x7d) {
      return undefined;
    }
    // Most topics carry one schema: compare in place with the last one before slicing and
    // hashing the schema text for the cache.
    const last = this.lastRead;
    if (
      last !== undefined &&
      text.startsWith(last.schemaText, ENVELOPE_HEAD.length) &&
      text.startsWith(PAYLOAD_SEPARATOR, ENVELOPE_HEAD.length + last.schemaText.length)
    ) {
      const start = ENVELOPE_HEAD.length + last.schemaText.length + PAYLOAD_SEPARATOR.length;
      const read = this.readPayload(last.entry, text.slice(start, -1));
      if (read !== undefined) return read;
    }
    let separator = text.indexOf(PAYLOAD_SEPARATOR, ENVELOPE_HEAD.length);
    while (separator !== -1) {
      const schemaText = text.slice(ENVELOPE_HEAD.length, separator);
      const entry = this.readCache.get(schemaText) ?? this.compileSchemaText(schemaText);
      if (entry !== undefined) {
        const read = this.readPayload(entry, text.slice(separator + PAYLOAD_SEPARATOR.length, -1));
        if (read === undefined) return undefined;
        if (this.lastRead?.schemaText !== schemaText) {
          const head = Buffer.from(`${ENVELOPE_HEAD}${schemaText}${PAYLOAD_SEPARATOR}`, 'utf8');
          this.lastRead = { schemaText, entry, head };
        }
        return read;
      }
      separator = text.indexOf(PAYLOAD_SEPARATOR, separator + 1);
    }
    return undefined;
  }

  /** Compiles a candidate schema text, or undefined when it is not one whole JSON value. */
  private compileSchemaText(schemaText: string): ReadEntry | undefined {
    let json: JsonValue;
    try {
      json = parseJson(schemaText);
    } catch {
      return undefined;
    }
    if (json !== null && (typeof json !== 'object' || Array.isArray(json))) return undefined;
    const entry = this.readEntry(json);
    this.readCache.set(schemaText, entry);
    return entry;
  }

  private readEntry(schemaJson: JsonValue): ReadEntry {
    const options: ReadOptions = this.parsed;
    const schema = schemaFromJson(schemaJson, options);
    if (schema === null) return { schema, read: readSchemaless, direct: null };
    return {
      schema,
      read: compileReader(schema, options),
      direct: compileDirectReader(schema, options),
    };
  }

  private readEnvelope(json: JsonValue): SchemaAndValue {
    if (
      typeof json !== 'object' ||
      json === null ||
      Array.isArray(json) ||
      json instanceof ExactNumber ||
      Object.keys(json).length !== 2 ||
      !Object.hasOwn(json, 'schema') ||
      !Object.hasOwn(json, 'payload')
    ) {
      throw new DataException(
        'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.',
      );
    }
    const schemaJson = json.schema as JsonValue;
    let key: string | undefined;
    try {
      key = JSON.stringify(schemaJson);
    } catch {
      key = undefined; // a bigint default: not cacheable by text, compile it each time
    }
    let entry = key === undefined ? undefined : this.readCache.get(key);
    if (entry === undefined) {
      entry = this.readEntry(schemaJson);
      if (key !== undefined) this.readCache.set(key, entry);
    }
    return { schema: entry.schema, value: entry.read(json.payload) };
  }
}

/** The payload of a simple envelope, or undefined when it is not one JSON value (the general path reports it). */
function parsePayload(payloadText: string): JsonValue | undefined {
  try {
    return parseJson(payloadText);
  } catch {
    return undefined;
  }
}

/**
 * Schemaless JSON → plain JS, losslessly: `JSON.parse`, whose output is the answer unless it
 * holds an integer beyond 2^53 (then the exact parser reads the text again; it keeps such
 * integers as bigints, and reads every other number as the same double `JSON.parse` gives).
 */
function parseSchemaless(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Leading zeros or malformed: the exact parser decides and reports.
    return readSchemaless(parseJsonExact(text));
  }
  return hasUnsafeInteger(value) ? readSchemaless(parseJsonExact(text)) : value;
}

function wrap(
  error: unknown,
  what: string,
  topic: string,
  position?: RecordPosition,
): DataException {
  const where = [`topic ${topic}`];
  if (position?.partition !== undefined) where.push(`partition ${position.partition}`);
  if (position?.offset !== undefined) where.push(`offset ${position.offset}`);
  const detail = error instanceof Error ? error.message : String(error);
  return new DataException(`${what} (${where.join(', ')}): ${detail}`, {
    cause: error,
    topic,
    ...(position?.partition === undefined ? {} : { partition: position.partition }),
    ...(position?.offset === undefined ? {} : { offset: position.offset }),
  });
}
