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
import {
  ExactNumber,
  isDoubleSafe,
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
  readonly write: ValueWriter;
}

interface ReadEntry {
  readonly schema: Schema | null;
  readonly read: ValueReader;
}

const ENVELOPE_HEAD = '{"schema":';
const PAYLOAD_SEPARATOR = ',"payload":';
const NULL_SCHEMA_HEAD = '{"schema":null,"payload":';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Kafka Connect's JsonConverter (`org.apache.kafka.connect.json.JsonConverter`): the same
 * bytes in both directions, with and without the schema envelope. Synchronous.
 * Also a header converter, as in Kafka.
 */
export class JsonConverter {
  private parsed: JsonConverterConfig = parseJsonConverterConfig({});
  private writeCache = new LruCache<Schema, WriteEntry>(1000);
  private readCache = new LruCache<string, ReadEntry>(1000);
  private lastRead: { readonly schemaText: string; readonly entry: ReadEntry } | undefined;

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
      return encoder.encode(this.toJsonText(schema, value));
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
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch (error) {
      throw wrap(
        error,
        'Converting byte[] to Kafka Connect data failed: invalid UTF-8',
        topic,
        position,
      );
    }
    try {
      return this.fromJsonText(text);
    } catch (error) {
      throw wrap(error, 'Converting byte[] to Kafka Connect data failed', topic, position);
    }
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
      entry = { head, write };
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
      const payload = parsePayload(text.slice(start, -1));
      if (payload !== undefined)
        return { schema: last.entry.schema, value: last.entry.read(payload) };
    }
    let separator = text.indexOf(PAYLOAD_SEPARATOR, ENVELOPE_HEAD.length);
    while (separator !== -1) {
      const schemaText = text.slice(ENVELOPE_HEAD.length, separator);
      const entry = this.readCache.get(schemaText) ?? this.compileSchemaText(schemaText);
      if (entry !== undefined) {
        const payload = parsePayload(text.slice(separator + PAYLOAD_SEPARATOR.length, -1));
        if (payload === undefined) return undefined;
        this.lastRead = { schemaText, entry };
        return { schema: entry.schema, value: entry.read(payload) };
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
    return { schema, read: schema === null ? readSchemaless : compileReader(schema, options) };
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

/** Schemaless JSON → plain JS, losslessly; `JSON.parse` output needs no further walk. */
function parseSchemaless(text: string): unknown {
  if (isDoubleSafe(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // Leading zeros or malformed: the exact parser decides and reports.
    }
  }
  return readSchemaless(parseJsonExact(text));
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
