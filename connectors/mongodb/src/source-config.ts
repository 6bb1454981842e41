import {
  type Config,
  ConfigDef,
  ConfigException,
  type ConfigProblem,
  type ConnectorProps,
  Range,
  type Schema,
  ValidString,
} from '@sluice/api';
import { BSON, type Document, Timestamp } from 'mongodb';
import { schemaOfAvroJson } from './avro-schema.js';
import { combine, invalid, parsableProps, problemsOf, withProblems } from './config-problems.js';
import { type ConnectionSettings, connectionConfigDef, connectionOf } from './connection-config.js';
import type { JsonMode } from './json-writer.js';
import { parseNamespaceMap, type TopicNamespaceMap } from './topic-mapper.js';

const { EJSON } = BSON;

const FORMATTER_PACKAGE = 'com.mongodb.kafka.connect.source.json.formatter.';

/** mongo-kafka's default key schema (Avro JSON) for `output.format.key=schema`. */
export const DEFAULT_KEY_SCHEMA =
  '{"type": "record", "name": "keySchema", "fields" : [{"name": "_id", "type": "string"}]}';

/** mongo-kafka's default value schema: a change stream event with documents as JSON text (one line, for the README's table). */
export const DEFAULT_VALUE_SCHEMA = `{"name": "ChangeStream", "type": "record", "fields": [
  {"name": "_id", "type": "string"},
  {"name": "operationType", "type": ["string", "null"]},
  {"name": "fullDocumentBeforeChange", "type": ["string", "null"]},
  {"name": "fullDocument", "type": ["string", "null"]},
  {"name": "ns", "type": [{"name": "ns", "type": "record", "fields": [
    {"name": "db", "type": "string"}, {"name": "coll", "type": ["string", "null"]}]}, "null"]},
  {"name": "to", "type": [{"name": "to", "type": "record", "fields": [
    {"name": "db", "type": "string"}, {"name": "coll", "type": ["string", "null"]}]}, "null"]},
  {"name": "documentKey", "type": ["string", "null"]},
  {"name": "updateDescription", "type": [{"name": "updateDescription", "type": "record", "fields": [
    {"name": "updatedFields", "type": ["string", "null"]},
    {"name": "removedFields", "type": [{"type": "array", "items": "string"}, "null"]},
    {"name": "truncatedArrays", "type": [{"type": "array", "items": {"type": "record", "name": "truncatedArray", "fields": [
      {"name": "field", "type": "string"}, {"name": "newSize", "type": "int"}]}}, "null"]},
    {"name": "disambiguatedPaths", "type": ["string", "null"]}]}, "null"]},
  {"name": "clusterTime", "type": ["string", "null"]},
  {"name": "wallTime", "type": ["long", "null"]},
  {"name": "txnNumber", "type": ["long", "null"]},
  {"name": "lsid", "type": [{"name": "lsid", "type": "record", "fields": [
    {"name": "id", "type": "string"}, {"name": "uid", "type": "string"}]}, "null"]}]}`.replace(
  /\n\s*/g,
  ' ',
);

const CHANGE_STREAM = 'Change stream';
const OUTPUT = 'Output';
const STARTUP = 'Startup';
const POLLING = 'Polling';
const ERRORS = 'Errors';

/** The source's own keys (mongo-kafka's MongoSourceConfig, plus the polling mode). */
export const SOURCE_READS_CONFIG_DEF = new ConfigDef()
  .define('database', {
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    group: CHANGE_STREAM,
    orderInGroup: 1,
    documentation: 'The database to watch; empty: every database of the cluster.',
  })
  .define('collection', {
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    group: CHANGE_STREAM,
    orderInGroup: 2,
    documentation: 'The collection to watch; empty: every collection of `database`.',
  })
  .define('pipeline', {
    type: 'STRING',
    default: '[]',
    importance: 'MEDIUM',
    group: CHANGE_STREAM,
    orderInGroup: 3,
    documentation:
      'An aggregation pipeline (extended JSON array) applied to the change events: `[{"$match": {"operationType": "insert"}}]`. Also applied to the events `copy_existing` and the polling mode make (on the server: it needs `$replaceRoot`, which FerretDB 1.x lacks).',
  })
  .define('batch.size', {
    type: 'INT',
    default: 0,
    validator: Range.atLeast(0),
    importance: 'LOW',
    group: CHANGE_STREAM,
    orderInGroup: 4,
    documentation: 'The cursor batch size; 0: the server default.',
  })
  .define('change.stream.full.document', {
    type: 'STRING',
    default: '',
    validator: ValidString.in('', 'default', 'updateLookup', 'whenAvailable', 'required'),
    importance: 'MEDIUM',
    group: CHANGE_STREAM,
    orderInGroup: 5,
    documentation:
      'What update events carry (`fullDocument` of the change stream): `updateLookup` (the document as it is now), `whenAvailable`, `required` (post-images, MongoDB 6.0+), `default` or empty (nothing).',
  })
  .define('change.stream.full.document.before.change', {
    type: 'STRING',
    default: '',
    validator: ValidString.in('', 'default', 'off', 'whenAvailable', 'required'),
    importance: 'MEDIUM',
    group: CHANGE_STREAM,
    orderInGroup: 6,
    documentation:
      'Pre-images (`fullDocumentBeforeChange`, MongoDB 6.0+): `whenAvailable`, `required`, `off` or empty.',
  })
  .define('change.stream.show.expanded.events', {
    type: 'BOOLEAN',
    default: false,
    importance: 'LOW',
    group: CHANGE_STREAM,
    orderInGroup: 7,
    documentation: 'Whether DDL events (createIndexes, ...) are reported (MongoDB 6.0+).',
  })
  .define('change.stream.document.key.as.key', {
    type: 'BOOLEAN',
    default: true,
    importance: 'MEDIUM',
    group: CHANGE_STREAM,
    orderInGroup: 8,
    documentation:
      'Whether the record key is the event\'s `documentKey` (else `{"_id": <resume token>}`).',
  })
  .define('publish.full.document.only', {
    type: 'BOOLEAN',
    default: false,
    importance: 'HIGH',
    group: CHANGE_STREAM,
    orderInGroup: 9,
    documentation:
      'Whether the record value is the document only (`fullDocument`) instead of the change event; events without one (deletes) are left out. Sets `change.stream.full.document=updateLookup` when that is empty.',
  })
  .define('publish.full.document.only.tombstone.on.delete', {
    type: 'BOOLEAN',
    default: false,
    importance: 'MEDIUM',
    group: CHANGE_STREAM,
    orderInGroup: 10,
    documentation: 'With `publish.full.document.only`: a delete becomes a tombstone (null value).',
  })
  .define('collation', {
    type: 'STRING',
    default: '',
    importance: 'LOW',
    group: CHANGE_STREAM,
    orderInGroup: 11,
    documentation: 'The collation of the change stream, as a JSON document (`{"locale": "fr"}`).',
  })
  .define('poll.max.batch.size', {
    type: 'INT',
    default: 1000,
    validator: Range.atLeast(1),
    importance: 'LOW',
    group: CHANGE_STREAM,
    orderInGroup: 12,
    documentation: 'Most records one poll returns.',
  })
  .define('poll.await.time.ms', {
    type: 'LONG',
    default: 5000,
    validator: Range.atLeast(1),
    importance: 'LOW',
    group: CHANGE_STREAM,
    orderInGroup: 13,
    documentation: "Longest a poll waits for a change (the cursor's `maxAwaitTimeMS`).",
  })
  .define('heartbeat.interval.ms', {
    type: 'LONG',
    default: 0,
    validator: Range.atLeast(0),
    importance: 'MEDIUM',
    group: CHANGE_STREAM,
    orderInGroup: 14,
    documentation:
      "Every this many milliseconds without records, send a heartbeat record carrying the latest resume token (so a quiet collection's offset stays in the oplog); 0: never.",
  })
  .define('heartbeat.topic.name', {
    type: 'STRING',
    default: '__mongodb_heartbeats',
    importance: 'MEDIUM',
    group: CHANGE_STREAM,
    orderInGroup: 15,
    documentation: 'The topic heartbeats go to.',
  })
  .define('offset.partition.name', {
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    group: CHANGE_STREAM,
    orderInGroup: 16,
    documentation:
      'The source partition name offsets are stored under; empty: made of the hosts, database and collection. A new name starts afresh (see `startup.mode`).',
  })
  .define('output.format.key', {
    type: 'STRING',
    default: 'json',
    validator: ValidString.caseInsensitive('json', 'bson', 'schema'),
    importance: 'HIGH',
    group: OUTPUT,
    orderInGroup: 1,
    documentation:
      'The record key: `json` (a string, per `output.json.formatter`), `bson` (the BSON bytes), `schema` (a struct per `output.schema.key`).',
  })
  .define('output.format.value', {
    type: 'STRING',
    default: 'json',
    validator: ValidString.caseInsensitive('json', 'bson', 'schema'),
    importance: 'HIGH',
    group: OUTPUT,
    orderInGroup: 2,
    documentation:
      'The record value: `json`, `bson` or `schema` (per `output.schema.value`, or inferred from each document with `output.schema.infer.value`).',
  })
  .define('output.json.formatter', {
    type: 'STRING',
    default: `${FORMATTER_PACKAGE}DefaultJson`,
    importance: 'MEDIUM',
    group: OUTPUT,
    orderInGroup: 3,
    documentation: `How BSON becomes JSON text: \`${FORMATTER_PACKAGE}DefaultJson\` (legacy strict extended JSON: \`{"$numberLong": "1"}\`, \`{"$date": 1700000000000}\`), \`ExtendedJson\` (canonical extended JSON: every type kept), \`SimplifiedJson\` (relaxed: numbers as numbers; ObjectId, dates, decimals and binaries as strings).`,
  })
  .define('output.schema.key', {
    type: 'STRING',
    default: DEFAULT_KEY_SCHEMA,
    importance: 'MEDIUM',
    group: OUTPUT,
    orderInGroup: 4,
    documentation:
      'The key schema for `output.format.key=schema`, as an Avro record schema (JSON).',
  })
  .define('output.schema.value', {
    type: 'STRING',
    default: DEFAULT_VALUE_SCHEMA,
    importance: 'MEDIUM',
    group: OUTPUT,
    orderInGroup: 5,
    documentation:
      'The value schema for `output.format.value=schema`, as an Avro record schema (JSON). The default is the change event with its documents as JSON text.',
  })
  .define('output.schema.infer.value', {
    type: 'BOOLEAN',
    default: false,
    importance: 'MEDIUM',
    group: OUTPUT,
    orderInGroup: 6,
    documentation:
      "With `output.format.value=schema`: infer each value's schema from the document itself (see the type mapping) instead of `output.schema.value`.",
  })
  .define('topic.prefix', {
    type: 'STRING',
    default: '',
    importance: 'LOW',
    group: OUTPUT,
    orderInGroup: 7,
    documentation: 'Prefix of every topic name.',
  })
  .define('topic.suffix', {
    type: 'STRING',
    default: '',
    importance: 'LOW',
    group: OUTPUT,
    orderInGroup: 8,
    documentation: 'Suffix of every topic name.',
  })
  .define('topic.separator', {
    type: 'STRING',
    default: '.',
    importance: 'LOW',
    group: OUTPUT,
    orderInGroup: 9,
    documentation: 'Joins prefix, database, collection and suffix into topic names.',
  })
  .define('topic.namespace.map', {
    type: 'STRING',
    default: '',
    importance: 'LOW',
    group: OUTPUT,
    orderInGroup: 10,
    documentation:
      'A JSON object mapping namespaces to topics (then decorated with prefix and suffix): `"db.coll": "topic"` (that collection), `"db": "topic"` (its collections go to `topic<sep><coll>`), `"/regex": "template"` (with `{db}`, `{sep}`, `{coll}`, `{sep_coll}`, `{coll_sep}`, `{sep_coll_sep}`), `"*": "topic"` (everything else); matched in that order. Otherwise `<db><sep><coll>`.',
  })
  .define('topic.mapper', {
    type: 'STRING',
    default: 'com.mongodb.kafka.connect.source.topic.mapping.DefaultTopicMapper',
    validator: ValidString.in('com.mongodb.kafka.connect.source.topic.mapping.DefaultTopicMapper'),
    importance: 'LOW',
    group: OUTPUT,
    orderInGroup: 11,
    documentation: 'Only the default topic mapper (custom mappers are Java classes).',
  })
  .define('startup.mode', {
    type: 'STRING',
    default: '',
    validator: ValidString.caseInsensitive('', 'latest', 'timestamp', 'copy_existing'),
    importance: 'MEDIUM',
    group: STARTUP,
    orderInGroup: 1,
    documentation:
      'Where to start when no offset is stored: `latest` (the default: only changes from now on), `timestamp` (changes from `startup.mode.timestamp.start.at.operation.time`), `copy_existing` (every existing document as an insert event, then the changes made since the copy started).',
  })
  .define('startup.mode.timestamp.start.at.operation.time', {
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    group: STARTUP,
    orderInGroup: 2,
    documentation:
      'With `startup.mode=timestamp`: seconds since the epoch (`30`, `0` for the start of the oplog) or an ISO-8601 instant with one-second precision (`2024-01-01T00:00:30Z`).',
  })
  .define('startup.mode.copy.existing.namespace.regex', {
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    group: STARTUP,
    orderInGroup: 3,
    documentation: 'Only copy the namespaces (`db.coll`) this regular expression matches.',
  })
  .define('startup.mode.copy.existing.pipeline', {
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    group: STARTUP,
    orderInGroup: 4,
    documentation:
      'An aggregation pipeline (JSON array) run on the documents before they become events: `[{"$match": {"closed": false}}]`.',
  })
  .define('startup.mode.copy.existing.max.threads', {
    type: 'INT',
    default: 1,
    validator: Range.atLeast(1),
    importance: 'LOW',
    group: STARTUP,
    orderInGroup: 5,
    documentation: 'How many collections are copied at once.',
  })
  .define('startup.mode.copy.existing.queue.size', {
    type: 'INT',
    default: 16000,
    validator: Range.atLeast(1),
    importance: 'LOW',
    group: STARTUP,
    orderInGroup: 6,
    documentation: 'Most copied documents held in memory.',
  })
  .define('startup.mode.copy.existing.allow.disk.use', {
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    group: STARTUP,
    orderInGroup: 7,
    documentation: 'Whether the copying aggregation may use disk (with a pipeline).',
  })
  .define('copy.existing', {
    type: 'BOOLEAN',
    default: false,
    importance: 'LOW',
    group: STARTUP,
    orderInGroup: 8,
    documentation: 'Deprecated: `startup.mode=copy_existing` (which wins when both are set).',
  })
  .define('copy.existing.namespace.regex', {
    type: 'STRING',
    default: '',
    importance: 'LOW',
    group: STARTUP,
    orderInGroup: 9,
    documentation: 'Deprecated name of `startup.mode.copy.existing.namespace.regex`.',
  })
  .define('copy.existing.pipeline', {
    type: 'STRING',
    default: '',
    importance: 'LOW',
    group: STARTUP,
    orderInGroup: 10,
    documentation: 'Deprecated name of `startup.mode.copy.existing.pipeline`.',
  })
  .define('copy.existing.max.threads', {
    type: 'INT',
    default: 1,
    validator: Range.atLeast(1),
    importance: 'LOW',
    group: STARTUP,
    orderInGroup: 11,
    documentation: 'Deprecated name of `startup.mode.copy.existing.max.threads`.',
  })
  .define('copy.existing.queue.size', {
    type: 'INT',
    default: 16000,
    validator: Range.atLeast(1),
    importance: 'LOW',
    group: STARTUP,
    orderInGroup: 12,
    documentation: 'Deprecated name of `startup.mode.copy.existing.queue.size`.',
  })
  .define('copy.existing.allow.disk.use', {
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    group: STARTUP,
    orderInGroup: 13,
    documentation: 'Deprecated name of `startup.mode.copy.existing.allow.disk.use`.',
  })
  .define('polling.mode', {
    type: 'STRING',
    default: 'none',
    validator: ValidString.caseInsensitive('none', 'incrementing', 'timestamp'),
    importance: 'HIGH',
    group: POLLING,
    orderInGroup: 1,
    documentation:
      'Sluice only. `none`: change streams. Otherwise the collections are read by queries on `polling.field`, for servers without change streams (FerretDB, Amazon DocumentDB, some Azure Cosmos DB tiers): `incrementing` (the field only grows and is unique, such as an ObjectId or a counter `_id`: new documents are read) or `timestamp` (a field set to the time of each change, such as `updatedAt`: new and changed documents are read, ties broken by `_id`). Deletes are not seen. `startup.mode` applies: `latest` starts after the current last document, `copy_existing` from the first, `timestamp` from that time (date and ObjectId fields).',
  })
  .define('polling.field', {
    type: 'STRING',
    default: '_id',
    importance: 'HIGH',
    group: POLLING,
    orderInGroup: 2,
    documentation:
      'The field the polling mode reads in order (dotted path). Index it (with `_id` after it in `timestamp` mode).',
  })
  .define('polling.interval.ms', {
    type: 'LONG',
    default: 1000,
    validator: Range.atLeast(0),
    importance: 'MEDIUM',
    group: POLLING,
    orderInGroup: 3,
    documentation: 'Milliseconds between two reads of a collection once it is caught up.',
  })
  .define('polling.delay.ms', {
    type: 'LONG',
    default: 0,
    validator: Range.atLeast(0),
    importance: 'MEDIUM',
    group: POLLING,
    orderInGroup: 4,
    documentation:
      'For a date or ObjectId field: leave out documents whose field is less than this many milliseconds old, so that writes whose values were taken earlier but committed later are still read in order.',
  })
  .define('mongo.errors.tolerance', {
    type: 'STRING',
    default: null,
    validator: ValidString.caseInsensitive('none', 'all'),
    importance: 'MEDIUM',
    group: ERRORS,
    orderInGroup: 1,
    documentation:
      "The connector's own error tolerance, instead of `errors.tolerance`: with `all`, an event that cannot be converted goes to the dead letter topic as extended JSON (or is skipped without one), and a resume token no longer in the oplog restarts the change stream from now (losing the changes in between, as mongo-kafka does).",
  })
  .define('mongo.errors.log.enable', {
    type: 'BOOLEAN',
    default: null,
    importance: 'MEDIUM',
    group: ERRORS,
    orderInGroup: 2,
    documentation: 'Whether tolerated errors are logged, instead of `errors.log.enable`.',
  })
  .define('mongo.errors.deadletterqueue.topic.name', {
    type: 'STRING',
    default: null,
    importance: 'MEDIUM',
    group: ERRORS,
    orderInGroup: 3,
    documentation:
      'The topic events that cannot be converted go to (with tolerance `all`), instead of `errors.deadletterqueue.topic.name`.',
  });

/** The source's connection keys. */
export const SOURCE_CONNECTION_CONFIG_DEF = connectionConfigDef(
  'mongodb://localhost:27017,localhost:27018,localhost:27019',
);

/** Every key of the source. */
export const SOURCE_CONFIG_DEF = combine(
  SOURCE_CONNECTION_CONFIG_DEF as ConfigDef<object>,
  SOURCE_READS_CONFIG_DEF as ConfigDef<object>,
);

export type OutputFormat = 'json' | 'bson' | 'schema';
export type StartupMode = 'latest' | 'timestamp' | 'copy_existing';

export interface CopyExistingSettings {
  readonly namespaceRegex: RegExp | null;
  readonly pipeline: readonly Document[];
  readonly maxThreads: number;
  readonly queueSize: number;
  readonly allowDiskUse: boolean;
}

export interface PollingSettings {
  readonly mode: 'incrementing' | 'timestamp';
  readonly field: string;
  readonly intervalMs: number;
  readonly delayMs: number;
}

/** A parsed source configuration. */
export interface SourceConfig {
  readonly connection: ConnectionSettings;
  readonly database: string;
  readonly collection: string;
  readonly pipeline: readonly Document[];
  readonly batchSize: number;
  readonly fullDocument: string | null;
  readonly fullDocumentBeforeChange: string | null;
  readonly showExpandedEvents: boolean;
  readonly documentKeyAsKey: boolean;
  readonly publishFullDocumentOnly: boolean;
  readonly tombstoneOnDelete: boolean;
  readonly collation: Document | null;
  readonly pollMaxBatchSize: number;
  readonly pollAwaitTimeMs: number;
  readonly heartbeatIntervalMs: number;
  readonly heartbeatTopic: string;
  readonly partitionName: string;
  readonly keyFormat: OutputFormat;
  readonly valueFormat: OutputFormat;
  readonly jsonMode: JsonMode;
  readonly keySchema: Schema;
  readonly valueSchema: Schema;
  readonly inferValueSchema: boolean;
  readonly topicPrefix: string;
  readonly topicSuffix: string;
  readonly topicSeparator: string;
  readonly namespaceMap: TopicNamespaceMap;
  readonly startupMode: StartupMode;
  /** `startAtOperationTime` of `startup.mode=timestamp`, or null. */
  readonly startAtOperationTime: Timestamp | null;
  readonly copyExisting: CopyExistingSettings;
  readonly polling: PollingSettings | null;
  readonly tolerateErrors: boolean;
  readonly logErrors: boolean;
  readonly deadLetterTopic: string;
}

/** Parses `startup.mode.timestamp.start.at.operation.time`: seconds since the epoch, or an ISO-8601 instant. */
export function parseOperationTime(text: string): Timestamp {
  const t = text.trim();
  if (/^\d+$/.test(t)) return new Timestamp({ t: Number(t), i: 0 });
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/.test(t))
    throw new Error(
      'expected seconds since the epoch (30) or an ISO-8601 instant with one-second precision (1970-01-01T00:00:30Z)',
    );
  return new Timestamp({ t: Date.parse(t) / 1000, i: 0 });
}

/** An extended-JSON array setting (a pipeline), or a problem. */
function pipelineOf(key: string, text: string, problems: ConfigProblem[]): Document[] {
  if (text.trim() === '') return [];
  try {
    const parsed = EJSON.parse(text, { relaxed: true }) as unknown;
    if (!Array.isArray(parsed) || parsed.some((s) => typeof s !== 'object' || s === null))
      throw new Error('expected a JSON array of pipeline stages');
    return parsed as Document[];
  } catch (error) {
    problems.push(invalid(key, text, (error as Error).message));
    return [];
  }
}

function sourceProblems(props: ConnectorProps): {
  problems: ConfigProblem[];
  config: SourceConfig | null;
} {
  const problems = problemsOf(SOURCE_CONFIG_DEF, props);
  const c = SOURCE_CONFIG_DEF.parse(parsableProps(SOURCE_CONFIG_DEF, props, problems)) as Record<
    string,
    unknown
  >;
  const str = (key: string) => c[key] as string;
  const pipeline = pipelineOf('pipeline', str('pipeline'), problems);
  const set = (key: string) => typeof props[key] === 'string' && props[key] !== '';
  // The startup.mode.* keys win over their deprecated copy.existing.* names when both are set.
  const copy = (name: string) =>
    set(`startup.mode.copy.existing.${name}`) || !set(`copy.existing.${name}`)
      ? c[`startup.mode.copy.existing.${name}`]
      : c[`copy.existing.${name}`];
  const regexText = copy('namespace.regex') as string;
  let namespaceRegex: RegExp | null = null;
  if (regexText !== '') {
    try {
      // Java's Pattern.asPredicate: the pattern is found anywhere in the namespace.
      namespaceRegex = new RegExp(regexText);
    } catch (error) {
      problems.push(
        invalid('startup.mode.copy.existing.namespace.regex', regexText, (error as Error).message),
      );
    }
  }
  const mode = str('startup.mode').toLowerCase();
  const startupMode: StartupMode =
    mode === ''
      ? c['copy.existing'] === true
        ? 'copy_existing'
        : 'latest'
      : (mode as StartupMode);
  let startAtOperationTime: Timestamp | null = null;
  const at = str('startup.mode.timestamp.start.at.operation.time');
  if (startupMode === 'timestamp' && at !== '') {
    try {
      startAtOperationTime = parseOperationTime(at);
    } catch (error) {
      problems.push(
        invalid('startup.mode.timestamp.start.at.operation.time', at, (error as Error).message),
      );
    }
  }
  const formatter = str('output.json.formatter').trim();
  const jsonModes: Record<string, JsonMode> = {
    [`${FORMATTER_PACKAGE}DefaultJson`]: 'strict',
    [`${FORMATTER_PACKAGE}ExtendedJson`]: 'canonical',
    [`${FORMATTER_PACKAGE}SimplifiedJson`]: 'simplified',
  };
  const jsonMode = jsonModes[formatter];
  if (jsonMode === undefined)
    problems.push(
      invalid(
        'output.json.formatter',
        formatter,
        `one of ${Object.keys(jsonModes).join(', ')} (custom formatters are Java classes)`,
      ),
    );
  const schemaOf = (key: string): Schema | null => {
    try {
      return schemaOfAvroJson(str(key));
    } catch (error) {
      problems.push(invalid(key, str(key), (error as Error).message));
      return null;
    }
  };
  const keyFormat = str('output.format.key').toLowerCase() as OutputFormat;
  const valueFormat = str('output.format.value').toLowerCase() as OutputFormat;
  const keySchema = schemaOf('output.schema.key');
  const valueSchema = schemaOf('output.schema.value');
  let namespaceMap: TopicNamespaceMap = parseNamespaceMap('');
  try {
    namespaceMap = parseNamespaceMap(str('topic.namespace.map'));
  } catch (error) {
    problems.push(
      invalid('topic.namespace.map', str('topic.namespace.map'), (error as Error).message),
    );
  }
  let collation: Document | null = null;
  if (str('collation').trim() !== '') {
    try {
      collation = JSON.parse(str('collation')) as Document;
    } catch (error) {
      problems.push(invalid('collation', str('collation'), (error as Error).message));
    }
  }
  const pollingMode = str('polling.mode').toLowerCase();
  const polling: PollingSettings | null =
    pollingMode === 'none'
      ? null
      : {
          mode: pollingMode as PollingSettings['mode'],
          field: str('polling.field'),
          intervalMs: c['polling.interval.ms'] as number,
          delayMs: c['polling.delay.ms'] as number,
        };
  if (polling !== null && polling.field.trim() === '')
    problems.push(invalid('polling.field', '', 'the polling mode needs a field to read in order'));
  if (polling !== null && pipeline.length > 0)
    problems.push(
      invalid(
        'pipeline',
        str('pipeline'),
        'the polling mode does not apply a pipeline (leave it empty)',
      ),
    );
  if (polling !== null && str('database') === '')
    problems.push(
      invalid(
        'database',
        '',
        'the polling mode reads the collections of one database: set database',
      ),
    );
  const publishFullDocumentOnly = c['publish.full.document.only'] as boolean;
  const fullDocument = str('change.stream.full.document');
  const before = str('change.stream.full.document.before.change');
  const toleranceOverride = c['mongo.errors.tolerance'] as string | null;
  const tolerance =
    toleranceOverride ??
    (typeof props['errors.tolerance'] === 'string' ? props['errors.tolerance'] : 'none');
  const logOverride = c['mongo.errors.log.enable'] as boolean | null;
  const dlqOverride = c['mongo.errors.deadletterqueue.topic.name'] as string | null;
  if (problems.length > 0 || keySchema === null || valueSchema === null || jsonMode === undefined)
    return { problems, config: null };
  return {
    problems,
    config: {
      connection: connectionOf(c),
      database: str('database'),
      collection: str('collection'),
      pipeline,
      batchSize: c['batch.size'] as number,
      fullDocument:
        fullDocument !== '' ? fullDocument : publishFullDocumentOnly ? 'updateLookup' : null,
      fullDocumentBeforeChange: before === '' ? null : before,
      showExpandedEvents: c['change.stream.show.expanded.events'] as boolean,
      documentKeyAsKey: c['change.stream.document.key.as.key'] as boolean,
      publishFullDocumentOnly,
      tombstoneOnDelete:
        publishFullDocumentOnly && (c['publish.full.document.only.tombstone.on.delete'] as boolean),
      collation,
      pollMaxBatchSize: c['poll.max.batch.size'] as number,
      pollAwaitTimeMs: c['poll.await.time.ms'] as number,
      heartbeatIntervalMs: c['heartbeat.interval.ms'] as number,
      heartbeatTopic: str('heartbeat.topic.name'),
      partitionName: str('offset.partition.name'),
      keyFormat,
      valueFormat,
      jsonMode,
      keySchema,
      valueSchema,
      inferValueSchema: c['output.schema.infer.value'] as boolean,
      topicPrefix: str('topic.prefix'),
      topicSuffix: str('topic.suffix'),
      topicSeparator: str('topic.separator'),
      namespaceMap,
      startupMode,
      startAtOperationTime,
      copyExisting: {
        namespaceRegex,
        pipeline: pipelineOf(
          'startup.mode.copy.existing.pipeline',
          copy('pipeline') as string,
          problems,
        ),
        maxThreads: copy('max.threads') as number,
        queueSize: copy('queue.size') as number,
        allowDiskUse: copy('allow.disk.use') as boolean,
      },
      polling,
      tolerateErrors: tolerance.toLowerCase() === 'all',
      logErrors: logOverride ?? props['errors.log.enable'] === 'true',
      deadLetterTopic:
        dlqOverride ??
        (typeof props['errors.deadletterqueue.topic.name'] === 'string'
          ? props['errors.deadletterqueue.topic.name']
          : ''),
    },
  };
}

/** Parses a source config; throws one ConfigException listing every problem. */
export function parseSourceConfig(props: ConnectorProps): SourceConfig {
  const { problems, config } = sourceProblems(props);
  if (config === null) throw ConfigException.fromProblems(problems);
  return config;
}

/** The source's REST validation. */
export function validateSourceProps(props: ConnectorProps): Config {
  return withProblems(SOURCE_CONFIG_DEF, props, sourceProblems(props).problems);
}
