import {
  type ConfigDef,
  ConnectException,
  type Converter,
  DataException,
  NULL_SCHEMA_AND_VALUE,
  RetriableException,
  type Schema,
  type SchemaAndValue,
} from '@sluice/api';
import type avro from 'avsc';
import { avroType } from './avro-type.js';
import {
  AVRO_CONVERTER_CONFIG_DEF,
  type AvroConverterConfig,
  parseAvroConverterConfig,
} from './config.js';
import { DECIMAL_AVRO_TYPE_NAME } from './decimal-type.js';
import { LruCache } from './lru-cache.js';
import {
  type AvroSchemaJson,
  fromConnectSchema,
  recordFullName,
  toConnectSchema,
} from './schema-mapping.js';
import { type SchemaRegistry, SchemaRegistryClient } from './schema-registry-client.js';
import { parseSchemaText, schemaText } from './schema-text.js';
import {
  ANYTHING_SCHEMA,
  ANYTHING_SCHEMA_NAME,
  anythingAvroType,
  isAnythingSchema,
  schemalessFromAvro,
  schemalessToAvro,
} from './schemaless.js';
import { subjectName } from './subject-name-strategy.js';
import { compileFromAvro, compileToAvro, type FromAvro, type ToAvro } from './value-mapping.js';
import { HEADER_SIZE, readSchemaId, writeHeader } from './wire-format.js';

/** Where a record sits, when the caller knows it; named in every exception. */
export interface RecordPosition {
  readonly partition?: number;
  readonly offset?: number;
}

/** A Connect schema's Avro form, computed once. */
interface WriteSchema {
  /** The Connect schema, for messages; "schemaless" for Confluent's Anything schema. */
  readonly label: string;
  /** Compiles the conversion of values into the values avsc writes with `type`. */
  readonly compile: (type: avro.Type) => ToAvro;
  readonly json: AvroSchemaJson;
  readonly text: string;
  readonly type: avro.Type;
  readonly recordName: string | null;
  /** Per topic: the registered schema to write with. */
  readonly targets: Map<string, WriteTarget>;
}

/** How values of one schema are written to one topic. */
interface WriteTarget {
  readonly id: number;
  readonly type: avro.Type;
  /** A top-level `bytes` schema (decimals too): the value is written without Avro's length. */
  readonly rawBytes: boolean;
  readonly toAvro: ToAvro;
  /** When a latest version must be looked up again (ms since epoch), or Infinity. */
  readonly expiresAt: number;
}

/** How messages of one schema id read on one topic become Connect data. */
interface ReadEntry {
  readonly id: number;
  readonly type: avro.Type;
  readonly resolver: avro.Resolver | undefined;
  readonly rawBytes: boolean;
  readonly schema: Schema | null;
  readonly fromAvro: FromAvro;
  readonly expiresAt: number;
}

const INITIAL_SCRATCH = 64 * 1024;

/**
 * Confluent's AvroConverter (`io.confluent.connect.avro.AvroConverter`): Connect data ↔ Avro
 * binary in the Confluent wire format (magic byte 0, 4-byte big-endian schema id, Avro value),
 * schemas registered in and fetched from a Schema Registry. Each method answers synchronously
 * once the schema of the record is known (cached), and with a Promise while it asks the registry.
 */
export class AvroConverter implements Converter {
  private parsed: AvroConverterConfig | null = null;
  private isKey = false;
  private client: SchemaRegistry | null = null;
  private writeCache = new LruCache<Schema, WriteSchema>(1000);
  private writeByText = new LruCache<string, WriteSchema>(1000);
  private readCache = new Map<string, LruCache<number, ReadEntry>>();
  private readonly pending = new Map<string, Promise<unknown>>();
  private scratch = Buffer.alloc(INITIAL_SCRATCH);
  private schemaless: WriteSchema | null = null;

  /**
   * Applies converter configs (`schema.registry.url`, `auto.register.schemas`, ...); a bad config
   * throws one ConfigException listing every key at fault. `client` replaces the registry client
   * (tests, or sharing one client between the key and value converters).
   */
  configure(
    configs: Readonly<Record<string, unknown>>,
    isKey = false,
    client?: SchemaRegistry,
  ): void {
    const parsed = parseAvroConverterConfig(configs);
    this.parsed = parsed;
    this.isKey = isKey;
    this.client =
      client ??
      new SchemaRegistryClient({
        urls: parsed.registryUrls,
        basicAuthUserInfo: parsed.basicAuthUserInfo,
        requestTimeoutMs: parsed.requestTimeoutMs,
        cacheCapacity: parsed.maxSchemasPerSubject,
        latestCacheTtlMs: parsed.latestCacheTtlMs,
        normalize: parsed.normalizeSchemas,
      });
    this.writeCache = new LruCache(parsed.schemasCacheSize);
    this.writeByText = new LruCache(parsed.schemasCacheSize);
    this.readCache = new Map();
    this.schemaless = null;
    this.pending.clear();
  }

  /** The converter's configuration definition (Confluent's AvroConverterConfig and AvroDataConfig keys). */
  config(): ConfigDef<object> {
    return AVRO_CONVERTER_CONFIG_DEF;
  }

  /** The parsed configuration in force. */
  get settings(): AvroConverterConfig {
    return this.configured();
  }

  /** Nothing to release: the registry client holds no connection of its own. */
  close(): void {}

  /**
   * Connect data → Confluent-framed Avro; `null` for a null value. Synchronous once the schema is
   * registered (or looked up) for this topic; a Promise the first time.
   */
  fromConnectData(
    topic: string,
    _headers: unknown,
    schema: Schema | null,
    value: unknown,
    position?: RecordPosition,
  ): Uint8Array | null | Promise<Uint8Array | null> {
    const what = 'Failed to serialize Avro data';
    try {
      if (value === null || value === undefined) {
        if (schema !== null && !schema.optional) {
          throw new DataException('Found null value for non-optional schema');
        }
        return null;
      }
      const written = schema === null ? this.schemalessWriteSchema() : this.writeSchema(schema);
      const target = written.targets.get(topic);
      if (target !== undefined && target.expiresAt > Date.now()) {
        return this.encode(target, value);
      }
      return this.writeTarget(written, topic).then(
        (resolved) => {
          try {
            return this.encode(resolved, value);
          } catch (error) {
            throw wrap(error, what, topic, position);
          }
        },
        (error: unknown) => {
          throw wrap(error, what, topic, position);
        },
      );
    } catch (error) {
      throw wrap(error, what, topic, position);
    }
  }

  /**
   * Confluent-framed Avro → Connect data; null bytes give the schemaless null. Synchronous once
   * the schema id is known for this topic; a Promise the first time.
   */
  toConnectData(
    topic: string,
    _headers: unknown,
    bytes: Uint8Array | null,
    position?: RecordPosition,
  ): SchemaAndValue | Promise<SchemaAndValue> {
    if (bytes === null || bytes === undefined) return NULL_SCHEMA_AND_VALUE;
    const what = 'Failed to deserialize data to Avro';
    try {
      const id = readSchemaId(bytes);
      const entry = this.readEntries(topic).get(id);
      if (entry !== undefined && entry.expiresAt > Date.now()) return this.decode(entry, bytes);
      return this.readEntry(topic, id).then(
        (resolved) => {
          try {
            return this.decode(resolved, bytes);
          } catch (error) {
            throw wrap(error, what, topic, position);
          }
        },
        (error: unknown) => {
          throw wrap(error, what, topic, position);
        },
      );
    } catch (error) {
      throw wrap(error, what, topic, position);
    }
  }

  private configured(): AvroConverterConfig {
    if (this.parsed === null) {
      throw new ConnectException('AvroConverter used before configure()');
    }
    return this.parsed;
  }

  private registry(): SchemaRegistry {
    this.configured();
    return this.client as SchemaRegistry;
  }

  /** The Avro form of a Connect schema (cached by schema object, then by Avro schema text). */
  private writeSchema(schema: Schema): WriteSchema {
    const cached = this.writeCache.get(schema);
    if (cached !== undefined) return cached;
    const options = this.configured();
    const json = fromConnectSchema(schema, options);
    const text = schemaText(json);
    let written = this.writeByText.get(text);
    if (written === undefined) {
      let type: avro.Type;
      try {
        type = avroType(json, { decimals: true });
      } catch (error) {
        throw new DataException(
          `The Avro schema of ${String(schema)} is invalid: ${(error as Error).message}`,
          { cause: error },
        );
      }
      written = {
        label: String(schema),
        compile: (target) => compileToAvro(schema, target, options),
        json,
        text,
        type,
        recordName: recordFullName(json),
        targets: new Map(),
      };
      this.writeByText.set(text, written);
    }
    this.writeCache.set(schema, written);
    return written;
  }

  /** Schemaless values are written with Confluent's Anything schema. */
  private schemalessWriteSchema(): WriteSchema {
    this.schemaless ??= {
      label: 'schemaless',
      compile: () => schemalessToAvro,
      json: ANYTHING_SCHEMA as unknown as AvroSchemaJson,
      text: schemaText(ANYTHING_SCHEMA),
      type: anythingAvroType(),
      recordName: ANYTHING_SCHEMA_NAME,
      targets: new Map(),
    };
    return this.schemaless;
  }

  private subject(topic: string, recordName: string | null): string {
    const options = this.configured();
    const strategy = this.isKey ? options.keySubjectNameStrategy : options.valueSubjectNameStrategy;
    return subjectName(strategy, topic, this.isKey, recordName);
  }

  /** Registers (or looks up) the schema for `topic`, once, however many records ask at once. */
  private writeTarget(written: WriteSchema, topic: string): Promise<WriteTarget> {
    const key = `w\u0000${topic}\u0000${written.text}`;
    return this.once(key, async () => {
      const options = this.configured();
      const client = this.registry();
      const subject = this.subject(topic, written.recordName);
      let target: WriteTarget;
      if (options.autoRegisterSchemas) {
        const id = await client.register(subject, written.text);
        target = this.target(id, written.type, written, Number.POSITIVE_INFINITY);
      } else if (options.useLatestVersion) {
        const latest = await client.latest(subject);
        const latestType = parseRegistered(latest.schema, latest.id);
        if (options.latestCompatibilityStrict) {
          try {
            latestType.type.createResolver(written.type);
          } catch (error) {
            throw new DataException(
              `Incompatible schema: the latest version ${latest.version} of subject ${subject} (id ${latest.id}) cannot read data of ${written.label}. Set latest.compatibility.strict=false to disable this check. ${(error as Error).message}`,
              { cause: error },
            );
          }
        }
        const expiresAt =
          options.latestCacheTtlMs < 0
            ? Number.POSITIVE_INFINITY
            : Date.now() + options.latestCacheTtlMs;
        target = this.target(latest.id, latestType.type, written, expiresAt);
      } else {
        const found = await client.lookup(subject, written.text);
        if (found === null) {
          throw new DataException(
            `Schema not found under subject ${subject} and auto.register.schemas is false: register it first, or set auto.register.schemas=true`,
          );
        }
        target = this.target(found.id, written.type, written, Number.POSITIVE_INFINITY);
      }
      written.targets.set(topic, target);
      return target;
    });
  }

  private target(
    id: number,
    type: avro.Type,
    written: WriteSchema,
    expiresAt: number,
  ): WriteTarget {
    const rawBytes = isBytesType(type);
    return {
      id,
      type,
      rawBytes,
      toAvro: written.compile(rawBytes ? PLAIN_BYTES_TYPE : type),
      expiresAt,
    };
  }

  private encode(target: WriteTarget, value: unknown): Uint8Array {
    const avroValue = target.toAvro(value);
    if (target.rawBytes) {
      // Confluent writes a top-level bytes value (or decimal) as the bytes themselves.
      const raw = avroValue as Uint8Array;
      const out = new Uint8Array(HEADER_SIZE + raw.length);
      writeHeader(out, target.id);
      out.set(raw, HEADER_SIZE);
      return out;
    }
    let end = target.type.encode(avroValue, this.scratch, HEADER_SIZE);
    while (end < 0) {
      // encode answers minus the missing bytes when the value does not fit.
      this.scratch = Buffer.alloc(Math.max(this.scratch.length * 2, this.scratch.length - end));
      end = target.type.encode(avroValue, this.scratch, HEADER_SIZE);
    }
    writeHeader(this.scratch, target.id);
    // Copied out into a Buffer from Node's pool (a Uint8Array), which costs a third of a fresh
    // Uint8Array for a message of about 1 KB; every byte of it is written.
    const out = Buffer.allocUnsafe(end);
    this.scratch.copy(out, 0, 0, end);
    return out;
  }

  private readEntries(topic: string): LruCache<number, ReadEntry> {
    let entries = this.readCache.get(topic);
    if (entries === undefined) {
      entries = new LruCache(this.configured().schemasCacheSize);
      this.readCache.set(topic, entries);
    }
    return entries;
  }

  /** Fetches schema `id` (and the reader schema) for `topic`, once. */
  private readEntry(topic: string, id: number): Promise<ReadEntry> {
    return this.once(`r\u0000${topic}\u0000${id}`, async () => {
      const options = this.configured();
      const client = this.registry();
      const writerText = await client.schemaById(id);
      const writer = parseRegistered(writerText, id);
      const subject = (): string => this.subject(topic, recordFullName(writer.json));
      let entry: ReadEntry;
      if (options.useLatestVersion) {
        const latest = await client.latest(subject());
        const reader = latest.id === id ? writer : parseRegistered(latest.schema, latest.id);
        let resolver: avro.Resolver | undefined;
        if (latest.id !== id) {
          try {
            resolver = reader.type.createResolver(writer.type);
          } catch (error) {
            throw new DataException(
              `Schema ${id} cannot be read as the latest version ${latest.version} (id ${latest.id}) of subject ${subject()}: ${(error as Error).message}`,
              { cause: error },
            );
          }
        }
        const schema = isAnythingSchema(reader.json)
          ? null
          : toConnectSchema(reader.json, options, latest.version);
        const rawBytes = isBytesType(writer.type);
        entry = {
          id,
          type: reader.type,
          resolver,
          rawBytes,
          schema,
          fromAvro:
            schema === null
              ? schemalessFromAvro
              : compileFromAvro(schema, rawBytes ? PLAIN_BYTES_TYPE : reader.type, options),
          expiresAt:
            options.latestCacheTtlMs < 0
              ? Number.POSITIVE_INFINITY
              : Date.now() + options.latestCacheTtlMs,
        };
      } else if (isAnythingSchema(writer.json)) {
        entry = {
          id,
          type: writer.type,
          resolver: undefined,
          rawBytes: false,
          schema: null,
          fromAvro: schemalessFromAvro,
          expiresAt: Number.POSITIVE_INFINITY,
        };
      } else {
        // The registry version stands in for a missing connect.version, as in Confluent's.
        let version: number | null = null;
        try {
          version = (await client.lookup(subject(), writerText))?.version ?? null;
        } catch (error) {
          if (error instanceof RetriableException) throw error;
          version = null; // not registered under this topic's subject: no version to report
        }
        const schema = toConnectSchema(writer.json, options, version);
        const rawBytes = isBytesType(writer.type);
        entry = {
          id,
          type: writer.type,
          resolver: undefined,
          rawBytes,
          schema,
          fromAvro: compileFromAvro(schema, rawBytes ? PLAIN_BYTES_TYPE : writer.type, options),
          expiresAt: Number.POSITIVE_INFINITY,
        };
      }
      this.readEntries(topic).set(id, entry);
      return entry;
    });
  }

  private decode(entry: ReadEntry, bytes: Uint8Array): SchemaAndValue {
    if (entry.rawBytes) {
      return { schema: entry.schema, value: entry.fromAvro(bytes.subarray(HEADER_SIZE)) };
    }
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let decoded: { value: unknown; offset: number };
    try {
      decoded = entry.type.decode(buffer, HEADER_SIZE, entry.resolver);
    } catch (error) {
      throw new DataException(
        `Invalid Avro data for schema id ${entry.id} (${bytes.length} bytes): ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (decoded.offset < 0) {
      throw new DataException(
        `Truncated Avro value for schema id ${entry.id}: the message ends at byte offset ${bytes.length} before the value does`,
      );
    }
    if (decoded.offset !== bytes.length) {
      throw new DataException(
        `Trailing data after the Avro value for schema id ${entry.id}: the value ends at byte offset ${decoded.offset} of ${bytes.length}`,
      );
    }
    return { schema: entry.schema, value: entry.fromAvro(decoded.value) };
  }

  /** Runs `load` once per key while it is in flight: concurrent callers share its promise. */
  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    const running = this.pending.get(key);
    if (running !== undefined) return running as Promise<T>;
    const promise = load().finally(() => this.pending.delete(key));
    this.pending.set(key, promise);
    return promise;
  }
}

/**
 * Whether a top-level value of `type` travels as the bytes themselves: Confluent's serializer
 * writes any schema of Avro type `bytes` (a `decimal` logical type too) without Avro's length
 * prefix, and its deserializer reads such a message's rest as the bytes.
 */
function isBytesType(type: avro.Type): boolean {
  return type.typeName === 'bytes' || type.typeName === DECIMAL_AVRO_TYPE_NAME;
}

/** Plain Avro `bytes`: what the value conversions of a raw top-level value compile against. */
const PLAIN_BYTES_TYPE = avroType('bytes');

/** A registered schema's text, parsed and compiled; a DataException when it is not valid Avro. */
function parseRegistered(text: string, id: number): { json: AvroSchemaJson; type: avro.Type } {
  try {
    const json = parseSchemaText(text) as AvroSchemaJson;
    return { json, type: avroType(json, { decimals: true }) };
  } catch (error) {
    throw new DataException(
      `Schema ${id} from the registry is not a usable Avro schema: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** The exception to throw: same kind (retriable or not), with the topic and position named. */
function wrap(
  error: unknown,
  what: string,
  topic: string,
  position?: RecordPosition,
): ConnectException {
  const where = [`topic ${topic}`];
  if (position?.partition !== undefined) where.push(`partition ${position.partition}`);
  if (position?.offset !== undefined) where.push(`offset ${position.offset}`);
  const detail = error instanceof Error ? error.message : String(error);
  const message = `${what} (${where.join(', ')}): ${detail}`;
  const context = {
    cause: error,
    topic,
    ...(position?.partition === undefined ? {} : { partition: position.partition }),
    ...(position?.offset === undefined ? {} : { offset: position.offset }),
  };
  if (error instanceof RetriableException) return new RetriableException(message, context);
  if (error instanceof ConnectException && !(error instanceof DataException)) {
    return new ConnectException(message, context);
  }
  return new DataException(message, context);
}
