import { ConfigDef, ConfigException, type ConfigProblem, Range, ValidString } from '@sluice/api';
import { LOG_FORMATS, type LogFormat } from '../logging/logger.js';

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
  .define('log.format', {
    type: 'STRING',
    default: null,
    validator: ValidString.caseInsensitive(...LOG_FORMATS),
    importance: 'LOW',
    documentation:
      'How the worker logs to stderr: text (a line for people, as Kafka Connect prints) or json (one JSON object per line). Unset: text when stderr is a terminal, json otherwise. The SLUICE_LOG_FORMAT environment variable overrides it.',
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
    default: 'http://127.0.0.1:8083',
    importance: 'LOW',
    documentation:
      'Where the REST API listens (comma-separated http:// or https:// URLs). The default serves this machine only (loopback); http://0.0.0.0:8083 serves every interface.',
  })
  .define('admin.listeners', {
    type: 'LIST',
    default: null,
    importance: 'LOW',
    documentation:
      'Where the admin endpoints (/admin/loggers) are served: unset, on the listeners; empty, nowhere; else only on these URLs (https ones take listeners.https.* keys as admin.listeners.https.*).',
  })
  .define('access.control.allow.origin', {
    type: 'STRING',
    default: '',
    importance: 'LOW',
    documentation:
      'Origins (comma-separated, * for any) whose web pages may call the REST API from a browser (CORS). Empty: only pages served by the worker itself; requests from other origins are refused.',
  })
  .define('access.control.allow.methods', {
    type: 'STRING',
    default: '',
    importance: 'LOW',
    documentation:
      'Methods (comma-separated) allowed in cross-origin requests when access.control.allow.origin is set; empty: GET, POST and HEAD.',
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
  .define('rest.ui.enable', {
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    documentation:
      'Whether the REST listeners serve the web console at /ui (when the worker ships one, as the sluice command does).',
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
  logFormat: LogFormat | null;
  pluginPath: string[];
  listeners: string[];
  /** `null`: the admin endpoints are on `listeners`; `[]`: they are not served. */
  adminListeners: string[] | null;
  accessControlAllowOrigin: string;
  accessControlAllowMethods: string;
  topicCreationEnable: boolean;
  topicTrackingEnable: boolean;
  topicTrackingAllowReset: boolean;
  restUiEnable: boolean;
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
  const { config, problems } = checkWorkerConfig(props, mode);
  if (problems.length > 0) throw ConfigException.fromProblems(problems);
  return config;
}

/**
 * Every problem of worker properties, and a config to go on checking with (connector configs,
 * converters): a key at fault takes its default there, a required one missing is empty.
 */
export function checkWorkerConfig(
  props: Record<string, string>,
  mode: 'standalone' | 'embedded' = 'standalone',
): { config: WorkerConfig; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const parsed: Record<string, unknown> = {};
  const keys = WORKER_CONFIG_DEF.configKeys();
  for (const v of WORKER_CONFIG_DEF.validate(props)) {
    for (const message of v.errorMessages)
      problems.push({ key: v.name, value: props[v.name], message });
    parsed[v.name] =
      v.errorMessages.length > 0 ? (keys.get(v.name)?.defaultValue ?? null) : v.value;
  }
  if (mode === 'standalone' && !props['offset.storage.file.filename']) {
    problems.push({
      key: 'offset.storage.file.filename',
      message:
        'Missing required configuration "offset.storage.file.filename" which has no default value.',
    });
  }
  let policy = props['connector.client.config.override.policy'] ?? 'All';
  if (policy !== 'All' && policy !== 'None') {
    problems.push({
      key: 'connector.client.config.override.policy',
      value: policy,
      message: `Invalid value ${policy} for configuration connector.client.config.override.policy: use All or None`,
    });
    policy = 'All';
  }
  const config: WorkerConfig = {
    bootstrapServers: parsed['bootstrap.servers'] as string[],
    keyConverter: (parsed['key.converter'] as string | null) ?? '',
    valueConverter: (parsed['value.converter'] as string | null) ?? '',
    headerConverter: parsed['header.converter'] as string,
    offsetStorageFile: parsed['offset.storage.file.filename'] as string,
    offsetFlushIntervalMs: parsed['offset.flush.interval.ms'] as number,
    offsetFlushTimeoutMs: parsed['offset.flush.timeout.ms'] as number,
    taskShutdownGracefulTimeoutMs: parsed['task.shutdown.graceful.timeout.ms'] as number,
    logFormat: ((parsed['log.format'] as string | null)?.toLowerCase() ?? null) as LogFormat | null,
    pluginPath: parsed['plugin.path'] as string[],
    listeners: parsed.listeners as string[],
    adminListeners: parsed['admin.listeners'] as string[] | null,
    accessControlAllowOrigin: parsed['access.control.allow.origin'] as string,
    accessControlAllowMethods: parsed['access.control.allow.methods'] as string,
    topicCreationEnable: parsed['topic.creation.enable'] as boolean,
    topicTrackingEnable: parsed['topic.tracking.enable'] as boolean,
    topicTrackingAllowReset: parsed['topic.tracking.allow.reset'] as boolean,
    restUiEnable: parsed['rest.ui.enable'] as boolean,
    clientId: parsed['client.id'] as string,
    overridePolicy: policy as 'All' | 'None',
    props,
  };
  return { config, problems };
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
  for (const [k, v] of Object.entries(props)) if (isCommonClientKey(k)) out[k] = v;
  return out;
}

/** Prefixes of worker keys that configure something else (clients, converters, providers, TLS). */
const WORKER_KEY_PREFIXES = [
  'producer.',
  'consumer.',
  'admin.',
  'key.converter.',
  'value.converter.',
  'header.converter.',
  'config.providers.',
  'listeners.https.',
  'admin.listeners.https.',
];

/** Worker keys read outside the ConfigDef: the REST API's credentials file. */
const OTHER_WORKER_KEYS = new Set(['rest.basic.auth.credentials.file']);

/**
 * Apache Kafka Connect worker keys Sluice does not use (its REST extensions, metrics, DNS and
 * plugin discovery settings, the distributed herder's): a config copied from a Kafka deployment
 * may hold them, and they are told apart from typos.
 */
const KAFKA_WORKER_KEYS_NOT_USED = new Set([
  'client.dns.lookup',
  'plugin.discovery',
  'metrics.sample.window.ms',
  'metrics.num.samples',
  'metrics.recording.level',
  'metric.reporters',
  'auto.include.jmx.reporter',
  'rest.advertised.listener',
  'rest.extension.classes',
  'response.http.headers.config',
  'group.id',
  'session.timeout.ms',
  'heartbeat.interval.ms',
  'rebalance.timeout.ms',
  'worker.sync.timeout.ms',
  'worker.unsync.backoff.ms',
  'offset.storage.topic',
  'offset.storage.partitions',
  'offset.storage.replication.factor',
  'config.storage.topic',
  'config.storage.replication.factor',
  'status.storage.topic',
  'status.storage.partitions',
  'status.storage.replication.factor',
  'connect.protocol',
  'scheduled.rebalance.max.delay.ms',
  'inter.worker.key.generation.algorithm',
  'inter.worker.key.size',
  'inter.worker.key.ttl.ms',
  'inter.worker.signature.algorithm',
  'inter.worker.verification.algorithms',
  'exactly.once.source.support',
]);

/** A key the client settings shared by producer, consumer and admin take from the worker config. */
function isCommonClientKey(key: string): boolean {
  return (
    key === 'bootstrap.servers' ||
    key.startsWith('security.') ||
    key.startsWith('sasl.') ||
    key.startsWith('ssl.') ||
    key === 'request.timeout.ms' ||
    key === 'retry.backoff.ms'
  );
}

/**
 * Warnings for worker keys that have no effect: unknown ones (Kafka's "The configuration 'x' was
 * supplied but isn't a known config.", typos included) and Kafka Connect keys Sluice does not use.
 * `def` holds the keys of the worker's mode.
 */
export function unusedWorkerKeys(
  props: Record<string, string>,
  def: ConfigDef<object> = WORKER_CONFIG_DEF as unknown as ConfigDef<object>,
): ConfigProblem[] {
  const known = def.configKeys();
  const warnings: ConfigProblem[] = [];
  for (const key of Object.keys(props).sort()) {
    if (known.has(key) || OTHER_WORKER_KEYS.has(key) || isCommonClientKey(key)) continue;
    if (WORKER_KEY_PREFIXES.some((prefix) => key.startsWith(prefix))) continue;
    const message = KAFKA_WORKER_KEYS_NOT_USED.has(key)
      ? `The configuration '${key}' is a Kafka Connect worker config that Sluice does not use; it has no effect.`
      : `The configuration '${key}' was supplied but isn't a known config.`;
    warnings.push({ key, value: props[key], message });
  }
  return warnings;
}
