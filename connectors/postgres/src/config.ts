import {
  ConfigDef,
  ConfigException,
  type ConfigProblem,
  type ConfigProps,
  type ConfigValue,
  type ConnectorProps,
  type ParsedConfig,
  Range,
  ValidString,
} from '@sluice/api';
import { parseConnectionUrl } from './connection-url.js';

const DATABASE_GROUP = 'Database';
const MODE_GROUP = 'Mode';
const CONNECTOR_GROUP = 'Connector';
const WRITES_GROUP = 'Writes';
const DATA_MAPPING_GROUP = 'Data Mapping';
const DDL_GROUP = 'DDL Support';
const RETRIES_GROUP = 'Retries';
const EXACTLY_ONCE_GROUP = 'Exactly Once';

/** The default of `exactly.once.offsets.table`. */
export const DEFAULT_OFFSETS_TABLE = 'sluice_sink_offsets';

/** The PostgreSQL dialect name of the JDBC connector: the only one accepted in `dialect.name`. */
export const JDBC_POSTGRES_DIALECT = 'PostgreSqlDatabaseDialect';

/** The Kafka coordinates used as primary key columns when `pk.mode=kafka` and `pk.fields` is empty. */
export const DEFAULT_KAFKA_PK_NAMES = [
  '__connect_topic',
  '__connect_partition',
  '__connect_offset',
];

/** Source modes: the JDBC connector's four, plus `mode` left empty for a custom query in bulk. */
export const SOURCE_MODES = [
  'bulk',
  'incrementing',
  'timestamp',
  'timestamp+incrementing',
] as const;
export type SourceMode = (typeof SOURCE_MODES)[number];

export const INSERT_MODES = ['insert', 'upsert', 'update'] as const;
export type InsertMode = (typeof INSERT_MODES)[number];

export const PK_MODES = ['none', 'kafka', 'record_key', 'record_value'] as const;
export type PkMode = (typeof PK_MODES)[number];

function defineConnection<C extends object>(def: ConfigDef<C>) {
  return def
    .define('connection.url', {
      type: 'STRING',
      importance: 'HIGH',
      documentation:
        'PostgreSQL connection URL: `postgresql://user:password@host:5432/db` or the JDBC form `jdbc:postgresql://host:5432/db?user=...` (translated to a pg connection; `user`, `password`, `ssl`, `sslmode`, `currentSchema`, `ApplicationName`, `connectTimeout` are honoured, `reWriteBatchedInserts`, `prepareThreshold`, `stringtype`, `tcpKeepAlive` are accepted and have no effect, any other parameter is refused).',
      group: DATABASE_GROUP,
      orderInGroup: 1,
      width: 'LONG',
      displayName: 'JDBC URL',
    })
    .define('connection.user', {
      type: 'STRING',
      default: null,
      importance: 'HIGH',
      documentation: 'Database user; overrides a user given in the URL.',
      group: DATABASE_GROUP,
      orderInGroup: 2,
    })
    .define('connection.password', {
      type: 'PASSWORD',
      default: null,
      importance: 'HIGH',
      documentation: 'Database password; overrides a password given in the URL.',
      group: DATABASE_GROUP,
      orderInGroup: 3,
    })
    .define('connection.attempts', {
      type: 'INT',
      default: 3,
      validator: Range.atLeast(1),
      importance: 'LOW',
      documentation: 'How many times to try to connect before giving up.',
      group: DATABASE_GROUP,
      orderInGroup: 4,
    })
    .define('connection.backoff.ms', {
      type: 'LONG',
      default: 10000,
      validator: Range.atLeast(0),
      importance: 'LOW',
      documentation: 'Wait between connection attempts, in milliseconds.',
      group: DATABASE_GROUP,
      orderInGroup: 5,
    })
    .define('dialect.name', {
      type: 'STRING',
      default: '',
      validator: ValidString.in('', JDBC_POSTGRES_DIALECT),
      importance: 'LOW',
      documentation: `Accepted for JDBC connector configs: empty or \`${JDBC_POSTGRES_DIALECT}\`.`,
      group: DATABASE_GROUP,
      orderInGroup: 6,
    })
    .define('db.timezone', {
      type: 'STRING',
      default: 'UTC',
      validator: ValidString.in('UTC'),
      importance: 'LOW',
      documentation:
        'Time zone of `timestamp` (without time zone) columns. Only `UTC` is supported: such values are read and written as UTC.',
      group: DATABASE_GROUP,
      orderInGroup: 7,
    })
    .define('quote.sql.identifiers', {
      type: 'STRING',
      default: 'always',
      validator: ValidString.caseInsensitive('always'),
      importance: 'LOW',
      documentation: 'Identifiers are always quoted (the JDBC connector default).',
      group: DATABASE_GROUP,
      orderInGroup: 8,
    });
}

/** The source connector's configuration (also accepted as the JDBC source connector's). */
export const SOURCE_CONFIG_DEF = defineConnection(new ConfigDef())
  .define('table.include.list', {
    type: 'LIST',
    default: '',
    importance: 'MEDIUM',
    documentation:
      'Tables to copy, as `table` or `schema.table`. Empty: every table the other settings allow. Cannot be combined with an exclude list.',
    group: DATABASE_GROUP,
    orderInGroup: 10,
  })
  .define('table.exclude.list', {
    type: 'LIST',
    default: '',
    importance: 'MEDIUM',
    documentation:
      'Tables not to copy, as `table` or `schema.table`. Cannot be combined with an include list.',
    group: DATABASE_GROUP,
    orderInGroup: 11,
  })
  .define('table.whitelist', {
    type: 'LIST',
    default: '',
    importance: 'MEDIUM',
    documentation: 'The JDBC connector name of `table.include.list`.',
    group: DATABASE_GROUP,
    orderInGroup: 12,
  })
  .define('table.blacklist', {
    type: 'LIST',
    default: '',
    importance: 'MEDIUM',
    documentation: 'The JDBC connector name of `table.exclude.list`.',
    group: DATABASE_GROUP,
    orderInGroup: 13,
  })
  .define('schema.pattern', {
    type: 'STRING',
    default: null,
    importance: 'HIGH',
    documentation:
      'SQL LIKE pattern of the schemas to find tables in. Unset: every schema but the system ones.',
    group: DATABASE_GROUP,
    orderInGroup: 14,
  })
  .define('table.types', {
    type: 'LIST',
    default: 'TABLE',
    validator: (value: unknown) => {
      const bad = (value as string[]).filter(
        (t) => !['TABLE', 'VIEW', 'PARTITIONED TABLE', 'MATERIALIZED VIEW'].includes(t),
      );
      return bad.length > 0 ? `Unknown table types: ${bad.join(', ')}` : undefined;
    },
    importance: 'LOW',
    documentation:
      'Kinds of relation to copy: `TABLE` (plain and partitioned tables), `PARTITIONED TABLE`, `VIEW`, `MATERIALIZED VIEW`.',
    group: DATABASE_GROUP,
    orderInGroup: 15,
  })
  .define('numeric.mapping', {
    type: 'STRING',
    default: 'none',
    validator: ValidString.caseInsensitive('none', 'precision_only', 'best_fit'),
    importance: 'LOW',
    documentation:
      '`none`: every numeric(p,s) column is a Decimal. `precision_only`: numeric(p,0) with p ≤ 18 becomes INT8/16/32/64 by precision. `best_fit`: as precision_only, and numeric(p,s>0) with p ≤ 15 becomes FLOAT64 (exact for that many digits).',
    group: DATABASE_GROUP,
    orderInGroup: 16,
  })
  .define('mode', {
    type: 'STRING',
    default: '',
    validator: ValidString.in('', ...SOURCE_MODES),
    importance: 'HIGH',
    documentation:
      '`bulk`: the whole table each poll. `incrementing`: new rows by a strictly increasing column. `timestamp`: new and changed rows by a timestamp column. `timestamp+incrementing`: both, the safe choice for changed rows. Required (the JDBC connector requires it too).',
    group: MODE_GROUP,
    orderInGroup: 1,
  })
  .define('incrementing.column.name', {
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    documentation:
      'The strictly increasing column (integer, bigint or numeric(p,0)). Empty: the table’s identity or serial column.',
    group: MODE_GROUP,
    orderInGroup: 2,
  })
  .define('timestamp.column.name', {
    type: 'LIST',
    default: '',
    importance: 'MEDIUM',
    documentation:
      'Timestamp column(s); with several, the first non-null one counts (COALESCE). timestamp or timestamptz.',
    group: MODE_GROUP,
    orderInGroup: 3,
  })
  .define('validate.non.null', {
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    documentation:
      'Refuse to start when an incrementing or timestamp column is nullable (rows with NULL there would never be copied).',
    group: MODE_GROUP,
    orderInGroup: 4,
  })
  .define('query', {
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    documentation:
      'A custom query instead of tables. Incremental modes wrap it as a subquery, so it may have its own WHERE clause. Records go to `topic.prefix` as the topic.',
    group: MODE_GROUP,
    orderInGroup: 5,
  })
  .define('query.suffix', {
    type: 'STRING',
    default: '',
    importance: 'LOW',
    documentation: 'Text appended to every generated query (for example `FOR SHARE SKIP LOCKED`).',
    group: MODE_GROUP,
    orderInGroup: 6,
  })
  .define('poll.interval.ms', {
    type: 'INT',
    default: 5000,
    validator: Range.atLeast(0),
    importance: 'HIGH',
    documentation: 'How often to query each table for new data.',
    group: CONNECTOR_GROUP,
    orderInGroup: 1,
  })
  .define('batch.max.rows', {
    type: 'INT',
    default: 100,
    validator: Range.atLeast(1),
    importance: 'LOW',
    documentation: 'Most rows returned by one poll.',
    group: CONNECTOR_GROUP,
    orderInGroup: 2,
  })
  .define('table.poll.interval.ms', {
    type: 'LONG',
    default: 60000,
    validator: Range.atLeast(0),
    importance: 'LOW',
    documentation:
      'How often the connector looks for new or removed tables (and reconfigures its tasks when they changed). 0 disables it.',
    group: CONNECTOR_GROUP,
    orderInGroup: 3,
  })
  .define('topic.prefix', {
    type: 'STRING',
    importance: 'HIGH',
    documentation:
      'Prefix of the topic name (the topic is prefix + table name); with `query`, the whole topic name.',
    group: CONNECTOR_GROUP,
    orderInGroup: 4,
  })
  .define('timestamp.delay.interval.ms', {
    type: 'LONG',
    default: 0,
    validator: Range.atLeast(0),
    importance: 'HIGH',
    documentation:
      'Only rows whose timestamp is older than the database clock minus this delay are read, so transactions that started earlier but commit later are not skipped.',
    group: CONNECTOR_GROUP,
    orderInGroup: 5,
  })
  .defineUnsupported(
    'catalog.pattern',
    'a PostgreSQL connection reads one database; narrow tables with schema.pattern.',
  )
  .defineUnsupported(
    'numeric.precision.mapping',
    'deprecated in the JDBC connector; use numeric.mapping.',
  )
  .defineUnsupported(
    'incrementing.relaxed.monotonic',
    'use timestamp.delay.interval.ms with timestamp+incrementing for late commits.',
  )
  .defineUnsupported('timestamp.initial', 'every table is read from its beginning.')
  .defineUnsupported('timestamp.granularity', 'offsets always keep the full timestamp precision.')
  .defineUnsupported('transaction.isolation.mode', 'queries run with the server default isolation.')
  .defineUnsupported(
    'query.retry.attempts',
    'use the runtime error handling (errors.retry.timeout).',
  )
  .defineUnsupported(
    'db.timezone.date',
    'dates are calendar days without a time zone in PostgreSQL.',
  );

/** A source task's configuration: the connector's plus the tables it was assigned. */
export const SOURCE_TASK_CONFIG_DEF = new ConfigDef(SOURCE_CONFIG_DEF).define('tables', {
  type: 'LIST',
  default: '',
  importance: 'HIGH',
  documentation: 'The qualified tables this task copies (set by the connector).',
  internal: true,
});

/** The sink connector's configuration (also accepted as the JDBC sink connector's). */
export const SINK_CONFIG_DEF = defineConnection(new ConfigDef())
  .define('insert.mode', {
    type: 'STRING',
    default: 'insert',
    validator: ValidString.caseInsensitive(...INSERT_MODES),
    importance: 'HIGH',
    documentation:
      '`insert`: plain INSERT. `upsert`: INSERT ... ON CONFLICT (primary key) DO UPDATE, idempotent under redelivery. `update`: UPDATE rows by primary key.',
    group: WRITES_GROUP,
    orderInGroup: 1,
  })
  .define('batch.size', {
    type: 'INT',
    default: 3000,
    validator: Range.atLeast(1),
    importance: 'MEDIUM',
    documentation:
      'Most records written in one transaction (one statement per table, one array parameter per column).',
    group: WRITES_GROUP,
    orderInGroup: 2,
  })
  .define('delete.enabled', {
    type: 'BOOLEAN',
    default: false,
    importance: 'MEDIUM',
    documentation:
      'Tombstones (null values) delete the row with the record key. Requires `pk.mode=record_key`.',
    group: WRITES_GROUP,
    orderInGroup: 3,
  })
  .define('table.types', {
    type: 'LIST',
    default: 'TABLE',
    validator: (value: unknown) => {
      const bad = (value as string[]).filter((t) => !['TABLE', 'PARTITIONED TABLE'].includes(t));
      return bad.length > 0
        ? `Only TABLE and PARTITIONED TABLE are supported: ${bad.join(', ')}`
        : undefined;
    },
    importance: 'LOW',
    documentation:
      'Accepted for JDBC sink configs (`TABLE`, `PARTITIONED TABLE`); the sink writes to the relation `table.name.format` names, whatever its kind.',
    group: WRITES_GROUP,
    orderInGroup: 4,
  })
  .define('table.name.format', {
    type: 'STRING',
    default: '${topic}',
    importance: 'MEDIUM',
    documentation:
      'The destination table; `${topic}` is replaced by the topic name. `schema.table` names a schema.',
    group: DATA_MAPPING_GROUP,
    orderInGroup: 1,
  })
  .define('pk.mode', {
    type: 'STRING',
    default: 'none',
    validator: ValidString.caseInsensitive(...PK_MODES),
    importance: 'HIGH',
    documentation:
      '`none`: no key. `kafka`: topic, partition and offset columns. `record_key`: fields of the record key (a struct, or a primitive named by `pk.fields`). `record_value`: fields of the record value.',
    group: DATA_MAPPING_GROUP,
    orderInGroup: 2,
  })
  .define('pk.fields', {
    type: 'LIST',
    default: '',
    importance: 'MEDIUM',
    documentation:
      'Primary key fields. kafka: three column names (default `__connect_topic,__connect_partition,__connect_offset`). record_key: key struct fields (empty: all), or the one column name of a primitive key. record_value: value fields (empty: all).',
    group: DATA_MAPPING_GROUP,
    orderInGroup: 3,
  })
  .define('fields.whitelist', {
    type: 'LIST',
    default: '',
    importance: 'MEDIUM',
    documentation:
      'Value fields to write (empty: all). Primary key fields are chosen by `pk.fields` independently.',
    group: DATA_MAPPING_GROUP,
    orderInGroup: 4,
  })
  .define('auto.create', {
    type: 'BOOLEAN',
    default: false,
    importance: 'MEDIUM',
    documentation: 'Create a missing destination table from the record schema (CREATE TABLE).',
    group: DDL_GROUP,
    orderInGroup: 1,
  })
  .define('auto.evolve', {
    type: 'BOOLEAN',
    default: false,
    importance: 'MEDIUM',
    documentation: 'Add missing columns, as nullable, when records have new fields (ALTER TABLE).',
    group: DDL_GROUP,
    orderInGroup: 2,
  })
  .define('max.retries', {
    type: 'INT',
    default: 10,
    validator: Range.atLeast(0),
    importance: 'MEDIUM',
    documentation:
      'How many times a batch that failed with a transient error (lost connection, deadlock, serialization failure) is retried before the task fails.',
    group: RETRIES_GROUP,
    orderInGroup: 1,
  })
  .define('retry.backoff.ms', {
    type: 'INT',
    default: 3000,
    validator: Range.atLeast(0),
    importance: 'MEDIUM',
    documentation: 'Wait before such a retry, in milliseconds.',
    group: RETRIES_GROUP,
    orderInGroup: 2,
  })
  .define('exactly.once.enabled', {
    type: 'BOOLEAN',
    default: false,
    importance: 'MEDIUM',
    documentation:
      'Exactly-once delivery: every transaction also stores the Kafka offsets of its records in `exactly.once.offsets.table`, and each partition is consumed from the offset stored there, so a crash or a rebalance neither repeats nor loses a row, in every insert mode.',
    group: EXACTLY_ONCE_GROUP,
    orderInGroup: 1,
  })
  .define('exactly.once.offsets.table', {
    type: 'STRING',
    default: DEFAULT_OFFSETS_TABLE,
    importance: 'LOW',
    documentation:
      'The table holding the offsets of the exactly-once mode (`schema.table` names a schema), created if missing: one row per connector name, topic and partition with the next offset to consume.',
    group: EXACTLY_ONCE_GROUP,
    orderInGroup: 2,
  })
  .defineUnsupported('db.timezone.date', 'dates are written as calendar days.')
  .defineUnsupported('mssql.use.merge.holdlock', 'SQL Server only.')
  .defineUnsupported('trim.sensitive.log', 'Sluice never logs record values from this connector.');

/** What the connection settings parse to, shared by source and sink. */
export interface ConnectionSettings {
  readonly url: string;
  readonly user: string | null;
  /** The password in clear, or null. */
  readonly password: string | null;
  readonly attempts: number;
  readonly backoffMs: number;
}

/** A parsed source (connector or task) configuration. */
export interface SourceConfig {
  readonly connection: ConnectionSettings;
  readonly mode: SourceMode;
  readonly includeTables: readonly string[];
  readonly excludeTables: readonly string[];
  readonly schemaPattern: string | null;
  readonly tableTypes: readonly string[];
  readonly numericMapping: 'none' | 'precision_only' | 'best_fit';
  readonly incrementingColumn: string;
  readonly timestampColumns: readonly string[];
  readonly validateNonNull: boolean;
  readonly query: string;
  readonly querySuffix: string;
  readonly pollIntervalMs: number;
  readonly batchMaxRows: number;
  readonly tablePollIntervalMs: number;
  readonly topicPrefix: string;
  readonly timestampDelayMs: number;
  /** The qualified tables of a task; empty for the connector. */
  readonly tables: readonly string[];
}

/** A parsed sink configuration. */
export interface SinkConfig {
  readonly connection: ConnectionSettings;
  readonly insertMode: InsertMode;
  readonly batchSize: number;
  readonly deleteEnabled: boolean;
  readonly tableNameFormat: string;
  readonly pkMode: PkMode;
  readonly pkFields: readonly string[];
  readonly fieldsWhitelist: readonly string[];
  readonly autoCreate: boolean;
  readonly autoEvolve: boolean;
  readonly maxRetries: number;
  readonly retryBackoffMs: number;
  /** The exactly-once mode's offsets table and the connector name keying its rows; null when off. */
  readonly exactlyOnce: { readonly offsetsTable: string; readonly connector: string } | null;
}

/** Validation results of every key, with problems across keys attached to the keys at fault. */
function validateWith(
  def: ConfigDef<object>,
  props: ConfigProps,
  crossCheck: (values: Map<string, ConfigValue>, raw: ConfigProps) => ConfigProblem[],
): Map<string, ConfigValue> {
  const values = def.validateAll(props);
  for (const problem of crossCheck(values, props)) {
    const value = values.get(problem.key);
    if (value === undefined) {
      values.set(problem.key, {
        name: problem.key,
        value: problem.value ?? null,
        recommendedValues: [],
        errorMessages: [problem.message],
        visible: true,
      });
    } else {
      value.errorMessages.push(problem.message);
    }
  }
  return values;
}

function problemsOf(values: Map<string, ConfigValue>, props: ConfigProps): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const value of values.values()) {
    for (const message of value.errorMessages) {
      const raw =
        props instanceof Map
          ? props.get(value.name)
          : (props as Record<string, unknown>)[value.name];
      problems.push({ key: value.name, value: raw, message });
    }
  }
  return problems;
}

function invalid(key: string, value: unknown, reason: string): ConfigProblem {
  return {
    key,
    value,
    message: `Invalid value ${String(value)} for configuration ${key}: ${reason}`,
  };
}

function listValue(values: Map<string, ConfigValue>, key: string): string[] {
  const v = values.get(key)?.value;
  return Array.isArray(v) ? (v as string[]) : [];
}

function stringValue(values: Map<string, ConfigValue>, key: string): string {
  const v = values.get(key)?.value;
  return typeof v === 'string' ? v : '';
}

function urlProblems(values: Map<string, ConfigValue>): ConfigProblem[] {
  const url = values.get('connection.url')?.value;
  if (typeof url !== 'string') return [];
  try {
    parseConnectionUrl(url);
    return [];
  } catch (error) {
    const shown = url
      .replace(/password=[^&]*/g, 'password=[hidden]')
      .replace(/:[^:@/]*@/, ':[hidden]@');
    return [invalid('connection.url', shown, (error as Error).message)];
  }
}

function sourceCrossCheck(values: Map<string, ConfigValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = urlProblems(values);
  const include = [
    ...listValue(values, 'table.include.list'),
    ...listValue(values, 'table.whitelist'),
  ];
  const exclude = [
    ...listValue(values, 'table.exclude.list'),
    ...listValue(values, 'table.blacklist'),
  ];
  if (include.length > 0 && exclude.length > 0) {
    const key =
      listValue(values, 'table.blacklist').length > 0 ? 'table.blacklist' : 'table.exclude.list';
    problems.push(
      invalid(
        key,
        exclude.join(','),
        'an include list (table.include.list / table.whitelist) is set; use one or the other',
      ),
    );
  }
  const mode = stringValue(values, 'mode');
  const query = stringValue(values, 'query');
  if (mode === '') {
    problems.push(
      invalid('mode', '', `Query mode must be specified: one of ${SOURCE_MODES.join(', ')}`),
    );
  }
  if (
    (mode === 'timestamp' || mode === 'timestamp+incrementing') &&
    listValue(values, 'timestamp.column.name').length === 0
  ) {
    problems.push(
      invalid('timestamp.column.name', '', `mode ${mode} needs at least one timestamp column`),
    );
  }
  if (
    query !== '' &&
    (mode === 'incrementing' || mode === 'timestamp+incrementing') &&
    stringValue(values, 'incrementing.column.name') === ''
  ) {
    problems.push(
      invalid(
        'incrementing.column.name',
        '',
        `mode ${mode} with a custom query needs the incrementing column named (it cannot be detected)`,
      ),
    );
  }
  if (query !== '' && (include.length > 0 || exclude.length > 0)) {
    problems.push(
      invalid('query', query, 'a custom query cannot be combined with table include/exclude lists'),
    );
  }
  return problems;
}

function sinkCrossCheck(values: Map<string, ConfigValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = urlProblems(values);
  const pkMode = stringValue(values, 'pk.mode').toLowerCase();
  const insertMode = stringValue(values, 'insert.mode').toLowerCase();
  const pkFields = listValue(values, 'pk.fields');
  if (values.get('delete.enabled')?.value === true && pkMode !== 'record_key') {
    problems.push(
      invalid('delete.enabled', 'true', `deletes need pk.mode=record_key (it is ${pkMode})`),
    );
  }
  if ((insertMode === 'upsert' || insertMode === 'update') && pkMode === 'none') {
    problems.push(
      invalid(
        'pk.mode',
        pkMode,
        `insert.mode=${insertMode} needs a primary key (pk.mode other than none)`,
      ),
    );
  }
  if (pkMode === 'kafka' && pkFields.length !== 0 && pkFields.length !== 3) {
    problems.push(
      invalid(
        'pk.fields',
        pkFields.join(','),
        'pk.mode=kafka needs exactly three names (topic, partition, offset columns)',
      ),
    );
  }
  if (!stringValue(values, 'table.name.format').trim()) {
    problems.push(invalid('table.name.format', '', 'must not be empty'));
  }
  if (!stringValue(values, 'exactly.once.offsets.table').trim()) {
    problems.push(invalid('exactly.once.offsets.table', '', 'must not be empty'));
  }
  return problems;
}

function connectionOf(config: Record<string, unknown>): ConnectionSettings {
  const password = config['connection.password'] as { value(): string } | null;
  return {
    url: config['connection.url'] as string,
    user: (config['connection.user'] as string | null) ?? null,
    password: password === null ? null : password.value(),
    attempts: config['connection.attempts'] as number,
    backoffMs: config['connection.backoff.ms'] as number,
  };
}

function parseChecked<C extends object>(
  def: ConfigDef<C>,
  props: ConfigProps,
  crossCheck: (values: Map<string, ConfigValue>) => ConfigProblem[],
): ParsedConfig<C> {
  const problems = problemsOf(validateWith(def as ConfigDef<object>, props, crossCheck), props);
  if (problems.length > 0) throw ConfigException.fromProblems(problems);
  return def.parse(props);
}

/** Validation results for the REST API, cross-key problems included. */
export function validateSourceProps(props: ConnectorProps): ConfigValue[] {
  return [
    ...validateWith(SOURCE_CONFIG_DEF as ConfigDef<object>, props, sourceCrossCheck).values(),
  ];
}

/** Validation results for the REST API, cross-key problems included. */
export function validateSinkProps(props: ConnectorProps): ConfigValue[] {
  return [...validateWith(SINK_CONFIG_DEF as ConfigDef<object>, props, sinkCrossCheck).values()];
}

/** Parses a source connector or task config; throws one ConfigException listing every problem. */
export function parseSourceConfig(props: ConnectorProps): SourceConfig {
  const c = parseChecked(SOURCE_TASK_CONFIG_DEF, props, sourceCrossCheck);
  return {
    connection: connectionOf(c as Record<string, unknown>),
    mode: c.mode as SourceMode,
    includeTables: [...c['table.include.list'], ...c['table.whitelist']],
    excludeTables: [...c['table.exclude.list'], ...c['table.blacklist']],
    schemaPattern: c['schema.pattern'],
    tableTypes: c['table.types'],
    numericMapping: c['numeric.mapping'].toLowerCase() as SourceConfig['numericMapping'],
    incrementingColumn: c['incrementing.column.name'],
    timestampColumns: c['timestamp.column.name'],
    validateNonNull: c['validate.non.null'],
    query: c.query,
    querySuffix: c['query.suffix'],
    pollIntervalMs: c['poll.interval.ms'],
    batchMaxRows: c['batch.max.rows'],
    tablePollIntervalMs: c['table.poll.interval.ms'],
    topicPrefix: c['topic.prefix'],
    timestampDelayMs: c['timestamp.delay.interval.ms'],
    tables: c.tables,
  };
}

/** Parses a sink config; throws one ConfigException listing every problem. */
export function parseSinkConfig(props: ConnectorProps): SinkConfig {
  const c = parseChecked(SINK_CONFIG_DEF, props, sinkCrossCheck);
  const pkMode = c['pk.mode'].toLowerCase() as PkMode;
  return {
    connection: connectionOf(c as Record<string, unknown>),
    insertMode: c['insert.mode'].toLowerCase() as InsertMode,
    batchSize: c['batch.size'],
    deleteEnabled: c['delete.enabled'],
    tableNameFormat: c['table.name.format'],
    pkMode,
    pkFields:
      pkMode === 'kafka' && c['pk.fields'].length === 0 ? DEFAULT_KAFKA_PK_NAMES : c['pk.fields'],
    fieldsWhitelist: c['fields.whitelist'],
    autoCreate: c['auto.create'],
    autoEvolve: c['auto.evolve'],
    maxRetries: c['max.retries'],
    retryBackoffMs: c['retry.backoff.ms'],
    exactlyOnce: c['exactly.once.enabled']
      ? {
          offsetsTable: c['exactly.once.offsets.table'].trim(),
          // The connector config's `name` (each task config is a copy of it) keys the rows, so
          // that connectors sharing a table and a topic keep their own positions.
          connector: props.name ?? '',
        }
      : null,
  };
}
