import { ConfigDef, ConfigException, type ConfigProblem, Range, ValidString } from '@sluice/api';
import { parseWorkerConfig, WORKER_CONFIG_DEF, type WorkerConfig } from './worker-config.js';

/** A partition count or replication factor of an internal topic: -1 is the broker's default. */
const POSITIVE_OR_BROKER_DEFAULT = (value: unknown) =>
  value === -1 || (typeof value === 'number' && value >= 1)
    ? undefined
    : 'must be -1 (the broker default) or at least 1';

/** Replication factor for internal topics, as Kafka's default. */
const REPLICATION_FACTOR = {
  type: 'SHORT',
  default: 3,
  validator: POSITIVE_OR_BROKER_DEFAULT,
  importance: 'LOW',
} as const;

/**
 * The distributed worker's keys (Kafka's DistributedConfig) on top of the standalone worker's,
 * with Kafka's names and defaults.
 */
export const DISTRIBUTED_CONFIG_DEF = new ConfigDef(WORKER_CONFIG_DEF)
  .define('group.id', {
    type: 'STRING',
    importance: 'HIGH',
    documentation:
      'A unique string that identifies the Connect cluster group this worker belongs to.',
  })
  .define('config.storage.topic', {
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'The name of the Kafka topic where connector configurations are stored.',
  })
  .define('config.storage.replication.factor', {
    ...REPLICATION_FACTOR,
    documentation: 'Replication factor used when creating the configuration storage topic.',
  })
  .define('offset.storage.topic', {
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'The name of the Kafka topic where source connector offsets are stored.',
  })
  .define('offset.storage.partitions', {
    type: 'INT',
    default: 25,
    validator: POSITIVE_OR_BROKER_DEFAULT,
    importance: 'LOW',
    documentation: 'The number of partitions used when creating the offset storage topic.',
  })
  .define('offset.storage.replication.factor', {
    ...REPLICATION_FACTOR,
    documentation: 'Replication factor used when creating the offset storage topic.',
  })
  .define('status.storage.topic', {
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'The name of the Kafka topic where connector and task status are stored.',
  })
  .define('status.storage.partitions', {
    type: 'INT',
    default: 5,
    validator: POSITIVE_OR_BROKER_DEFAULT,
    importance: 'LOW',
    documentation: 'The number of partitions used when creating the status storage topic.',
  })
  .define('status.storage.replication.factor', {
    ...REPLICATION_FACTOR,
    documentation: 'Replication factor used when creating the status storage topic.',
  })
  .define('session.timeout.ms', {
    type: 'INT',
    default: 10_000,
    importance: 'HIGH',
    documentation:
      'The timeout used to detect worker failures: a worker that sends no heartbeat for this long is removed from the group. It must be within the broker’s group.min.session.timeout.ms and group.max.session.timeout.ms.',
  })
  .define('heartbeat.interval.ms', {
    type: 'INT',
    default: 3_000,
    validator: Range.atLeast(1),
    importance: 'HIGH',
    documentation:
      'The expected time between heartbeats to the group coordinator; lower than session.timeout.ms, typically no more than a third of it.',
  })
  .define('rebalance.timeout.ms', {
    type: 'INT',
    default: 60_000,
    validator: Range.atLeast(1),
    importance: 'HIGH',
    documentation:
      'The longest a rebalance may take: how long the coordinator waits for every member to rejoin.',
  })
  .define('worker.sync.timeout.ms', {
    type: 'INT',
    default: 3_000,
    validator: Range.atLeast(0),
    importance: 'MEDIUM',
    documentation:
      'When the worker is out of sync with other workers and needs to read the config topic up to the leader’s position, wait up to this long before giving up, leaving the group, and waiting worker.unsync.backoff.ms before rejoining.',
  })
  .define('worker.unsync.backoff.ms', {
    type: 'INT',
    default: 300_000,
    validator: Range.atLeast(0),
    importance: 'MEDIUM',
    documentation:
      'When the worker is out of sync with other workers and fails to catch up within worker.sync.timeout.ms, leave the Connect cluster for this long before rejoining.',
  })
  .define('scheduled.rebalance.max.delay.ms', {
    type: 'INT',
    default: 300_000,
    validator: Range.between(0, 2_147_483_647),
    importance: 'LOW',
    documentation:
      'How long the work of a worker that left the group is held for it to come back before it is reassigned to the other workers.',
  })
  .define('connect.protocol', {
    type: 'STRING',
    default: 'sessioned',
    validator: ValidString.in('eager', 'compatible', 'sessioned'),
    importance: 'LOW',
    documentation:
      'sessioned (default): incremental cooperative rebalancing with signed requests between workers; compatible: the same without signatures. eager is refused: Sluice only rebalances incrementally.',
  })
  .define('inter.worker.key.generation.algorithm', {
    type: 'STRING',
    default: 'HmacSHA256',
    validator: ValidString.in('HmacSHA256', 'HmacSHA384', 'HmacSHA512'),
    importance: 'LOW',
    documentation:
      'The algorithm of the keys the leader generates for signing requests between workers.',
  })
  .define('inter.worker.key.size', {
    type: 'INT',
    default: null,
    importance: 'LOW',
    documentation:
      'The size in bits of the request-signing key; unset: the algorithm’s own size (its block size).',
  })
  .define('inter.worker.key.ttl.ms', {
    type: 'INT',
    default: 3_600_000,
    validator: Range.between(0, 2_147_483_647),
    importance: 'LOW',
    documentation: 'How long a request-signing key is used before the leader rotates it.',
  })
  .define('inter.worker.signature.algorithm', {
    type: 'STRING',
    default: 'HmacSHA256',
    validator: ValidString.in('HmacSHA256', 'HmacSHA384', 'HmacSHA512'),
    importance: 'LOW',
    documentation: 'The algorithm used to sign requests between workers.',
  })
  .define('inter.worker.verification.algorithms', {
    type: 'LIST',
    default: 'HmacSHA256',
    importance: 'LOW',
    documentation:
      'The algorithms accepted when checking the signature of a request from another worker; must include inter.worker.signature.algorithm.',
  })
  .defineUnsupported(
    'exactly.once.source.support',
    'exactly-once source delivery is not built yet; remove the key (disabled is the default)',
  );

/** The distributed worker config, parsed and typed. */
export interface DistributedConfig extends WorkerConfig {
  groupId: string;
  configTopic: string;
  configReplicationFactor: number;
  offsetTopic: string;
  offsetPartitions: number;
  offsetReplicationFactor: number;
  statusTopic: string;
  statusPartitions: number;
  statusReplicationFactor: number;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
  workerSyncTimeoutMs: number;
  workerUnsyncBackoffMs: number;
  scheduledRebalanceMaxDelayMs: number;
  /** Whether requests between workers are signed (`connect.protocol=sessioned`). */
  signRequests: boolean;
  keyAlgorithm: string;
  keySizeBits: number | null;
  keyTtlMs: number;
  signatureAlgorithm: string;
  verificationAlgorithms: string[];
}

/**
 * Parses and validates distributed worker properties: one ConfigException listing every problem
 * of the worker keys and the distributed keys.
 */
export function parseDistributedConfig(props: Record<string, string>): DistributedConfig {
  const problems: ConfigProblem[] = [];
  let worker: WorkerConfig | null = null;
  try {
    worker = parseWorkerConfig(props, 'embedded');
  } catch (error) {
    if (!(error instanceof ConfigException)) throw error;
    problems.push(...error.problems);
  }
  // Every key on its own (a bad key does not hide the others), so checks across keys still run.
  const parsed: Record<string, unknown> = {};
  for (const [key, value] of DISTRIBUTED_CONFIG_DEF.validateAll(props)) {
    if (value.errorMessages.length === 0) parsed[key] = value.value;
    for (const message of value.errorMessages) problems.push({ key, value: props[key], message });
  }
  if (props['connect.protocol'] === 'eager') {
    problems.push({
      key: 'connect.protocol',
      value: 'eager',
      message:
        'connect.protocol=eager is not supported: Sluice workers rebalance incrementally (KIP-415). Use sessioned (the default) or compatible.',
    });
  }
  const session = parsed['session.timeout.ms'] as number | undefined;
  const heartbeat = parsed['heartbeat.interval.ms'] as number | undefined;
  if (session !== undefined && heartbeat !== undefined && heartbeat >= session) {
    problems.push({
      key: 'heartbeat.interval.ms',
      value: heartbeat,
      message: `heartbeat.interval.ms (${heartbeat}) must be lower than session.timeout.ms (${session})`,
    });
  }
  const signature = parsed['inter.worker.signature.algorithm'] as string | undefined;
  const verification = parsed['inter.worker.verification.algorithms'] as string[] | undefined;
  if (signature && verification && !verification.includes(signature)) {
    problems.push({
      key: 'inter.worker.verification.algorithms',
      value: verification.join(','),
      message: `Signature algorithm '${signature}' not found in list of verification algorithms`,
    });
  }
  const topics = ['config.storage.topic', 'offset.storage.topic', 'status.storage.topic'];
  for (const [i, a] of topics.entries()) {
    for (const b of topics.slice(i + 1)) {
      if (props[a] && props[a] === props[b]) {
        problems.push({
          key: b,
          value: props[b],
          message: `${a} and ${b} name the same topic ${props[a]}; each internal topic must be its own`,
        });
      }
    }
  }
  // The worker keys are in both definitions: their problems are listed once.
  if (problems.length > 0 || worker === null) throw ConfigException.fromProblems(dedupe(problems));
  return {
    ...worker,
    groupId: parsed['group.id'] as string,
    configTopic: parsed['config.storage.topic'] as string,
    configReplicationFactor: parsed['config.storage.replication.factor'] as number,
    offsetTopic: parsed['offset.storage.topic'] as string,
    offsetPartitions: parsed['offset.storage.partitions'] as number,
    offsetReplicationFactor: parsed['offset.storage.replication.factor'] as number,
    statusTopic: parsed['status.storage.topic'] as string,
    statusPartitions: parsed['status.storage.partitions'] as number,
    statusReplicationFactor: parsed['status.storage.replication.factor'] as number,
    sessionTimeoutMs: parsed['session.timeout.ms'] as number,
    heartbeatIntervalMs: parsed['heartbeat.interval.ms'] as number,
    rebalanceTimeoutMs: parsed['rebalance.timeout.ms'] as number,
    workerSyncTimeoutMs: parsed['worker.sync.timeout.ms'] as number,
    workerUnsyncBackoffMs: parsed['worker.unsync.backoff.ms'] as number,
    scheduledRebalanceMaxDelayMs: parsed['scheduled.rebalance.max.delay.ms'] as number,
    signRequests: parsed['connect.protocol'] === 'sessioned',
    keyAlgorithm: parsed['inter.worker.key.generation.algorithm'] as string,
    keySizeBits: parsed['inter.worker.key.size'] as number | null,
    keyTtlMs: parsed['inter.worker.key.ttl.ms'] as number,
    signatureAlgorithm: signature as string,
    verificationAlgorithms: verification as string[],
  };
}

/** The same problem (key and message) once. */
function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const id = `${p.key}\u0000${p.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
