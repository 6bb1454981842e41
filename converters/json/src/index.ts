export {
  CONVERTER_TYPE_CONFIG,
  DECIMAL_FORMAT_CONFIG,
  JSON_CONVERTER_CONFIG_DEF,
  type JsonConverterConfig,
  parseJsonConverterConfig,
  REPLACE_NULL_WITH_DEFAULT_CONFIG,
  SCHEMAS_CACHE_SIZE_CONFIG,
  SCHEMAS_ENABLE_CONFIG,
} from './config.js';
export { JsonConverter, type RecordPosition } from './json-converter.js';
export { ExactNumber, JsonSyntaxError, type JsonValue, parseJson } from './json-parser.js';
