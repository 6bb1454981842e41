import { type ConfigDef, type ConfigProblem, type Password, Range } from '@sluice/api';
import { parseRedisUri, type RedisUri } from './redis-uri.js';

const GROUP = 'Connection';

/** The connection keys of redis-kafka-connect, shared by the sink and both sources. */
export function defineConnection<C extends object>(def: ConfigDef<C>) {
  return def
    .define('redis.uri', {
      type: 'STRING',
      default: '',
      importance: 'MEDIUM',
      documentation:
        'URI of the Redis server: `redis://[[user:]password@]host[:port][/database][?timeout=10s&clientName=x]`, `rediss://...` for TLS, or `redis-socket:///path/to/socket`. With `redis.cluster=true`, any node of the cluster (the others are discovered). Empty: `redis.host` and `redis.port`.',
      group: GROUP,
      orderInGroup: 1,
      width: 'LONG',
    })
    .define('redis.host', {
      type: 'STRING',
      default: 'localhost',
      importance: 'HIGH',
      documentation: 'The Redis host to connect to, when `redis.uri` is empty.',
      group: GROUP,
      orderInGroup: 2,
    })
    .define('redis.port', {
      type: 'INT',
      default: 6379,
      validator: Range.between(1, 65535),
      importance: 'HIGH',
      documentation: 'The Redis port to connect to, when `redis.uri` is empty.',
      group: GROUP,
      orderInGroup: 3,
    })
    .define('redis.cluster', {
      type: 'BOOLEAN',
      default: false,
      importance: 'MEDIUM',
      documentation:
        'Connect to a Redis Cluster: commands are grouped by the master that owns their key’s slot, one pipeline per master.',
      group: GROUP,
      orderInGroup: 4,
    })
    .define('redis.username', {
      type: 'STRING',
      default: '',
      importance: 'MEDIUM',
      documentation: 'ACL user to authenticate as, with `redis.password` (overrides the URI’s).',
      group: GROUP,
      orderInGroup: 5,
    })
    .define('redis.password', {
      type: 'PASSWORD',
      default: '',
      importance: 'MEDIUM',
      documentation: 'Password to authenticate with; when set it overrides the URI’s.',
      group: GROUP,
      orderInGroup: 6,
    })
    .define('redis.timeout', {
      type: 'LONG',
      default: 60,
      validator: Range.atLeast(1),
      importance: 'MEDIUM',
      documentation:
        'Command and connect timeout in seconds (Lettuce’s default, 60). A command without an answer by then fails as a retriable error.',
      group: GROUP,
      orderInGroup: 7,
    })
    .define('redis.tls', {
      type: 'BOOLEAN',
      default: false,
      importance: 'MEDIUM',
      documentation: 'Connect with TLS (as a `rediss://` URI does).',
      group: GROUP,
      orderInGroup: 8,
    })
    .define('redis.insecure', {
      type: 'BOOLEAN',
      default: false,
      importance: 'MEDIUM',
      documentation: 'With TLS, accept any server certificate (no verification).',
      group: GROUP,
      orderInGroup: 9,
    })
    .define('redis.cacert', {
      type: 'STRING',
      default: '',
      importance: 'MEDIUM',
      documentation:
        'X.509 CA certificate file (PEM) to verify the server with, instead of the system CAs.',
      group: GROUP,
      orderInGroup: 10,
    })
    .define('redis.key.cert', {
      type: 'STRING',
      default: '',
      importance: 'MEDIUM',
      documentation:
        'X.509 certificate chain file (PEM) to authenticate with (mutual TLS), with `redis.key.file`.',
      group: GROUP,
      orderInGroup: 11,
    })
    .define('redis.key.file', {
      type: 'STRING',
      default: '',
      importance: 'MEDIUM',
      documentation: 'PKCS#8 private key file (PEM) of `redis.key.cert`.',
      group: GROUP,
      orderInGroup: 12,
    })
    .define('redis.key.password', {
      type: 'PASSWORD',
      default: '',
      importance: 'MEDIUM',
      documentation: 'Password of `redis.key.file`; empty when the key is not encrypted.',
      group: GROUP,
      orderInGroup: 13,
    })
    .define('redis.pool', {
      type: 'INT',
      default: 8,
      validator: Range.atLeast(1),
      importance: 'LOW',
      documentation:
        'Accepted for redis-kafka-connect configs, with no effect: each task pipelines its commands over one connection per master.',
      group: GROUP,
      orderInGroup: 14,
    });
}

/** TLS settings (`rediss://` or `redis.tls=true`): file paths as configured, read at connect. */
export interface TlsSettings {
  readonly verifyPeer: boolean;
  readonly caFile: string | null;
  readonly certFile: string | null;
  readonly keyFile: string | null;
  readonly keyPassword: string | null;
}

/** Where and how to connect, parsed once from the connection keys. */
export interface ConnectionSettings {
  readonly uri: RedisUri;
  readonly cluster: boolean;
  readonly username: string | null;
  readonly password: string | null;
  readonly tls: TlsSettings | null;
  readonly timeoutMs: number;
}

/** The parsed connection keys, as `ConfigDef.parse` returns them. */
interface ConnectionValues {
  readonly 'redis.uri': string;
  readonly 'redis.host': string;
  readonly 'redis.port': number;
  readonly 'redis.cluster': boolean;
  readonly 'redis.username': string;
  readonly 'redis.password': Password;
  readonly 'redis.timeout': number;
  readonly 'redis.tls': boolean;
  readonly 'redis.insecure': boolean;
  readonly 'redis.cacert': string;
  readonly 'redis.key.cert': string;
  readonly 'redis.key.file': string;
  readonly 'redis.key.password': Password;
}

const orNull = (text: string): string | null => (text === '' ? null : text);

/**
 * The connection settings of parsed values; as redis-kafka-connect: `redis.uri` when set, else
 * host and port; a non-empty `redis.password` (with `redis.username`) replaces the URI's
 * credentials; `redis.timeout` replaces the URI's timeout.
 */
export function connectionSettings(values: ConnectionValues): ConnectionSettings {
  const uri =
    values['redis.uri'] === ''
      ? parseRedisUri(`redis://${values['redis.host']}:${values['redis.port']}`)
      : parseRedisUri(values['redis.uri']);
  const password = values['redis.password'].value();
  const useConfigCredentials = password !== '';
  const tlsEnabled = uri.tls || values['redis.tls'];
  return {
    uri,
    cluster: values['redis.cluster'],
    username: useConfigCredentials ? orNull(values['redis.username']) : uri.username,
    password: useConfigCredentials ? password : uri.password,
    tls: tlsEnabled
      ? {
          verifyPeer: uri.verifyPeer && !values['redis.insecure'],
          caFile: orNull(values['redis.cacert']),
          certFile: orNull(values['redis.key.cert']),
          keyFile: orNull(values['redis.key.file']),
          keyPassword: orNull(values['redis.key.password'].value()),
        }
      : null,
    timeoutMs: values['redis.timeout'] * 1000,
  };
}

/** Problems across the connection keys, for validation: a bad URI, a database in a cluster. */
export function connectionProblems(get: (key: string) => unknown): ConfigProblem[] {
  const text = get('redis.uri');
  if (typeof text !== 'string' || text === '') return [];
  const shown = text.replace(/\/\/[^@/]*@/, '//[hidden]@');
  try {
    const uri = parseRedisUri(text);
    if (get('redis.cluster') === true && uri.database !== 0) {
      return [
        {
          key: 'redis.uri',
          value: shown,
          message: `Invalid value ${shown} for configuration redis.uri: a Redis Cluster has only database 0 (the URI selects ${uri.database})`,
        },
      ];
    }
    if (get('redis.cluster') === true && uri.socketPath !== null) {
      return [
        {
          key: 'redis.uri',
          value: shown,
          message: `Invalid value ${shown} for configuration redis.uri: a Redis Cluster is reached over TCP, not a Unix socket`,
        },
      ];
    }
    return [];
  } catch (error) {
    return [
      {
        key: 'redis.uri',
        value: shown,
        message: `Invalid value ${shown} for configuration redis.uri: ${(error as Error).message}`,
      },
    ];
  }
}
