import {
  type Config,
  ConfigDef,
  ConfigException,
  type ConfigProblem,
  type ConnectorProps,
  Range,
  ValidString,
} from '@sluice/api';
import { invalid, problemsOf, withProblems } from './config-problems.js';
import {
  CONNECTION_CONFIG_DEF,
  CONSISTENCY_LEVELS,
  type ConnectionSettings,
  type ConsistencyLevel,
  connectionOf,
  connectionProblems,
} from './connection-config.js';
import { type KcqlStatement, parseKcql } from './kcql.js';

const SOURCE_GROUP = 'Source';

/** The source's own keys: stream-reactor's `connect.cassandra.*` source keys. */
export const SOURCE_READS_CONFIG_DEF = new ConfigDef()
  .define('connect.cassandra.key.space', {
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'The keyspace of the tables to read.',
  })
  .define('connect.cassandra.kcql', {
    type: 'STRING',
    importance: 'HIGH',
    documentation:
      "What to read, as stream-reactor KCQL, statements separated by `;`: `INSERT INTO <topic> SELECT *|<col>,... FROM <table> [PK <column>] [INCREMENTALMODE=TIMESTAMP|TIMEUUID|TOKEN] [WITHKEY(<col>,...)] [KEYDELIMITER='<text>']`. With PK and TIMESTAMP (the default) or TIMEUUID: rows whose column is newer than the last read. Without PK, or TOKEN: the whole table each poll interval.",
  })
  .define('connect.cassandra.import.poll.interval', {
    type: 'LONG',
    default: 1000,
    validator: Range.atLeast(0),
    importance: 'MEDIUM',
    documentation:
      'Milliseconds between two reads of a table once it is caught up (incremental) or after a full pass (bulk).',
  })
  .define('connect.cassandra.batch.size', {
    type: 'INT',
    default: 100,
    validator: Range.atLeast(1),
    importance: 'MEDIUM',
    documentation: 'Most records one poll returns.',
  })
  .define('connect.cassandra.fetch.size', {
    type: 'INT',
    default: 5000,
    validator: Range.atLeast(1),
    importance: 'MEDIUM',
    documentation: 'Rows per page read from Cassandra.',
  })
  .define('connect.cassandra.slice.delay.ms', {
    type: 'LONG',
    default: 30000,
    validator: Range.atLeast(0),
    importance: 'HIGH',
    documentation:
      'Incremental reads stop this many milliseconds before now: rows written later with an older timestamp (clock skew between writers, slow replication) are still read.',
  })
  .define('connect.cassandra.time.slice.ms', {
    type: 'LONG',
    default: 0,
    validator: Range.atLeast(0),
    importance: 'MEDIUM',
    documentation:
      'Widest time range one incremental query covers, in milliseconds; 0: up to `slice.delay.ms` before now (a full scan costs the same for any range).',
  })
  .define('connect.cassandra.initial.offset', {
    type: 'STRING',
    default: '1900-01-01 00:00:00.0000000Z',
    importance: 'MEDIUM',
    documentation:
      'Where incremental reads start when no offset is stored: rows newer than this timestamp (`yyyy-MM-dd HH:mm:ss[.fraction]Z`).',
  })
  .define('connect.cassandra.import.allow.filtering', {
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    documentation:
      'Add ALLOW FILTERING to incremental queries (needed unless the column is indexed, e.g. by an SAI index).',
  })
  .define('connect.cassandra.consistency.level', {
    type: 'STRING',
    default: '',
    validator: ValidString.caseInsensitive('', ...CONSISTENCY_LEVELS),
    importance: 'MEDIUM',
    documentation: 'Consistency level of the reads. Empty: LOCAL_ONE.',
  })
  .define('connect.cassandra.mapping.collection.to.json', {
    type: 'BOOLEAN',
    default: false,
    validator: (value: unknown) =>
      value === true
        ? 'collections are always typed ARRAY and MAP values (convert them with the value converter)'
        : undefined,
    importance: 'LOW',
    documentation: 'Only `false`: lists, sets and maps become Connect arrays and maps.',
  })
  .define('connect.cassandra.contact.points', {
    type: 'LIST',
    default: null,
    importance: 'LOW',
    documentation: 'Stream-reactor name of `contactPoints` (used when that is empty).',
  })
  .define('connect.cassandra.port', {
    type: 'INT',
    default: null,
    validator: Range.between(1, 65535),
    importance: 'LOW',
    documentation: 'Stream-reactor name of `port`.',
  })
  .define('connect.cassandra.username', {
    type: 'STRING',
    default: null,
    importance: 'LOW',
    documentation: 'Stream-reactor name of `auth.username`.',
  })
  .define('connect.cassandra.password', {
    type: 'PASSWORD',
    default: null,
    importance: 'LOW',
    documentation: 'Stream-reactor name of `auth.password`.',
  })
  .define('connect.cassandra.task.buffer.size', {
    type: 'INT',
    default: 10000,
    importance: 'LOW',
    documentation: 'Accepted for stream-reactor configs; rows are read page by page (no effect).',
  })
  .define('connect.cassandra.assigned.tables', {
    type: 'STRING',
    default: '',
    importance: 'LOW',
    documentation: 'The KCQL statements of one task (set by the connector).',
    internal: true,
  })
  .defineUnsupported(
    'connect.cassandra.bucket.timeseries.mode',
    'bucketed time series are not supported; track an indexed timestamp or timeuuid column.',
  )
  .defineUnsupported(
    'connect.cassandra.ssl.enabled',
    'configure TLS with the ssl.* keys (ssl.provider=JDK or OpenSSL).',
  )
  .defineUnsupported(
    'connect.cassandra.load.balancing.policy',
    'requests go to the data center named by loadBalancing.localDc, token-aware.',
  );

/** Every key of the source: the connection keys and its own. */
export const SOURCE_CONFIG_DEF = new ConfigDef(CONNECTION_CONFIG_DEF as ConfigDef<object>).embed(
  '',
  SOURCE_GROUP,
  1,
  SOURCE_READS_CONFIG_DEF as ConfigDef<object>,
);

/** A parsed source (connector or task) configuration. */
export interface SourceConfig {
  readonly connection: ConnectionSettings;
  readonly keyspace: string;
  /** Every statement of `connect.cassandra.kcql` (the connector) or the task's share. */
  readonly statements: readonly KcqlStatement[];
  readonly pollIntervalMs: number;
  readonly batchSize: number;
  readonly fetchSize: number;
  readonly sliceDelayMs: number;
  readonly timeSliceMs: number;
  readonly initialOffsetMs: number;
  readonly allowFiltering: boolean;
  readonly consistency: ConsistencyLevel;
}

/** Milliseconds since the epoch of `connect.cassandra.initial.offset` (`1900-01-01 00:00:00.0000000Z`). */
export function parseInitialOffset(text: string): number | null {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(
      text.trim(),
    );
  if (m === null) return null;
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m as unknown as string[];
  const ms =
    Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) +
    Number(`${frac}000`.slice(0, 3));
  if (zone === 'Z') return ms;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.replace(/[+:-]/g, '');
  return ms - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

function sourceProblems(props: ConnectorProps): {
  problems: ConfigProblem[];
  config: SourceConfig | null;
} {
  const problems = problemsOf(SOURCE_CONFIG_DEF, props);
  if (problems.length > 0) return { problems, config: null };
  const c = SOURCE_CONFIG_DEF.parse(props) as Record<string, unknown>;
  problems.push(...connectionProblems(props, c));
  const assigned = c['connect.cassandra.assigned.tables'] as string;
  const kcqlKey = assigned === '' ? 'connect.cassandra.kcql' : 'connect.cassandra.assigned.tables';
  let statements: KcqlStatement[] = [];
  try {
    statements = parseKcql(assigned === '' ? (c['connect.cassandra.kcql'] as string) : assigned);
    if (statements.length === 0) problems.push(invalid(kcqlKey, '', 'no KCQL statement'));
  } catch (error) {
    problems.push(invalid(kcqlKey, c[kcqlKey], (error as Error).message));
  }
  const tables = statements.map((s) => s.table);
  const twice = tables.filter((t, i) => tables.indexOf(t) !== i);
  if (twice.length > 0) {
    problems.push(
      invalid(
        kcqlKey,
        c[kcqlKey],
        `table ${twice[0]} is read by two statements; read each table once`,
      ),
    );
  }
  const initial = parseInitialOffset(c['connect.cassandra.initial.offset'] as string);
  if (initial === null) {
    problems.push(
      invalid(
        'connect.cassandra.initial.offset',
        c['connect.cassandra.initial.offset'],
        'not a timestamp of the form yyyy-MM-dd HH:mm:ss[.fraction]Z',
      ),
    );
  }
  if (problems.length > 0) return { problems, config: null };
  const consistency = (c['connect.cassandra.consistency.level'] as string).toUpperCase();
  return {
    problems,
    config: {
      connection: connectionOf(c),
      keyspace: c['connect.cassandra.key.space'] as string,
      statements,
      pollIntervalMs: c['connect.cassandra.import.poll.interval'] as number,
      batchSize: c['connect.cassandra.batch.size'] as number,
      fetchSize: c['connect.cassandra.fetch.size'] as number,
      sliceDelayMs: c['connect.cassandra.slice.delay.ms'] as number,
      timeSliceMs: c['connect.cassandra.time.slice.ms'] as number,
      initialOffsetMs: initial as number,
      allowFiltering: c['connect.cassandra.import.allow.filtering'] as boolean,
      consistency: (consistency === '' ? 'LOCAL_ONE' : consistency) as ConsistencyLevel,
    },
  };
}

/** Parses a source connector or task config; throws one ConfigException listing every problem. */
export function parseSourceConfig(props: ConnectorProps): SourceConfig {
  const { problems, config } = sourceProblems(props);
  if (config === null) throw ConfigException.fromProblems(problems);
  return config;
}

/** The source's REST validation. */
export function validateSourceProps(props: ConnectorProps): Config {
  return withProblems(
    SOURCE_CONFIG_DEF as ConfigDef<object>,
    props,
    sourceProblems(props).problems,
  );
}
