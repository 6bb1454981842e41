export type {
  CodecSettings,
  ConnectionSettings,
  ConsistencyLevel,
  SinkConfig,
  SourceConfig,
  TableSettings,
  TopicSettings,
} from './config.js';
export {
  CODEC_CONFIG_DEF,
  CONNECTION_CONFIG_DEF,
  parseSinkConfig,
  parseSourceConfig,
  prefixed,
  SINK_CONFIG_DEF,
  SINK_WRITES_CONFIG_DEF,
  SOURCE_CONFIG_DEF,
  SOURCE_READS_CONFIG_DEF,
  TABLE_CONFIG_DEF,
} from './config.js';
export type { CqlType } from './cql-type.js';
export { cqlTypeName } from './cql-type.js';
export type { KcqlStatement, ReadMode } from './kcql.js';
export { parseKcql } from './kcql.js';
export type { FieldSource, MappedColumn } from './mapping.js';
export { parseMapping } from './mapping.js';
export type { ColumnReader, ColumnWriter } from './schema-mapping.js';
export {
  columnReader,
  columnWriter,
  DURATION,
  NANO_TIME,
  VARIABLE_SCALE_DECIMAL,
} from './schema-mapping.js';
export { CassandraSinkConnector } from './sink-connector.js';
export { CassandraSinkTask } from './sink-task.js';
export { CassandraSourceConnector } from './source-connector.js';
export { CassandraSourceTask } from './source-task.js';
export { TextCodecs } from './text-codecs.js';
