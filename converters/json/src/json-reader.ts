import {
  DATE_LOGICAL_NAME,
  DataException,
  DECIMAL_LOGICAL_NAME,
  Decimal,
  MILLIS_PER_DAY,
  type Schema,
  Struct,
  TIME_LOGICAL_NAME,
  TIMESTAMP_LOGICAL_NAME,
} from '@sluice/api';
import { fromBase64 } from './base64.js';
import { ExactNumber, type JsonValue } from './json-parser.js';
import { parseDecimalText, rescaleExact } from './number-format.js';

/** How values are read; the parts of the converter config that change the result. */
export interface ReadOptions {
  readonly replaceNullWithDefault: boolean;
}

/** Converts one parsed JSON value of a known schema to Connect data. */
export type ValueReader = (json: JsonValue | undefined) => unknown;

/**
 * Compiles a reader for `schema` (inspected once). Follows Kafka's JsonConverter, but
 * refuses a JSON value of the wrong type with a DataException where Jackson would
 * silently read it as 0, false or null.
 */
export function compileReader(schema: Schema, options: ReadOptions): ValueReader {
  const read = compileNonNull(schema, options);
  const { optional } = schema;
  const fallback =
    options.replaceNullWithDefault && schema.defaultValue !== null ? schema.defaultValue : null;
  return (json) => {
    if (json === null || json === undefined) {
      if (fallback !== null) return fallback;
      if (optional) return null;
      throw new DataException(`Invalid null value for required ${schema.type} field`);
    }
    return read(json);
  };
}

function mismatch(schema: Schema, json: JsonValue): DataException {
  const what = Array.isArray(json)
    ? 'ARRAY'
    : json instanceof ExactNumber
      ? 'NUMBER'
      : typeof json === 'object' && json !== null
        ? 'OBJECT'
        : typeof json === 'bigint'
          ? 'NUMBER'
          : typeof json === 'number'
            ? 'NUMBER'
            : typeof json === 'string'
              ? 'STRING'
              : 'BOOLEAN';
  const label = schema.name ?? schema.type;
  return new DataException(`Invalid JSON ${what} for ${label} field`);
}

/** An integral JSON number as a bigint, or undefined when it is not integral. */
function integralValue(json: JsonValue): bigint | undefined {
  if (typeof json === 'number') return Number.isInteger(json) ? BigInt(json) : undefined;
  if (typeof json === 'bigint') return json;
  if (json instanceof ExactNumber) {
    const parts = rescaleExact(parseDecimalText(json.text), 0);
    return parts.scale === 0 ? parts.unscaled : undefined;
  }
  return undefined;
}

function intReader(schema: Schema, min: number, max: number): ValueReader {
  return (json) => {
    if (typeof json === 'number' && Number.isInteger(json) && json >= min && json <= max) {
      return json;
    }
    const big = integralValue(json as JsonValue);
    if (big !== undefined && big >= BigInt(min) && big <= BigInt(max)) return Number(big);
    if (big !== undefined) {
      throw new DataException(`Value ${big} is out of range for ${schema.type} field`);
    }
    throw mismatch(schema, json as JsonValue);
  };
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Jackson writes NaN and the infinities as strings; read them back as the numbers they are. */
function floatingValue(json: JsonValue): number | undefined {
  if (typeof json === 'number') return json;
  if (json instanceof ExactNumber || typeof json === 'bigint') return Number(json);
  if (json === 'NaN') return Number.NaN;
  if (json === 'Infinity') return Number.POSITIVE_INFINITY;
  if (json === '-Infinity') return Number.NEGATIVE_INFINITY;
  return undefined;
}

function compileNonNull(schema: Schema, options: ReadOptions): ValueReader {
  switch (schema.name) {
    case DECIMAL_LOGICAL_NAME:
      return decimalReader(schema);
    case DATE_LOGICAL_NAME: {
      const read = intReader(schema, -2147483648, 2147483647);
      return (json) => new Date((read(json) as number) * MILLIS_PER_DAY);
    }
    case TIME_LOGICAL_NAME: {
      const read = intReader(schema, -2147483648, 2147483647);
      return (json) => {
        const ms = read(json) as number;
        if (ms < 0 || ms > MILLIS_PER_DAY) {
          throw new DataException(
            'Time values must use number of milliseconds greater than 0 and less than 86400000',
          );
        }
        return new Date(ms);
      };
    }
    case TIMESTAMP_LOGICAL_NAME:
      return (json) => {
        const ms = integralValue(json as JsonValue);
        if (ms === undefined) throw mismatch(schema, json as JsonValue);
        return new Date(Number(ms));
      };
    default:
      break;
  }
  switch (schema.type) {
    case 'INT8':
      return intReader(schema, -128, 127);
    case 'INT16':
      return intReader(schema, -32768, 32767);
    case 'INT32':
      return intReader(schema, -2147483648, 2147483647);
    case 'INT64':
      return (json) => {
        const value = integralValue(json as JsonValue);
        if (value === undefined) throw mismatch(schema, json as JsonValue);
        if (value < INT64_MIN || value > INT64_MAX) {
          throw new DataException(`Value ${value} is out of range for INT64 field`);
        }
        return value;
      };
    case 'FLOAT32':
      return (json) => {
        const value = floatingValue(json as JsonValue);
        if (value === undefined) throw mismatch(schema, json as JsonValue);
        return Math.fround(value);
      };
    case 'FLOAT64':
      return (json) => {
        const value = floatingValue(json as JsonValue);
        if (value === undefined) throw mismatch(schema, json as JsonValue);
        return value;
      };
    case 'BOOLEAN':
      return (json) => {
        if (typeof json !== 'boolean') throw mismatch(schema, json as JsonValue);
        return json;
      };
    case 'STRING':
      return (json) => {
        if (typeof json !== 'string') throw mismatch(schema, json as JsonValue);
        return json;
      };
    case 'BYTES':
      return (json) => {
        if (typeof json !== 'string') throw mismatch(schema, json as JsonValue);
        const bytes = fromBase64(json);
        if (bytes === undefined) throw new DataException('Invalid bytes field: not base64');
        return bytes;
      };
    case 'ARRAY': {
      const itemSchema = schema.valueSchema;
      const readItem = itemSchema === null ? readSchemaless : compileReader(itemSchema, options);
      return (json) => {
        if (!Array.isArray(json)) throw mismatch(schema, json as JsonValue);
        const out = new Array<unknown>(json.length);
        for (let i = 0; i < json.length; i++) out[i] = readItem(json[i]);
        return out;
      };
    }
    case 'MAP':
      return mapReader(schema, options);
    case 'STRUCT':
      return structReader(schema, options);
  }
}

function decimalReader(schema: Schema): ValueReader {
  const scale = Decimal.scaleOf(schema);
  return (json) => {
    if (typeof json === 'string') {
      const bytes = fromBase64(json);
      if (bytes === undefined || bytes.length === 0) {
        throw new DataException('Invalid bytes for Decimal field');
      }
      return Decimal.fromBytes(bytes, scale);
    }
    let text: string;
    if (json instanceof ExactNumber) text = json.text;
    else if (typeof json === 'bigint') text = json.toString();
    else if (typeof json === 'number') text = exactDoubleText(json);
    else throw mismatch(schema, json as JsonValue);
    // A NUMERIC decimal: exact value, at the schema's scale when that loses nothing.
    const parts = rescaleExact(parseDecimalText(text), scale);
    return new Decimal(parts.unscaled, parts.scale);
  };
}

/**
 * The decimal text of a double that came from JSON text with at most 15 significant
 * digits (the fast parser only hands those over): the shortest representation is
 * numerically equal to that text.
 */
function exactDoubleText(value: number): string {
  if (!Number.isFinite(value)) throw new DataException(`Invalid Decimal value ${value}`);
  return Number.isInteger(value) && Math.abs(value) < 1e21 ? String(value) : value.toExponential();
}

function mapReader(schema: Schema, options: ReadOptions): ValueReader {
  const keySchema = schema.keySchema;
  const valueSchema = schema.valueSchema;
  if (keySchema === null || valueSchema === null) {
    throw new DataException(`Map schema without key or value schema: ${String(schema)}`);
  }
  const readValue = compileReader(valueSchema, options);
  if (keySchema.type === 'STRING') {
    return (json) => {
      if (
        typeof json !== 'object' ||
        json === null ||
        Array.isArray(json) ||
        json instanceof ExactNumber
      ) {
        throw new DataException(
          `Maps with string fields should be encoded as JSON objects, but found ${describeJson(json)}`,
        );
      }
      const out = new Map<unknown, unknown>();
      for (const key in json) {
        if (Object.hasOwn(json, key)) out.set(key, readValue(json[key]));
      }
      return out;
    };
  }
  const readKey = compileReader(keySchema, options);
  return (json) => {
    if (!Array.isArray(json)) {
      throw new DataException(
        `Maps with non-string fields should be encoded as JSON array of tuples, but found ${describeJson(json)}`,
      );
    }
    const out = new Map<unknown, unknown>();
    for (const entry of json) {
      if (!Array.isArray(entry)) {
        throw new DataException(
          `Found invalid map entry instead of array tuple: ${describeJson(entry)}`,
        );
      }
      if (entry.length !== 2) {
        throw new DataException(
          `Found invalid map entry, expected length 2 but found :${entry.length}`,
        );
      }
      out.set(readKey(entry[0]), readValue(entry[1]));
    }
    return out;
  };
}

function structReader(schema: Schema, options: ReadOptions): ValueReader {
  const fields = schema.fields;
  let readers: ValueReader[] | undefined;
  return (json) => {
    if (
      typeof json !== 'object' ||
      json === null ||
      Array.isArray(json) ||
      json instanceof ExactNumber
    ) {
      throw new DataException(
        `Structs should be encoded as JSON objects, but found ${describeJson(json)}`,
      );
    }
    readers ??= fields.map((field) => compileReader(field.schema, options));
    const struct = new Struct(schema);
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i] as (typeof fields)[number];
      const raw = Object.hasOwn(json, field.name) ? json[field.name] : undefined;
      struct.put(field, (readers[i] as ValueReader)(raw));
    }
    return struct;
  };
}

function describeJson(json: JsonValue | undefined): string {
  if (json === undefined || json === null) return 'NULL';
  if (Array.isArray(json)) return 'ARRAY';
  if (json instanceof ExactNumber || typeof json === 'number' || typeof json === 'bigint') {
    return 'NUMBER';
  }
  if (typeof json === 'object') return 'OBJECT';
  return typeof json === 'string' ? 'STRING' : 'BOOLEAN';
}

/**
 * Converts schemaless JSON to plain JS: objects stay objects, integers are numbers when
 * they are safe integers and bigints otherwise, other numbers are doubles. A value
 * from `JSON.parse` (the fast path) is already in that form and is returned as is.
 */
export function readSchemaless(json: JsonValue | undefined): unknown {
  if (json === undefined) return null;
  if (typeof json !== 'object' || json === null) return json;
  if (json instanceof ExactNumber) return Number(json.text);
  if (Array.isArray(json)) {
    for (let i = 0; i < json.length; i++) json[i] = readSchemaless(json[i]) as JsonValue;
    return json;
  }
  for (const key in json) {
    if (Object.hasOwn(json, key)) json[key] = readSchemaless(json[key]) as JsonValue;
  }
  return json;
}
