export type { CommandResult, PipelineOptions, RedisArg, RedisCommand } from './command-pipeline.js';
export { runPipelined } from './command-pipeline.js';
export type {
  KeysSourceConfig,
  SinkCommand,
  SinkConfig,
  StreamSourceConfig,
} from './config.js';
export {
  KEYS_SOURCE_CONFIG_DEF,
  parseKeysSourceConfig,
  parseSinkConfig,
  parseStreamSourceConfig,
  SINK_COMMANDS,
  SINK_CONFIG_DEF,
  SINK_TYPES,
  STREAM_SOURCE_CONFIG_DEF,
} from './config.js';
export type { ConnectionSettings, TlsSettings } from './connection-config.js';
export { keySlot } from './key-slot.js';
export { RedisKeysSourceConnector } from './keys-source-connector.js';
export { RedisKeysSourceTask } from './keys-source-task.js';
export { RedisConnection } from './redis-connection.js';
export { displayUri, parseRedisUri, type RedisUri } from './redis-uri.js';
export { KEYS_VALUE_SCHEMA, SOURCE_KEY_SCHEMA, STREAM_VALUE_SCHEMA } from './schema-mapping.js';
export { RedisSinkConnector } from './sink-connector.js';
export { RedisSinkTask } from './sink-task.js';
export { RedisStreamSourceConnector } from './stream-source-connector.js';
export { RedisStreamSourceTask } from './stream-source-task.js';
