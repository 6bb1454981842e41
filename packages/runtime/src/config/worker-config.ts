import { ConfigDef, ConfigException, Range } from '@sluice/api';

/** The standalone worker's keys, with Kafka Connect's names and defaults. */
export const WORKER_CONFIG_DEF = new ConfigDef()
  .define('bootstrap.servers', {
    type: 'LIST',
    default: 'localhost:9092',
    importance: 'HIGH',
    documentation: 'Kafka brokers to connect to, as host:port pairs.',
  })
  .define('key.converter', {
    type: 'CLASS',
    importance: 'HIGH',
    documentation:
      'Converter between Connect data and the bytes of record keys (e.g. org.apache.kafka.connect.json.JsonConverter, StringConverter). Its settings use the key.converter. prefix.',
  })
  .define('value.converter', {
    type: 'CLASS',
    importance: 'HIGH',
    documentation:
      'Converter between Connect data and the bytes of record values. Its settings use the value.converter. prefix.',
  })
  .define('header.converter', {
    type: 'CLASS',
    default: 'org.apache.kafka.connect.storage.SimpleHeaderConverter',
    importance: 'LOW',
    documentation: 'Converter for header values. Its settings use the header.converter. prefix.',
  })
  .define('offset.storage.file.filename', {
    type: 'STRING',
    default: '',
    importance: 'HIGH',
    documentation:
      'File that stores source connector offsets (standalone mode). Required in standalone mode.',
  })
  .define('offset.flush.interval.ms', {
    type: 'LONG',
    default: 60_000,
    validator: Range.atLeast(1),
    importance: 'LOW',
    documentation:
      'How often source offsets are written to the offset store and sink offsets committed.',
  })
  .define('offset.flush.timeout.ms', {
    type: 'LONG',
    default: 5_000,
    validator: Range.atLeast(0),
    importance: 'LOW',
    documentation:
      'How long to wait for records in flight to be acknowledged before offsets are committed at stop.',
  })
  .define('task.shutdown.graceful.timeout.ms', {
    type: 'LONG',
    default: 5_000,
    validator: Range.atLeast(0),
    importance: 'LOW',
    documentation: 'How long tasks get to stop (drain, flush, commit) before the worker moves on.',
  })
  .define('plugin.path', {
    type: 'LIST',
    default: '',
    importance: 'LOW',
    documentation:
      'Folders holding plugin packages (each a folder with a package.json declaring a "sluice" manifest, or node_modules of such).',
  })
  .define('listeners', {
    type: 'LIST',
    default: 'http://0.0.0.0:8083',
    importance: 'LOW',
    documentation: 'Where the REST API listens (comma-separated URLs).',
  })
  .define('rest.advertised.host.name', {
    type: 'STRING',
    default: null,
    importance: 'LOW',
    documentation:
      'Host name given to other workers and shown as worker_id; default: the listener host, or this machine’s name when it listens on every address.',
  })
  .define('rest.advertised.port', {
    type: 'INT',
    default: null,
    importance: 'LOW',
    documentation:
      'Port given to other workers and shown in worker_id; default: the listener’s port.',
  })
  .define('rest.advertised.listener', {
    type: 'STRING',
    default: null,
    validator: (value: unknown) =>
      value === null || value === 'http' || value === 'https' ? undefined : 'use http or https',
    importance: 'LOW',
    documentation: 'The listener protocol (http or https) given to other workers.',
  })
  .define('topic.creation.enable', {
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    documentation:
      'Whether source connectors may create their topics through topic.creation.* settings.',
  })
  .define('topic.tracking.enable', {
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    documentation:
      'Whether the worker tracks the topics each connector uses (GET /connectors/{name}/topics).',
  })
  .define('topic.tracking.allow.reset', {
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    documentation: 'Whether PUT /connectors/{name}/topics/reset may clear the tracked topics.',
  })
  .define('config.providers', {
    type: 'LIST',
    default: '',
    importance: 'LOW',
    documentation:
      'Names of config providers, each configured with config.providers.<name>.class and config.providers.<name>.param.*.',
  })
  .define('client.id', {
    type: 'STRING',
    default: 'sluice',
    importance: 'LOW',
    documentation: 'Prefix of the Kafka client ids.',
  })
  .define('connector.client.config.override.policy', {
    type: 'STRING',
    default: 'All',
    importance: 'MEDIUM',
    documentation:
      'Which producer.override.*, consumer.override.*, admin.override.* keys connectors may set: All or None.',
  });

/** The worker config, parsed and typed, plus the raw properties for prefixed sub-configs. */
export interface WorkerConfig {
  bootstrapServers: string[];
  keyConverter: string;
  valueConverter: string;
  headerConverter: string;
  offsetStorageFile: string;
  offsetFlushIntervalMs: number;
  offsetFlushTimeoutMs: number;
  taskShutdownGracefulTimeoutMs: number;
  pluginPath: string[];
  listeners: string[];
  topicCreationEnable: boolean;
  topicTrackingEnable: boolean;
  topicTrackingAllowReset: boolean;
  clientId: string;
  overridePolicy: 'All' | 'None';
  /** Everything the worker file held (for `key.converter.*`, `producer.*`, `config.providers.*`). */
  props: Record<string, string>;
}

/** Parses and validates worker properties; throws one ConfigException listing every problem. */
export function parseWorkerConfig(
  props: Record<string, string>,
  mode: 'standalone' | 'embedded' = 'standalone',
): WorkerConfig {
  const problems: Array<{ key: string; value?: unknown; message: string }> = [];
  let parsed: Record<string, unknown> = {};
  try {
    parsed = WORKER_CONFIG_DEF.parse(props) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof ConfigException) problems.push(...error.problems);
    else throw error;
  }
  if (mode === 'standalone' && !props['offset.storage.file.filename']) {
    problems.push({
      key: 'offset.storage.file.filename',
      message:
        'Missing required configuration "offset.storage.file.filename" which has no default value.',
    });
  }
  const policy = props['connector.client.config.override.policy'] ?? 'All';
  if (policy !== 'All' && policy !== 'None') {
    problems.push({
      key: 'connector.client.config.override.policy',
      value: policy,
      message: `Invalid value ${policy} for configuration connector.client.config.override.policy: use All or None`,
    });
  }
  if (problems.length > 0) throw ConfigException.fromProblems(problems);
  return {
    bootstrapServers: parsed['bootstrap.servers'] as string[],
    keyConverter: parsed['key.converter'] as string,
    valueConverter: parsed['value.converter'] as string,
    headerConverter: parsed['header.converter'] as string,
    offsetStorageFile: parsed['offset.storage.file.filename'] as string,
    offsetFlushIntervalMs: parsed['offset.flush.interval.ms'] as number,
    offsetFlushTimeoutMs: parsed['offset.flush.timeout.ms'] as number,
    taskShutdownGracefulTimeoutMs: parsed['task.shutdown.graceful.timeout.ms'] as number,
    pluginPath: parsed['plugin.path'] as string[],
    listeners: parsed.listeners as string[],
    topicCreationEnable: parsed['topic.creation.enable'] as boolean,
    topicTrackingEnable: parsed['topic.tracking.enable'] as boolean,
    topicTrackingAllowReset: parsed['topic.tracking.allow.reset'] as boolean,
    clientId: parsed['client.id'] as string,
    overridePolicy: policy as 'All' | 'None',
    props,
  };
}

/** `prefix.*` keys with the prefix removed. */
export function withPrefix(props: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props))
    if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

/** Client properties shared by producer, consumer and admin (connection and security). */
export function commonClientProps(props: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) {
    if (
      k === 'bootstrap.servers' ||
      k.startsWith('security.') ||
      k.startsWith('sasl.') ||
      k.startsWith('ssl.') ||
      k === 'request.timeout.ms' ||
      k === 'retry.backoff.ms'
    ) {
      out[k] = v;
    }
  }
  return out;
}
