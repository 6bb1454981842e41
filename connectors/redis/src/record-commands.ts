import { DataException, Decimal, type SinkRecord } from '@sluice/api';
import type { RedisArg, RedisCommand } from './command-pipeline.js';
import { type SinkCommand, type SinkConfig, TOPIC_TOKEN } from './config.js';
import { appendFieldPairs, jsonText, type RedisText, redisText } from './schema-mapping.js';

/** The record header that sets one record's time to live (seconds), as in redis-kafka-connect. */
export const TTL_HEADER = 'redis.key.ttl';

/** Commands that write the key `keyspace + separator + record key`; the others write `keyspace`. */
const KEYED: ReadonlySet<SinkCommand> = new Set(['HSET', 'SET', 'JSONSET', 'DEL']);

/** Where a record came from, for error messages. */
export function recordPosition(record: SinkRecord): string {
  return `(topic='${record.topic}', partition=${record.kafkaPartition}, offset=${record.kafkaOffset})`;
}

/** A DataException about `record`, naming its topic, partition and offset. */
export function recordError(record: SinkRecord, message: string, cause?: unknown): DataException {
  return new DataException(`${message} ${recordPosition(record)}`, {
    record,
    ...(cause === undefined ? {} : { cause }),
  });
}

const FLOAT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$|^[+-]?inf$/i;

/** A score or sample value: any number, as Redis parses it. */
function numberText(value: unknown): string | null {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return null;
    return value === Number.POSITIVE_INFINITY
      ? '+inf'
      : value === -Infinity
        ? '-inf'
        : String(value);
  }
  if (typeof value === 'bigint' || value instanceof Decimal) return value.toString();
  if (typeof value === 'string' && FLOAT.test(value.trim())) return value.trim();
  return null;
}

/** A sample time: an integer (ms since the epoch), or a Date (a Timestamp key). */
function timestampText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return String(value);
  if (typeof value === 'bigint' && value >= 0n) return value.toString();
  if (value instanceof Date && !Number.isNaN(value.getTime())) return String(value.getTime());
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return value.trim();
  return null;
}

/** A TTL header value in seconds, or null when it is not a whole number. */
function ttlSeconds(value: unknown): number | null {
  const text =
    value instanceof Uint8Array ? Buffer.from(value).toString('utf8').trim() : String(value).trim();
  return /^-?\d+$/.test(text) ? Number(text) : null;
}

const isStructured = (value: unknown) =>
  typeof value === 'object' &&
  value !== null &&
  !(value instanceof Uint8Array || value instanceof Decimal || value instanceof Date);

/**
 * Turns sink records into Redis commands, as `redis.command` says, the way redis-kafka-connect
 * does: keys from `redis.keyspace` (`${topic}` replaced) + `redis.separator` + the record key;
 * a null value (tombstone) deletes what the record would have written (DEL of the key, LREM /
 * SREM / ZREM of the member); an EXPIRE follows each write when a TTL applies.
 */
export class RecordCommands {
  /** By topic: `keyspace` (collections) or `keyspace + separator` (keyed commands). */
  private readonly keyspaces = new Map<string, string>();
  private readonly encode: (text: string) => RedisText;
  /** `encode`, or null when text goes as it is (UTF-8, what ioredis writes). */
  private readonly encodeOrNull: ((text: string) => RedisText) | null;
  private readonly keyed: boolean;
  /** The name of the write command sent to the server. */
  private readonly commandName: string;

  constructor(private readonly config: SinkConfig) {
    this.encode =
      config.charset === 'utf8' ? (text) => text : (text) => Buffer.from(text, 'latin1');
    this.encodeOrNull = config.charset === 'utf8' ? null : this.encode;
    this.keyed = KEYED.has(config.command);
    this.commandName =
      config.command === 'JSONSET'
        ? 'JSON.SET'
        : config.command === 'TSADD'
          ? 'TS.ADD'
          : config.command;
  }

  /** Appends the commands of `record` to `out`; throws a DataException when it cannot be written. */
  plan(record: SinkRecord, out: RedisCommand[]): void {
    const { command } = this.config;
    const key = this.keyed ? this.recordKey(record) : this.collectionKey(record);
    const value = record.value;
    if (command === 'DEL') {
      out.push({ name: 'DEL', key, args: [key] });
      return;
    }
    if (value === null && command !== 'TSADD' && command !== 'XADD') {
      out.push(this.removal(record, key));
      return;
    }
    out.push({ name: this.commandName, key, args: this.writeArgs(record, key) });
    const ttl = this.ttl(record);
    if (ttl > 0) out.push({ name: 'EXPIRE', key, args: [key, ttl] });
  }

  private writeArgs(record: SinkRecord, key: RedisText): RedisArg[] {
    const { value, valueSchema } = record;
    switch (this.config.command) {
      case 'HSET':
      case 'XADD': {
        const args: RedisArg[] = this.config.command === 'HSET' ? [key] : [key, '*'];
        const before = args.length;
        if (!appendFieldPairs(args as RedisText[], valueSchema, value, this.encodeOrNull)) {
          throw recordError(
            record,
            `${this.config.command} needs a Struct or map value (one field per struct field or map entry), not ${describe(value)}; use a converter with schemas or schemaless JSON`,
          );
        }
        if (args.length === before) {
          throw recordError(
            record,
            `${this.config.command} got a value without any non-null field to write`,
          );
        }
        return args;
      }
      case 'SET': {
        if (isStructured(value)) {
          throw recordError(
            record,
            `SET writes a string or bytes value, not ${describe(value)}; use JSONSET or HSET, or a converter that gives strings or bytes`,
          );
        }
        return [key, this.text(redisText(valueSchema, value) as RedisText)];
      }
      case 'JSONSET': {
        const json =
          typeof value === 'string'
            ? this.encode(value)
            : value instanceof Uint8Array
              ? (redisText(null, value) as Buffer)
              : jsonText(valueSchema, value);
        return [key, '$', json];
      }
      case 'LPUSH':
      case 'RPUSH':
      case 'SADD':
        return [key, this.member(record)];
      case 'ZADD':
        return [key, this.number(record, 'score'), this.member(record)];
      case 'TSADD': {
        const at = timestampText(record.key);
        if (at === null) {
          throw recordError(
            record,
            `TSADD takes the sample time from the record key, which must be an integer (ms since the epoch) or a Timestamp, not ${describe(record.key)}`,
          );
        }
        return [key, at, this.number(record, 'sample value')];
      }
      default:
        throw new Error(`no arguments for ${this.config.command}`);
    }
  }

  /** What a tombstone does: delete the key, or remove the member from the collection. */
  private removal(record: SinkRecord, key: RedisText): RedisCommand {
    switch (this.config.command) {
      case 'LPUSH':
      case 'RPUSH':
        return { name: 'LREM', key, args: [key, 0, this.member(record)] };
      case 'SADD':
        return { name: 'SREM', key, args: [key, this.member(record)] };
      case 'ZADD':
        return { name: 'ZREM', key, args: [key, this.member(record)] };
      default:
        return { name: 'DEL', key, args: [key] };
    }
  }

  private text(text: RedisText): RedisText {
    return typeof text === 'string' ? this.encode(text) : text;
  }

  private number(record: SinkRecord, what: string): string {
    if (record.value === null) {
      throw recordError(
        record,
        `${this.config.command} needs a number value as the ${what}, and the record has a null value`,
      );
    }
    const text = numberText(record.value);
    if (text === null) {
      throw recordError(
        record,
        `${this.config.command} takes the ${what} from the record value, which must be a number, not ${describe(record.value)}`,
      );
    }
    return text;
  }

  /** The record key as a collection member: a string, bytes or a number. */
  private member(record: SinkRecord): RedisText {
    const { key } = record;
    if (key === null || isStructured(key)) {
      throw recordError(
        record,
        `${this.config.command} adds the record key as a member, which must be a string, bytes or a number, not ${describe(key)}`,
      );
    }
    return this.text(redisText(record.keySchema, key) as RedisText);
  }

  /** `keyspace` of the record's topic: the key of a collection (stream, list, set, ...). */
  private collectionKey(record: SinkRecord): RedisText {
    return this.encode(this.keyspace(record.topic));
  }

  /** `keyspace + separator + record key`, or the record key alone with an empty keyspace. */
  private recordKey(record: SinkRecord): RedisText {
    const { key } = record;
    if (key === null || isStructured(key)) {
      throw recordError(
        record,
        `${this.config.command} needs the record key to name the Redis key: a string, bytes or a number, not ${describe(key)}`,
      );
    }
    const keyText = redisText(record.keySchema, key) as RedisText;
    const prefix = this.keyspace(record.topic);
    if (prefix === '') return this.text(keyText);
    if (typeof keyText === 'string') return this.encode(prefix + keyText);
    return Buffer.concat([Buffer.from(prefix, this.config.charset), keyText]);
  }

  /** The keyspace of `topic`, followed by the separator for keyed commands (unless empty). */
  private keyspace(topic: string): string {
    let keyspace = this.keyspaces.get(topic);
    if (keyspace === undefined) {
      keyspace = this.config.keyspace.replaceAll(TOPIC_TOKEN, topic);
      if (this.keyed && keyspace !== '') keyspace += this.config.separator;
      this.keyspaces.set(topic, keyspace);
    }
    return keyspace;
  }

  /** Seconds to live: the record's `redis.key.ttl` header when positive, else `redis.key.ttl`. */
  private ttl(record: SinkRecord): number {
    const header = record.headers.lastWithName(TTL_HEADER);
    if (header !== null && header.value !== null) {
      const seconds = ttlSeconds(header.value);
      if (seconds === null) {
        throw recordError(
          record,
          `The ${TTL_HEADER} header must be a whole number of seconds, not ${describe(header.value)}`,
        );
      }
      if (seconds > 0) return seconds;
    }
    return this.config.keyTtlSeconds;
  }
}

/** A value's kind for messages (never its content: values stay out of logs): `a Struct`. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Map) return 'a map';
  if (typeof value === 'object') {
    const name = value.constructor?.name;
    return name === undefined || name === 'Object' ? 'an object' : `a ${name}`;
  }
  return `a ${typeof value}`;
}
