export { AvroConverter, type RecordPosition } from './avro-converter.js';
export { avroType, BIGINT_LONG_TYPE } from './avro-type.js';
export {
  ALLOW_OPTIONAL_MAP_KEYS_CONFIG,
  AUTO_REGISTER_SCHEMAS_CONFIG,
  AVRO_CONVERTER_CONFIG_DEF,
  type AvroConverterConfig,
  type AvroDataOptions,
  BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG,
  CONNECT_META_DATA_CONFIG,
  DEFAULT_AVRO_DATA_OPTIONS,
  ENHANCED_AVRO_SCHEMA_SUPPORT_CONFIG,
  FLATTEN_SINGLETON_UNIONS_CONFIG,
  IGNORE_DEFAULT_FOR_NULLABLES_CONFIG,
  KEY_SUBJECT_NAME_STRATEGY_CONFIG,
  LATEST_CACHE_TTL_CONFIG,
  LATEST_COMPATIBILITY_STRICT_CONFIG,
  MAX_SCHEMAS_PER_SUBJECT_CONFIG,
  NORMALIZE_SCHEMAS_CONFIG,
  parseAvroConverterConfig,
  SCHEMA_REGISTRY_URL_CONFIG,
  SCHEMAS_CACHE_SIZE_CONFIG,
  USE_LATEST_VERSION_CONFIG,
  USER_INFO_CONFIG,
  VALUE_SUBJECT_NAME_STRATEGY_CONFIG,
} from './config.js';
export {
  type AvroSchemaJson,
  fromConnectSchema,
  toConnectSchema,
} from './schema-mapping.js';
export {
  type RegisteredSchema,
  type SchemaRegistry,
  SchemaRegistryClient,
  type SchemaRegistryClientOptions,
  SchemaRegistryError,
} from './schema-registry-client.js';
export { schemaText } from './schema-text.js';
export {
  parseSubjectNameStrategy,
  type SubjectNameStrategy,
  subjectName,
} from './subject-name-strategy.js';
export { compileFromAvro, compileToAvro, type FromAvro, type ToAvro } from './value-mapping.js';
export { HEADER_SIZE, MAGIC_BYTE, readSchemaId, writeHeader } from './wire-format.js';
