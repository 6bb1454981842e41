export {
  type ConfigProviderLike,
  ConfigTransformer,
  createConfigProviders,
  DirectoryConfigProvider,
  EnvVarConfigProvider,
  FileConfigProvider,
} from './config/config-providers.js';
export {
  CONNECTOR_CONFIG_DEF,
  type CommonConnectorConfig,
  parseConnectorConfig,
  SINK_CONNECTOR_CONFIG_DEF,
  SOURCE_CONNECTOR_CONFIG_DEF,
} from './config/connector-config.js';
export {
  type ConfigFile,
  loadConfigFile,
  type ParsedProperties,
  parseProperties,
  parsePropertiesWithLines,
  readConfigFile,
} from './config/properties-file.js';
export {
  checkWorkerConfig,
  parseWorkerConfig,
  unusedWorkerKeys,
  WORKER_CONFIG_DEF,
  type WorkerConfig,
} from './config/worker-config.js';
export { BooleanConverter } from './converters/boolean-converter.js';
export { CONVERTER_CONFIG_DEF } from './converters/converter-config.js';
export { SimpleHeaderConverter } from './converters/simple-header-converter.js';
export {
  ByteArrayConverter,
  DoubleConverter,
  FloatConverter,
  IntegerConverter,
  LongConverter,
  ShortConverter,
  StringConverter,
} from './converters/string-converter.js';
export { DLQ_HEADERS, ERROR_HEADER_PREFIX } from './errors/dead-letter-queue-reporter.js';
export type { Stage } from './errors/stage.js';
export {
  type ConnectorInfo,
  type ConnectorOffsets,
  type ConnectorStateInfo,
  type RestartRequest,
  StandaloneHerder,
  type StateInfo,
  type TargetState,
} from './herder/standalone-herder.js';
export {
  type ConnectorConfigProblem,
  checkConnectorConfigs,
  createStandalone,
  prepareStandalone,
  type Standalone,
  type StandaloneOptions,
  validateConnectorConfigs,
} from './herder/standalone-worker.js';
export type * from './kafka/kafka-port.js';
export { KafkajsClientFactory } from './kafka/kafkajs-client.js';
export {
  connectorLogger,
  createLogger,
  LOG_FORMATS,
  type LogFormat,
  type Logger,
  logFormat,
  type SluiceLoggerOptions,
  silentLogger,
} from './logging/logger.js';
export { builtinPlugins } from './plugins/builtin-plugins.js';
export {
  type LoadedPlugins,
  loadPlugins,
  type PluginLoaderOptions,
} from './plugins/plugin-loader.js';
export {
  type PluginConflict,
  type PluginDescriptor,
  PluginLoadException,
  PluginNotFoundException,
  PluginRegistry,
  type PluginRole,
} from './plugins/plugin-registry.js';
export { type LoggerLevel, LoggerLevels, loggerName } from './rest/logger-levels.js';
export { RestException } from './rest/rest-exception.js';
export { parseListener, RestServer, type RestServerOptions } from './rest/rest-server.js';
export { WorkerSinkTask, type WorkerSinkTaskOptions } from './sink/worker-sink-task.js';
export { WorkerSourceTask, type WorkerSourceTaskOptions } from './source/worker-source-task.js';
export { FileOffsetStore } from './storage/file-offset-store.js';
export { MemoryOffsetStore, type OffsetBackingStore } from './storage/offset-store.js';
export { RUNTIME_VERSION } from './version.js';
export {
  type ConnectorInstance,
  type ConnectorType,
  type TaskRunner,
  Worker,
} from './worker/worker.js';
export type { ConnectorTaskId, ConnectState } from './worker-task/task-status.js';
