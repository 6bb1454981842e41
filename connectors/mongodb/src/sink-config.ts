import {
  type Config,
  ConfigDef,
  ConfigException,
  type ConfigProblem,
  type ConnectorProps,
  Range,
  ValidString,
} from '@sluice/api';
import {
  combine,
  invalid,
  parsableProps,
  parseJsonSetting,
  problemsOf,
  withProblems,
} from './config-problems.js';
import { type ConnectionSettings, connectionConfigDef, connectionOf } from './connection-config.js';

const SINK = 'com.mongodb.kafka.connect.sink.';
const ID_PACKAGE = `${SINK}processor.id.strategy.`;
const WRITE_MODEL_PACKAGE = `${SINK}writemodel.strategy.`;
const PROCESSOR_PACKAGE = `${SINK}processor.`;
const NAMESPACE_PACKAGE = `${SINK}namespace.mapping.`;
const CDC_PACKAGE = `${SINK}cdc.`;

/** The id strategies, by mongo-kafka class name. */
export const ID_STRATEGIES = [
  'BsonOidStrategy',
  'KafkaMetaDataStrategy',
  'FullKeyStrategy',
  'PartialKeyStrategy',
  'PartialValueStrategy',
  'ProvidedInKeyStrategy',
  'ProvidedInValueStrategy',
  'UuidStrategy',
  'UuidProvidedInKeyStrategy',
  'UuidProvidedInValueStrategy',
] as const;
export type IdStrategyName = (typeof ID_STRATEGIES)[number];

/** The write model strategies, by mongo-kafka class name. */
export const WRITE_MODEL_STRATEGIES = [
  'DefaultWriteModelStrategy',
  'ReplaceOneDefaultStrategy',
  'ReplaceOneBusinessKeyStrategy',
  'UpdateOneDefaultStrategy',
  'UpdateOneTimestampsStrategy',
  'UpdateOneBusinessKeyTimestampStrategy',
  'InsertOneDefaultStrategy',
  'DeleteOneDefaultStrategy',
  'DeleteOneBusinessKeyStrategy',
  'DeleteOneTombstoneBusinessKeyStrategy',
] as const;
export type WriteModelName = (typeof WRITE_MODEL_STRATEGIES)[number];

/** The post processors, by mongo-kafka class name relative to `...sink.processor.`. */
export const POST_PROCESSORS = [
  'DocumentIdAdder',
  'KafkaMetaAdder',
  'NullFieldValueRemover',
  'AllowListKeyProjector',
  'AllowListValueProjector',
  'BlockListKeyProjector',
  'BlockListValueProjector',
  'WhitelistKeyProjector',
  'WhitelistValueProjector',
  'BlacklistKeyProjector',
  'BlacklistValueProjector',
  'field.renaming.RenameByMapping',
  'field.renaming.RenameByRegExp',
] as const;
export type PostProcessorName = (typeof POST_PROCESSORS)[number];

/** The CDC handlers, by mongo-kafka class name relative to `...sink.cdc.`. */
export const CDC_HANDLERS = [
  'debezium.mongodb.MongoDbHandler',
  'debezium.mongodb.ChangeStreamHandler',
  'debezium.rdbms.RdbmsHandler',
  'debezium.rdbms.mysql.MysqlHandler',
  'debezium.rdbms.postgres.PostgresHandler',
  'mongodb.ChangeStreamHandler',
] as const;
export type CdcHandlerName = (typeof CDC_HANDLERS)[number];

const PROJECTION_TYPES = ['none', 'blacklist', 'whitelist', 'allowlist', 'blocklist'] as const;
export type ProjectionType = 'none' | 'allowlist' | 'blocklist';

/** A class-name setting: the full mongo-kafka class name, or a problem listing the supported ones. */
function className<T extends string>(
  key: string,
  value: string,
  pkg: string,
  names: readonly T[],
  problems: ConfigProblem[],
): T | null {
  const name = value.trim();
  if (name.startsWith(pkg) && names.includes(name.slice(pkg.length) as T))
    return name.slice(pkg.length) as T;
  problems.push(
    invalid(
      key,
      value,
      `not a class Sluice provides (custom Java classes cannot be loaded); one of ${names.map((n) => pkg + n).join(', ')}`,
    ),
  );
  return null;
}

const NAMESPACE = 'Namespace';
const WRITES = 'Writes';
const POST_PROCESSING = 'Post Processing';
const ID_STRATEGY = 'Id Strategies';
const ERRORS = 'Errors';
const CDC = 'Change Data Capture';
const TIMESERIES = 'Time series';

/**
 * Every key one topic's writes are configured with: set globally, or for one topic as
 * `topic.override.<topic>.<key>` (mongo-kafka's MongoSinkTopicConfig).
 */
export const SINK_TOPIC_CONFIG_DEF = new ConfigDef()
  .define('database', {
    type: 'STRING',
    importance: 'HIGH',
    group: NAMESPACE,
    orderInGroup: 1,
    validator: (v) => (v === '' ? 'the database name must not be empty' : undefined),
    documentation: 'The database to write to.',
  })
  .define('collection', {
    type: 'STRING',
    default: '',
    importance: 'HIGH',
    group: NAMESPACE,
    orderInGroup: 2,
    documentation: 'The collection to write to. Empty: the topic name.',
  })
  .define('namespace.mapper', {
    type: 'STRING',
    default: `${NAMESPACE_PACKAGE}DefaultNamespaceMapper`,
    importance: 'HIGH',
    group: NAMESPACE,
    orderInGroup: 3,
    documentation: `Where each record is written: \`${NAMESPACE_PACKAGE}DefaultNamespaceMapper\` (\`database\` and \`collection\`), or \`${NAMESPACE_PACKAGE}FieldPathNamespaceMapper\` (the database and/or collection named by a field of the key or value, \`namespace.mapper.*\`; the configured ones otherwise).`,
  })
  .define('namespace.mapper.key.database.field', {
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    group: NAMESPACE,
    orderInGroup: 4,
    documentation: 'FieldPathNamespaceMapper: the key field (dotted path) naming the database.',
  })
  .define('namespace.mapper.key.collection.field', {
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    group: NAMESPACE,
    orderInGroup: 5,
    documentation: 'FieldPathNamespaceMapper: the key field naming the collection.',
  })
  .define('namespace.mapper.value.database.field', {
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    group: NAMESPACE,
    orderInGroup: 6,
    documentation: 'FieldPathNamespaceMapper: the value field naming the database.',
  })
  .define('namespace.mapper.value.collection.field', {
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    group: NAMESPACE,
    orderInGroup: 7,
    documentation: 'FieldPathNamespaceMapper: the value field naming the collection.',
  })
  .define('namespace.mapper.error.if.invalid', {
    type: 'BOOLEAN',
    default: false,
    importance: 'MEDIUM',
    group: NAMESPACE,
    orderInGroup: 8,
    documentation:
      'FieldPathNamespaceMapper: a record whose field is missing or not a string is an error (true) or goes to the configured namespace (false).',
  })
  .define('delete.on.null.values', {
    type: 'BOOLEAN',
    default: false,
    importance: 'MEDIUM',
    group: WRITES,
    orderInGroup: 1,
    documentation:
      'Whether a record with a null value (a tombstone) deletes the document its key identifies (with `delete.writemodel.strategy`). Otherwise such a record is an error.',
  })
  .define('writemodel.strategy', {
    type: 'STRING',
    default: `${WRITE_MODEL_PACKAGE}DefaultWriteModelStrategy`,
    importance: 'LOW',
    group: WRITES,
    orderInGroup: 2,
    documentation: `How a record becomes a write: ${WRITE_MODEL_STRATEGIES.filter(
      (n) => !n.startsWith('Delete'),
    )
      .map((n) => `\`${n}\``)
      .join(
        ', ',
      )} (classes of \`${WRITE_MODEL_PACKAGE}\`). The default replaces by \`_id\` with upsert (inserts for a time series collection).`,
  })
  .define('delete.writemodel.strategy', {
    type: 'STRING',
    default: `${WRITE_MODEL_PACKAGE}DeleteOneDefaultStrategy`,
    importance: 'LOW',
    group: WRITES,
    orderInGroup: 3,
    documentation:
      'How a tombstone becomes a delete (with `delete.on.null.values`): `DeleteOneDefaultStrategy` (by the `_id` the key gives; needs the FullKey, PartialKey or ProvidedInKey id strategy), `DeleteOneBusinessKeyStrategy`, `DeleteOneTombstoneBusinessKeyStrategy` (by the key fields the PartialKey strategy projects).',
  })
  .define('max.batch.size', {
    type: 'INT',
    default: 0,
    validator: Range.atLeast(0),
    importance: 'MEDIUM',
    group: WRITES,
    orderInGroup: 4,
    documentation:
      'Most records written in one bulk write; 0: all the records of a put for one collection.',
  })
  .define('bulk.write.ordered', {
    type: 'BOOLEAN',
    default: true,
    importance: 'MEDIUM',
    group: WRITES,
    orderInGroup: 5,
    documentation:
      'Whether bulk writes are ordered (the server stops at the first failed write; the connector writes the rest again) or unordered.',
  })
  .define('rate.limiting.timeout', {
    type: 'INT',
    default: 0,
    validator: Range.atLeast(0),
    importance: 'LOW',
    group: WRITES,
    orderInGroup: 6,
    documentation: 'Milliseconds to wait after every `rate.limiting.every.n` bulk writes.',
  })
  .define('rate.limiting.every.n', {
    type: 'INT',
    default: 0,
    validator: Range.atLeast(0),
    importance: 'LOW',
    group: WRITES,
    orderInGroup: 7,
    documentation: 'After how many bulk writes of a topic to wait; 0: never.',
  })
  .define('post.processor.chain', {
    type: 'LIST',
    default: `${PROCESSOR_PACKAGE}DocumentIdAdder`,
    importance: 'LOW',
    group: POST_PROCESSING,
    orderInGroup: 1,
    documentation: `Post processors applied to each document in order, classes of \`${PROCESSOR_PACKAGE}\`: ${POST_PROCESSORS.map((n) => `\`${n}\``).join(', ')}. \`DocumentIdAdder\` is put first when missing.`,
  })
  .define('key.projection.type', {
    type: 'STRING',
    default: 'none',
    validator: ValidString.caseInsensitive(...PROJECTION_TYPES),
    importance: 'LOW',
    group: POST_PROCESSING,
    orderInGroup: 2,
    documentation:
      'How the key projectors and the PartialKey id strategy read `key.projection.list`: `AllowList` or `BlockList`.',
  })
  .define('key.projection.list', {
    type: 'STRING',
    default: '',
    importance: 'LOW',
    group: POST_PROCESSING,
    orderInGroup: 3,
    documentation:
      'Key fields to keep (allow list) or remove (block list), comma separated; dotted paths reach into nested documents and arrays of documents, `*` and `**` are wildcards.',
  })
  .define('value.projection.type', {
    type: 'STRING',
    default: 'none',
    validator: ValidString.caseInsensitive(...PROJECTION_TYPES),
    importance: 'LOW',
    group: POST_PROCESSING,
    orderInGroup: 4,
    documentation: 'How the value projectors read `value.projection.list`.',
  })
  .define('value.projection.list', {
    type: 'STRING',
    default: '',
    importance: 'LOW',
    group: POST_PROCESSING,
    orderInGroup: 5,
    documentation: 'Value fields to keep or remove, as `key.projection.list`.',
  })
  .define('field.renamer.mapping', {
    type: 'STRING',
    default: '[]',
    importance: 'LOW',
    group: POST_PROCESSING,
    orderInGroup: 6,
    documentation:
      'RenameByMapping: a JSON array of `{"oldName": "value.a.b", "newName": "c"}` (the old name is the full path from `key` or `value`).',
  })
  .define('field.renamer.regexp', {
    type: 'STRING',
    default: '[]',
    importance: 'LOW',
    group: POST_PROCESSING,
    orderInGroup: 7,
    documentation:
      'RenameByRegExp: a JSON array of `{"regexp": "^value\\\\..*$", "pattern": "\\\\.", "replace": "_"}`: in each field whose full path matches `regexp`, `pattern` is replaced.',
  })
  .define('field.value.transformer', {
    type: 'STRING',
    default: '',
    validator: (v) =>
      v === '' ? undefined : 'field value transformers are Java classes; Sluice cannot load them',
    importance: 'LOW',
    group: POST_PROCESSING,
    orderInGroup: 8,
    documentation: 'Only empty: field value transformers are Java classes.',
  })
  .define('field.value.transformer.fields', {
    type: 'STRING',
    default: '',
    importance: 'LOW',
    group: POST_PROCESSING,
    orderInGroup: 9,
    documentation: 'Not used (see `field.value.transformer`).',
  })
  .define('document.id.strategy', {
    type: 'STRING',
    default: `${ID_PACKAGE}BsonOidStrategy`,
    importance: 'HIGH',
    group: ID_STRATEGY,
    orderInGroup: 1,
    documentation: `How DocumentIdAdder makes the \`_id\`, classes of \`${ID_PACKAGE}\`: ${ID_STRATEGIES.map((n) => `\`${n}\``).join(', ')}.`,
  })
  .define('document.id.strategy.overwrite.existing', {
    type: 'BOOLEAN',
    default: false,
    importance: 'HIGH',
    group: ID_STRATEGY,
    orderInGroup: 2,
    documentation: 'Whether the id strategy replaces an `_id` the value already has.',
  })
  .define('document.id.strategy.uuid.format', {
    type: 'STRING',
    default: 'string',
    validator: ValidString.caseInsensitive('string', 'binary'),
    importance: 'HIGH',
    group: ID_STRATEGY,
    orderInGroup: 3,
    documentation: 'UuidStrategy: a string or a binary (subtype 4) UUID.',
  })
  .define('document.id.strategy.partial.key.projection.type', {
    type: 'STRING',
    default: '',
    validator: ValidString.caseInsensitive('', ...PROJECTION_TYPES),
    importance: 'LOW',
    group: ID_STRATEGY,
    orderInGroup: 4,
    documentation: 'PartialKeyStrategy: `AllowList` or `BlockList`; empty: `key.projection.type`.',
  })
  .define('document.id.strategy.partial.key.projection.list', {
    type: 'STRING',
    default: '',
    importance: 'LOW',
    group: ID_STRATEGY,
    orderInGroup: 5,
    documentation: 'PartialKeyStrategy: the key fields; empty: `key.projection.list`.',
  })
  .define('document.id.strategy.partial.value.projection.type', {
    type: 'STRING',
    default: '',
    validator: ValidString.caseInsensitive('', ...PROJECTION_TYPES),
    importance: 'LOW',
    group: ID_STRATEGY,
    orderInGroup: 6,
    documentation:
      'PartialValueStrategy: `AllowList` or `BlockList`; empty: `value.projection.type`.',
  })
  .define('document.id.strategy.partial.value.projection.list', {
    type: 'STRING',
    default: '',
    importance: 'LOW',
    group: ID_STRATEGY,
    orderInGroup: 7,
    documentation: 'PartialValueStrategy: the value fields; empty: `value.projection.list`.',
  })
  .define('mongo.errors.tolerance', {
    type: 'STRING',
    default: null,
    validator: ValidString.caseInsensitive('none', 'data', 'all'),
    importance: 'MEDIUM',
    group: ERRORS,
    orderInGroup: 1,
    documentation:
      "The connector's own error tolerance, instead of `errors.tolerance`: `none` (a record that cannot be written fails the task), `data` (records MongoDB refuses or that cannot be converted are reported, other errors fail the task), `all`. Reported records go to the dead letter queue when one is configured, else are logged.",
  })
  .define('mongo.errors.log.enable', {
    type: 'BOOLEAN',
    default: null,
    importance: 'MEDIUM',
    group: ERRORS,
    orderInGroup: 2,
    documentation:
      "Whether tolerated failures are logged, instead of `errors.log.enable`. (Failures that fail the task are always in the task's trace.)",
  })
  .define('change.data.capture.handler', {
    type: 'STRING',
    default: '',
    importance: 'LOW',
    group: CDC,
    orderInGroup: 1,
    documentation: `A CDC handler: the record is a change event applied to MongoDB instead of a document (id strategy, post processors and write model are not used). Classes of \`${CDC_PACKAGE}\`: ${CDC_HANDLERS.map((n) => `\`${n}\``).join(', ')}.`,
  })
  .define('change.data.capture.handler.remove.null.values', {
    type: 'BOOLEAN',
    default: false,
    importance: 'LOW',
    group: CDC,
    orderInGroup: 2,
    documentation:
      'Whether null fields are left out of the documents and `$set` updates a CDC handler writes (a change that leaves nothing is skipped).',
  })
  .define('timeseries.timefield', {
    type: 'STRING',
    default: '',
    importance: 'LOW',
    group: TIMESERIES,
    orderInGroup: 1,
    documentation:
      'The time field of a time series collection; set: the collection is created as one when missing (MongoDB 5.0+), and writes are inserts.',
  })
  .define('timeseries.metafield', {
    type: 'STRING',
    default: '',
    importance: 'LOW',
    group: TIMESERIES,
    orderInGroup: 2,
    documentation: 'The meta field of the time series collection (not `_id`, not the time field).',
  })
  .define('timeseries.expire.after.seconds', {
    type: 'LONG',
    default: 0,
    validator: Range.atLeast(0),
    importance: 'LOW',
    group: TIMESERIES,
    orderInGroup: 3,
    documentation: 'Seconds after which measurements are deleted; 0: never.',
  })
  .define('timeseries.granularity', {
    type: 'STRING',
    default: '',
    validator: ValidString.caseInsensitive('', 'seconds', 'minutes', 'hours'),
    importance: 'LOW',
    group: TIMESERIES,
    orderInGroup: 4,
    documentation: 'The granularity of the time series collection: `seconds`, `minutes`, `hours`.',
  })
  .define('timeseries.timefield.auto.convert', {
    type: 'BOOLEAN',
    default: false,
    importance: 'LOW',
    group: TIMESERIES,
    orderInGroup: 5,
    documentation:
      'Whether a time field given as a number (milliseconds since the epoch) or text is converted to a date.',
  })
  .define('timeseries.timefield.auto.convert.date.format', {
    type: 'STRING',
    default:
      "yyyy-MM-dd[['T'][ ]][HH:mm:ss[[.][SSSSSS][SSS]][ ]VV[ ]'['VV']'][HH:mm:ss[[.][SSSSSS][SSS]][ ]X][HH:mm:ss[[.][SSSSSS][SSS]]]",
    importance: 'LOW',
    group: TIMESERIES,
    orderInGroup: 6,
    documentation:
      'Accepted for compatibility; text is read as ISO-8601 (`2024-05-01`, `2024-05-01T10:00:00.123Z`, `2024-05-01 10:00:00+02:00`; no offset: UTC) whatever pattern is given.',
  })
  .define('timeseries.timefield.auto.convert.locale.language.tag', {
    type: 'STRING',
    default: '',
    importance: 'LOW',
    group: TIMESERIES,
    orderInGroup: 7,
    documentation: 'Accepted for compatibility; not used (dates are read as ISO-8601).',
  });

/** How a key or value projector (or partial id strategy) selects fields. */
export interface ProjectionSettings {
  readonly type: ProjectionType;
  readonly fields: readonly string[];
}

export interface RenameMapping {
  readonly oldName: string;
  readonly newName: string;
}

export interface RenameRegExp {
  readonly regexp: RegExp;
  readonly pattern: RegExp;
  readonly replace: string;
}

export type NamespaceMapperSettings =
  | { readonly kind: 'default' }
  | {
      readonly kind: 'field';
      readonly keyDatabaseField: string;
      readonly keyCollectionField: string;
      readonly valueDatabaseField: string;
      readonly valueCollectionField: string;
      readonly errorIfInvalid: boolean;
    };

export interface TimeseriesSettings {
  readonly timeField: string;
  readonly metaField: string;
  readonly expireAfterSeconds: number;
  readonly granularity: string;
  readonly autoConvert: boolean;
}

export type Tolerance = 'none' | 'data' | 'all';

/** Everything about writing one topic's records. */
export interface TopicSinkConfig {
  readonly topic: string;
  readonly database: string;
  /** The collection; the topic name when `collection` is empty. */
  readonly collection: string;
  readonly namespaceMapper: NamespaceMapperSettings;
  readonly deleteOnNullValues: boolean;
  readonly writeModel: WriteModelName;
  readonly deleteWriteModel: WriteModelName;
  readonly maxBatchSize: number;
  readonly bulkWriteOrdered: boolean;
  readonly rateLimitTimeoutMs: number;
  readonly rateLimitEveryN: number;
  readonly postProcessors: readonly PostProcessorName[];
  readonly keyProjection: ProjectionSettings;
  readonly valueProjection: ProjectionSettings;
  readonly renameMappings: readonly RenameMapping[];
  readonly renameRegExps: readonly RenameRegExp[];
  readonly idStrategy: IdStrategyName;
  readonly overwriteExistingId: boolean;
  readonly uuidBinary: boolean;
  readonly partialKeyProjection: ProjectionSettings;
  readonly partialValueProjection: ProjectionSettings;
  readonly tolerance: Tolerance;
  readonly logErrors: boolean;
  readonly cdcHandler: CdcHandlerName | null;
  readonly cdcRemoveNullValues: boolean;
  readonly timeseries: TimeseriesSettings | null;
}

/** A parsed sink configuration: the connection, the topics' settings, and how to make more. */
export interface SinkConfig {
  readonly connection: ConnectionSettings;
  readonly topics: ReadonlyMap<string, TopicSinkConfig>;
  /** `topics.regex`, when the sink follows topics by pattern. */
  readonly topicsRegex: RegExp | null;
  /** The settings of a topic `topics.regex` matched (parsed on first use). */
  topicConfig(topic: string): TopicSinkConfig;
}

const TOPIC_OVERRIDE_PREFIX = 'topic.override.';

/** The sink's keys besides the per-topic ones: the connection. */
export const SINK_CONNECTION_CONFIG_DEF = connectionConfigDef('mongodb://localhost:27017');

/** Every key of the sink (global forms; each per-topic key also as `topic.override.<topic>.<key>`). */
export const SINK_CONFIG_DEF = combine(
  SINK_CONNECTION_CONFIG_DEF as ConfigDef<object>,
  SINK_TOPIC_CONFIG_DEF as ConfigDef<object>,
);

function projection(
  type: string,
  list: string,
  typeKey: string,
): { settings: ProjectionSettings; problem: string | null } {
  const t = type.toLowerCase();
  const normalized: ProjectionType =
    t === 'allowlist' || t === 'whitelist'
      ? 'allowlist'
      : t === 'blocklist' || t === 'blacklist'
        ? 'blocklist'
        : 'none';
  const fields = list
    .trim()
    .split(/\s*,\s*/)
    .filter((f) => f !== '');
  return {
    settings: { type: normalized, fields },
    problem: normalized === 'none' ? typeKey : null,
  };
}

/** The props one topic's settings are parsed from: the global keys with the topic's overrides on top. */
function topicProps(topic: string, props: ConnectorProps): Record<string, unknown> {
  const prefix = `${TOPIC_OVERRIDE_PREFIX}${topic}.`;
  const merged: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    if (!key.startsWith(TOPIC_OVERRIDE_PREFIX)) merged[key] = value;
  }
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith(prefix)) merged[key.slice(prefix.length)] = value;
  }
  return merged;
}

/** Parses one topic's settings; problems name the key as the user wrote it. */
function parseTopic(
  topic: string,
  props: ConnectorProps,
  problems: ConfigProblem[],
): TopicSinkConfig | null {
  const merged = topicProps(topic, props);
  const prefix = `${TOPIC_OVERRIDE_PREFIX}${topic}.`;
  const keyOf = (key: string) => (props[`${prefix}${key}`] === undefined ? key : `${prefix}${key}`);
  const found = problemsOf(SINK_TOPIC_CONFIG_DEF as ConfigDef<object>, merged);
  const before = problems.length;
  problems.push(
    ...found.map((p) => ({
      ...p,
      key: keyOf(p.key),
      message: p.message.replaceAll(`configuration ${p.key}`, `configuration ${keyOf(p.key)}`),
    })),
  );
  const c = SINK_TOPIC_CONFIG_DEF.parse(
    parsableProps(SINK_TOPIC_CONFIG_DEF as ConfigDef<object>, merged, found),
  );
  const cls = <T extends string>(key: keyof typeof c, pkg: string, names: readonly T[]) =>
    className(keyOf(key), c[key] as string, pkg, names, problems);

  const mapperName = (c['namespace.mapper'] as string).trim();
  let namespaceMapper: NamespaceMapperSettings = { kind: 'default' };
  if (mapperName === `${NAMESPACE_PACKAGE}FieldPathNamespaceMapper`) {
    namespaceMapper = {
      kind: 'field',
      keyDatabaseField: c['namespace.mapper.key.database.field'],
      keyCollectionField: c['namespace.mapper.key.collection.field'],
      valueDatabaseField: c['namespace.mapper.value.database.field'],
      valueCollectionField: c['namespace.mapper.value.collection.field'],
      errorIfInvalid: c['namespace.mapper.error.if.invalid'],
    };
    if (namespaceMapper.keyDatabaseField !== '' && namespaceMapper.valueDatabaseField !== '')
      problems.push(
        invalid(
          keyOf('namespace.mapper.key.database.field'),
          namespaceMapper.keyDatabaseField,
          'set either the key or the value database field, not both',
        ),
      );
    if (namespaceMapper.keyCollectionField !== '' && namespaceMapper.valueCollectionField !== '')
      problems.push(
        invalid(
          keyOf('namespace.mapper.key.collection.field'),
          namespaceMapper.keyCollectionField,
          'set either the key or the value collection field, not both',
        ),
      );
  } else if (mapperName !== `${NAMESPACE_PACKAGE}DefaultNamespaceMapper`) {
    problems.push(
      invalid(
        keyOf('namespace.mapper'),
        mapperName,
        `not a class Sluice provides; one of ${NAMESPACE_PACKAGE}DefaultNamespaceMapper, ${NAMESPACE_PACKAGE}FieldPathNamespaceMapper`,
      ),
    );
  }

  const idStrategy = cls('document.id.strategy', ID_PACKAGE, ID_STRATEGIES);
  const writeModel = cls('writemodel.strategy', WRITE_MODEL_PACKAGE, WRITE_MODEL_STRATEGIES);
  const deleteWriteModel = cls(
    'delete.writemodel.strategy',
    WRITE_MODEL_PACKAGE,
    WRITE_MODEL_STRATEGIES,
  );
  const postProcessors: PostProcessorName[] = [];
  for (const name of c['post.processor.chain']) {
    const p = className(
      keyOf('post.processor.chain'),
      name,
      PROCESSOR_PACKAGE,
      POST_PROCESSORS,
      problems,
    );
    if (p !== null) postProcessors.push(p);
  }
  if (!postProcessors.includes('DocumentIdAdder')) postProcessors.unshift('DocumentIdAdder');
  const cdcName = (c['change.data.capture.handler'] as string).trim();
  let cdcHandler: CdcHandlerName | null = null;
  if (cdcName !== '') {
    if (cdcName.startsWith(`${CDC_PACKAGE}qlik.`) || cdcName.startsWith(`${CDC_PACKAGE}attunity.`))
      problems.push(
        invalid(
          keyOf('change.data.capture.handler'),
          cdcName,
          'the Qlik Replicate and Attunity handlers are not supported by Sluice',
        ),
      );
    else cdcHandler = cls('change.data.capture.handler', CDC_PACKAGE, CDC_HANDLERS);
  }

  const keyProjection = projection(c['key.projection.type'], c['key.projection.list'], '');
  const valueProjection = projection(c['value.projection.type'], c['value.projection.list'], '');
  const partialKeyType = c['document.id.strategy.partial.key.projection.type'] as string;
  const partialValueType = c['document.id.strategy.partial.value.projection.type'] as string;
  const partialKeyList = c['document.id.strategy.partial.key.projection.list'] as string;
  const partialValueList = c['document.id.strategy.partial.value.projection.list'] as string;
  const partialKey = projection(
    partialKeyType === '' ? c['key.projection.type'] : partialKeyType,
    partialKeyList === '' ? c['key.projection.list'] : partialKeyList,
    partialKeyType === ''
      ? keyOf('key.projection.type')
      : keyOf('document.id.strategy.partial.key.projection.type'),
  );
  const partialValue = projection(
    partialValueType === '' ? c['value.projection.type'] : partialValueType,
    partialValueList === '' ? c['value.projection.list'] : partialValueList,
    partialValueType === ''
      ? keyOf('value.projection.type')
      : keyOf('document.id.strategy.partial.value.projection.type'),
  );
  if (idStrategy === 'PartialKeyStrategy' && partialKey.problem !== null)
    problems.push(
      invalid(
        partialKey.problem,
        'none',
        'the PartialKeyStrategy needs AllowList or BlockList (document.id.strategy.partial.key.projection.type or key.projection.type)',
      ),
    );
  if (idStrategy === 'PartialValueStrategy' && partialValue.problem !== null)
    problems.push(
      invalid(
        partialValue.problem,
        'none',
        'the PartialValueStrategy needs AllowList or BlockList (document.id.strategy.partial.value.projection.type or value.projection.type)',
      ),
    );
  for (const [p, which, settings] of [
    ['AllowListKeyProjector', 'key', keyProjection],
    ['BlockListKeyProjector', 'key', keyProjection],
    ['WhitelistKeyProjector', 'key', keyProjection],
    ['BlacklistKeyProjector', 'key', keyProjection],
    ['AllowListValueProjector', 'value', valueProjection],
    ['BlockListValueProjector', 'value', valueProjection],
    ['WhitelistValueProjector', 'value', valueProjection],
    ['BlacklistValueProjector', 'value', valueProjection],
  ] as const) {
    if (postProcessors.includes(p) && settings.settings.fields.length === 0)
      problems.push(
        invalid(
          keyOf(`${which}.projection.list`),
          '',
          `the ${p} post processor needs the fields to project`,
        ),
      );
  }

  const renameMappings: RenameMapping[] = [];
  const mappingJson = parseJsonSetting(
    keyOf('field.renamer.mapping'),
    c['field.renamer.mapping'],
    problems,
  );
  if (mappingJson !== undefined) {
    if (!Array.isArray(mappingJson)) {
      problems.push(
        invalid(keyOf('field.renamer.mapping'), c['field.renamer.mapping'], 'not a JSON array'),
      );
    } else {
      for (const m of mappingJson as { oldName?: unknown; newName?: unknown }[]) {
        if (typeof m?.oldName !== 'string' || typeof m?.newName !== 'string')
          problems.push(
            invalid(
              keyOf('field.renamer.mapping'),
              c['field.renamer.mapping'],
              'Both oldName and newName must be mapped',
            ),
          );
        else renameMappings.push({ oldName: m.oldName, newName: m.newName });
      }
    }
  }
  const renameRegExps: RenameRegExp[] = [];
  const regexpJson = parseJsonSetting(
    keyOf('field.renamer.regexp'),
    c['field.renamer.regexp'],
    problems,
  );
  if (regexpJson !== undefined) {
    if (!Array.isArray(regexpJson)) {
      problems.push(
        invalid(keyOf('field.renamer.regexp'), c['field.renamer.regexp'], 'not a JSON array'),
      );
    } else {
      for (const r of regexpJson as { regexp?: unknown; pattern?: unknown; replace?: unknown }[]) {
        try {
          if (
            typeof r?.regexp !== 'string' ||
            typeof r.pattern !== 'string' ||
            typeof r.replace !== 'string'
          )
            throw new Error('each entry needs the strings regexp, pattern and replace');
          // Java's String.matches: the whole path must match.
          renameRegExps.push({
            regexp: new RegExp(`^(?:${r.regexp})$`),
            pattern: new RegExp(r.pattern, 'g'),
            replace: r.replace.replace(/\$(\d)/g, '$$$1'),
          });
        } catch (error) {
          problems.push(
            invalid(
              keyOf('field.renamer.regexp'),
              c['field.renamer.regexp'],
              (error as Error).message,
            ),
          );
        }
      }
    }
  }

  const deleteOnNullValues = c['delete.on.null.values'];
  if (
    deleteOnNullValues &&
    deleteWriteModel === 'DeleteOneDefaultStrategy' &&
    idStrategy !== null
  ) {
    if (!['FullKeyStrategy', 'PartialKeyStrategy', 'ProvidedInKeyStrategy'].includes(idStrategy))
      problems.push(
        invalid(
          keyOf('delete.on.null.values'),
          true,
          'DeleteOneDefaultStrategy can only be applied when the configured IdStrategy is an instance of: FullKeyStrategy or PartialKeyStrategy or ProvidedInKeyStrategy',
        ),
      );
  }
  if (
    deleteOnNullValues &&
    deleteWriteModel === 'DeleteOneTombstoneBusinessKeyStrategy' &&
    idStrategy !== 'PartialKeyStrategy'
  )
    problems.push(
      invalid(
        keyOf('delete.writemodel.strategy'),
        c['delete.writemodel.strategy'],
        'DeleteOneTombstoneBusinessKeyStrategy expects PartialKeyStrategy to be defined',
      ),
    );

  const timeField = (c['timeseries.timefield'] as string).trim();
  let timeseries: TimeseriesSettings | null = null;
  if (timeField !== '') {
    const metaField = (c['timeseries.metafield'] as string).trim();
    if (metaField === timeField || metaField === '_id')
      problems.push(
        invalid(
          keyOf('timeseries.metafield'),
          metaField,
          'the meta field may not be the same as the time field or _id',
        ),
      );
    timeseries = {
      timeField,
      metaField,
      expireAfterSeconds: c['timeseries.expire.after.seconds'],
      granularity: (c['timeseries.granularity'] as string).toLowerCase(),
      autoConvert: c['timeseries.timefield.auto.convert'],
    };
  }

  const toleranceOverride = c['mongo.errors.tolerance'] as string | null;
  const frameworkTolerance =
    typeof props['errors.tolerance'] === 'string' ? props['errors.tolerance'] : 'none';
  const logOverride = c['mongo.errors.log.enable'] as boolean | null;
  if (
    problems.length > before ||
    idStrategy === null ||
    writeModel === null ||
    deleteWriteModel === null
  )
    return null;
  return {
    topic,
    database: c.database,
    collection: c.collection === '' ? topic : c.collection,
    namespaceMapper,
    deleteOnNullValues,
    writeModel,
    deleteWriteModel,
    maxBatchSize: c['max.batch.size'],
    bulkWriteOrdered: c['bulk.write.ordered'],
    rateLimitTimeoutMs: c['rate.limiting.timeout'],
    rateLimitEveryN: c['rate.limiting.every.n'],
    postProcessors,
    keyProjection: keyProjection.settings,
    valueProjection: valueProjection.settings,
    renameMappings,
    renameRegExps,
    idStrategy,
    overwriteExistingId: c['document.id.strategy.overwrite.existing'],
    uuidBinary: (c['document.id.strategy.uuid.format'] as string).toLowerCase() === 'binary',
    partialKeyProjection: partialKey.settings,
    partialValueProjection: partialValue.settings,
    tolerance: (toleranceOverride ?? frameworkTolerance).toLowerCase() as Tolerance,
    logErrors: logOverride ?? props['errors.log.enable'] === 'true',
    cdcHandler,
    cdcRemoveNullValues: c['change.data.capture.handler.remove.null.values'],
    timeseries,
  };
}

function listOf(value: unknown): string[] {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== '')
    : [];
}

/** The problems without repeats (a global key's problem is found once per topic). */
function distinct(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const byText = new Map(problems.map((p) => [`${p.key}\0${p.message}`, p]));
  return [...byText.values()];
}

function sinkProblems(props: ConnectorProps): {
  problems: ConfigProblem[];
  config: SinkConfig | null;
} {
  const problems = problemsOf(SINK_CONNECTION_CONFIG_DEF as ConfigDef<object>, props);
  const topicList = listOf(props.topics);
  const regexText = typeof props['topics.regex'] === 'string' ? props['topics.regex'].trim() : '';
  let topicsRegex: RegExp | null = null;
  if (regexText !== '') {
    try {
      topicsRegex = new RegExp(`^(?:${regexText})$`);
    } catch (error) {
      problems.push(invalid('topics.regex', regexText, (error as Error).message));
    }
  }
  if (topicList.length > 0 && regexText !== '')
    problems.push(
      invalid(
        'topics',
        props.topics,
        'topics and topics.regex are mutually exclusive options, but both are set.',
      ),
    );
  const topics = new Map<string, TopicSinkConfig>();
  // Each override key must name a known setting of a topic the sink reads.
  const topicKeys = new Set(SINK_TOPIC_CONFIG_DEF.names());
  const overridden = new Set<string>();
  for (const key of Object.keys(props)) {
    if (!key.startsWith(TOPIC_OVERRIDE_PREFIX)) continue;
    const rest = key.slice(TOPIC_OVERRIDE_PREFIX.length);
    const topic =
      topicList.find((t) => rest.startsWith(`${t}.`) && topicKeys.has(rest.slice(t.length + 1))) ??
      (topicsRegex === null ? undefined : rest.split('.')[0]);
    const setting = topic === undefined ? '' : rest.slice(topic.length + 1);
    if (topic === undefined || !topicKeys.has(setting)) {
      problems.push(
        invalid(
          key,
          props[key],
          `not a setting of a topic this sink reads: topic.override.<topic>.<setting>, with <topic> one of ${topicList.join(', ') || `the topics matching ${regexText}`} and <setting> a per-topic key`,
        ),
      );
    } else if (topicsRegex !== null && !topicsRegex.test(topic)) {
      problems.push(
        invalid(key, props[key], `topic ${topic} does not match topics.regex ${regexText}`),
      );
    } else overridden.add(topic);
  }
  const toParse = topicsRegex === null ? topicList : [...overridden];
  // A sink reading topics by pattern is checked with the global settings under a stand-in name.
  if (topicsRegex !== null && toParse.length === 0) parseTopic('test', props, problems);
  for (const topic of toParse) {
    const parsed = parseTopic(topic, props, problems);
    if (parsed !== null) topics.set(topic, parsed);
  }
  if (problems.length > 0) return { problems: distinct(problems), config: null };
  const c = SINK_CONNECTION_CONFIG_DEF.parse(props);
  const regex = topicsRegex;
  return {
    problems,
    config: {
      connection: connectionOf(c),
      topics,
      topicsRegex: regex,
      topicConfig(topic: string): TopicSinkConfig {
        const known = topics.get(topic);
        if (known !== undefined) return known;
        if (regex === null || !regex.test(topic))
          throw new ConfigException(
            regex === null
              ? `Unknown topic: ${topic}, must be one of: ${topicList.join(', ')}`
              : `Unknown topic: ${topic}, does not match: ${regexText}`,
          );
        const found: ConfigProblem[] = [];
        const parsed = parseTopic(topic, props, found);
        if (parsed === null) throw ConfigException.fromProblems(found);
        topics.set(topic, parsed);
        return parsed;
      },
    },
  };
}

/** Parses a sink config; throws one ConfigException listing every problem. */
export function parseSinkConfig(props: ConnectorProps): SinkConfig {
  const { problems, config } = sinkProblems(props);
  if (config === null) throw ConfigException.fromProblems(problems);
  return config;
}

/** The sink's REST validation. */
export function validateSinkProps(props: ConnectorProps): Config {
  return withProblems(SINK_CONFIG_DEF as ConfigDef<object>, props, sinkProblems(props).problems);
}
