import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { ConfigException, ConnectException, type ConnectorLogger } from '@sluice/api';
import cassandra from 'cassandra-driver';
import type { ConnectionSettings, ConsistencyLevel, SslSettings } from './config.js';

const { errors, policies, types } = cassandra;

/** The driver's consistency code of a level name. */
export function consistencyOf(level: ConsistencyLevel): number {
  const key = level.toLowerCase().replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
  return (types.consistencies as unknown as Record<string, number>)[key] as number;
}

/** Node.js TLS options from the `ssl.*` files (PEM trust store; PKCS#12 or PEM client identity). */
export function tlsOptions(ssl: SslSettings): ConnectionOptions {
  const read = (key: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw ConfigException.invalid(key, path, `cannot read the file: ${(error as Error).message}`);
    }
  };
  const options: ConnectionOptions = {};
  if (ssl.truststorePath !== '') {
    const ca = read('ssl.truststore.path', ssl.truststorePath);
    if (!ca.toString('latin1').includes('-----BEGIN CERTIFICATE-----')) {
      throw ConfigException.invalid(
        'ssl.truststore.path',
        ssl.truststorePath,
        'not a PEM file of certificates; Node.js cannot read Java key stores (export with keytool -exportcert -rfc)',
      );
    }
    options.ca = ca;
  }
  if (ssl.keystorePath !== '') {
    const pfx = read('ssl.keystore.path', ssl.keystorePath);
    // A JKS file starts with the magic number FEEDFEED.
    if (pfx.readUInt32BE(0) === 0xfeedfeed) {
      throw ConfigException.invalid(
        'ssl.keystore.path',
        ssl.keystorePath,
        'a JKS key store cannot be read by Node.js; convert it to PKCS#12 (keytool -importkeystore -deststoretype PKCS12)',
      );
    }
    options.pfx = pfx;
    options.passphrase = ssl.keystorePassword;
  }
  if ((ssl.keyCertChainPath === '') !== (ssl.privateKeyPath === '')) {
    const missing =
      ssl.keyCertChainPath === '' ? 'ssl.openssl.keyCertChain' : 'ssl.openssl.privateKey';
    throw new ConfigException(
      `ssl.openssl.keyCertChain cannot be set without ssl.openssl.privateKey and vice-versa: ${missing} is not set`,
      { key: missing },
    );
  }
  if (ssl.keyCertChainPath !== '') {
    options.cert = read('ssl.openssl.keyCertChain', ssl.keyCertChainPath);
    options.key = read('ssl.openssl.privateKey', ssl.privateKeyPath);
  }
  if (ssl.cipherSuites.length > 0) options.ciphers = ssl.cipherSuites.join(':');
  if (!ssl.hostnameValidation) options.checkServerIdentity = () => undefined;
  return options;
}

/** The driver options for these settings. */
export function clientOptions(
  settings: ConnectionSettings,
  applicationName: string,
): cassandra.DseClientOptions {
  return {
    contactPoints: [...settings.contactPoints],
    ...(settings.localDc === '' ? {} : { localDataCenter: settings.localDc }),
    ...(settings.secureConnectBundle === null
      ? {}
      : { cloud: { secureConnectBundle: settings.secureConnectBundle } }),
    ...(settings.username === null
      ? {}
      : {
          authProvider: new cassandra.auth.PlainTextAuthProvider(
            settings.username,
            settings.password ?? '',
          ),
        }),
    ...(settings.ssl === null ? {} : { sslOptions: tlsOptions(settings.ssl) }),
    applicationName,
    socketOptions: {
      connectTimeout: settings.connectTimeoutMs,
      readTimeout: settings.requestTimeoutMs,
    },
    pooling: { coreConnectionsPerHost: { [types.distance.local]: settings.poolLocalSize } },
    policies: {
      // A node that went away is tried again within seconds, not the driver's ten minutes.
      reconnection: new policies.reconnection.ExponentialReconnectionPolicy(500, 5_000, false),
    },
    // Lossless values: bigint for bigint/counter/varint, Map and Set for maps and sets.
    encoding: { useBigIntAsLong: true, useBigIntAsVarint: true, map: Map, set: Set },
  };
}

/** Opens a client, failing with a message naming the contact points. */
export async function connect(
  settings: ConnectionSettings,
  applicationName: string,
  log: ConnectorLogger,
): Promise<cassandra.Client> {
  const client = new cassandra.Client(clientOptions(settings, applicationName));
  try {
    await client.connect();
  } catch (error) {
    await client.shutdown().catch(() => {});
    throw new ConnectException(
      `Cannot connect to Cassandra at ${settings.contactPoints.join(', ') || 'the secure connect bundle'}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  log.info(
    { contactPoints: settings.contactPoints, localDc: settings.localDc },
    `Connected to Cassandra at ${settings.contactPoints.join(', ')} (${client.getState().getConnectedHosts().length} node(s) connected)`,
  );
  return client;
}

/** What a failed request says about what to do next. */
export type FailureKind = 'retriable' | 'data' | 'fatal';

const RETRIABLE_CODES = new Set<number>([
  types.responseErrorCodes.unavailableException,
  types.responseErrorCodes.overloaded,
  types.responseErrorCodes.isBootstrapping,
  types.responseErrorCodes.truncateError,
  types.responseErrorCodes.writeTimeout,
  types.responseErrorCodes.readTimeout,
  types.responseErrorCodes.writeFailure,
  types.responseErrorCodes.readFailure,
]);

/**
 * Sorts a driver error: the cluster is unreachable or busy (retry later), the server refused the
 * data of this request (a record at fault), or something no retry fixes (bad schema, rights).
 */
export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof errors.ResponseError) {
    if (RETRIABLE_CODES.has(error.code)) return 'retriable';
    if (error.code === types.responseErrorCodes.invalid) return 'data';
    return 'fatal';
  }
  if (error instanceof TypeError || error instanceof RangeError) return 'data';
  if (error instanceof errors.ArgumentError) return 'data';
  if (error instanceof errors.NotSupportedError || error instanceof errors.AuthenticationError) {
    return 'fatal';
  }
  // NoHostAvailableError, OperationTimedOutError, BusyConnectionError, a closed socket.
  return 'retriable';
}

/** The error text a user sees: the server's message and its error name. */
export function describeFailure(error: unknown): string {
  if (error instanceof errors.NoHostAvailableError) {
    const inner = Object.entries(error.innerErrors ?? {})
      .map(([host, e]) => `${host}: ${(e as Error).message}`)
      .join('; ');
    return `${error.message}${inner ? ` (${inner})` : ''}`;
  }
  if (error instanceof errors.ResponseError) {
    const name =
      Object.entries(types.responseErrorCodes).find(([, code]) => code === error.code)?.[0] ??
      `0x${error.code.toString(16)}`;
    return `${error.message} (server error ${name})`;
  }
  return (error as Error).message ?? String(error);
}
