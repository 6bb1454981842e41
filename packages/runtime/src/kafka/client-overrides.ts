/**
 * Maps Kafka client property names (as written in worker and connector configs, e.g.
 * `producer.linger.ms`) onto what the kafkajs client understands. Keys with no kafkajs
 * meaning are reported so the user sees they have no effect.
 */

export interface CommonClientSettings {
  brokers: string[];
  ssl: boolean;
  sasl?: {
    mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
    username: string;
    password: string;
  };
  connectionTimeout?: number;
  requestTimeout?: number;
  retryBackoffMs?: number;
}

export interface ProducerSettings {
  lingerMs: number;
  /** Most records in one produce request. */
  maxBatchRecords: number;
  /** Most bytes (keys + values) in one produce request. */
  maxBatchBytes: number;
  compression: 'none' | 'gzip';
  timeoutMs: number;
}

export interface ConsumerSettings {
  sessionTimeout: number;
  heartbeatInterval: number;
  rebalanceTimeout: number;
  maxBytesPerPartition: number;
  maxBytes: number;
  minBytes: number;
  maxWaitTimeInMs: number;
  fromBeginning: boolean;
  maxPollRecords: number;
}

const COMMON_KEYS = new Set([
  'bootstrap.servers',
  'security.protocol',
  'sasl.mechanism',
  'sasl.jaas.config',
  'request.timeout.ms',
  'retry.backoff.ms',
  'socket.connection.setup.timeout.ms',
  'client.id',
]);

/** Keys Kafka Connect users commonly set that are accepted but fixed by the runtime. */
const FIXED_KEYS = new Set([
  'acks',
  'enable.idempotence',
  'max.in.flight.requests.per.connection',
  'enable.auto.commit',
  'key.serializer',
  'value.serializer',
  'key.deserializer',
  'value.deserializer',
  'group.id',
]);

function num(props: Record<string, string>, key: string, fallback: number): number {
  const raw = props[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n))
    throw new Error(`Invalid value ${raw} for client property ${key}: not a number`);
  return n;
}

/** Reads the connection settings shared by producer, consumer and admin. */
export function commonSettings(props: Record<string, string>): CommonClientSettings {
  const brokers = (props['bootstrap.servers'] ?? 'localhost:9092')
    .split(',')
    .map((s) => s.trim().replace(/^[A-Za-z_]+:\/\//, ''))
    .filter((s) => s.length > 0);
  const protocol = (props['security.protocol'] ?? 'PLAINTEXT').toUpperCase();
  const settings: CommonClientSettings = {
    brokers,
    ssl: protocol === 'SSL' || protocol === 'SASL_SSL',
  };
  if (protocol.startsWith('SASL')) {
    const mechanism = (props['sasl.mechanism'] ?? 'PLAIN').toLowerCase();
    const jaas = props['sasl.jaas.config'] ?? '';
    const username = /username\s*=\s*"([^"]*)"/.exec(jaas)?.[1] ?? '';
    const password = /password\s*=\s*"([^"]*)"/.exec(jaas)?.[1] ?? '';
    if (mechanism !== 'plain' && mechanism !== 'scram-sha-256' && mechanism !== 'scram-sha-512') {
      throw new Error(
        `Unsupported sasl.mechanism ${props['sasl.mechanism']}: use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512`,
      );
    }
    settings.sasl = { mechanism, username, password };
  }
  if (props['socket.connection.setup.timeout.ms'] !== undefined) {
    settings.connectionTimeout = num(props, 'socket.connection.setup.timeout.ms', 10_000);
  }
  if (props['request.timeout.ms'] !== undefined)
    settings.requestTimeout = num(props, 'request.timeout.ms', 30_000);
  if (props['retry.backoff.ms'] !== undefined)
    settings.retryBackoffMs = num(props, 'retry.backoff.ms', 100);
  return settings;
}

/** Producer settings from `producer.*` style properties (prefix already removed). */
export function producerSettings(props: Record<string, string>): ProducerSettings {
  const compression = (props['compression.type'] ?? 'none').toLowerCase();
  if (compression !== 'none' && compression !== 'gzip') {
    throw new Error(
      `Unsupported compression.type ${compression}: the kafkajs client supports none and gzip`,
    );
  }
  return {
    lingerMs: num(props, 'linger.ms', 5),
    maxBatchRecords: num(props, 'batch.num.records', 10_000),
    maxBatchBytes: num(props, 'max.request.size', 1_048_576),
    compression,
    timeoutMs: num(props, 'delivery.timeout.ms', 120_000),
  };
}

/** Consumer settings from `consumer.*` style properties (prefix already removed). */
export function consumerSettings(props: Record<string, string>): ConsumerSettings {
  const reset = (props['auto.offset.reset'] ?? 'earliest').toLowerCase();
  if (reset !== 'earliest' && reset !== 'latest') {
    throw new Error(`Unsupported auto.offset.reset ${reset}: use earliest or latest`);
  }
  return {
    sessionTimeout: num(props, 'session.timeout.ms', 45_000),
    heartbeatInterval: num(props, 'heartbeat.interval.ms', 3_000),
    rebalanceTimeout: num(props, 'max.poll.interval.ms', 300_000),
    maxBytesPerPartition: num(props, 'max.partition.fetch.bytes', 1_048_576),
    maxBytes: num(props, 'fetch.max.bytes', 52_428_800),
    minBytes: num(props, 'fetch.min.bytes', 1),
    maxWaitTimeInMs: num(props, 'fetch.max.wait.ms', 500),
    fromBeginning: reset === 'earliest',
    maxPollRecords: num(props, 'max.poll.records', 500),
  };
}

const PRODUCER_KEYS = new Set([
  'linger.ms',
  'batch.num.records',
  'batch.size',
  'max.request.size',
  'compression.type',
  'delivery.timeout.ms',
]);
const CONSUMER_KEYS = new Set([
  'session.timeout.ms',
  'heartbeat.interval.ms',
  'max.poll.interval.ms',
  'max.partition.fetch.bytes',
  'fetch.max.bytes',
  'fetch.min.bytes',
  'fetch.max.wait.ms',
  'auto.offset.reset',
  'max.poll.records',
]);

/** Property names in `props` that the client ignores (for a warning at start). */
export function ignoredClientKeys(
  props: Record<string, string>,
  kind: 'producer' | 'consumer' | 'admin',
): string[] {
  const known =
    kind === 'producer' ? PRODUCER_KEYS : kind === 'consumer' ? CONSUMER_KEYS : new Set<string>();
  return Object.keys(props).filter(
    (k) => !COMMON_KEYS.has(k) && !FIXED_KEYS.has(k) && !known.has(k),
  );
}
