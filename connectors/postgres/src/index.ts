export { PostgresCdcSourceConnector } from './cdc/cdc-source-connector.js';
export { PostgresCdcSourceTask } from './cdc/cdc-source-task.js';
export type { CdcConfig } from './cdc/config/cdc-config.js';
export { CDC_CONFIG_DEF, parseCdcConfig } from './cdc/config/cdc-config.js';
export type { InsertMode, PkMode, SinkConfig, SourceConfig, SourceMode } from './config.js';
export {
  parseSinkConfig,
  parseSourceConfig,
  SINK_CONFIG_DEF,
  SOURCE_CONFIG_DEF,
} from './config.js';
export { parseConnectionUrl } from './connection-url.js';
export type { ReadResult, RecordReader } from './record-reader.js';
export type { ColumnDescription, ColumnMapping, NumericMapping } from './schema-mapping.js';
export { mapColumn, sqlTypeOf } from './schema-mapping.js';
export { PostgresSinkConnector } from './sink-connector.js';
export { PostgresSinkTask } from './sink-task.js';
export { PostgresSourceConnector } from './source-connector.js';
export {
  legacyTablePartition,
  QUERY_PARTITION,
  tablePartition,
} from './source-offset.js';
export { PostgresSourceTask } from './source-task.js';
