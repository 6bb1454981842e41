import {
  ConfigDef,
  type ConfigProblem,
  type ConnectorProps,
  type Password,
  Range,
  ValidString,
} from '@sluice/api';
import { entriesOf, invalid } from './config-problems.js';
import { parseDurationMs } from './time-unit.js';

const CONNECTION_GROUP = 'Connection';
const AUTH_GROUP = 'Authentication';
const SSL_GROUP = 'SSL';

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

/** Problems of keys the ConfigDef cannot see: per-topic keys, Java driver settings, cross-key rules. */
export function connectionProblems(
  props: ConnectorProps,
  c: Record<string, unknown>,
): ConfigProblem[] {
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

export function connectionOf(c: Record<string, unknown>): ConnectionSettings {
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
