import {
  ConfigDef,
  ConfigException,
  type ConfigProblem,
  type ConfigValue,
  type ConnectorProps,
  MatchesPattern,
  NonEmptyString,
  type ParsedConfig,
  Range,
  ValidString,
} from '@sluice/api';
import {
  type ConnectionSettings,
  connectionProblems,
  connectionSettings,
  defineConnection,
} from './connection-config.js';

const WRITES_GROUP = 'Writes';
const STREAM_GROUP = 'Stream';
const KEYS_GROUP = 'Keys';

/** The sink's commands, by their redis-kafka-connect 0.x names (`redis.command`). */
export const SINK_COMMANDS = [
  'HSET',
  'JSONSET',
  'TSADD',
  'SET',
  'XADD',
  'LPUSH',
  'RPUSH',
  'SADD',
  'ZADD',
  'DEL',
] as const;
export type SinkCommand = (typeof SINK_COMMANDS)[number];

/** redis-kafka-connect 1.x names the data structure instead (`redis.type`); LIST appends (RPUSH). */
export const SINK_TYPES: Readonly<Record<string, SinkCommand>> = {
  HASH: 'HSET',
  JSON: 'JSONSET',
  TIMESERIES: 'TSADD',
  STRING: 'SET',
  STREAM: 'XADD',
  LIST: 'RPUSH',
  SET: 'SADD',
  ZSET: 'ZADD',
};

/** The placeholder of the topic name in `redis.keyspace`. */
export const TOPIC_TOKEN = '${topic}';
/** The placeholder of the stream name in the stream source's `topic`. */
export const STREAM_TOKEN = '${stream}';
/** The placeholder of the task id in `redis.stream.consumer.name`. */
export const TASK_TOKEN = '${task}';

/** Character sets `redis.charset` accepts (Java names), as Node encodings. */
const CHARSETS: Readonly<Record<string, 'utf8' | 'latin1'>> = {
  'utf-8': 'utf8',
  utf8: 'utf8',
  'iso-8859-1': 'latin1',
  iso8859_1: 'latin1',
  latin1: 'latin1',
};

const STREAM_ID = /^(\$|\d+(-\d+)?)$/;

/** The sink connector's configuration (also accepted as redis-kafka-connect's RedisSinkConnector's). */
export const SINK_CONFIG_DEF = defineConnection(new ConfigDef())
  .define('redis.command', {
    type: 'STRING',
    default: null,
    validator: ValidString.caseInsensitive(...SINK_COMMANDS),
    importance: 'HIGH',
    documentation:
      'The command each record becomes (redis-kafka-connect 0.x key). Unset, with `redis.type` unset too: `XADD`. HSET, SET, JSONSET and DEL write the key `keyspace + separator + record key`; XADD, LPUSH, RPUSH, SADD, ZADD and TSADD write the key `keyspace`.',
    group: WRITES_GROUP,
    orderInGroup: 1,
  })
  .define('redis.type', {
    type: 'STRING',
    default: null,
    validator: ValidString.caseInsensitive(...Object.keys(SINK_TYPES)),
    importance: 'HIGH',
    documentation:
      'The data structure to write (redis-kafka-connect 1.x key), another way to say `redis.command`: HASH = HSET, JSON = JSONSET, TIMESERIES = TSADD, STRING = SET, STREAM = XADD, LIST = RPUSH, SET = SADD, ZSET = ZADD.',
    group: WRITES_GROUP,
    orderInGroup: 2,
  })
  .define('redis.keyspace', {
    type: 'STRING',
    default: null,
    importance: 'MEDIUM',
    documentation:
      'Prefix of the keys written (HSET, SET, JSONSET, DEL), or the one key written (collections); `${topic}` is replaced by the record’s topic. Unset: `${topic}`. Empty: the record key alone is the key. `redis.key` is its redis-kafka-connect 0.x name.',
    group: WRITES_GROUP,
    orderInGroup: 3,
  })
  .define('redis.key', {
    type: 'STRING',
    default: null,
    importance: 'LOW',
    documentation: 'The redis-kafka-connect 0.x name of `redis.keyspace`.',
    group: WRITES_GROUP,
    orderInGroup: 4,
  })
  .define('redis.separator', {
    type: 'STRING',
    default: ':',
    importance: 'MEDIUM',
    documentation: 'Put between the keyspace and the record key.',
    group: WRITES_GROUP,
    orderInGroup: 5,
  })
  .define('redis.multiexec', {
    type: 'BOOLEAN',
    default: false,
    importance: 'MEDIUM',
    documentation:
      'Wrap the commands of each `put()` in MULTI/EXEC, so other clients see all of them or none (per hash slot in a cluster, where a transaction cannot span slots).',
    group: WRITES_GROUP,
    orderInGroup: 6,
  })
  .define('redis.multi.exec', {
    type: 'BOOLEAN',
    default: null,
    importance: 'LOW',
    documentation: 'Another spelling of `redis.multiexec`.',
    group: WRITES_GROUP,
    orderInGroup: 7,
  })
  .define('redis.wait.replicas', {
    type: 'INT',
    default: 0,
    validator: Range.atLeast(0),
    importance: 'MEDIUM',
    documentation:
      'After each `put()`, WAIT until this many replicas acknowledged the writes (per master); fewer within `redis.wait.timeout` fails the batch as retriable. 0: no WAIT.',
    group: WRITES_GROUP,
    orderInGroup: 8,
  })
  .define('redis.wait.timeout', {
    type: 'LONG',
    default: 1000,
    validator: Range.atLeast(0),
    importance: 'MEDIUM',
    documentation: 'Timeout of that WAIT, in milliseconds.',
    group: WRITES_GROUP,
    orderInGroup: 9,
  })
  .define('redis.key.ttl', {
    type: 'LONG',
    default: -1,
    validator: Range.atLeast(-1),
    importance: 'MEDIUM',
    documentation:
      'Time to live in seconds set (EXPIRE) on each key written; a record header `redis.key.ttl` overrides it for its record. -1: no expiry.',
    group: WRITES_GROUP,
    orderInGroup: 10,
  })
  .define('redis.charset', {
    type: 'STRING',
    default: 'UTF-8',
    validator: (value: unknown) =>
      CHARSETS[String(value).trim().toLowerCase()] === undefined
        ? 'supported character sets: UTF-8, ISO-8859-1'
        : undefined,
    importance: 'HIGH',
    documentation: 'Character set of the keys and text values written: `UTF-8` or `ISO-8859-1`.',
    group: WRITES_GROUP,
    orderInGroup: 11,
  });

/** The stream source's configuration (also redis-kafka-connect's RedisStreamSourceConnector's). */
export const STREAM_SOURCE_CONFIG_DEF = defineConnection(new ConfigDef())
  .define('redis.stream.name', {
    type: 'STRING',
    validator: new NonEmptyString(),
    importance: 'HIGH',
    documentation: 'The stream to read.',
    group: STREAM_GROUP,
    orderInGroup: 1,
  })
  .define('topic', {
    type: 'STRING',
    default: STREAM_TOKEN,
    validator: new NonEmptyString(),
    importance: 'MEDIUM',
    documentation:
      'The topic to write to; `${stream}` is replaced by the stream name (`redis_${stream}` → `redis_orders`).',
    group: STREAM_GROUP,
    orderInGroup: 2,
  })
  .define('redis.stream.offset', {
    type: 'STRING',
    default: '0-0',
    validator: MatchesPattern.of(STREAM_ID, 'a stream entry id (1700000000000-0) or $'),
    importance: 'MEDIUM',
    documentation:
      'Where a new consumer group starts: `0-0` the whole stream, `$` only entries added later, or an entry id. Used only when the group is created (an existing group resumes where it is); an offset committed by an earlier run of the connector takes precedence.',
    group: STREAM_GROUP,
    orderInGroup: 3,
  })
  .define('redis.stream.delivery', {
    type: 'STRING',
    default: 'at-least-once',
    validator: ValidString.in('at-least-once', 'at-most-once'),
    importance: 'MEDIUM',
    documentation:
      '`at-least-once`: an entry is acknowledged (XACK) once Kafka acknowledged its record; unacknowledged entries are read again after a restart. `at-most-once`: entries are read with NOACK (acknowledged as they are read).',
    group: STREAM_GROUP,
    orderInGroup: 4,
  })
  .define('redis.stream.consumer.group', {
    type: 'STRING',
    default: 'kafka-consumer-group',
    validator: new NonEmptyString(),
    importance: 'MEDIUM',
    documentation: 'The consumer group the tasks read through (created when missing).',
    group: STREAM_GROUP,
    orderInGroup: 5,
  })
  .define('redis.stream.consumer.name', {
    type: 'STRING',
    default: `consumer-${TASK_TOKEN}`,
    validator: new NonEmptyString(),
    importance: 'MEDIUM',
    documentation:
      'The consumer name of each task; `${task}` is replaced by the task id. A task resumes the pending entries of its consumer name, so keep it stable across restarts.',
    group: STREAM_GROUP,
    orderInGroup: 6,
  })
  .define('redis.stream.block', {
    type: 'LONG',
    default: 100,
    validator: Range.atLeast(0),
    importance: 'LOW',
    documentation:
      'How long a read waits for new entries (XREADGROUP BLOCK), in milliseconds. 0 waits until entries arrive, but returns to the worker every second.',
    group: STREAM_GROUP,
    orderInGroup: 7,
  })
  .define('batch.size', {
    type: 'INT',
    default: 500,
    validator: Range.atLeast(1),
    importance: 'LOW',
    documentation: 'Most entries read by one poll (XREADGROUP COUNT).',
    group: STREAM_GROUP,
    orderInGroup: 8,
  })
  .define('task.id', {
    type: 'INT',
    default: 0,
    validator: Range.atLeast(0),
    importance: 'LOW',
    documentation: 'The task id (set by the connector for each task).',
    internal: true,
  });

/** The keys source's configuration (also redis-kafka-connect's RedisKeysSourceConnector's). */
export const KEYS_SOURCE_CONFIG_DEF = defineConnection(new ConfigDef())
  .define('topic', {
    type: 'STRING',
    default: 'rediskeys',
    validator: new NonEmptyString(),
    importance: 'MEDIUM',
    documentation: 'The topic to write to.',
    group: KEYS_GROUP,
    orderInGroup: 1,
  })
  .define('redis.keys.pattern', {
    type: 'STRING',
    default: '*',
    validator: new NonEmptyString(),
    importance: 'MEDIUM',
    documentation:
      'Glob-style pattern of the keys to read (SCAN MATCH) and to follow (keyspace notifications on `__keyspace@<db>__:<pattern>`).',
    group: KEYS_GROUP,
    orderInGroup: 2,
  })
  .define('mode', {
    type: 'STRING',
    default: 'LIVE',
    validator: ValidString.caseInsensitive('LIVE', 'LIVEONLY'),
    importance: 'MEDIUM',
    documentation:
      '`LIVE`: every matching key first (SCAN), then the keys that change. `LIVEONLY`: only the keys that change from the start on.',
    group: KEYS_GROUP,
    orderInGroup: 3,
  })
  .define('redis.keys.timeout', {
    type: 'LONG',
    default: 0,
    validator: Range.atLeast(0),
    importance: 'LOW',
    documentation:
      'Stop reading after this many milliseconds without any key to read (the task stays up and idle). 0: never stop.',
    group: KEYS_GROUP,
    orderInGroup: 4,
  })
  .define('batch.size', {
    type: 'INT',
    default: 500,
    validator: Range.atLeast(1),
    importance: 'LOW',
    documentation: 'Most keys read by one poll.',
    group: KEYS_GROUP,
    orderInGroup: 5,
  });

/** A parsed sink configuration. */
export interface SinkConfig {
  readonly connection: ConnectionSettings;
  readonly command: SinkCommand;
  /** `redis.keyspace`, with `${topic}` still in it. */
  readonly keyspace: string;
  readonly separator: string;
  readonly multiExec: boolean;
  readonly waitReplicas: number;
  readonly waitTimeoutMs: number;
  /** Seconds; -1 for no expiry. */
  readonly keyTtlSeconds: number;
  readonly charset: 'utf8' | 'latin1';
}

/** A parsed stream source (connector or task) configuration. */
export interface StreamSourceConfig {
  readonly connection: ConnectionSettings;
  readonly stream: string;
  /** The topic, `${stream}` replaced. */
  readonly topic: string;
  readonly startOffset: string;
  readonly atMostOnce: boolean;
  readonly group: string;
  /** The consumer name, `${task}` replaced by the task id. */
  readonly consumer: string;
  readonly blockMs: number;
  readonly batchSize: number;
}

/** A parsed keys source configuration. */
export interface KeysSourceConfig {
  readonly connection: ConnectionSettings;
  readonly topic: string;
  readonly pattern: string;
  /** Read every matching key first (`mode=LIVE`). */
  readonly scan: boolean;
  readonly idleTimeoutMs: number;
  readonly batchSize: number;
}

/** A key's valid value (`undefined` when invalid), and whether the config set it at all. */
type Get = ((key: string) => unknown) & { isSet(key: string): boolean };

/** Per-key results plus the problems across keys, each attached to its key. */
function validateWith(
  def: ConfigDef<object>,
  props: ConnectorProps,
  crossCheck: (get: Get) => ConfigProblem[],
): Map<string, ConfigValue> {
  const values = def.validateAll(props);
  // Cross checks only look at keys that are valid on their own.
  const get: Get = Object.assign(
    (key: string) => {
      const value = values.get(key);
      return value === undefined || value.errorMessages.length > 0 ? undefined : value.value;
    },
    { isSet: (key: string) => props[key] !== undefined },
  );
  for (const problem of crossCheck(get))
    values.get(problem.key)?.errorMessages.push(problem.message);
  return values;
}

function parseChecked<C extends object>(
  def: ConfigDef<C>,
  props: ConnectorProps,
  crossCheck: (get: Get) => ConfigProblem[],
): ParsedConfig<C> {
  const problems: ConfigProblem[] = [];
  for (const value of validateWith(def as ConfigDef<object>, props, crossCheck).values()) {
    for (const message of value.errorMessages) {
      problems.push({ key: value.name, value: props[value.name], message });
    }
  }
  if (problems.length > 0) throw ConfigException.fromProblems(problems);
  return def.parse(props);
}

/** Two keys naming the same setting (an old and a new name) must agree when both are set. */
function conflict(
  get: Get,
  key: string,
  other: string,
  same = (a: unknown, b: unknown) => a === b,
) {
  const a = get(key);
  const b = get(other);
  if (!get.isSet(key) || !get.isSet(other) || a === undefined || b === undefined || same(a, b)) {
    return [];
  }
  return [
    {
      key,
      value: a,
      message: `Invalid value ${String(a)} for configuration ${key}: ${other}=${String(b)} is also set and says otherwise; set one of them`,
    },
  ];
}

const upper = (value: unknown) => String(value).toUpperCase();

function sinkProblems(get: Get): ConfigProblem[] {
  return [
    ...connectionProblems(get),
    ...conflict(
      get,
      'redis.type',
      'redis.command',
      (type, command) => SINK_TYPES[upper(type)] === upper(command),
    ),
    ...conflict(get, 'redis.keyspace', 'redis.key'),
    ...conflict(get, 'redis.multi.exec', 'redis.multiexec'),
  ];
}

/** Validation results for the REST API, problems across keys included. */
export function validateSinkProps(props: ConnectorProps): ConfigValue[] {
  return [...validateWith(SINK_CONFIG_DEF as ConfigDef<object>, props, sinkProblems).values()];
}

/** Validation results for the REST API, problems across keys included. */
export function validateStreamSourceProps(props: ConnectorProps): ConfigValue[] {
  return [
    ...validateWith(
      STREAM_SOURCE_CONFIG_DEF as ConfigDef<object>,
      props,
      connectionProblems,
    ).values(),
  ];
}

/** Validation results for the REST API, problems across keys included. */
export function validateKeysSourceProps(props: ConnectorProps): ConfigValue[] {
  return [
    ...validateWith(
      KEYS_SOURCE_CONFIG_DEF as ConfigDef<object>,
      props,
      connectionProblems,
    ).values(),
  ];
}

/** Parses a sink config; throws one ConfigException listing every problem. */
export function parseSinkConfig(props: ConnectorProps): SinkConfig {
  const c = parseChecked(SINK_CONFIG_DEF, props, sinkProblems);
  const type = c['redis.type'];
  const command = (
    c['redis.command'] !== null
      ? upper(c['redis.command'])
      : type !== null
        ? SINK_TYPES[upper(type)]
        : 'XADD'
  ) as SinkCommand;
  return {
    connection: connectionSettings(c),
    command,
    // As redis-kafka-connect, surrounding blanks of a keyspace or separator are not kept.
    keyspace: (c['redis.keyspace'] ?? c['redis.key'] ?? TOPIC_TOKEN).trim(),
    separator: c['redis.separator'].trim(),
    multiExec: c['redis.multi.exec'] ?? c['redis.multiexec'],
    waitReplicas: c['redis.wait.replicas'],
    waitTimeoutMs: c['redis.wait.timeout'],
    keyTtlSeconds: c['redis.key.ttl'],
    charset: CHARSETS[c['redis.charset'].trim().toLowerCase()] ?? 'utf8',
  };
}

/** Parses a stream source connector or task config. */
export function parseStreamSourceConfig(props: ConnectorProps): StreamSourceConfig {
  const c = parseChecked(STREAM_SOURCE_CONFIG_DEF, props, connectionProblems);
  const stream = c['redis.stream.name'];
  return {
    connection: connectionSettings(c),
    stream,
    topic: c.topic.replaceAll(STREAM_TOKEN, stream),
    startOffset: c['redis.stream.offset'],
    atMostOnce: c['redis.stream.delivery'] === 'at-most-once',
    group: c['redis.stream.consumer.group'],
    consumer: c['redis.stream.consumer.name'].replaceAll(TASK_TOKEN, String(c['task.id'])),
    blockMs: c['redis.stream.block'],
    batchSize: c['batch.size'],
  };
}

/** Parses a keys source connector or task config. */
export function parseKeysSourceConfig(props: ConnectorProps): KeysSourceConfig {
  const c = parseChecked(KEYS_SOURCE_CONFIG_DEF, props, connectionProblems);
  return {
    connection: connectionSettings(c),
    topic: c.topic,
    pattern: c['redis.keys.pattern'],
    scan: c.mode.toUpperCase() === 'LIVE',
    idleTimeoutMs: c['redis.keys.timeout'],
    batchSize: c['batch.size'],
  };
}
