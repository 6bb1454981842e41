export { ALLOWED_PATHS_ENV, fileRefusal } from './allowed-paths.js';
export {
  FILE_SINK_CONFIG_DEF,
  FILE_SOURCE_CONFIG_DEF,
  FILENAME_FIELD,
  type FileSinkConfig,
  type FileSourceConfig,
  POSITION_FIELD,
  parseFileSinkConfig,
  parseFileSourceConfig,
} from './config.js';
export { FileStreamSinkConnector } from './sink-connector.js';
export { FileStreamSinkTask } from './sink-task.js';
export { FileStreamSourceConnector } from './source-connector.js';
export { FileStreamSourceTask } from './source-task.js';
