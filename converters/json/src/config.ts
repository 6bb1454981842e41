import { ConfigException } from '@sluice/api';

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

/** One configuration key: the single source of its name, type, default and doc. */
export interface JsonConverterConfigKey {
  readonly name: string;
  readonly type: 'BOOLEAN' | 'INT' | 'STRING';
  readonly defaultValue: boolean | number | string;
  readonly validValues?: readonly string[];
  readonly importance: 'HIGH' | 'MEDIUM' | 'LOW';
  readonly doc: string;
}

/** The converter's keys, with Kafka's names, defaults and docs. */
export const JSON_CONVERTER_CONFIG_KEYS: readonly JsonConverterConfigKey[] = [
  {
    name: SCHEMAS_ENABLE_CONFIG,
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'HIGH',
    doc: 'Include schemas within each of the serialized values and keys.',
  },
  {
    name: SCHEMAS_CACHE_SIZE_CONFIG,
    type: 'INT',
    defaultValue: 1000,
    importance: 'HIGH',
    doc: 'The maximum number of schemas that can be cached in this converter instance.',
  },
  {
    name: DECIMAL_FORMAT_CONFIG,
    type: 'STRING',
    defaultValue: 'BASE64',
    validValues: ['BASE64', 'NUMERIC'],
    importance: 'LOW',
    doc: "Controls which format this converter will serialize decimals in. This value is case insensitive and can be either 'BASE64' (default) or 'NUMERIC'",
  },
  {
    name: REPLACE_NULL_WITH_DEFAULT_CONFIG,
    type: 'BOOLEAN',
    defaultValue: true,
    importance: 'LOW',
    doc: 'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.',
  },
  {
    name: CONVERTER_TYPE_CONFIG,
    type: 'STRING',
    defaultValue: 'value',
    validValues: ['key', 'value', 'header'],
    importance: 'LOW',
    doc: 'How this converter will be used.',
  },
];

/** The parsed configuration. */
export interface JsonConverterConfig {
  readonly schemasEnable: boolean;
  readonly schemasCacheSize: number;
  readonly decimalFormat: 'BASE64' | 'NUMERIC';
  readonly replaceNullWithDefault: boolean;
  readonly converterType: 'key' | 'value' | 'header';
}

function parseBoolean(key: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const trimmed = value.trim().toLowerCase();
    if (trimmed === 'true') return true;
    if (trimmed === 'false') return false;
  }
  throw ConfigException.invalid(key, value, 'Expected value to be either true or false');
}

function parseInt32(key: string, value: unknown): number {
  const n = typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= -2147483648 && n <= 2147483647) return n;
  throw ConfigException.invalid(key, value, 'Not a number of type INT');
}

/** Parses converter configs (strings as in a properties file, or typed values). */
export function parseJsonConverterConfig(
  configs: Readonly<Record<string, unknown>>,
): JsonConverterConfig {
  const get = (key: string): unknown => configs[key];
  const schemasEnable = get(SCHEMAS_ENABLE_CONFIG);
  const cacheSize = get(SCHEMAS_CACHE_SIZE_CONFIG);
  const decimalFormat = get(DECIMAL_FORMAT_CONFIG);
  const replaceNull = get(REPLACE_NULL_WITH_DEFAULT_CONFIG);
  const type = get(CONVERTER_TYPE_CONFIG);
  let format: 'BASE64' | 'NUMERIC' = 'BASE64';
  if (decimalFormat !== undefined && decimalFormat !== null) {
    const upper = String(decimalFormat).trim().toUpperCase();
    if (upper !== 'BASE64' && upper !== 'NUMERIC') {
      throw ConfigException.invalid(
        DECIMAL_FORMAT_CONFIG,
        decimalFormat,
        'String must be one of (case insensitive): BASE64, NUMERIC',
      );
    }
    format = upper;
  }
  let converterType: 'key' | 'value' | 'header' = 'value';
  if (type !== undefined && type !== null) {
    const lower = String(type).trim().toLowerCase();
    if (lower !== 'key' && lower !== 'value' && lower !== 'header') {
      throw ConfigException.invalid(
        CONVERTER_TYPE_CONFIG,
        type,
        'String must be one of (case insensitive): KEY, VALUE, HEADER',
      );
    }
    converterType = lower;
  }
  return {
    schemasEnable:
      schemasEnable === undefined ? true : parseBoolean(SCHEMAS_ENABLE_CONFIG, schemasEnable),
    schemasCacheSize:
      cacheSize === undefined ? 1000 : parseInt32(SCHEMAS_CACHE_SIZE_CONFIG, cacheSize),
    decimalFormat: format,
    replaceNullWithDefault:
      replaceNull === undefined
        ? true
        : parseBoolean(REPLACE_NULL_WITH_DEFAULT_CONFIG, replaceNull),
    converterType,
  };
}
