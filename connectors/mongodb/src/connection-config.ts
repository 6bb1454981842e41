import { ConfigDef, type Password } from '@sluice/api';

/** The server API options of `server.api.*` (MongoDB's Stable API). */
export interface ServerApiSettings {
  readonly version: string;
  readonly strict: boolean;
  readonly deprecationErrors: boolean;
}

/** How the connector reaches MongoDB. */
export interface ConnectionSettings {
  readonly uri: string;
  readonly serverApi: ServerApiSettings | null;
  /** `provider`: added to the driver's metadata, as mongo-kafka does. */
  readonly provider: string;
}

const refuseTrue = (what: string) => (value: unknown) =>
  value === true ? `${what} is not supported by Sluice` : undefined;

/** The connection keys shared by sink and source (mongo-kafka's names). */
export function connectionConfigDef(defaultUri: string) {
  return new ConfigDef()
    .define('connection.uri', {
      type: 'PASSWORD',
      default: defaultUri,
      // mongo-kafka's check (the driver's ConnectionString), before any connection is tried.
      validator: (value: unknown) =>
        /^mongodb(\+srv)?:\/\/./.test((value as Password).value())
          ? undefined
          : "The connection string is invalid. Connection strings must start with either 'mongodb://' or 'mongodb+srv://'",
      importance: 'HIGH',
      group: 'Connection',
      documentation:
        'The connection string, as the official drivers take it (`mongodb://user:pass@host1,host2/?replicaSet=rs0&tls=true`). TLS files, timeouts and pool sizes go here as URI options (`tlsCAFile`, `connectTimeoutMS`, `maxPoolSize`...).',
    })
    .define('server.api.version', {
      type: 'STRING',
      default: '',
      importance: 'LOW',
      group: 'Connection',
      documentation: 'The Stable API version to declare (`1`), or empty for none.',
    })
    .define('server.api.deprecation.errors', {
      type: 'BOOLEAN',
      default: false,
      importance: 'LOW',
      group: 'Connection',
      documentation: 'With `server.api.version`: fail commands deprecated in that API version.',
    })
    .define('server.api.strict', {
      type: 'BOOLEAN',
      default: false,
      importance: 'LOW',
      group: 'Connection',
      documentation: 'With `server.api.version`: fail commands outside that API version.',
    })
    .define('provider', {
      type: 'STRING',
      default: '',
      importance: 'LOW',
      group: 'Connection',
      documentation: 'A name added to the driver metadata the server logs (as mongo-kafka does).',
    })
    .define('mongo.custom.auth.mechanism.enable', {
      type: 'BOOLEAN',
      default: false,
      validator: refuseTrue('A custom (Java) credential provider'),
      importance: 'LOW',
      group: 'Connection',
      documentation:
        'Only `false`: credentials come from the connection string (every mechanism the driver knows, `MONGODB-AWS` and `MONGODB-OIDC` included).',
    })
    .define('csfle.enabled', {
      type: 'BOOLEAN',
      default: false,
      validator: refuseTrue('Client-side field level encryption'),
      importance: 'LOW',
      group: 'Connection',
      documentation: 'Only `false`: client-side field level encryption is not supported.',
    })
    .defineUnsupported(
      'mongo.custom.auth.mechanism.providerClass',
      'credential providers are Java classes; give the credentials in connection.uri.',
    )
    .defineUnsupported(
      'connection.ssl.truststore',
      'Java key stores are not read; use the tlsCAFile option of connection.uri.',
    )
    .defineUnsupported(
      'connection.ssl.truststorePassword',
      'Java key stores are not read; use the tlsCAFile option of connection.uri.',
    )
    .defineUnsupported(
      'connection.ssl.keystore',
      'Java key stores are not read; use the tlsCertificateKeyFile option of connection.uri.',
    )
    .defineUnsupported(
      'connection.ssl.keystorePassword',
      'Java key stores are not read; use tlsCertificateKeyFilePassword in connection.uri.',
    );
}

/** The connection settings of parsed connection keys. */
export function connectionOf(c: Readonly<Record<string, unknown>>): ConnectionSettings {
  const version = c['server.api.version'] as string;
  return {
    uri: (c['connection.uri'] as Password).value(),
    serverApi:
      version === ''
        ? null
        : {
            version,
            strict: c['server.api.strict'] as boolean,
            deprecationErrors: c['server.api.deprecation.errors'] as boolean,
          },
    provider: c.provider as string,
  };
}
