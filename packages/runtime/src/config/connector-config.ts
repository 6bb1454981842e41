import {
  ConfigDef,
  ConfigException,
  type ConfigProblem,
  NonEmptyStringWithoutControlChars,
  Range,
  ValidString,
} from '@sluice/api';
import {
  DEFAULT_ERROR_HANDLING,
  type ErrorHandlingConfig,
} from '../errors/error-handling-config.js';

/**
 * Keys every connector has (Kafka's ConnectorConfig), with Kafka's groups, orders, widths and
 * display names so `/connector-plugins/.../config` and `validate` describe them as Kafka does.
 */
export const COMMON_CONNECTOR_CONFIG_DEF = new ConfigDef()
  .define('name', {
    type: 'STRING',
    validator: new NonEmptyStringWithoutControlChars(),
    importance: 'HIGH',
    documentation: 'Globally unique name of the connector.',
    group: 'Common',
    orderInGroup: 1,
    width: 'MEDIUM',
    displayName: 'Connector name',
  })
  .define('connector.class', {
    type: 'STRING',
    importance: 'HIGH',
    documentation:
      'The connector plugin: its short name, package-qualified name, or Java class name alias.',
    group: 'Common',
    orderInGroup: 2,
    width: 'LONG',
    displayName: 'Connector class',
  })
  .define('connector.plugin.version', {
    type: 'STRING',
    default: null,
    importance: 'MEDIUM',
    documentation:
      'Version of the connector plugin (KIP-891); when set, it must be the installed version.',
    group: 'Common',
    orderInGroup: 3,
    width: 'MEDIUM',
    displayName: 'Connector version',
  })
  .define('tasks.max', {
    type: 'INT',
    default: 1,
    validator: Range.atLeast(1),
    importance: 'HIGH',
    documentation: 'Maximum number of tasks.',
    group: 'Common',
    orderInGroup: 4,
    width: 'SHORT',
    displayName: 'Tasks max',
  })
  .define('tasks.max.enforce', {
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    documentation: 'Fail the connector if it returns more task configs than tasks.max.',
    group: 'Common',
    orderInGroup: 5,
    width: 'SHORT',
    displayName: 'Enforce tasks max',
  })
  .define('key.converter', {
    type: 'CLASS',
    default: null,
    importance: 'LOW',
    documentation: 'Overrides the worker key.converter.',
    group: 'Common',
    orderInGroup: 6,
    width: 'SHORT',
    displayName: 'Key converter class',
  })
  .define('key.converter.plugin.version', {
    type: 'STRING',
    default: null,
    importance: 'LOW',
    documentation: 'Version of the key converter; when set, it must be the installed version.',
    group: 'Common',
    orderInGroup: 7,
    width: 'SHORT',
    displayName: 'Key converter version',
  })
  .define('value.converter', {
    type: 'CLASS',
    default: null,
    importance: 'LOW',
    documentation: 'Overrides the worker value.converter.',
    group: 'Common',
    orderInGroup: 8,
    width: 'SHORT',
    displayName: 'Value converter class',
  })
  .define('value.converter.plugin.version', {
    type: 'STRING',
    default: null,
    importance: 'LOW',
    documentation: 'Version of the value converter; when set, it must be the installed version.',
    group: 'Common',
    orderInGroup: 9,
    width: 'SHORT',
    displayName: 'Value converter version',
  })
  .define('header.converter', {
    type: 'CLASS',
    default: null,
    importance: 'LOW',
    documentation: 'Overrides the worker header.converter.',
    group: 'Common',
    orderInGroup: 10,
    width: 'SHORT',
    displayName: 'Header converter class',
  })
  .define('header.converter.plugin.version', {
    type: 'STRING',
    default: null,
    importance: 'LOW',
    documentation: 'Version of the header converter; when set, it must be the installed version.',
    group: 'Common',
    orderInGroup: 11,
    width: 'SHORT',
    displayName: 'Header converter version',
  })
  .define('transforms', {
    type: 'LIST',
    default: '',
    importance: 'LOW',
    documentation: 'Aliases of the transformations applied to records, in order.',
    group: 'Transforms',
    orderInGroup: 12,
    width: 'LONG',
    displayName: 'Transforms',
  })
  .define('predicates', {
    type: 'LIST',
    default: '',
    importance: 'LOW',
    documentation: 'Aliases of the predicates used by transformations.',
    group: 'Predicates',
    orderInGroup: 13,
    width: 'LONG',
    displayName: 'Predicates',
  })
  .define('config.action.reload', {
    type: 'STRING',
    default: 'restart',
    validator: ValidString.in('none', 'restart'),
    importance: 'LOW',
    documentation:
      "What to do when a config provider's values change: restart the connector or nothing. The built-in providers (file, directory, environment) never announce changes, so neither happens.",
    group: 'Common',
    orderInGroup: 14,
    width: 'MEDIUM',
    displayName: 'Reload Action',
  })
  .define('errors.retry.timeout', {
    type: 'LONG',
    default: 0,
    importance: 'MEDIUM',
    documentation: 'Maximum time a failed operation is retried, in ms; 0 = no retry, -1 = forever.',
    group: 'Error Handling',
    orderInGroup: 1,
    width: 'MEDIUM',
    displayName: 'Retry Timeout for Errors',
  })
  .define('errors.retry.delay.max.ms', {
    type: 'LONG',
    default: 60_000,
    validator: Range.atLeast(1),
    importance: 'MEDIUM',
    documentation: 'Maximum delay between consecutive retries.',
    group: 'Error Handling',
    orderInGroup: 2,
    width: 'MEDIUM',
    displayName: 'Maximum Delay Between Retries for Errors',
  })
  .define('errors.tolerance', {
    type: 'STRING',
    default: 'none',
    validator: ValidString.in('none', 'all'),
    importance: 'MEDIUM',
    documentation:
      'none: an error fails the task; all: records that fail conversion or transformation are skipped (and reported).',
    group: 'Error Handling',
    orderInGroup: 3,
    width: 'SHORT',
    displayName: 'Error Tolerance',
  })
  .define('errors.log.enable', {
    type: 'BOOLEAN',
    default: false,
    importance: 'MEDIUM',
    documentation: 'Log each error with its operation and record position.',
    group: 'Error Handling',
    orderInGroup: 4,
    width: 'SHORT',
    displayName: 'Log Errors',
  })
  .define('errors.log.include.messages', {
    type: 'BOOLEAN',
    default: false,
    importance: 'MEDIUM',
    documentation: 'Include the record key and value in error log lines.',
    group: 'Error Handling',
    orderInGroup: 5,
    width: 'SHORT',
    displayName: 'Log Error Details',
  });

/** The dead letter queue keys (Kafka's SinkConnectorConfig; Sluice has them on sources too). */
function withDeadLetterQueue(def: ConfigDef<object>): ConfigDef<object> {
  return def
    .define('errors.deadletterqueue.topic.name', {
      type: 'STRING',
      default: '',
      importance: 'MEDIUM',
      documentation:
        'Dead letter queue topic for records that failed and were tolerated. Sink connectors as in Kafka; on source connectors Sluice writes failed source records there too (off when empty).',
      group: 'Error Handling',
      orderInGroup: 6,
      width: 'MEDIUM',
      displayName: 'Dead Letter Queue Topic Name',
    })
    .define('errors.deadletterqueue.topic.replication.factor', {
      type: 'SHORT',
      default: 3,
      importance: 'MEDIUM',
      documentation: 'Replication factor of the dead letter queue topic when it is created.',
      group: 'Error Handling',
      orderInGroup: 7,
      width: 'MEDIUM',
      displayName: 'Dead Letter Queue Topic Replication Factor',
    })
    .define('errors.deadletterqueue.context.headers.enable', {
      type: 'BOOLEAN',
      default: false,
      importance: 'MEDIUM',
      documentation:
        'Add __connect.errors.* headers describing the failure to dead letter queue records.',
      group: 'Error Handling',
      orderInGroup: 8,
      width: 'MEDIUM',
      displayName: 'Enable Error Context Headers',
    }) as ConfigDef<object>;
}

const common = () => new ConfigDef(COMMON_CONNECTOR_CONFIG_DEF as ConfigDef<object>);

/** Keys every connector has, for a config whose plugin is unknown (validation only). */
export const CONNECTOR_CONFIG_DEF = withDeadLetterQueue(common());

/** Keys of sink connectors (Kafka's SinkConnectorConfig), in Kafka's order. */
export const SINK_CONNECTOR_CONFIG_DEF = withDeadLetterQueue(
  common()
    .define('topics', {
      type: 'LIST',
      default: '',
      importance: 'HIGH',
      documentation: 'Topics to consume. Exactly one of topics and topics.regex.',
      group: 'Common',
      orderInGroup: 4,
      width: 'LONG',
      displayName: 'Topics',
    })
    .define('topics.regex', {
      type: 'STRING',
      default: '',
      importance: 'HIGH',
      documentation: 'Regex of topics to consume. Exactly one of topics and topics.regex.',
      group: 'Common',
      orderInGroup: 4,
      width: 'LONG',
      displayName: 'Topics regex',
    }) as ConfigDef<object>,
);

/** Keys of source connectors (Kafka's SourceConnectorConfig, plus the dead letter queue). */
export const SOURCE_CONNECTOR_CONFIG_DEF = withDeadLetterQueue(common())
  .define('topic.creation.groups', {
    type: 'LIST',
    default: '',
    importance: 'LOW',
    documentation:
      'Groups of topic creation settings (topic.creation.<group>.include|exclude|replication.factor|partitions|<topic config>).',
    group: 'Topic Creation',
    orderInGroup: 1,
    width: 'LONG',
    displayName: 'Topic Creation Groups',
  })
  .define('topic.creation.default.replication.factor', {
    type: 'SHORT',
    default: null,
    importance: 'LOW',
    documentation:
      'Replication factor of topics created by this connector (-1 = broker default). Setting it with .partitions turns topic creation on.',
    group: 'Topic Creation',
    orderInGroup: 2,
    width: 'LONG',
    displayName: 'Replication Factor for Topics in default',
  })
  .define('topic.creation.default.partitions', {
    type: 'INT',
    default: null,
    importance: 'LOW',
    documentation: 'Partitions of topics created by this connector (-1 = broker default).',
    group: 'Topic Creation',
    orderInGroup: 3,
    width: 'LONG',
    displayName: 'Partition Count for Topics in default',
  })
  .define('exactly.once.support', {
    type: 'STRING',
    default: 'requested',
    validator: ValidString.in('requested', 'required'),
    importance: 'MEDIUM',
    documentation:
      'Whether the connector must support exactly-once delivery (KIP-618). Exactly-once source support is a distributed-mode feature: a standalone worker, as Kafka’s, delivers at least once whatever this says.',
    group: 'Exactly Once Support',
    orderInGroup: 2,
    width: 'SHORT',
    displayName: 'Exactly once support',
  })
  .define('transaction.boundary', {
    type: 'STRING',
    default: 'poll',
    validator: ValidString.in('poll', 'interval', 'connector'),
    importance: 'MEDIUM',
    documentation:
      'Where transactions of exactly-once source tasks end (KIP-618); used only with exactly-once source support, which a standalone worker does not have.',
    group: 'Exactly Once Support',
    orderInGroup: 3,
    width: 'SHORT',
    displayName: 'Transaction Boundary',
  })
  .define('transaction.boundary.interval.ms', {
    type: 'LONG',
    default: null,
    importance: 'LOW',
    documentation:
      'Transaction length with transaction.boundary=interval (KIP-618); used only with exactly-once source support.',
    group: 'Exactly Once Support',
    orderInGroup: 4,
    width: 'SHORT',
    displayName: 'Transaction boundary interval',
  })
  .define('offsets.storage.topic', {
    type: 'STRING',
    default: null,
    importance: 'LOW',
    documentation: 'Not used in standalone mode.',
    group: 'offsets.topic',
    orderInGroup: 1,
    width: 'LONG',
    displayName: 'Offsets topic',
  });

/** The framework's keys of a connector plugin kind (sink or source), null for other kinds. */
export function baseDefOf(kind: string): ConfigDef<object> | null {
  if (kind === 'sink') return SINK_CONNECTOR_CONFIG_DEF as unknown as ConfigDef<object>;
  if (kind === 'source') return SOURCE_CONNECTOR_CONFIG_DEF as unknown as ConfigDef<object>;
  return null;
}

/** The common connector settings, parsed. */
export interface CommonConnectorConfig {
  name: string;
  connectorClass: string;
  tasksMax: number;
  tasksMaxEnforce: boolean;
  keyConverter: string | null;
  valueConverter: string | null;
  headerConverter: string | null;
  errors: ErrorHandlingConfig;
  /** Sink only. */
  topics: string[];
  topicsRegex: string;
}

/** Parses the keys every connector has; `kind` adds the sink/source checks. Throws listing every problem. */
export function parseConnectorConfig(
  props: Record<string, string>,
  kind: 'source' | 'sink' | null,
): CommonConnectorConfig {
  const def =
    kind === 'sink'
      ? SINK_CONNECTOR_CONFIG_DEF
      : kind === 'source'
        ? SOURCE_CONNECTOR_CONFIG_DEF
        : CONNECTOR_CONFIG_DEF;
  const problems: ConfigProblem[] = [];
  let parsed: Record<string, unknown> = {};
  try {
    parsed = def.parse(props) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof ConfigException) problems.push(...error.problems);
    else throw error;
  }
  problems.push(...sinkTopicProblems(props, kind));
  if (problems.length > 0) throw ConfigException.fromProblems(problems);
  const retryTimeout = parsed['errors.retry.timeout'] as number;
  return {
    name: parsed.name as string,
    connectorClass: parsed['connector.class'] as string,
    tasksMax: parsed['tasks.max'] as number,
    tasksMaxEnforce: parsed['tasks.max.enforce'] as boolean,
    keyConverter: (parsed['key.converter'] as string | null) ?? null,
    valueConverter: (parsed['value.converter'] as string | null) ?? null,
    headerConverter: (parsed['header.converter'] as string | null) ?? null,
    errors: {
      ...DEFAULT_ERROR_HANDLING,
      retryTimeoutMs: retryTimeout,
      retryDelayMaxMs: parsed['errors.retry.delay.max.ms'] as number,
      tolerance: parsed['errors.tolerance'] as 'none' | 'all',
      logEnable: parsed['errors.log.enable'] as boolean,
      logIncludeMessages: parsed['errors.log.include.messages'] as boolean,
      dlqTopic: (parsed['errors.deadletterqueue.topic.name'] as string).trim(),
      dlqReplicationFactor: parsed['errors.deadletterqueue.topic.replication.factor'] as number,
      dlqContextHeaders: parsed['errors.deadletterqueue.context.headers.enable'] as boolean,
    },
    topics: kind === 'sink' ? (parsed.topics as string[]) : [],
    topicsRegex: kind === 'sink' ? (parsed['topics.regex'] as string) : '',
  };
}

/** Kafka's SinkConnectorConfig.validate: exactly one of topics / topics.regex, DLQ not consumed. */
export function sinkTopicProblems(
  props: Record<string, string>,
  kind: 'source' | 'sink' | null,
): ConfigProblem[] {
  if (kind !== 'sink') return [];
  const problems: ConfigProblem[] = [];
  const topics = (props.topics ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const regex = (props['topics.regex'] ?? '').trim();
  if (topics.length > 0 && regex) {
    const message = 'topics and topics.regex are mutually exclusive options, but both are set.';
    problems.push({ key: 'topics', value: props.topics, message });
    problems.push({ key: 'topics.regex', value: regex, message });
  } else if (topics.length === 0 && !regex) {
    const message = 'Must configure one of topics or topics.regex';
    problems.push({ key: 'topics', value: props.topics ?? '', message });
    problems.push({ key: 'topics.regex', value: regex, message });
  }
  if (regex) {
    try {
      new RegExp(regex);
    } catch (error) {
      problems.push({
        key: 'topics.regex',
        value: regex,
        message: `Invalid value ${regex} for configuration topics.regex: ${(error as Error).message}`,
      });
    }
  }
  const dlq = (props['errors.deadletterqueue.topic.name'] ?? '').trim();
  if (dlq && (topics.includes(dlq) || (regex && safeTest(regex, dlq)))) {
    problems.push({
      key: 'errors.deadletterqueue.topic.name',
      value: dlq,
      message: `The DLQ topic '${dlq}' may not be included in the list of topics ('topics=${props.topics ?? ''}') or match the regex ('topics.regex=${regex}') to be consumed.`,
    });
  }
  return problems;
}

function safeTest(regex: string, s: string): boolean {
  try {
    return new RegExp(`^(?:${regex})$`).test(s);
  } catch {
    return false;
  }
}
