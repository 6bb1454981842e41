import { ConfigDef, ValidString } from '@sluice/api';

/** `schemas.enable`: wrap every value in a `{"schema": ..., "payload": ...}` envelope. */
export const SCHEMAS_ENABLE_CONFIG = 'schemas.enable';
/** `schemas.cache.size`: how many schemas each direction keeps compiled. */
export const SCHEMAS_CACHE_SIZE_CONFIG = 'schemas.cache.size';
/** `decimal.format`: BASE64 (default) or NUMERIC. */
export const DECIMAL_FORMAT_CONFIG = 'decimal.format';
/** `replace.null.with.default`: write/read a field's default in place of null. */
export const REPLACE_NULL_WITH_DEFAULT_CONFIG = 'replace.null.with.default';
/** `converter.type`: key, value or header (set by the runtime, as in Kafka). */
export const CONVERTER_TYPE_CONFIG = 'converter.type';

/** The converter's keys, with Kafka's names, defaults, validators and docs (JsonConverterConfig). */
export const JSON_CONVERTER_CONFIG_DEF = new ConfigDef()
  .define(CONVERTER_TYPE_CONFIG, {
    type: 'STRING',
    default: null,
    validator: ValidString.in('key', 'value', 'header'),
    importance: 'LOW',
    documentation: 'How this converter will be used.',
  })
  .define(SCHEMAS_ENABLE_CONFIG, {
    type: 'BOOLEAN',
    default: true,
    importance: 'HIGH',
    documentation: 'Include schemas within each of the serialized values and keys.',
    group: 'Schemas',
    orderInGroup: 0,
    width: 'MEDIUM',
    displayName: 'Enable Schemas',
  })
  .define(SCHEMAS_CACHE_SIZE_CONFIG, {
    type: 'INT',
    default: 1000,
    importance: 'HIGH',
    documentation: 'The maximum number of schemas that can be cached in this converter instance.',
    group: 'Schemas',
    orderInGroup: 1,
    width: 'MEDIUM',
    displayName: 'Schema Cache Size',
  })
  .define(DECIMAL_FORMAT_CONFIG, {
    type: 'STRING',
    default: 'BASE64',
    validator: ValidString.caseInsensitive('BASE64', 'NUMERIC'),
    importance: 'LOW',
    documentation:
      "Controls which format this converter will serialize decimals in. This value is case insensitive and can be either 'BASE64' (default) or 'NUMERIC'",
    group: 'Serialization',
    orderInGroup: 0,
    width: 'MEDIUM',
    displayName: 'Decimal Format',
  })
  .define(REPLACE_NULL_WITH_DEFAULT_CONFIG, {
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    documentation:
      'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.',
    group: 'Serialization',
    orderInGroup: 1,
    width: 'MEDIUM',
    displayName: 'Replace null with default',
  });

/** The parsed configuration. */
export interface JsonConverterConfig {
  readonly schemasEnable: boolean;
  readonly schemasCacheSize: number;
  readonly decimalFormat: 'BASE64' | 'NUMERIC';
  readonly replaceNullWithDefault: boolean;
  readonly converterType: 'key' | 'value' | 'header';
}

/**
 * Parses converter configs (strings as in a properties file, or typed values); a bad value
 * throws one ConfigException listing every key at fault. `converter.type` defaults to `value`.
 */
export function parseJsonConverterConfig(
  configs: Readonly<Record<string, unknown>>,
): JsonConverterConfig {
  const parsed = JSON_CONVERTER_CONFIG_DEF.parse(configs);
  return {
    schemasEnable: parsed[SCHEMAS_ENABLE_CONFIG],
    schemasCacheSize: parsed[SCHEMAS_CACHE_SIZE_CONFIG],
    decimalFormat: parsed[DECIMAL_FORMAT_CONFIG].toUpperCase() as 'BASE64' | 'NUMERIC',
    replaceNullWithDefault: parsed[REPLACE_NULL_WITH_DEFAULT_CONFIG],
    converterType: (parsed[CONVERTER_TYPE_CONFIG] ?? 'value') as 'key' | 'value' | 'header',
  };
}
