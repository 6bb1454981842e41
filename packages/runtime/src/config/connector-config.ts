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

/** Keys every connector has (Kafka's ConnectorConfig), for validate and parsing. */
export const CONNECTOR_CONFIG_DEF = new ConfigDef()
  .define('name', {
    type: 'STRING',
    validator: new NonEmptyStringWithoutControlChars(),
    importance: 'HIGH',
    documentation: 'Globally unique name of the connector.',
    group: 'Common',
    orderInGroup: 1,
  })
  .define('connector.class', {
    type: 'STRING',
    importance: 'HIGH',
    documentation:
      'The connector plugin: its short name, package-qualified name, or Java class name alias.',
    group: 'Common',
    orderInGroup: 2,
  })
  .define('tasks.max', {
    type: 'INT',
    default: 1,
    validator: Range.atLeast(1),
    importance: 'HIGH',
    documentation: 'Maximum number of tasks.',
    group: 'Common',
    orderInGroup: 3,
  })
  .define('tasks.max.enforce', {
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    documentation: 'Fail the connector if it returns more task configs than tasks.max.',
    group: 'Common',
    orderInGroup: 4,
  })
  .define('key.converter', {
    type: 'CLASS',
    default: null,
    importance: 'LOW',
    documentation: 'Overrides the worker key.converter.',
    group: 'Common',
    orderInGroup: 5,
  })
  .define('value.converter', {
    type: 'CLASS',
    default: null,
    importance: 'LOW',
    documentation: 'Overrides the worker value.converter.',
    group: 'Common',
    orderInGroup: 6,
  })
  .define('header.converter', {
    type: 'CLASS',
    default: null,
    importance: 'LOW',
    documentation: 'Overrides the worker header.converter.',
    group: 'Common',
    orderInGroup: 7,
  })
  .define('transforms', {
    type: 'LIST',
    default: '',
    importance: 'LOW',
    documentation: 'Aliases of the transformations applied to records, in order.',
    group: 'Transforms',
    orderInGroup: 1,
  })
  .define('predicates', {
    type: 'LIST',
    default: '',
    importance: 'LOW',
    documentation: 'Aliases of the predicates used by transformations.',
    group: 'Predicates',
    orderInGroup: 1,
  })
  .define('errors.retry.timeout', {
    type: 'LONG',
    default: 0,
    importance: 'MEDIUM',
    documentation: 'Maximum time a failed operation is retried, in ms; 0 = no retry, -1 = forever.',
    group: 'Error Handling',
    orderInGroup: 1,
  })
  .define('errors.retry.delay.max.ms', {
    type: 'LONG',
    default: 60_000,
    validator: Range.atLeast(1),
    importance: 'MEDIUM',
    documentation: 'Maximum delay between consecutive retries.',
    group: 'Error Handling',
    orderInGroup: 2,
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
  })
  .define('errors.log.enable', {
    type: 'BOOLEAN',
    default: false,
    importance: 'MEDIUM',
    documentation: 'Log each error with its operation and record position.',
    group: 'Error Handling',
    orderInGroup: 4,
  })
  .define('errors.log.include.messages', {
    type: 'BOOLEAN',
    default: false,
    importance: 'MEDIUM',
    documentation: 'Include the record key and value in error log lines.',
    group: 'Error Handling',
    orderInGroup: 5,
  })
  .define('errors.deadletterqueue.topic.name', {
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    documentation:
      'Dead letter queue topic for records that failed and were tolerated. Sink connectors as in Kafka; on source connectors Sluice writes failed source records there too (off when empty).',
    group: 'Error Handling',
    orderInGroup: 6,
  })
  .define('errors.deadletterqueue.topic.replication.factor', {
    type: 'SHORT',
    default: 3,
    importance: 'MEDIUM',
    documentation: 'Replication factor of the dead letter queue topic when it is created.',
    group: 'Error Handling',
    orderInGroup: 7,
  })
  .define('errors.deadletterqueue.context.headers.enable', {
    type: 'BOOLEAN',
    default: false,
    importance: 'MEDIUM',
    documentation:
      'Add __connect.errors.* headers describing the failure to dead letter queue records.',
    group: 'Error Handling',
    orderInGroup: 8,
  });

/** Extra keys of sink connectors (Kafka's SinkConnectorConfig). */
export const SINK_CONNECTOR_CONFIG_DEF = new ConfigDef(CONNECTOR_CONFIG_DEF as ConfigDef<object>)
  .define('topics', {
    type: 'LIST',
    default: '',
    importance: 'HIGH',
    documentation: 'Topics to consume. Exactly one of topics and topics.regex.',
    group: 'Common',
    orderInGroup: 8,
  })
  .define('topics.regex', {
    type: 'STRING',
    default: '',
    importance: 'HIGH',
    documentation: 'Regex of topics to consume. Exactly one of topics and topics.regex.',
    group: 'Common',
    orderInGroup: 9,
  });

/** Extra keys of source connectors (Kafka's SourceConnectorConfig). */
export const SOURCE_CONNECTOR_CONFIG_DEF = new ConfigDef(CONNECTOR_CONFIG_DEF as ConfigDef<object>)
  .define('topic.creation.groups', {
    type: 'LIST',
    default: '',
    importance: 'LOW',
    documentation:
      'Groups of topic creation settings (topic.creation.<group>.include|exclude|replication.factor|partitions|<topic config>).',
    group: 'Topic Creation',
    orderInGroup: 1,
  })
  .define('topic.creation.default.replication.factor', {
    type: 'SHORT',
    default: null,
    importance: 'LOW',
    documentation:
      'Replication factor of topics created by this connector (-1 = broker default). Setting it with .partitions turns topic creation on.',
    group: 'Topic Creation',
    orderInGroup: 2,
  })
  .define('topic.creation.default.partitions', {
    type: 'INT',
    default: null,
    importance: 'LOW',
    documentation: 'Partitions of topics created by this connector (-1 = broker default).',
    group: 'Topic Creation',
    orderInGroup: 3,
  })
  .define('offsets.storage.topic', {
    type: 'STRING',
    default: null,
    importance: 'LOW',
    documentation: 'Not used in standalone mode.',
    group: 'Common',
    orderInGroup: 10,
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
