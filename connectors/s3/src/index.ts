export { AvroFormat } from './avro-format.js';
export { ByteArrayFormat } from './bytearray-format.js';
export type {
  AvroCodec,
  FormatName,
  LayoutSettings,
  NullValueBehavior,
  ParquetCodec,
  PartitionerName,
  PartitionerSettings,
  S3Connection,
  S3SinkConfig,
  S3SourceConfig,
} from './config.js';
export {
  parseSinkConfig,
  parseSourceConfig,
  SINK_CONFIG_DEF,
  SOURCE_CONFIG_DEF,
  validateSinkProps,
} from './config.js';
export { DateTimePattern } from './date-time-pattern.js';
export { JsonFormat } from './json-format.js';
export { createFormat, type FormatOptions, sinkFormatOptions } from './object-formats.js';
export {
  type ObjectLayout,
  objectKey,
  type ParsedObjectName,
  parseObjectKey,
} from './object-name.js';
export { ParquetFormat } from './parquet-format.js';
export {
  createPartitioner,
  DefaultPartitioner,
  FieldPartitioner,
  type Partitioner,
  TimeBasedPartitioner,
} from './partitioner.js';
export type { ObjectWriter, RecordFormat } from './record-format.js';
export { S3SinkConnector } from './sink-connector.js';
export { S3SinkTask } from './sink-task.js';
export { S3SourceConnector } from './source-connector.js';
export { S3SourceTask } from './source-task.js';
export { TimeZone } from './time-zone.js';
export { createTimestampExtractor, type TimestampExtractor } from './timestamp-extractor.js';
export { nextScheduledRotation, TopicPartitionWriter } from './topic-partition-writer.js';
