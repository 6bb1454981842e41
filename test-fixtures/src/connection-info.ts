/** The variable each service's connection is passed in (fixed names; see the README). */
export const SERVICE_ENV_VARS = {
  kafka: 'SLUICE_KAFKA_BROKERS',
  postgres: 'SLUICE_POSTGRES_URL',
  redis: 'SLUICE_REDIS_URL',
  'redis-cluster': 'SLUICE_REDIS_CLUSTER_URL',
  mongodb: 'SLUICE_MONGODB_URL',
  s3: 'SLUICE_S3_ENDPOINT',
  cassandra: 'SLUICE_CASSANDRA_CONTACT_POINTS',
  'schema-registry': 'SLUICE_SCHEMA_REGISTRY_URL',
} as const;

/** A service name that has a fixed connection variable. */
export type KnownService = keyof typeof SERVICE_ENV_VARS;

/**
 * The connection string of `service`: from `process.env`, set by the global setup (test
 * workers inherit it) or by the user to point at an existing server. Plain environment
 * variables keep this module usable outside vitest (scripts, benchmarks).
 * Throws a message saying how to ask for the service when neither has it.
 */
export function serviceConnection(service: KnownService): string {
  const envVar = SERVICE_ENV_VARS[service];
  return envValue(envVar, service);
}

/** Any variable the global setup provided (e.g. extras such as S3 credentials), or undefined. */
export function serviceVariable(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** Kafka bootstrap servers, e.g. `['127.0.0.1:39092']`, for `new Kafka({ brokers })`. */
export function kafkaBrokers(): string[] {
  return serviceConnection('kafka').split(',');
}

/** PostgreSQL URL, e.g. `postgres://postgres@127.0.0.1:35432/postgres`. */
export function postgresUrl(): string {
  return serviceConnection('postgres');
}

/** Redis URL, e.g. `redis://127.0.0.1:36379`. */
export function redisUrl(): string {
  return serviceConnection('redis');
}

/** A seed node of the Redis Cluster, e.g. `redis://127.0.0.1:37000`: cluster clients find the others. */
export function redisClusterUrl(): string {
  return serviceConnection('redis-cluster');
}

/** MongoDB connection string (`mongodb://...`). */
export function mongodbUrl(): string {
  return serviceConnection('mongodb');
}

/** S3 endpoint URL, for a client with path-style addressing. */
export function s3Endpoint(): string {
  return serviceConnection('s3');
}

/** Credentials and region for `s3Endpoint()`, shaped for `new S3Client({ ...s3Credentials() })`. */
export function s3Credentials(): {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
} {
  return {
    region: serviceVariable('SLUICE_S3_REGION') ?? 'us-east-1',
    credentials: {
      accessKeyId: envValue('SLUICE_S3_ACCESS_KEY_ID', 's3'),
      secretAccessKey: envValue('SLUICE_S3_SECRET_ACCESS_KEY', 's3'),
    },
  };
}

/** Cassandra contact points, e.g. `['127.0.0.1:39042']`. */
export function cassandraContactPoints(): string[] {
  return serviceConnection('cassandra').split(',');
}

/** Confluent-compatible Schema Registry base URL. */
export function schemaRegistryUrl(): string {
  return serviceConnection('schema-registry');
}

function envValue(envVar: string, service: string): string {
  const value = serviceVariable(envVar);
  if (value === undefined) {
    throw new Error(
      `${envVar} is not set: add services('${service}') to this package's vitest globalSetup ` +
        `(see @sluice/test-fixtures' README), or set ${envVar} to an existing ${service} server`,
    );
  }
  return value;
}
