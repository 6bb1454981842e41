import {
  type Config,
  ConfigDef,
  ConfigException,
  type ConfigProblem,
  type ConfigValue,
  type ConnectorProps,
  type Password,
  Range,
  ValidString,
} from '@sluice/api';
import { type KcqlStatement, parseKcql } from './kcql.js';
import { type MappedColumn, parseMapping } from './mapping.js';
import { parseDurationMs, TIME_UNITS, type TimeUnit } from './time-unit.js';

const CONNECTION_GROUP = 'Connection';
const AUTH_GROUP = 'Authentication';
const SSL_GROUP = 'SSL';
const WRITES_GROUP = 'Writes';
const SOURCE_GROUP = 'Source';

/** Cassandra's consistency levels, as `consistencyLevel` takes them. */
export const CONSISTENCY_LEVELS = [
  'ANY',
  'ONE',
  'TWO',
  'THREE',
  'QUORUM',
  'ALL',
  'LOCAL_QUORUM',
  'EACH_QUORUM',
  'SERIAL',
  'LOCAL_SERIAL',
  'LOCAL_ONE',
] as const;
export type ConsistencyLevel = (typeof CONSISTENCY_LEVELS)[number];

const DRIVER_PREFIX = 'datastax-java-driver.';
const DRIVER_CONTACT_POINTS = `${DRIVER_PREFIX}basic.contact-points`;
const DRIVER_LOCAL_DC = `${DRIVER_PREFIX}basic.load-balancing-policy.local-datacenter`;
const DRIVER_REQUEST_TIMEOUT = `${DRIVER_PREFIX}basic.request.timeout`;
const DRIVER_CONNECT_TIMEOUT = `${DRIVER_PREFIX}advanced.connection.connect-timeout`;
const DRIVER_POOL_LOCAL_SIZE = `${DRIVER_PREFIX}advanced.connection.pool.local.size`;
const DRIVER_KEYS = [
  DRIVER_CONTACT_POINTS,
  DRIVER_LOCAL_DC,
  DRIVER_REQUEST_TIMEOUT,
  DRIVER_CONNECT_TIMEOUT,
  DRIVER_POOL_LOCAL_SIZE,
];

const durationValidator = (value: unknown): string | undefined =>
  value === null || parseDurationMs(String(value)) !== null
    ? undefined
    : "not a duration such as '30 seconds' or '500 milliseconds'";

/** The connection keys of the DataStax connector, shared by sink and source. */
function defineConnection<C extends object>(def: ConfigDef<C>) {
  return def
    .define('contactPoints', {
      type: 'LIST',
      default: '',
      importance: 'HIGH',
      documentation:
        'Host names or addresses of Cassandra nodes to connect to first (the driver discovers the others). Empty: 127.0.0.1.',
      group: CONNECTION_GROUP,
      orderInGroup: 1,
    })
    .define('port', {
      type: 'INT',
      default: 9042,
      validator: Range.between(1, 65535),
      importance: 'HIGH',
      documentation: 'The native protocol port of the contact points.',
      group: CONNECTION_GROUP,
      orderInGroup: 2,
    })
    .define('loadBalancing.localDc', {
      type: 'STRING',
      default: '',
      importance: 'HIGH',
      documentation:
        'The data center local to the connector (e.g. `datacenter1`): requests go to its nodes. Required when `contactPoints` is set.',
      group: CONNECTION_GROUP,
      orderInGroup: 3,
    })
    .define('maxConcurrentRequests', {
      type: 'INT',
      default: 500,
      validator: Range.atLeast(1),
      importance: 'HIGH',
      documentation: 'Most requests (statements or batches) a task has in flight at once.',
      group: CONNECTION_GROUP,
      orderInGroup: 4,
    })
    .define('queryExecutionTimeout', {
      type: 'INT',
      default: 30,
      validator: Range.atLeast(1),
      importance: 'HIGH',
      documentation: 'How long a request may take, in seconds, before it fails as timed out.',
      group: CONNECTION_GROUP,
      orderInGroup: 5,
    })
    .define('connectionPoolLocalSize', {
      type: 'INT',
      default: 4,
      validator: Range.atLeast(1),
      importance: 'HIGH',
      documentation: 'Connections kept to each node of the local data center.',
      group: CONNECTION_GROUP,
      orderInGroup: 6,
    })
    .define('compression', {
      type: 'STRING',
      default: 'None',
      validator: ValidString.caseInsensitive('None'),
      importance: 'HIGH',
      documentation:
        'Protocol compression. Only `None`: LZ4 and Snappy need native modules the Node.js driver does not ship.',
      group: CONNECTION_GROUP,
      orderInGroup: 7,
    })
    .define('jmx', {
      type: 'BOOLEAN',
      default: true,
      importance: 'LOW',
      documentation: 'Accepted for DataStax configs; there is no JMX in Node.js (no effect).',
      group: CONNECTION_GROUP,
      orderInGroup: 8,
    })
    .define('metricsHighestLatency', {
      type: 'INT',
      default: 35,
      validator: Range.atLeast(1),
      importance: 'LOW',
      documentation: 'Accepted for DataStax configs (scales JMX latency histograms); no effect.',
      group: CONNECTION_GROUP,
      orderInGroup: 9,
    })
    .define('cloud.secureConnectBundle', {
      type: 'STRING',
      default: '',
      importance: 'HIGH',
      documentation:
        'Path of an Astra secure connect bundle (zip); replaces `contactPoints`, `loadBalancing.localDc` and `ssl.*`.',
      group: CONNECTION_GROUP,
      orderInGroup: 10,
    })
    .define(DRIVER_CONTACT_POINTS, {
      type: 'LIST',
      default: null,
      importance: 'LOW',
      documentation:
        'Java driver setting: contact points as `host:port`; overrides `contactPoints`.',
      group: CONNECTION_GROUP,
      orderInGroup: 11,
    })
    .define(DRIVER_LOCAL_DC, {
      type: 'STRING',
      default: null,
      importance: 'LOW',
      documentation: 'Java driver setting: overrides `loadBalancing.localDc`.',
      group: CONNECTION_GROUP,
      orderInGroup: 12,
    })
    .define(DRIVER_REQUEST_TIMEOUT, {
      type: 'STRING',
      default: null,
      validator: durationValidator,
      importance: 'LOW',
      documentation:
        'Java driver setting: request timeout as a duration (`10 seconds`); overrides `queryExecutionTimeout`.',
      group: CONNECTION_GROUP,
      orderInGroup: 13,
    })
    .define(DRIVER_CONNECT_TIMEOUT, {
      type: 'STRING',
      default: '5 seconds',
      validator: durationValidator,
      importance: 'LOW',
      documentation: 'Java driver setting: how long opening a connection to a node may take.',
      group: CONNECTION_GROUP,
      orderInGroup: 14,
    })
    .define(DRIVER_POOL_LOCAL_SIZE, {
      type: 'INT',
      default: null,
      validator: Range.atLeast(1),
      importance: 'LOW',
      documentation: 'Java driver setting: overrides `connectionPoolLocalSize`.',
      group: CONNECTION_GROUP,
      orderInGroup: 15,
    })
    .define('auth.provider', {
      type: 'STRING',
      default: 'None',
      validator: ValidString.caseInsensitive('None', 'PLAIN'),
      importance: 'HIGH',
      documentation:
        '`None` or `PLAIN` (user name and password; chosen by itself when `auth.username` is set). GSSAPI (Kerberos) is not supported.',
      group: AUTH_GROUP,
      orderInGroup: 1,
    })
    .define('auth.username', {
      type: 'STRING',
      default: '',
      importance: 'HIGH',
      documentation: 'User name for PLAIN authentication.',
      group: AUTH_GROUP,
      orderInGroup: 2,
    })
    .define('auth.password', {
      type: 'PASSWORD',
      default: '',
      importance: 'HIGH',
      documentation: 'Password for PLAIN authentication.',
      group: AUTH_GROUP,
      orderInGroup: 3,
    })
    .define('ssl.provider', {
      type: 'STRING',
      default: 'None',
      validator: ValidString.caseInsensitive('None', 'JDK', 'OpenSSL'),
      importance: 'HIGH',
      documentation:
        '`None`: plain connections. `JDK` or `OpenSSL`: TLS (both use Node.js TLS, which is OpenSSL).',
      group: SSL_GROUP,
      orderInGroup: 1,
    })
    .define('ssl.hostnameValidation', {
      type: 'BOOLEAN',
      default: true,
      importance: 'HIGH',
      documentation: "Whether the node's certificate must name the host connected to.",
      group: SSL_GROUP,
      orderInGroup: 2,
    })
    .define('ssl.truststore.path', {
      type: 'STRING',
      default: '',
      importance: 'HIGH',
      documentation:
        'CA certificates to trust, as a PEM file (a Java keystore cannot be read by Node.js: export it with `keytool -exportcert -rfc`). Empty: the system CAs.',
      group: SSL_GROUP,
      orderInGroup: 3,
    })
    .define('ssl.truststore.password', {
      type: 'PASSWORD',
      default: '',
      importance: 'HIGH',
      documentation: 'Accepted for DataStax configs; a PEM trust store has no password.',
      group: SSL_GROUP,
      orderInGroup: 4,
    })
    .define('ssl.keystore.path', {
      type: 'STRING',
      default: '',
      importance: 'HIGH',
      documentation:
        'Client certificate and key for mutual TLS, as a PKCS#12 file (`.p12`/`.pfx`; JKS is refused).',
      group: SSL_GROUP,
      orderInGroup: 5,
    })
    .define('ssl.keystore.password', {
      type: 'PASSWORD',
      default: '',
      importance: 'HIGH',
      documentation: 'Password of the PKCS#12 key store.',
      group: SSL_GROUP,
      orderInGroup: 6,
    })
    .define('ssl.openssl.keyCertChain', {
      type: 'STRING',
      default: '',
      importance: 'HIGH',
      documentation:
        'Client certificate chain for mutual TLS, as a PEM file (with `ssl.openssl.privateKey`).',
      group: SSL_GROUP,
      orderInGroup: 7,
    })
    .define('ssl.openssl.privateKey', {
      type: 'STRING',
      default: '',
      importance: 'HIGH',
      documentation:
        'Client private key for mutual TLS, as a PEM file (with `ssl.openssl.keyCertChain`).',
      group: SSL_GROUP,
      orderInGroup: 8,
    })
    .define('ssl.cipherSuites', {
      type: 'LIST',
      default: '',
      importance: 'HIGH',
      documentation: 'Cipher suites to enable, by their OpenSSL names. Empty: Node.js defaults.',
      group: SSL_GROUP,
      orderInGroup: 9,
    });
}

/** The connection keys of the DataStax connector, shared by sink and source. */
export const CONNECTION_CONFIG_DEF = defineConnection(new ConfigDef());

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

/** TLS settings, as files on disk. */
export interface SslSettings {
  readonly hostnameValidation: boolean;
  readonly truststorePath: string;
  readonly keystorePath: string;
  readonly keystorePassword: string;
  readonly keyCertChainPath: string;
  readonly privateKeyPath: string;
  readonly cipherSuites: readonly string[];
}

/** How to reach Cassandra: what the connection keys parse to. */
export interface ConnectionSettings {
  /** `host:port` of each contact point. */
  readonly contactPoints: readonly string[];
  readonly localDc: string;
  readonly username: string | null;
  readonly password: string | null;
  readonly ssl: SslSettings | null;
  readonly requestTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly poolLocalSize: number;
  readonly maxConcurrentRequests: number;
  readonly secureConnectBundle: string | null;
}

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

// topic.<topic>.<keyspace>.<table>.<setting>: topic names may hold dots, keyspace and table
// names do not unless quoted (as in the DataStax connector).
const TABLE_KEY =
  /^topic\.([a-zA-Z0-9._-]+)\.([^."]+|"[^"]+")\.([^."]+|"[^"]+")\.(mapping|consistencyLevel|ttl|nullToUnset|deletesEnabled|ttlTimeUnit|timestampTimeUnit|query)$/;
const CODEC_KEY = /^topic\.([a-zA-Z0-9._-]+)\.codec\.(locale|timeZone|timestamp|date|time|unit)$/;

function entriesOf(props: ConnectorProps): [string, string][] {
  return Object.entries(props).filter((e): e is [string, string] => typeof e[1] === 'string');
}

function invalid(key: string, value: unknown, reason: string): ConfigProblem {
  return {
    key,
    value,
    message: `Invalid value ${String(value)} for configuration ${key}: ${reason}`,
  };
}

/** `def` with every key under `prefix`, validators seeing the full key name (unlike `embed`). */
export function prefixed(def: ConfigDef<object>, prefix: string): ConfigDef<object> {
  const out = new ConfigDef();
  for (const key of def.sortedKeys()) {
    out.define(`${prefix}${key.name}`, {
      type: key.type,
      ...(key.hasDefault ? { default: key.defaultValue as string | null } : {}),
      ...(key.validator === null ? {} : { validator: key.validator }),
      importance: key.importance,
      documentation: key.documentation,
    });
  }
  return out;
}

const unquoteName = (name: string) => (name.startsWith('"') ? name.slice(1, -1) : name);

/** Problems of keys the ConfigDef cannot see: per-topic keys, Java driver settings, cross-key rules. */
function connectionProblems(props: ConnectorProps, c: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [key] of entriesOf(props)) {
    if (key.startsWith(DRIVER_PREFIX) && !DRIVER_KEYS.includes(key)) {
      problems.push(
        invalid(
          key,
          props[key],
          `this Java driver setting is not supported (supported: ${DRIVER_KEYS.join(', ')})`,
        ),
      );
    }
  }
  const contactPoints = contactPointsOf(c);
  if (contactPoints.length > 0 && localDcOf(c) === '' && !c['cloud.secureConnectBundle']) {
    problems.push(
      invalid(
        'contactPoints',
        contactPoints.join(','),
        'When contact points is provided, loadBalancing.localDc must also be specified',
      ),
    );
  }
  const provider = String(c['auth.provider']).toUpperCase();
  if (
    provider === 'PLAIN' &&
    c['auth.username'] === '' &&
    c['connect.cassandra.username'] == null
  ) {
    problems.push(invalid('auth.username', '', 'auth.provider=PLAIN needs a user name'));
  }
  return problems;
}

function contactPointsOf(c: Record<string, unknown>): string[] {
  const driver = c[DRIVER_CONTACT_POINTS] as string[] | null;
  if (driver !== null && driver.length > 0) return driver;
  const port = (c['connect.cassandra.port'] as number | null | undefined) ?? (c.port as number);
  const hosts = (c.contactPoints as string[]).length
    ? (c.contactPoints as string[])
    : ((c['connect.cassandra.contact.points'] as string[] | null | undefined) ?? []);
  return hosts.map((h) => (/^\[.*\]$|^[^:]+$/.test(h) ? `${h}:${port}` : h));
}

function localDcOf(c: Record<string, unknown>): string {
  return (c[DRIVER_LOCAL_DC] as string | null) ?? (c['loadBalancing.localDc'] as string);
}

function secret(value: unknown): string {
  return value === null || value === undefined ? '' : (value as Password).value();
}

function connectionOf(c: Record<string, unknown>): ConnectionSettings {
  const username =
    (c['auth.username'] as string) || ((c['connect.cassandra.username'] as string | null) ?? '');
  const password = secret(c['auth.password']) || secret(c['connect.cassandra.password']);
  const sslProvider = String(c['ssl.provider']).toUpperCase();
  const driverTimeout = c[DRIVER_REQUEST_TIMEOUT] as string | null;
  const contactPoints = contactPointsOf(c);
  const bundle = c['cloud.secureConnectBundle'] as string;
  return {
    contactPoints: contactPoints.length > 0 || bundle ? contactPoints : ['127.0.0.1:9042'],
    localDc: localDcOf(c) || (contactPoints.length === 0 ? 'datacenter1' : ''),
    username: username === '' ? null : username,
    password: username === '' ? null : password,
    ssl:
      sslProvider === 'NONE'
        ? null
        : {
            hostnameValidation: c['ssl.hostnameValidation'] as boolean,
            truststorePath: c['ssl.truststore.path'] as string,
            keystorePath: c['ssl.keystore.path'] as string,
            keystorePassword: secret(c['ssl.keystore.password']),
            keyCertChainPath: c['ssl.openssl.keyCertChain'] as string,
            privateKeyPath: c['ssl.openssl.privateKey'] as string,
            cipherSuites: c['ssl.cipherSuites'] as string[],
          },
    requestTimeoutMs:
      driverTimeout !== null
        ? (parseDurationMs(driverTimeout) as number)
        : (c.queryExecutionTimeout as number) * 1000,
    connectTimeoutMs: parseDurationMs(c[DRIVER_CONNECT_TIMEOUT] as string) as number,
    poolLocalSize:
      (c[DRIVER_POOL_LOCAL_SIZE] as number | null) ?? (c.connectionPoolLocalSize as number),
    maxConcurrentRequests: c.maxConcurrentRequests as number,
    secureConnectBundle: bundle === '' ? null : bundle,
  };
}

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
    const values = def.validateAll(props);
    const before = problems.length;
    for (const v of values.values()) {
      for (const message of v.errorMessages)
        problems.push({ key: v.name, value: props[v.name], message });
    }
    if (problems.length > before) continue;
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
    const values = def.validateAll(props);
    let bad = false;
    for (const v of values.values()) {
      for (const message of v.errorMessages) {
        bad = true;
        problems.push({ key: v.name, value: props[v.name], message });
      }
    }
    if (bad) continue;
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
  const values = SINK_CONFIG_DEF.validateAll(props);
  const problems: ConfigProblem[] = [];
  for (const v of values.values()) {
    for (const message of v.errorMessages)
      problems.push({ key: v.name, value: props[v.name], message });
  }
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
  const values = SOURCE_CONFIG_DEF.validateAll(props);
  const problems: ConfigProblem[] = [];
  for (const v of values.values()) {
    for (const message of v.errorMessages)
      problems.push({ key: v.name, value: props[v.name], message });
  }
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

/** Validation results for the REST API: the ConfigDef's, with the other problems attached to their keys. */
function withProblems(
  def: ConfigDef<object>,
  props: ConnectorProps,
  problems: ConfigProblem[],
): Config {
  const values = def.validateAll(props);
  for (const problem of problems) {
    const value = values.get(problem.key);
    if (value === undefined) {
      values.set(problem.key, {
        name: problem.key,
        value: problem.value === undefined ? null : String(problem.value),
        recommendedValues: [],
        errorMessages: [problem.message],
        visible: true,
      } satisfies ConfigValue);
    } else if (!value.errorMessages.includes(problem.message)) {
      value.errorMessages.push(problem.message);
    }
  }
  return { configValues: [...values.values()] };
}

/** The sink's REST validation. */
export function validateSinkProps(props: ConnectorProps): Config {
  return withProblems(SINK_CONFIG_DEF as ConfigDef<object>, props, sinkProblems(props).problems);
}

/** The source's REST validation. */
export function validateSourceProps(props: ConnectorProps): Config {
  return withProblems(
    SOURCE_CONFIG_DEF as ConfigDef<object>,
    props,
    sourceProblems(props).problems,
  );
}
