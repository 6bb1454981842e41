import {
  DATE_LOGICAL_NAME,
  DataException,
  DECIMAL_LOGICAL_NAME,
  Decimal,
  MILLIS_PER_DAY,
  type Schema,
  Struct,
  schemaEquals,
  TIME_LOGICAL_NAME,
  TIMESTAMP_LOGICAL_NAME,
} from '@sluice/api';
import { smallUnscaledToBase64, toBase64 } from './base64.js';
import { GeneratedCode } from './generated-code.js';
import { quoteJsonString } from './json-string.js';
import { formatBigDecimal, formatJavaDouble, formatJavaFloat } from './number-format.js';

/** How values are written; the parts of the converter config that change the JSON. */
export interface WriteOptions {
  readonly decimalFormat: 'BASE64' | 'NUMERIC';
  readonly replaceNullWithDefault: boolean;
}

/** Writes one value of a known schema as JSON text. */
export type ValueWriter = (value: unknown) => string;

/**
 * Compiles a writer for `schema`: the schema is inspected once, so writing a record is
 * a walk over its values only. The output matches Kafka's JsonConverter byte for byte.
 */
export function compileWriter(schema: Schema, options: WriteOptions): ValueWriter {
  const write = compileNonNull(schema, options);
  const nullText = nullTextOf(schema, options, write);
  return (value) => {
    if (value === null || value === undefined) return nullText ?? refuseNull();
    return write(value);
  };
}

/** What a null is written as: the default's text, `null`, or undefined when it is refused. */
function nullTextOf(schema: Schema, options: WriteOptions, write: ValueWriter): string | undefined {
  if (options.replaceNullWithDefault && schema.defaultValue !== null) {
    return write(schema.defaultValue);
  }
  return schema.optional ? 'null' : undefined;
}

function refuseNull(): never {
  throw new DataException(
    'Conversion error: null value for field that is required and has no default value',
  );
}

/** An expression writing `value` (a variable of the generated code, null included) of `schema`. */
function writeExpression(
  generated: GeneratedCode,
  schema: Schema,
  options: WriteOptions,
  id: string,
  value: string,
): string {
  const compiled = compileNonNull(schema, options);
  const nullText = nullTextOf(schema, options, compiled);
  const write = generated.bind(`w${id}`, compiled);
  const ifNull = nullText === undefined ? 'R()' : generated.bind(`z${id}`, nullText);
  return `(${value} === null || ${value} === undefined ? ${ifNull} : ${write}(${value}))`;
}

/** Generated code with this module's own helpers bound (R). */
function newGeneratedCode(): GeneratedCode {
  const generated = new GeneratedCode();
  generated.bind('R', refuseNull);
  return generated;
}

function generate(generated: GeneratedCode, body: string): ValueWriter {
  return generated.compile<ValueWriter>('value', body);
}

function typeError(schema: Schema, value: unknown): DataException {
  const what =
    value === null ? 'null' : typeof value === 'object' ? value.constructor.name : typeof value;
  return new DataException(`Invalid type for ${schema.type}: ${what}`);
}

function compileNonNull(schema: Schema, options: WriteOptions): ValueWriter {
  switch (schema.name) {
    case DECIMAL_LOGICAL_NAME:
      return decimalWriter(schema, options);
    case DATE_LOGICAL_NAME:
      return (value) => {
        if (!(value instanceof Date))
          throw new DataException('Invalid type for Date, expected Date');
        const ms = value.getTime();
        if (ms % MILLIS_PER_DAY !== 0) {
          throw new DataException(
            'Kafka Connect Date type should not have any time fields set to non-zero values.',
          );
        }
        return String(ms / MILLIS_PER_DAY);
      };
    case TIME_LOGICAL_NAME:
      return (value) => {
        if (!(value instanceof Date))
          throw new DataException('Invalid type for Time, expected Date');
        const ms = value.getTime();
        // 86400000 (24:00) is a valid Time, as in Kafka's Time.fromLogical.
        if (ms < 0 || ms > MILLIS_PER_DAY) {
          throw new DataException(
            'Kafka Connect Time type should not have any date fields set to non-zero values.',
          );
        }
        return String(ms);
      };
    case TIMESTAMP_LOGICAL_NAME:
      return (value) => {
        if (!(value instanceof Date)) {
          throw new DataException('Invalid type for Timestamp, expected Date');
        }
        return String(value.getTime());
      };
    default:
      break;
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
      return (value) => {
        if (typeof value === 'number' && Number.isInteger(value)) return String(value);
        throw typeError(schema, value);
      };
    case 'INT64':
      return (value) => {
        if (typeof value === 'bigint') return value.toString();
        if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
        throw typeError(schema, value);
      };
    case 'FLOAT32':
      return (value) => {
        if (typeof value !== 'number') throw typeError(schema, value);
        return Number.isFinite(value) ? formatJavaFloat(Math.fround(value)) : nonFinite(value);
      };
    case 'FLOAT64':
      return (value) => {
        if (typeof value !== 'number') throw typeError(schema, value);
        return Number.isFinite(value) ? formatJavaDouble(value) : nonFinite(value);
      };
    case 'BOOLEAN':
      return (value) => {
        if (typeof value !== 'boolean') throw typeError(schema, value);
        return value ? 'true' : 'false';
      };
    case 'STRING':
      return (value) => {
        if (typeof value !== 'string') throw typeError(schema, value);
        return quoteJsonString(value);
      };
    case 'BYTES':
      return (value) => {
        if (!(value instanceof Uint8Array)) throw typeError(schema, value);
        return `"${toBase64(value)}"`;
      };
    case 'ARRAY':
      return arrayWriter(schema, options);
    case 'MAP':
      return mapWriter(schema, options);
    case 'STRUCT':
      return structWriter(schema, options);
  }
}

/** Jackson writes non-finite doubles as strings (WRITE_NAN_AS_STRINGS is on by default). */
function nonFinite(value: number): string {
  if (Number.isNaN(value)) return '"NaN"';
  return value > 0 ? '"Infinity"' : '"-Infinity"';
}

function decimalWriter(schema: Schema, options: WriteOptions): ValueWriter {
  const scale = Decimal.scaleOf(schema);
  const check = (value: unknown): Decimal => {
    if (!(value instanceof Decimal)) {
      throw new DataException('Invalid type for Decimal, expected Decimal');
    }
    if (value.scale !== scale) {
      throw new DataException(
        `Decimal value has mismatching scale for given Decimal schema. Schema has scale ${scale}, value has scale ${value.scale}.`,
      );
    }
    return value;
  };
  if (options.decimalFormat === 'NUMERIC') {
    return (value) => formatBigDecimal(check(value).unscaled, scale);
  }
  return (value) => {
    const decimal = check(value);
    return `"${smallUnscaledToBase64(decimal.unscaled) ?? toBase64(decimal.toBytes())}"`;
  };
}

function arrayWriter(schema: Schema, options: WriteOptions): ValueWriter {
  const itemSchema = schema.valueSchema;
  if (itemSchema === null) {
    return (value) => {
      if (!Array.isArray(value)) throw typeError(schema, value);
      return writeSchemaless(value);
    };
  }
  const generated = newGeneratedCode();
  generated.bind('T', (value: unknown) => typeError(schema, value));
  const item = writeExpression(generated, itemSchema, options, 'item', 'v');
  return generate(
    generated,
    `if (!Array.isArray(value)) throw T(value);
const n = value.length;
if (n === 0) return '[]';
let v = value[0];
let out = '[' + ${item};
for (let i = 1; i < n; i++) {
  v = value[i];
  out += ',' + ${item};
}
return out + ']';`,
  );
}

function mapWriter(schema: Schema, options: WriteOptions): ValueWriter {
  const keySchema = schema.keySchema;
  const valueSchema = schema.valueSchema;
  if (keySchema === null || valueSchema === null) {
    throw new DataException(`Map schema without key or value schema: ${String(schema)}`);
  }
  const writeKey = compileWriter(keySchema, options);
  const writeValue = compileWriter(valueSchema, options);
  if (keySchema.type === 'STRING') {
    // Kafka writes the key's JSON text as the object key (`mapKey.asText()`).
    return (value) => {
      let out = '';
      for (const [k, v] of entriesOf(schema, value)) {
        const keyText = writeKey(k);
        const key = keyText === 'null' ? '"null"' : keyText;
        out += `${out === '' ? '' : ','}${key}:${writeValue(v)}`;
      }
      return `{${out}}`;
    };
  }
  return (value) => {
    let out = '';
    for (const [k, v] of entriesOf(schema, value)) {
      out += `${out === '' ? '' : ','}[${writeKey(k)},${writeValue(v)}]`;
    }
    return `[${out}]`;
  };
}

function entriesOf(schema: Schema, value: unknown): Iterable<[unknown, unknown]> {
  if (value instanceof Map) return value.entries();
  if (isPlainObject(value)) return Object.entries(value);
  throw typeError(schema, value);
}

function structWriter(schema: Schema, options: WriteOptions): ValueWriter {
  const generated = newGeneratedCode();
  generated.bind('schema', schema);
  generated.bind('S', Struct);
  generated.bind('P', Struct.prototype);
  generated.bind('E', schemaEquals);
  generated.bind('T', (value: unknown) => typeError(schema, value));
  generated.bind('M', () => new DataException('Mismatching schema.'));
  const parts = schema.fields.map((field, i) => {
    // `{"first":`, `,"second":`, ...: each key with what precedes it.
    const key = generated.bind(`k${i}`, `${i === 0 ? '{' : ','}${quoteJsonString(field.name)}:`);
    const f = generated.bind(`f${i}`, field);
    const write = writeExpression(generated, field.schema, options, String(i), 'v');
    // By Field (an index) for our own Structs; by name for a Struct of another copy of
    // @sluice/api, which may predate reading by Field.
    const read = `(own ? value.getWithoutDefault(${f}) : value.getWithoutDefault(${f}.name))`;
    return `${key} + ((v = ${read}), ${write})`;
  });
  return generate(
    generated,
    `if (!(value instanceof S)) throw T(value);
if (value.schema !== schema && !E(value.schema, schema)) throw M();
${parts.length === 0 ? "return '{}';" : `const own = Object.getPrototypeOf(value) === P;\nlet v;\nreturn ${parts.join(' + ')} + '}';`}`,
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Writes a value without a schema, inferring the JSON from the JS type as Kafka infers
 * it from the Java class: integers (number or bigint) as integers, other numbers as
 * doubles, Uint8Array as base64, arrays, Maps (string keys → object, others → array of
 * pairs) and plain objects. A Struct, Date or Decimal needs a schema, as in Kafka.
 */
export function writeSchemaless(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return quoteJsonString(value);
    case 'number':
      if (Number.isInteger(value) && !Object.is(value, -0)) return String(value);
      return Number.isFinite(value) ? formatJavaDouble(value) : nonFinite(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      break;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    let out = `[${writeSchemaless(value[0])}`;
    for (let i = 1; i < value.length; i++) out += `,${writeSchemaless(value[i])}`;
    return `${out}]`;
  }
  if (value instanceof Uint8Array) return `"${toBase64(value)}"`;
  if (value instanceof Map) {
    let stringKeys = true;
    for (const key of value.keys()) {
      if (typeof key !== 'string') {
        stringKeys = false;
        break;
      }
    }
    let out = '';
    for (const [k, v] of value) {
      const sep = out === '' ? '' : ',';
      out += stringKeys
        ? `${sep}${quoteJsonString(k as string)}:${writeSchemaless(v)}`
        : `${sep}[${writeSchemaless(k)},${writeSchemaless(v)}]`;
    }
    return stringKeys ? `{${out}}` : `[${out}]`;
  }
  if (value instanceof Struct) throw new DataException('Mismatching schema.');
  if (isPlainObject(value)) {
    let out = '';
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      out += `${out === '' ? '' : ','}${quoteJsonString(key)}:${writeSchemaless(value[key])}`;
    }
    return `{${out}}`;
  }
  const what = typeof value === 'object' ? value.constructor.name : typeof value;
  throw new DataException(`JavaScript ${what} does not have corresponding schema type.`);
}
