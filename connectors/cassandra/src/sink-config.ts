import {
  type Config,
  ConfigDef,
  ConfigException,
  type ConfigProblem,
  type ConnectorProps,
  Range,
  ValidString,
} from '@sluice/api';
import { entriesOf, invalid, prefixed, problemsOf, withProblems } from './config-problems.js';
import {
  CONNECTION_CONFIG_DEF,
  CONSISTENCY_LEVELS,
  type ConnectionSettings,
  type ConsistencyLevel,
  connectionOf,
  connectionProblems,
} from './connection-config.js';
import { type MappedColumn, parseMapping } from './mapping.js';
import { TIME_UNITS, type TimeUnit } from './time-unit.js';

const WRITES_GROUP = 'Writes';

/** The sink's own global keys (per-topic keys: TABLE_CONFIG_DEF and CODEC_CONFIG_DEF). */
export const SINK_WRITES_CONFIG_DEF = new ConfigDef()
  .define('maxNumberOfRecordsInBatch', {
    type: 'INT',
    default: 32,
    validator: Range.atLeast(1),
    importance: 'HIGH',
    documentation:
      'Most records of one partition (same table and partition key) written in one unlogged batch.',
  })
  .define('ignoreErrors', {
    type: 'STRING',
    default: 'None',
    validator: ValidString.caseInsensitive('None', 'All', 'Driver', 'true', 'false'),
    importance: 'HIGH',
    documentation:
      '`None`: a record that cannot be written goes to the error reporter (dead letter queue) when one is configured, else fails the task. `Driver`: records Cassandra refuses are logged and skipped. `All`: every record that cannot be mapped or written is logged and skipped. (`true`/`false`: older names of All/None.)',
  })
  .defineUnsupported('auth.gssapi.keyTab', 'GSSAPI (Kerberos) authentication is not supported.')
  .defineUnsupported('auth.gssapi.principal', 'GSSAPI (Kerberos) authentication is not supported.')
  .defineUnsupported('auth.gssapi.service', 'GSSAPI (Kerberos) authentication is not supported.');

/** Every global key of the sink. */
export const SINK_CONFIG_DEF = new ConfigDef(CONNECTION_CONFIG_DEF as ConfigDef<object>).embed(
  '',
  WRITES_GROUP,
  1,
  SINK_WRITES_CONFIG_DEF as ConfigDef<object>,
);

/** Settings of one topic → table mapping, documented with the key prefix `topic.<topic>.<keyspace>.<table>.`. */
export const TABLE_CONFIG_DEF = new ConfigDef()
  .define('mapping', {
    type: 'STRING',
    importance: 'HIGH',
    documentation:
      'Which record field goes to which column: `col1=key.f1, col2=value.f2, col3=header.h, col4=now()`; `key`/`value` alone for a primitive key or value; `__ttl=value.f` and `__timestamp=value.f` set the TTL and write timestamp of each row. Quote case-sensitive or odd names: `"MyCol"=value."my field"`.',
  })
  .define('consistencyLevel', {
    type: 'STRING',
    default: 'LOCAL_ONE',
    validator: ValidString.caseInsensitive(...CONSISTENCY_LEVELS),
    importance: 'HIGH',
    documentation: 'Consistency level of the writes.',
  })
  .define('ttl', {
    type: 'INT',
    default: -1,
    validator: Range.atLeast(-1),
    importance: 'HIGH',
    documentation:
      'TTL of written rows, in `ttlTimeUnit`. -1: none (the table default). A `__ttl` mapping wins.',
  })
  .define('ttlTimeUnit', {
    type: 'STRING',
    default: 'SECONDS',
    validator: ValidString.in(...TIME_UNITS),
    importance: 'HIGH',
    documentation: 'Unit of `ttl` and of `__ttl` values.',
  })
  .define('timestampTimeUnit', {
    type: 'STRING',
    default: 'MICROSECONDS',
    validator: ValidString.in(...TIME_UNITS),
    importance: 'HIGH',
    documentation:
      'Unit of `__timestamp` values. Without a `__timestamp` mapping, rows are written at the record timestamp.',
  })
  .define('nullToUnset', {
    type: 'BOOLEAN',
    default: true,
    importance: 'HIGH',
    documentation:
      'Whether a null field leaves the column as it is (unset) instead of writing null (a tombstone).',
  })
  .define('deletesEnabled', {
    type: 'BOOLEAN',
    default: true,
    importance: 'HIGH',
    documentation:
      'Whether a record whose mapped non-key columns are all null (or a tombstone) deletes the row. Only when every column of the table is mapped.',
  })
  .define('query', {
    type: 'STRING',
    default: null,
    importance: 'HIGH',
    documentation:
      'A CQL statement to run for each record instead of the generated INSERT, with named markers for the mapped columns (`:col`; `:kafka_internal_ttl`, `:kafka_internal_timestamp` for `__ttl`, `__timestamp`). Needs `deletesEnabled=false`.',
  });

/** Per-topic codec settings, documented with the key prefix `topic.<topic>.`. */
export const CODEC_CONFIG_DEF = new ConfigDef()
  .define('codec.locale', {
    type: 'STRING',
    default: 'en_US',
    importance: 'HIGH',
    documentation: 'Locale of numbers given as text (grouping and decimal separators).',
  })
  .define('codec.timeZone', {
    type: 'STRING',
    default: 'UTC',
    importance: 'HIGH',
    documentation:
      'Time zone of timestamps given as text without an offset (`UTC`, `+02:00`, or a zone name such as `Europe/Paris`).',
  })
  .define('codec.timestamp', {
    type: 'STRING',
    default: 'CQL_TIMESTAMP',
    importance: 'HIGH',
    documentation:
      'Format of timestamps given as text: `CQL_TIMESTAMP` (the ISO-8601 forms CQL accepts), `ISO_INSTANT`, `ISO_OFFSET_DATE_TIME`, `ISO_ZONED_DATE_TIME`, `ISO_LOCAL_DATE_TIME`, `UNITS_SINCE_EPOCH`, or a pattern (`yyyy-MM-dd HH:mm:ss.SSSXXX`).',
  })
  .define('codec.date', {
    type: 'STRING',
    default: 'ISO_LOCAL_DATE',
    importance: 'HIGH',
    documentation: 'Format of dates given as text: `ISO_LOCAL_DATE` or a pattern (`dd/MM/yyyy`).',
  })
  .define('codec.time', {
    type: 'STRING',
    default: 'ISO_LOCAL_TIME',
    importance: 'HIGH',
    documentation: 'Format of times given as text: `ISO_LOCAL_TIME` or a pattern (`HH:mm:ss`).',
  })
  .define('codec.unit', {
    type: 'STRING',
    default: 'MILLISECONDS',
    validator: ValidString.in(...TIME_UNITS),
    importance: 'HIGH',
    documentation:
      'Unit of timestamps given as numbers (or digits-only text): the amount of this unit since the epoch.',
  });

/** How text (and numbers) become dates, times, timestamps and numbers for one topic. */
export interface CodecSettings {
  readonly locale: string;
  readonly timeZone: string;
  readonly timestamp: string;
  readonly date: string;
  readonly time: string;
  readonly unit: TimeUnit;
}

/** One `topic.<topic>.<keyspace>.<table>.*` group. */
export interface TableSettings {
  readonly topic: string;
  readonly keyspace: string;
  readonly table: string;
  readonly mapping: readonly MappedColumn[];
  readonly consistency: ConsistencyLevel;
  readonly ttl: number;
  readonly ttlTimeUnit: TimeUnit;
  readonly timestampTimeUnit: TimeUnit;
  readonly nullToUnset: boolean;
  readonly deletesEnabled: boolean;
  readonly query: string | null;
  /** `topic.<topic>.<keyspace>.<table>.`, to name keys in messages. */
  readonly keyPrefix: string;
}

export interface TopicSettings {
  readonly topic: string;
  readonly codec: CodecSettings;
  readonly tables: readonly TableSettings[];
}

export type IgnoreErrors = 'None' | 'All' | 'Driver';

/** A parsed sink configuration. */
export interface SinkConfig {
  readonly connection: ConnectionSettings;
  readonly maxNumberOfRecordsInBatch: number;
  readonly ignoreErrors: IgnoreErrors;
  readonly topics: ReadonlyMap<string, TopicSettings>;
}

// topic.<topic>.<keyspace>.<table>.<setting>: topic names may hold dots, keyspace and table
// names do not unless quoted (as in the DataStax connector).
const TABLE_KEY =
  /^topic\.([a-zA-Z0-9._-]+)\.([^."]+|"[^"]+")\.([^."]+|"[^"]+")\.(mapping|consistencyLevel|ttl|nullToUnset|deletesEnabled|ttlTimeUnit|timestampTimeUnit|query)$/;
const CODEC_KEY = /^topic\.([a-zA-Z0-9._-]+)\.codec\.(locale|timeZone|timestamp|date|time|unit)$/;

const unquoteName = (name: string) => (name.startsWith('"') ? name.slice(1, -1) : name);

/** Groups the per-topic keys and parses each group with its ConfigDef; problems are collected. */
function topicSettings(
  props: ConnectorProps,
  problems: ConfigProblem[],
): Map<string, TopicSettings> {
  const tableProps = new Map<
    string,
    { topic: string; keyspace: string; table: string; prefix: string }
  >();
  const codecTopics = new Set<string>();
  for (const [key] of entriesOf(props)) {
    if (!key.startsWith('topic.')) continue;
    const codec = CODEC_KEY.exec(key);
    if (codec !== null) {
      codecTopics.add(codec[1] as string);
      continue;
    }
    const m = TABLE_KEY.exec(key);
    if (m === null) {
      problems.push(
        invalid(
          key,
          props[key],
          'not a known per-topic setting: topic.<topic>.<keyspace>.<table>.(mapping|consistencyLevel|ttl|ttlTimeUnit|timestampTimeUnit|nullToUnset|deletesEnabled|query) or topic.<topic>.codec.(locale|timeZone|timestamp|date|time|unit)',
        ),
      );
      continue;
    }
    const [, topic, keyspace, table] = m as unknown as [string, string, string, string];
    const prefix = `topic.${topic}.${keyspace}.${table}.`;
    tableProps.set(prefix, { topic, keyspace, table, prefix });
  }
  const topics = new Map<string, TopicSettings>();
  const tablesOf = new Map<string, TableSettings[]>();
  for (const { topic, keyspace, table, prefix } of tableProps.values()) {
    const def = prefixed(TABLE_CONFIG_DEF as ConfigDef<object>, prefix);
    const found = problemsOf(def, props);
    problems.push(...found);
    if (found.length > 0) continue;
    const p = def.parse(props) as Record<string, unknown>;
    let mapping: MappedColumn[] = [];
    try {
      mapping = parseMapping(p[`${prefix}mapping`] as string);
    } catch (error) {
      problems.push(invalid(`${prefix}mapping`, p[`${prefix}mapping`], (error as Error).message));
      continue;
    }
    const query = (p[`${prefix}query`] as string | null) ?? null;
    const deletesEnabled = p[`${prefix}deletesEnabled`] as boolean;
    if (query !== null && deletesEnabled) {
      problems.push(
        invalid(
          `${prefix}query`,
          query,
          `You cannot provide both ${prefix}query and ${prefix}deletesEnabled. If you want to provide your own query, set ${prefix}deletesEnabled to false.`,
        ),
      );
      continue;
    }
    const settings: TableSettings = {
      topic,
      keyspace: unquoteName(keyspace),
      table: unquoteName(table),
      mapping,
      consistency: (p[`${prefix}consistencyLevel`] as string).toUpperCase() as ConsistencyLevel,
      ttl: p[`${prefix}ttl`] as number,
      ttlTimeUnit: p[`${prefix}ttlTimeUnit`] as TimeUnit,
      timestampTimeUnit: p[`${prefix}timestampTimeUnit`] as TimeUnit,
      nullToUnset: p[`${prefix}nullToUnset`] as boolean,
      deletesEnabled,
      query,
      keyPrefix: prefix,
    };
    tablesOf.set(topic, [...(tablesOf.get(topic) ?? []), settings]);
  }
  for (const topic of codecTopics) {
    if (!tablesOf.has(topic)) {
      problems.push(
        invalid(
          `topic.${topic}.codec`,
          '',
          `Topic ${topic} must have at least one table configuration`,
        ),
      );
    }
  }
  for (const [topic, tables] of tablesOf) {
    const prefix = `topic.${topic}.`;
    const def = prefixed(CODEC_CONFIG_DEF as ConfigDef<object>, prefix);
    const found = problemsOf(def, props);
    problems.push(...found);
    if (found.length > 0) continue;
    const c = def.parse(props) as Record<string, unknown>;
    topics.set(topic, {
      topic,
      tables,
      codec: {
        locale: c[`${prefix}codec.locale`] as string,
        timeZone: c[`${prefix}codec.timeZone`] as string,
        timestamp: c[`${prefix}codec.timestamp`] as string,
        date: c[`${prefix}codec.date`] as string,
        time: c[`${prefix}codec.time`] as string,
        unit: c[`${prefix}codec.unit`] as TimeUnit,
      },
    });
  }
  return topics;
}

function sinkProblems(props: ConnectorProps): {
  problems: ConfigProblem[];
  config: SinkConfig | null;
} {
  const problems = problemsOf(SINK_CONFIG_DEF, props);
  const topics = topicSettings(props, problems);
  const topicList =
    typeof props.topics === 'string' ? props.topics.split(',').map((t) => t.trim()) : [];
  for (const topic of topicList.filter((t) => t !== '')) {
    if (!topics.has(topic) && !problems.some((p) => p.key.startsWith(`topic.${topic}.`))) {
      problems.push(
        invalid(
          'topics',
          props.topics,
          `Missing topic settings (topic.${topic}.*) for topic ${topic}`,
        ),
      );
    }
  }
  if (problems.length > 0) return { problems, config: null };
  const c = SINK_CONFIG_DEF.parse(props) as Record<string, unknown>;
  problems.push(...connectionProblems(props, c));
  if (problems.length > 0) return { problems, config: null };
  const ignore = String(c.ignoreErrors).toLowerCase();
  return {
    problems,
    config: {
      connection: connectionOf(c),
      maxNumberOfRecordsInBatch: c.maxNumberOfRecordsInBatch as number,
      ignoreErrors:
        ignore === 'all' || ignore === 'true' ? 'All' : ignore === 'driver' ? 'Driver' : 'None',
      topics,
    },
  };
}

/** Parses a sink config; throws one ConfigException listing every problem. */
export function parseSinkConfig(props: ConnectorProps): SinkConfig {
  const { problems, config } = sinkProblems(props);
  if (config === null) throw ConfigException.fromProblems(problems);
  return config;
}

/** The sink's REST validation. */
export function validateSinkProps(props: ConnectorProps): Config {
  return withProblems(SINK_CONFIG_DEF as ConfigDef<object>, props, sinkProblems(props).problems);
}
