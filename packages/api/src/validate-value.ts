import { Decimal } from './decimal.js';
import { DataException } from './errors.js';
import {
  DATE_LOGICAL_NAME,
  DECIMAL_LOGICAL_NAME,
  MILLIS_PER_DAY,
  TIME_LOGICAL_NAME,
  TIMESTAMP_LOGICAL_NAME,
} from './logical-names.js';
import type { Schema, SchemaType } from './schema.js';
import { schemaEquals } from './schema-equality.js';
import { Struct } from './struct.js';

const INT_RANGES: Partial<Record<SchemaType, readonly [number, number]>> = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
};
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A short description of a value for error messages: its kind and (truncated) content. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'string':
      return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
      return `number ${value}`;
    case 'bigint':
      return `bigint ${value}n`;
    case 'boolean':
      return `boolean ${value}`;
    case 'function':
      return 'function';
    case 'symbol':
      return 'symbol';
  }
  if (value instanceof Decimal) return `Decimal ${value.toString()} (scale ${value.scale})`;
  if (value instanceof Date)
    return `Date ${Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()}`;
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  if (Array.isArray(value)) return `array(${value.length})`;
  if (value instanceof Map) return `Map(${value.size})`;
  if (value instanceof Struct) return `Struct ${String(value.schema)}`;
  const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
  return ctor && ctor !== 'Object' ? `${ctor} object` : 'plain object';
}

function location(path: string): string {
  return path === '' ? 'value' : `field "${path}"`;
}

function fail(schema: Schema, value: unknown, path: string, expected: string): never {
  const named = schema.name === null ? '' : ` "${schema.name}"`;
  throw new DataException(
    `Invalid ${location(path)}: schema${named} with type ${schema.type} expects ${expected}, got ${describeValue(value)}`,
  );
}

function childPath(path: string, suffix: string): string {
  return path === '' ? suffix : `${path}${suffix}`;
}

function keyLabel(key: unknown): string {
  return typeof key === 'string' ? JSON.stringify(key) : describeValue(key);
}

/** The logical type name of a schema, when its name and underlying type are those of one. */
export function logicalType(schema: Schema): string | null {
  switch (schema.name) {
    case DECIMAL_LOGICAL_NAME:
      return schema.type === 'BYTES' ? DECIMAL_LOGICAL_NAME : null;
    case DATE_LOGICAL_NAME:
    case TIME_LOGICAL_NAME:
      return schema.type === 'INT32' ? schema.name : null;
    case TIMESTAMP_LOGICAL_NAME:
      return schema.type === 'INT64' ? TIMESTAMP_LOGICAL_NAME : null;
    default:
      return null;
  }
}

function validateLogical(logical: string, schema: Schema, value: unknown, path: string): void {
  if (logical === DECIMAL_LOGICAL_NAME) {
    const scale = Decimal.scaleOf(schema);
    if (!(value instanceof Decimal)) fail(schema, value, path, `a Decimal with scale ${scale}`);
    if (value.scale !== scale) fail(schema, value, path, `a Decimal with scale ${scale}`);
    return;
  }
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    fail(schema, value, path, 'a valid Date');
  }
  const ms = value.getTime();
  if (logical === DATE_LOGICAL_NAME && ms % MILLIS_PER_DAY !== 0) {
    fail(schema, value, path, 'a Date at midnight UTC (a Connect Date has no time of day)');
  }
  // 86400000 (24:00) is a valid Time, as in Kafka's Time.fromLogical.
  if (logical === TIME_LOGICAL_NAME && (ms < 0 || ms > MILLIS_PER_DAY)) {
    fail(schema, value, path, 'a Date on 1970-01-01 UTC (a Connect Time has no date part)');
  }
}

function validate(schema: Schema, value: unknown, path: string): void {
  if (value === null || value === undefined) {
    if (!schema.optional) {
      throw new DataException(
        `Invalid value: null used for required ${location(path)}, schema type: ${schema.type}`,
      );
    }
    return;
  }
  const logical = logicalType(schema);
  if (logical !== null) {
    validateLogical(logical, schema, value, path);
    return;
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32': {
      const [min, max] = INT_RANGES[schema.type] ?? [0, 0];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        fail(schema, value, path, `an integer number in [${min}, ${max}]`);
      }
      return;
    }
    case 'INT64':
      if (typeof value !== 'bigint' || value < INT64_MIN || value > INT64_MAX) {
        fail(schema, value, path, 'a bigint in the signed 64-bit range');
      }
      return;
    case 'FLOAT32':
      // A finite number beyond float32's range would become Infinity when written as a float.
      if (
        typeof value !== 'number' ||
        (Number.isFinite(value) && !Number.isFinite(Math.fround(value)))
      ) {
        fail(schema, value, path, 'a number in the 32-bit float range');
      }
      return;
    case 'FLOAT64':
      if (typeof value !== 'number') fail(schema, value, path, 'a number');
      return;
    case 'BOOLEAN':
      if (typeof value !== 'boolean') fail(schema, value, path, 'a boolean');
      return;
    case 'STRING':
      if (typeof value !== 'string') fail(schema, value, path, 'a string');
      return;
    case 'BYTES':
      if (!(value instanceof Uint8Array)) fail(schema, value, path, 'a Uint8Array');
      return;
    case 'ARRAY': {
      if (!Array.isArray(value)) fail(schema, value, path, 'an array');
      const items = schema.valueSchema;
      if (items === null)
        throw new DataException(`No schema defined for items of ${location(path)}`);
      for (let i = 0; i < value.length; i++) validate(items, value[i], childPath(path, `[${i}]`));
      return;
    }
    case 'MAP': {
      if (!(value instanceof Map)) fail(schema, value, path, 'a Map');
      const { keySchema, valueSchema } = schema;
      if (keySchema === null || valueSchema === null) {
        throw new DataException(`No key or value schema defined for map ${location(path)}`);
      }
      for (const [k, v] of value) {
        const at = childPath(path, `[${keyLabel(k)}]`);
        validate(keySchema, k, `${at} (key)`);
        validate(valueSchema, v, at);
      }
      return;
    }
    case 'STRUCT':
      if (!(value instanceof Struct)) fail(schema, value, path, 'a Struct');
      if (!schemaEquals(value.schema, schema)) {
        throw new DataException(
          `Invalid ${location(path)}: the Struct's schema ${String(value.schema)} does not match the expected schema ${String(schema)}`,
        );
      }
      validateStructFields(value, path);
      return;
  }
}

/**
 * Checks that required fields of a struct are set (or have a default) and that every set value
 * matches its field's schema, naming the full field path on failure (`address.zip`).
 */
export function validateStructFields(struct: Struct, path = ''): void {
  for (const field of struct.schema.fields) {
    const value = struct.getWithoutDefault(field.name);
    const fieldPath = path === '' ? field.name : `${path}.${field.name}`;
    if (value === null && field.schema.defaultValue !== null) continue;
    validate(field.schema, value, fieldPath);
  }
}

/**
 * Throws a DataException unless `value` is a valid value of `schema` (deeply, for arrays, maps and
 * structs). The message names the field path at fault, e.g. `field "order.lines[2].price"`.
 * `path` is a prefix for that path (the field being validated).
 */
export function validateValue(schema: Schema, value: unknown, path = ''): void {
  validate(schema, value, path);
}
