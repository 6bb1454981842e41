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
  /**
   * `batch.size`: most bytes of one partition in one produce request (Kafka's record batch), the
   * queued bytes that start a send without waiting `linger.ms`, and how many bytes keyless records
   * stick to one partition. Null when not set: then `max.request.size` bounds a batch.
   */
  batchSizeBytes: number | null;
  compression: 'none' | 'gzip';
  timeoutMs: number;
  /** `max.block.ms`: how long a send waits for its topic's metadata; Infinity (Kafka Connect's default) waits until the task stops. */
  maxBlockMs: number;
  /** `enable.idempotence` (default true). */
  idempotent: boolean;
  /** `transaction.timeout.ms`: how long a transaction may stay open before the broker aborts it. */
  transactionTimeoutMs: number;
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
  /** `metadata.max.age.ms`: how often a `topics.regex` subscription looks for new matching topics. */
  metadataMaxAgeMs: number;
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

const BYTES_SERIALIZER = 'org.apache.kafka.common.serialization.ByteArraySerializer';
const BYTES_DESERIALIZER = 'org.apache.kafka.common.serialization.ByteArrayDeserializer';

/**
 * Keys the runtime sets itself, per client kind, with the value it uses. Kafka Connect sets the
 * same keys as defaults a user may override (Worker#baseProducerConfigs, #baseConsumerConfigs);
 * Sluice cannot honour other values (its offset bookkeeping relies on them), so a different value
 * gets Kafka's "cannot be overridden" warning instead of silence. `group.id` is the task's group.
 */
function forcedKeys(
  kind: 'producer' | 'consumer' | 'admin',
  groupId: string | undefined,
): Record<string, string> {
  if (kind === 'producer') {
    return {
      acks: 'all',
      'max.in.flight.requests.per.connection': '1',
      'key.serializer': BYTES_SERIALIZER,
      'value.serializer': BYTES_SERIALIZER,
    };
  }
  if (kind === 'consumer') {
    return {
      ...(groupId !== undefined ? { 'group.id': groupId } : {}),
      'enable.auto.commit': 'false',
      'key.deserializer': BYTES_DESERIALIZER,
      'value.deserializer': BYTES_DESERIALIZER,
    };
  }
  return {};
}

/** Values that mean the same to Kafka's client as the forced one. */
const SAME_VALUE: Record<string, readonly string[]> = { acks: ['all', '-1'] };

/**
 * Kafka's warning (ConnectUtils#ensureProperty) for each key in `props` whose value the runtime
 * replaces: "The value 'X' for the 'K' property will be ignored as it cannot be overridden ...".
 */
export function forcedClientKeyWarnings(
  props: Record<string, string>,
  kind: 'producer' | 'consumer' | 'admin',
  groupId?: string,
): Array<{ key: string; value: string; used: string; message: string }> {
  const out: Array<{ key: string; value: string; used: string; message: string }> = [];
  for (const [key, used] of Object.entries(forcedKeys(kind, groupId))) {
    const value = props[key];
    if (value === undefined) continue;
    const same = SAME_VALUE[key] ?? [used];
    const matches =
      key === 'group.id'
        ? value === used
        : same.some((v) => v.toLowerCase() === value.trim().toLowerCase());
    if (matches) continue;
    out.push({
      key,
      value,
      used,
      message: `The value '${value}' for the '${key}' property will be ignored as it cannot be overridden in Sluice. The value '${used}' will be used instead.`,
    });
  }
  return out;
}

function bool(props: Record<string, string>, key: string, fallback: boolean): boolean {
  const raw = props[key]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw !== 'true' && raw !== 'false')
    throw new Error(`Invalid value ${props[key]} for client property ${key}: use true or false`);
  return raw === 'true';
}

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
  const batchSize = props['batch.size'] === undefined ? null : num(props, 'batch.size', 16_384);
  if (batchSize !== null && batchSize < 0)
    throw new Error(`Invalid value ${batchSize} for client property batch.size: at least 0`);
  return {
    lingerMs: num(props, 'linger.ms', 5),
    maxBatchRecords: num(props, 'batch.num.records', 10_000),
    maxBatchBytes: num(props, 'max.request.size', 1_048_576),
    // 0 disables batching in Kafka: every record is a batch of its own.
    batchSizeBytes: batchSize === null ? null : Math.max(1, batchSize),
    compression,
    timeoutMs: num(props, 'delivery.timeout.ms', 120_000),
    maxBlockMs: num(props, 'max.block.ms', Number.POSITIVE_INFINITY),
    idempotent: bool(props, 'enable.idempotence', true),
    transactionTimeoutMs: num(props, 'transaction.timeout.ms', 60_000),
  };
}

/**
 * Kafka's warnings for the keys an exactly-once source task's producer cannot take from the user
 * (Worker#exactlyOnceSourceTaskProducerConfigs): its `transactional.id` is the task's, and it is
 * always idempotent.
 */
export function transactionalKeyWarnings(
  props: Record<string, string>,
  transactionalId: string,
): Array<{ key: string; value: string; used: string; message: string }> {
  const out: Array<{ key: string; value: string; used: string; message: string }> = [];
  const check = (key: string, used: string, same: (v: string) => boolean) => {
    const value = props[key];
    if (value === undefined || same(value)) return;
    out.push({
      key,
      value,
      used,
      message: `The value '${value}' for the '${key}' property will be ignored as it cannot be overridden for connectors when exactly-once source support is enabled. The value '${used}' will be used instead.`,
    });
  };
  check('transactional.id', transactionalId, (v) => v === transactionalId);
  check('enable.idempotence', 'true', (v) => v.trim().toLowerCase() === 'true');
  return out;
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
    metadataMaxAgeMs: num(props, 'metadata.max.age.ms', 300_000),
  };
}

const PRODUCER_KEYS = new Set([
  'linger.ms',
  'batch.num.records',
  'batch.size',
  'max.request.size',
  'compression.type',
  'delivery.timeout.ms',
  'max.block.ms',
  'enable.idempotence',
  'transaction.timeout.ms',
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
  'metadata.max.age.ms',
]);

/** Property names in `props` that the client ignores (for a warning at start). */
export function ignoredClientKeys(
  props: Record<string, string>,
  kind: 'producer' | 'consumer' | 'admin',
): string[] {
  const known =
    kind === 'producer' ? PRODUCER_KEYS : kind === 'consumer' ? CONSUMER_KEYS : new Set<string>();
  const forced = forcedKeys(kind, '');
  return Object.keys(props).filter((k) => !COMMON_KEYS.has(k) && !(k in forced) && !known.has(k));
}
