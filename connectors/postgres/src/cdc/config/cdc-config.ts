import {
  ConfigDef,
  ConfigException,
  type ConfigProblem,
  type ConfigValue,
  type ConnectorProps,
} from '@sluice/api';
import { defineCaptureKeys } from './capture-keys.js';
import { defineConnectionKeys } from './connection-keys.js';
import { defineEventKeys } from './event-keys.js';
import { defineUnsupportedKeys } from './unsupported-keys.js';

/** The CDC source's configuration: Debezium's PostgreSQL connector keys Sluice honours. */
export const CDC_CONFIG_DEF = defineUnsupportedKeys(
  defineEventKeys(defineCaptureKeys(defineConnectionKeys(new ConfigDef()))),
);

export type SnapshotMode = 'initial' | 'initial_only' | 'no_data' | 'when_needed' | 'always';
export type DecimalMode = 'precise' | 'double' | 'string';
export type TimePrecisionMode =
  | 'adaptive'
  | 'adaptive_time_microseconds'
  | 'connect'
  | 'isostring'
  | 'microseconds'
  | 'nanoseconds';
export type BinaryMode = 'bytes' | 'base64' | 'base64-url-safe' | 'hex';
export type OperationCode = 'c' | 'u' | 'd' | 't';

/** A schema.table pattern and the columns that make the key of matching tables. */
export interface KeyColumnsRule {
  readonly table: RegExp;
  readonly columns: readonly string[];
}

/** Include/exclude regular expressions (anchored, case-insensitive, as Debezium's). */
export interface CaptureFilters {
  readonly schemaInclude: readonly RegExp[];
  readonly schemaExclude: readonly RegExp[];
  readonly tableInclude: readonly RegExp[];
  readonly tableExclude: readonly RegExp[];
  readonly columnInclude: readonly RegExp[];
  readonly columnExclude: readonly RegExp[];
}

export interface CdcConnectionSettings {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string | null;
  readonly database: string;
  readonly sslmode: string;
  readonly connectTimeoutMs: number;
}

/** A parsed CDC configuration. */
export interface CdcConfig {
  readonly connection: CdcConnectionSettings;
  readonly slotName: string;
  readonly dropSlotOnStop: boolean;
  readonly slotMaxRetries: number;
  readonly slotRetryDelayMs: number;
  readonly publicationName: string;
  readonly publicationAutocreateMode: 'all_tables' | 'disabled' | 'filtered' | 'no_tables';
  readonly statusUpdateIntervalMs: number;
  readonly filters: CaptureFilters;
  readonly messageKeyColumns: readonly KeyColumnsRule[];
  readonly skippedOperations: ReadonlySet<OperationCode>;
  readonly snapshotMode: SnapshotMode;
  readonly snapshotFetchSize: number;
  /** `schema.table` of the signal table, or null. */
  readonly signalDataCollection: string | null;
  readonly incrementalSnapshotChunkSize: number;
  readonly topicPrefix: string;
  readonly tombstonesOnDelete: boolean;
  readonly provideTransactionMetadata: boolean;
  readonly extendedHeaders: boolean;
  readonly heartbeatIntervalMs: number;
  readonly heartbeatTopicsPrefix: string;
  readonly heartbeatActionQuery: string | null;
  readonly decimalMode: DecimalMode;
  readonly timePrecisionMode: TimePrecisionMode;
  readonly binaryMode: BinaryMode;
  readonly hstoreMode: 'json' | 'map';
  readonly intervalMode: 'numeric' | 'string';
  readonly moneyFractionDigits: number;
  readonly unavailableValuePlaceholder: string;
  readonly maxBatchSize: number;
  readonly maxQueueSize: number;
  readonly pollIntervalMs: number;
}

function regexes(key: string, patterns: readonly string[]): RegExp[] {
  return patterns.map((pattern) => {
    try {
      return new RegExp(`^(?:${pattern})$`, 'i');
    } catch (error) {
      throw ConfigException.invalid(
        key,
        pattern,
        `not a regular expression: ${(error as Error).message}`,
      );
    }
  });
}

/** Parses `message.key.columns`: `<table regex>:<col>,<col>;<table regex>:<col>`. */
function keyColumnRules(text: string): KeyColumnsRule[] {
  if (text.trim() === '') return [];
  return text.split(';').map((part) => {
    const colon = part.lastIndexOf(':');
    const columns =
      colon < 0
        ? []
        : part
            .slice(colon + 1)
            .split(',')
            .map((c) => c.trim())
            .filter((c) => c !== '');
    if (colon <= 0 || columns.length === 0) {
      throw ConfigException.invalid(
        'message.key.columns',
        text,
        `"${part}" is not <schema.table regex>:<column>[,<column>...]`,
      );
    }
    return {
      table: regexes('message.key.columns', [part.slice(0, colon).trim()])[0] as RegExp,
      columns,
    };
  });
}

function crossCheck(values: Map<string, ConfigValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const list = (key: string) => (values.get(key)?.value as string[] | undefined) ?? [];
  for (const what of ['schema', 'table', 'column']) {
    if (list(`${what}.include.list`).length > 0 && list(`${what}.exclude.list`).length > 0) {
      problems.push({
        key: `${what}.exclude.list`,
        value: list(`${what}.exclude.list`).join(','),
        message: `Invalid value for configuration ${what}.exclude.list: ${what}.include.list is set too; use one or the other`,
      });
    }
  }
  const batch = values.get('max.batch.size')?.value;
  const queue = values.get('max.queue.size')?.value;
  if (typeof batch === 'number' && typeof queue === 'number' && queue <= batch) {
    problems.push({
      key: 'max.queue.size',
      value: queue,
      message: `Invalid value ${queue} for configuration max.queue.size: must be larger than max.batch.size (${batch})`,
    });
  }
  const signal = values.get('signal.data.collection')?.value;
  if (typeof signal === 'string' && signal !== '' && !signal.includes('.')) {
    problems.push({
      key: 'signal.data.collection',
      value: signal,
      message: `Invalid value ${signal} for configuration signal.data.collection: name the table as schema.table`,
    });
  }
  return problems;
}

/** Validation results for the REST API, cross-key problems included. */
export function validateCdcProps(props: ConnectorProps): ConfigValue[] {
  const values = CDC_CONFIG_DEF.validateAll(props);
  for (const problem of crossCheck(values)) {
    values.get(problem.key)?.errorMessages.push(problem.message);
  }
  return [...values.values()];
}

/** Parses a CDC connector or task config; throws one ConfigException listing every problem. */
export function parseCdcConfig(props: ConnectorProps): CdcConfig {
  const problems: ConfigProblem[] = [];
  for (const value of validateCdcProps(props)) {
    for (const message of value.errorMessages) {
      const raw =
        props instanceof Map
          ? props.get(value.name)
          : (props as Record<string, unknown>)[value.name];
      problems.push({ key: value.name, value: raw, message });
    }
  }
  if (problems.length > 0) throw ConfigException.fromProblems(problems);
  const c = CDC_CONFIG_DEF.parse(props);
  const password = c['database.password'];
  const skipped = new Set(c['skipped.operations'].filter((op) => op !== 'none') as OperationCode[]);
  return {
    connection: {
      host: c['database.hostname'],
      port: c['database.port'],
      user: c['database.user'],
      password: password === null ? null : password.value(),
      database: c['database.dbname'],
      sslmode: c['database.sslmode'],
      connectTimeoutMs: c['database.connect.timeout.ms'],
    },
    slotName: c['slot.name'],
    dropSlotOnStop: c['slot.drop.on.stop'],
    slotMaxRetries: c['slot.max.retries'],
    slotRetryDelayMs: c['slot.retry.delay.ms'],
    publicationName: c['publication.name'],
    publicationAutocreateMode: c[
      'publication.autocreate.mode'
    ] as CdcConfig['publicationAutocreateMode'],
    statusUpdateIntervalMs: c['status.update.interval.ms'],
    filters: {
      schemaInclude: regexes('schema.include.list', c['schema.include.list']),
      schemaExclude: regexes('schema.exclude.list', c['schema.exclude.list']),
      tableInclude: regexes('table.include.list', c['table.include.list']),
      tableExclude: regexes('table.exclude.list', c['table.exclude.list']),
      columnInclude: regexes('column.include.list', c['column.include.list']),
      columnExclude: regexes('column.exclude.list', c['column.exclude.list']),
    },
    messageKeyColumns: keyColumnRules(c['message.key.columns']),
    skippedOperations: skipped,
    snapshotMode: c['snapshot.mode'] as SnapshotMode,
    snapshotFetchSize: c['snapshot.fetch.size'],
    signalDataCollection: c['signal.data.collection'] || null,
    incrementalSnapshotChunkSize: c['incremental.snapshot.chunk.size'],
    topicPrefix: c['topic.prefix'],
    tombstonesOnDelete: c['tombstones.on.delete'],
    provideTransactionMetadata: c['provide.transaction.metadata'],
    extendedHeaders: c['extended.headers.enabled'],
    heartbeatIntervalMs: c['heartbeat.interval.ms'],
    heartbeatTopicsPrefix: c['heartbeat.topics.prefix'],
    heartbeatActionQuery: c['heartbeat.action.query'] || null,
    decimalMode: c['decimal.handling.mode'] as DecimalMode,
    timePrecisionMode: c['time.precision.mode'] as TimePrecisionMode,
    binaryMode: c['binary.handling.mode'] as BinaryMode,
    hstoreMode: c['hstore.handling.mode'] as 'json' | 'map',
    intervalMode: c['interval.handling.mode'] as 'numeric' | 'string',
    moneyFractionDigits: c['money.fraction.digits'],
    unavailableValuePlaceholder: c['unavailable.value.placeholder'],
    maxBatchSize: c['max.batch.size'],
    maxQueueSize: c['max.queue.size'],
    pollIntervalMs: c['poll.interval.ms'],
  };
}
