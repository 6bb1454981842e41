export type {
  Config,
  ConfigInfo,
  ConfigInfos,
  ConfigKey,
  ConfigKeyInfo,
  ConfigKeyOptions,
  ConfigProps,
  ConfigType,
  ConfigTypeValue,
  ConfigTypeValues,
  ConfigValue,
  ConfigValueInfo,
  Importance,
  MarkdownOptions,
  ParsedConfig,
  ParsedValueOf,
  Recommender,
  Width,
} from './config-def.js';
export { ConfigDef, configValueToString, parseConfigValue, propsWithPrefix } from './config-def.js';
export type { ConfigData, ConfigProvider } from './config-provider.js';
export type {
  ConfigValidator,
  ConfigValidatorFunction,
  ConfigValidatorLike,
} from './config-validators.js';
export {
  CaseInsensitiveValidString,
  CompositeValidator,
  LambdaValidator,
  ListSize,
  MatchesPattern,
  NonEmptyString,
  NonEmptyStringWithoutControlChars,
  Range,
  ValidList,
  ValidString,
} from './config-validators.js';
export type { ConnectRecordFields } from './connect-record.js';
export { ConnectRecord } from './connect-record.js';
export type { ConnectorContext, ConnectorProps, Task, TaskClass } from './connector.js';
export { Connector } from './connector.js';
export type { ConnectorLogger, LogMethod } from './connector-logger.js';
export { SILENT_CONNECTOR_LOGGER } from './connector-logger.js';
export type { Converter, HeaderConverter } from './converter.js';
export { Decimal } from './decimal.js';
export type { ConfigExceptionOptions, ConfigProblem, ConnectErrorContext } from './errors.js';
export {
  AlreadyExistsException,
  ConfigException,
  ConnectException,
  DataException,
  IllegalWorkerStateException,
  isRetriable,
  NotFoundException,
  RetriableException,
  SchemaBuilderException,
  SchemaProjectorException,
} from './errors.js';
export type { Header, Headers } from './headers.js';
export { ConnectHeader, ConnectHeaders } from './headers.js';
export {
  DATE_LOGICAL_NAME,
  DECIMAL_LOGICAL_NAME,
  DECIMAL_SCALE_FIELD,
  MILLIS_PER_DAY,
  TIME_LOGICAL_NAME,
  TIMESTAMP_LOGICAL_NAME,
} from './logical-names.js';
export { ConnectDate, ConnectTime, ConnectTimestamp } from './logical-types.js';
export type { MaybePromise } from './maybe-promise.js';
export type { OffsetStorageReader } from './offset-storage-reader.js';
export { Password } from './password.js';
export type {
  ManifestProblem,
  PluginDeclaration,
  PluginKind,
  PluginManifest,
  PluginManifestEntry,
} from './plugin-manifest.js';
export {
  hasPluginManifest,
  missingPluginMethods,
  PLUGIN_KINDS,
  PLUGIN_REQUIRED_METHODS,
  PluginManifestException,
  parsePluginManifest,
} from './plugin-manifest.js';
export type { ConnectSchemaInit, SchemaType } from './schema.js';
export { ConnectSchema, Field, isPrimitiveType, SCHEMA_TYPES, Schema } from './schema.js';
export type { SchemaAndValue } from './schema-and-value.js';
export { NULL_SCHEMA_AND_VALUE } from './schema-and-value.js';
export type { SchemaLike } from './schema-builder.js';
export { SchemaBuilder } from './schema-builder.js';
export { schemaEquals, valuesEqual } from './schema-equality.js';
export { SchemaProjector } from './schema-projector.js';
export type { SinkConnectorContext } from './sink-connector.js';
export { SinkConnector } from './sink-connector.js';
export type { SinkRecordFields, TimestampType } from './sink-record.js';
export { SinkRecord } from './sink-record.js';
export type { ErrantRecordReporter, SinkTaskContext } from './sink-task.js';
export { SinkTask } from './sink-task.js';
export type {
  ConnectorTransactionBoundaries,
  ExactlyOnceSupport,
  SourceConnectorContext,
  SourceOffsetAlteration,
} from './source-connector.js';
export { SourceConnector } from './source-connector.js';
export type { SourceOffset, SourcePartition, SourceRecordFields } from './source-record.js';
export { SourceRecord } from './source-record.js';
export type {
  RecordMetadata,
  SourceTaskContext,
  TransactionBoundary,
  TransactionContext,
} from './source-task.js';
export { SourceTask } from './source-task.js';
export { Struct } from './struct.js';
export type { OffsetAndMetadata, TopicPartition } from './topic-partition.js';
export { TopicPartitionMap, topicPartitionKey } from './topic-partition.js';
export type { Predicate, Transformation } from './transformation.js';
export { describeValue, validateValue } from './validate-value.js';
