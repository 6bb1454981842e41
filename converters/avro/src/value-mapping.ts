import {
  ConnectDate,
  ConnectTime,
  ConnectTimestamp,
  DATE_LOGICAL_NAME,
  DataException,
  DECIMAL_LOGICAL_NAME,
  Decimal,
  type Field,
  type Schema,
  Struct,
  schemaEquals,
  TIME_LOGICAL_NAME,
  TIMESTAMP_LOGICAL_NAME,
} from '@sluice/api';
import type avro from 'avsc';
import type { AvroDataOptions } from './config.js';
import { decimalFromBytes, decimalToBuffer, mismatchingScale } from './decimal-bytes.js';
import { DECIMAL_AVRO_TYPE_NAME } from './decimal-type.js';
import { AVRO_TYPE_UNION, isAvroMap, KEY_FIELD, VALUE_FIELD } from './schema-mapping.js';

/** Connect value → the value avsc writes. */
export type ToAvro = (value: unknown) => unknown;
/** The value avsc read → Connect value. */
export type FromAvro = (value: unknown) => unknown;

/** What avsc exposes of its types (its typings leave these out). */
interface AvscType {
  readonly typeName: string;
  readonly branchName?: string;
  readonly types?: readonly AvscType[];
  readonly fields?: readonly { readonly name: string; readonly type: AvscType }[];
  readonly itemsType?: AvscType;
  readonly valuesType?: AvscType;
  readonly size?: number;
}

function avsc(type: avro.Type | AvscType): AvscType {
  return type as unknown as AvscType;
}

function isUnionType(type: AvscType): boolean {
  return type.typeName.startsWith('union');
}

function nonNullBranches(type: AvscType): AvscType[] {
  return (type.types ?? []).filter((t) => t.typeName !== 'null');
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return `${typeof value} ${String(value)}`;
}

function fail(path: string, schema: Schema, value: unknown): never {
  throw new DataException(
    `Invalid value for ${path === '' ? 'the value' : `field "${path}"`}: expected ${schema.name ?? schema.type.toLowerCase()}, got ${describe(value)}`,
  );
}

/** avsc writes Buffers: a Buffer passes as is, other bytes get a Buffer view (no copy). */
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function child(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

/**
 * Compiles the conversion of Connect values of `schema` into the values avsc writes with `type`
 * (the Avro type of the schema, or a compatible one such as the subject's latest version).
 */
export function compileToAvro(
  schema: Schema,
  type: avro.Type | AvscType,
  options: AvroDataOptions,
  path = '',
): ToAvro {
  const { write, ifNull } = compileToAvroParts(schema, type, options, path);
  return (v) => (v === null || v === undefined ? ifNull() : write(v));
}

/** The conversion of a non-null value, and what a null becomes (or the error it is). */
interface ToAvroParts {
  readonly write: ToAvro;
  readonly ifNull: () => null;
}

function compileToAvroParts(
  schema: Schema,
  type: avro.Type | AvscType,
  options: AvroDataOptions,
  path: string,
): ToAvroParts {
  const t = avsc(type);
  const ifNull = () => checkNull(schema, path);
  if (isUnionType(t) && schema.name !== AVRO_TYPE_UNION) {
    const branch = nonNullBranches(t)[0];
    if (branch === undefined) throw new DataException(`No non-null member in union at ${path}`);
    const inner = compileToAvroParts(schema, branch, options, path).write;
    if (t.typeName === 'union:wrapped') {
      const name = branch.branchName ?? branch.typeName;
      return { write: (v) => ({ [name]: inner(v) }), ifNull };
    }
    return { write: inner, ifNull };
  }
  return { write: compileBaseToAvro(schema, t, options, path), ifNull };
}

/**
 * Generated code: the conversions of struct fields and array items are called from call sites
 * of their own (not from one closure shared by every schema), so V8 can inline them.
 */
function generated(params: Record<string, unknown>, body: string): unknown {
  const names = Object.keys(params);
  return new Function(...names, body)(...names.map((name) => params[name]));
}

/** The expression converting `value` (a variable of the generated code) with `parts` bound as `w<id>`, `n<id>`. */
function convertExpression(
  params: Record<string, unknown>,
  parts: ToAvroParts,
  id: string,
  value: string,
): string {
  params[`w${id}`] = parts.write;
  params[`n${id}`] = parts.ifNull;
  return `(${value} === null || ${value} === undefined ? n${id}() : w${id}(${value}))`;
}

function checkNull(schema: Schema, path: string): null {
  if (!schema.optional) {
    throw new DataException(
      `Found null value for non-optional schema${path === '' ? '' : ` at field "${path}"`}`,
    );
  }
  return null;
}

function compileBaseToAvro(
  schema: Schema,
  t: AvscType,
  options: AvroDataOptions,
  path: string,
): ToAvro {
  switch (schema.name) {
    case DECIMAL_LOGICAL_NAME:
      if (schema.type === 'BYTES') {
        const size = t.typeName === 'fixed' ? (t.size ?? 0) : -1;
        const scale = Decimal.scaleOf(schema);
        if (t.typeName === DECIMAL_AVRO_TYPE_NAME) {
          // avsc writes the Decimal itself (see DecimalLogicalType).
          return (v) => {
            if (!(v instanceof Decimal)) fail(path, schema, v);
            if (v.scale !== scale) mismatchingScale(scale, v);
            return v;
          };
        }
        return (v) => {
          if (!(v instanceof Decimal)) fail(path, schema, v);
          const bytes = decimalToBuffer(v, scale);
          return size < 0 ? bytes : toBuffer(padToFixedSize(bytes, size));
        };
      }
      break;
    case DATE_LOGICAL_NAME:
      if (schema.type === 'INT32') {
        return (v) => {
          if (!(v instanceof Date)) fail(path, schema, v);
          return ConnectDate.fromLogical(schema, v);
        };
      }
      break;
    case TIME_LOGICAL_NAME:
      if (schema.type === 'INT32') {
        return (v) => {
          if (!(v instanceof Date)) fail(path, schema, v);
          return ConnectTime.fromLogical(schema, v);
        };
      }
      break;
    case TIMESTAMP_LOGICAL_NAME:
      if (schema.type === 'INT64') {
        return (v) => {
          if (!(v instanceof Date)) fail(path, schema, v);
          return ConnectTimestamp.fromLogical(schema, v);
        };
      }
      break;
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
      return (v) => (Number.isInteger(v) ? v : fail(path, schema, v));
    case 'FLOAT32':
    case 'FLOAT64':
      return (v) => (typeof v === 'number' ? v : fail(path, schema, v));
    case 'INT64':
      return (v) => (typeof v === 'bigint' ? v : fail(path, schema, v));
    case 'BOOLEAN':
      return (v) => (typeof v === 'boolean' ? v : fail(path, schema, v));
    case 'STRING':
      return (v) => (typeof v === 'string' ? v : fail(path, schema, v));
    case 'BYTES':
      if (t.typeName === 'fixed') {
        const size = t.size ?? 0;
        return (v) => {
          if (!(v instanceof Uint8Array)) fail(path, schema, v);
          if (v.length !== size) {
            throw new DataException(
              `Invalid value for ${path === '' ? 'the value' : `field "${path}"`}: fixed size ${size} but ${v.length} bytes`,
            );
          }
          return toBuffer(v);
        };
      }
      return (v) => (v instanceof Uint8Array ? toBuffer(v) : fail(path, schema, v));
    case 'ARRAY': {
      const items = schema.valueSchema as Schema;
      const item = compileToAvroParts(items, t.itemsType as AvscType, options, `${path}[]`);
      const params: Record<string, unknown> = { F: (v: unknown) => fail(path, schema, v) };
      const convert = convertExpression(params, item, 'Item', 'x');
      return generated(
        params,
        `return function (v) {
  if (!Array.isArray(v)) F(v);
  const count = v.length;
  const out = new Array(count);
  for (let i = 0; i < count; i++) { const x = v[i]; out[i] = ${convert}; }
  return out;
};`,
      ) as ToAvro;
    }
    case 'MAP': {
      const keySchema = schema.keySchema as Schema;
      const valueSchema = schema.valueSchema as Schema;
      if (isAvroMap(schema, options) && t.typeName === 'map') {
        const value = compileToAvro(valueSchema, t.valuesType as AvscType, options, `${path}[]`);
        return (v) => {
          if (!(v instanceof Map)) fail(path, schema, v);
          const out: Record<string, unknown> = Object.create(null);
          for (const [k, item] of v) {
            if (typeof k !== 'string') fail(`${path}[key]`, keySchema, k);
            out[k] = value(item);
          }
          return out;
        };
      }
      const entryType = t.itemsType as AvscType;
      const fieldType = (name: string): AvscType => {
        const field = entryType.fields?.find((f) => f.name === name);
        if (field === undefined) throw new DataException(`MapEntry record without ${name} field`);
        return field.type;
      };
      const key = compileToAvro(keySchema, fieldType(KEY_FIELD), options, `${path}[key]`);
      const value = compileToAvro(valueSchema, fieldType(VALUE_FIELD), options, `${path}[]`);
      return (v) => {
        if (!(v instanceof Map)) fail(path, schema, v);
        const out: unknown[] = [];
        for (const [k, item] of v) out.push({ key: key(k), value: value(item) });
        return out;
      };
    }
    case 'STRUCT':
      return schema.name === AVRO_TYPE_UNION
        ? compileUnionToAvro(schema, t, options, path)
        : compileStructToAvro(schema, t, options, path);
  }
  throw new DataException(`Unknown schema type: ${String(schema.type)}`);
}

function checkStruct(schema: Schema, v: unknown, path: string): Struct {
  if (!(v instanceof Struct)) fail(path, schema, v);
  if (v.schema !== schema && !schemaEquals(v.schema, schema)) {
    throw new DataException(
      `Mismatching struct schema${path === '' ? '' : ` at field "${path}"`}: ${String(v.schema)} is not ${String(schema)}`,
    );
  }
  return v;
}

function compileStructToAvro(
  schema: Schema,
  t: AvscType,
  options: AvroDataOptions,
  path: string,
): ToAvro {
  if (t.typeName !== 'record') {
    throw new DataException(`Cannot write a struct as Avro ${t.typeName}`);
  }
  const avroFields = new Map((t.fields ?? []).map((f) => [f.name, f.type]));
  const plan: { field: Field; name: string; parts: ToAvroParts }[] = [];
  for (const field of schema.fields) {
    const fieldType = avroFields.get(field.name);
    // A field the target schema lacks (an older latest version) is not written.
    if (fieldType === undefined) continue;
    plan.push({
      field,
      name: field.name,
      parts: compileToAvroParts(field.schema, fieldType, options, child(path, field.name)),
    });
  }
  const build = recordBuilder(plan, options.ignoreDefaultForNullables);
  return (v) => build(checkStruct(schema, v, path));
}

/**
 * A function building the avsc record value of a struct as one object literal, so every record
 * of a schema has the same shape (V8 then keeps avsc's field reads monomorphic). Field names are
 * Avro names ([A-Za-z_][A-Za-z0-9_]*), written as JSON string keys.
 */
function recordBuilder(
  plan: readonly { field: Field; name: string; parts: ToAvroParts }[],
  withoutDefault: boolean,
): (struct: Struct) => Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const entries = plan.map((step, i) => {
    params[`f${i}`] = step.field;
    const read = withoutDefault ? `s.getWithoutDefault(f${i}.name)` : `s.get(f${i})`;
    const convert = convertExpression(params, step.parts, String(i), `x${i}`);
    return `${JSON.stringify(step.name)}: ((x${i} = ${read}), ${convert})`;
  });
  const locals = plan.length === 0 ? '' : `let ${plan.map((_, i) => `x${i}`).join(', ')};\n`;
  return generated(
    params,
    `return function (s) {\n${locals}return {${entries.join(', ')}};\n};`,
  ) as (struct: Struct) => Record<string, unknown>;
}

function compileUnionToAvro(
  schema: Schema,
  t: AvscType,
  options: AvroDataOptions,
  path: string,
): ToAvro {
  const branches = isUnionType(t) ? nonNullBranches(t) : [t];
  const wrapped = t.typeName === 'union:wrapped';
  const members = schema.fields.map((field, i) => {
    const branch = branches[i];
    if (branch === undefined) {
      throw new DataException(`Union member ${field.name} has no Avro counterpart`);
    }
    return {
      field,
      name: branch.branchName ?? branch.typeName,
      write: compileToAvro(field.schema, branch, options, child(path, field.name)),
    };
  });
  const withoutDefault = options.ignoreDefaultForNullables;
  return (v) => {
    const struct = checkStruct(schema, v, path);
    for (const member of members) {
      const value = withoutDefault
        ? struct.getWithoutDefault(member.field.name)
        : struct.get(member.field);
      if (value !== null && value !== undefined) {
        return wrapped ? { [member.name]: member.write(value) } : member.write(value);
      }
    }
    return checkNull(schema, path);
  };
}

/** Sign-extends a two's-complement unscaled value to the size of an Avro `fixed`. */
function padToFixedSize(bytes: Uint8Array, size: number): Uint8Array {
  if (bytes.length === size) return bytes;
  if (bytes.length > size) {
    throw new DataException(
      `Unscaled value byte array length ${bytes.length} is greater than fixed size ${size}`,
    );
  }
  const padded = new Uint8Array(size).fill((bytes[0] ?? 0) & 0x80 ? 0xff : 0);
  padded.set(bytes, size - bytes.length);
  return padded;
}

/**
 * Compiles the conversion of the values avsc reads with `type` (the reader's type) into Connect
 * values of `schema` (the Connect schema of that same Avro schema).
 */
export function compileFromAvro(
  schema: Schema,
  type: avro.Type | AvscType,
  options: AvroDataOptions,
): FromAvro {
  const t = avsc(type);
  if (isUnionType(t) && schema.name !== AVRO_TYPE_UNION) {
    const branch = nonNullBranches(t)[0];
    if (branch === undefined) throw new DataException('No non-null member in union');
    const inner = compileFromAvro(schema, branch, options);
    if (t.typeName === 'union:wrapped') {
      const name = branch.branchName ?? branch.typeName;
      return (v) =>
        v === null || v === undefined ? null : inner((v as Record<string, unknown>)[name]);
    }
    return (v) => (v === null || v === undefined ? null : inner(v));
  }
  const base = compileBaseFromAvro(schema, t, options);
  return (v) => (v === null || v === undefined ? null : base(v));
}

function compileBaseFromAvro(schema: Schema, t: AvscType, options: AvroDataOptions): FromAvro {
  switch (schema.name) {
    case DECIMAL_LOGICAL_NAME:
      if (schema.type === 'BYTES') {
        const scale = Decimal.scaleOf(schema);
        // A DecimalLogicalType reads Decimals of the Avro schema's scale; the Connect schema's is
        // the one a value gets, as for the bytes of a plain `bytes` or `fixed` type.
        return (v) =>
          v instanceof Decimal
            ? v.scale === scale
              ? v
              : new Decimal(v.unscaled, scale)
            : decimalFromBytes(v as Uint8Array, scale);
      }
      break;
    case DATE_LOGICAL_NAME:
      if (schema.type === 'INT32') return (v) => ConnectDate.fromDays(v as number);
      break;
    case TIME_LOGICAL_NAME:
      if (schema.type === 'INT32') return (v) => ConnectTime.fromMillisOfDay(v as number);
      break;
    case TIMESTAMP_LOGICAL_NAME:
      if (schema.type === 'INT64') return (v) => ConnectTimestamp.toLogical(schema, v as bigint);
      break;
  }
  switch (schema.type) {
    // Structs are built from these values without checking them again (see
    // compileStructFromAvro): what an Avro int can hold beyond INT8/INT16 is refused here.
    case 'INT8':
      return (v) => inRange(v, -128, 127, schema);
    case 'INT16':
      return (v) => inRange(v, -32768, 32767, schema);
    case 'INT32':
      return (v) => inRange(v, -2147483648, 2147483647, schema);
    case 'INT64':
      return (v) => (typeof v === 'bigint' ? v : fail('', schema, v));
    case 'FLOAT32':
    case 'FLOAT64':
      return (v) => (typeof v === 'number' ? v : fail('', schema, v));
    case 'BOOLEAN':
    case 'STRING':
      return (v) => v;
    case 'BYTES':
      // avsc's bytes are views of the message buffer: copy, so the value outlives it.
      return (v) => new Uint8Array(v as Uint8Array);
    case 'ARRAY': {
      const item = compileFromAvro(schema.valueSchema as Schema, t.itemsType as AvscType, options);
      return (v) => (v as unknown[]).map(item);
    }
    case 'MAP': {
      if (t.typeName === 'map') {
        const value = compileFromAvro(
          schema.valueSchema as Schema,
          t.valuesType as AvscType,
          options,
        );
        return (v) => {
          const out = new Map<unknown, unknown>();
          for (const k of Object.keys(v as object)) {
            out.set(k, value((v as Record<string, unknown>)[k]));
          }
          return out;
        };
      }
      const entryType = t.itemsType as AvscType;
      const fieldType = (name: string): AvscType => {
        const field = entryType.fields?.find((f) => f.name === name);
        if (field === undefined) throw new DataException(`MapEntry record without ${name} field`);
        return field.type;
      };
      const key = compileFromAvro(schema.keySchema as Schema, fieldType(KEY_FIELD), options);
      const value = compileFromAvro(schema.valueSchema as Schema, fieldType(VALUE_FIELD), options);
      return (v) => {
        const out = new Map<unknown, unknown>();
        for (const entry of v as { key: unknown; value: unknown }[]) {
          out.set(key(entry.key), value(entry.value));
        }
        return out;
      };
    }
    case 'STRUCT':
      return schema.name === AVRO_TYPE_UNION
        ? compileUnionFromAvro(schema, t, options)
        : compileStructFromAvro(schema, t, options);
  }
  throw new DataException(`Unknown schema type: ${String(schema.type)}`);
}

function inRange(value: unknown, min: number, max: number, schema: Schema): number {
  if (typeof value !== 'number') fail('', schema, value);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DataException(`Value ${value} is out of range for ${schema.type} field`);
  }
  return value;
}

/**
 * Builds the struct with `Struct.fromTrustedValues`: each field's value comes from its compiled
 * conversion, which gives exactly the values the field's schema allows (avsc has checked the
 * Avro types; the conversions check the rest: INT8/INT16 ranges, logical types), so `put`'s
 * check of every value again is left out. The function is generated, so that each field's
 * conversion is called from a call site of its own and its record field read is monomorphic.
 */
function compileStructFromAvro(schema: Schema, t: AvscType, options: AvroDataOptions): FromAvro {
  const avroFields = new Map((t.fields ?? []).map((f) => [f.name, f.type]));
  const reads = schema.fields.map((field) => {
    const fieldType = avroFields.get(field.name);
    if (fieldType === undefined) {
      throw new DataException(`Avro record ${String(schema.name)} has no field ${field.name}`);
    }
    return compileFromAvro(field.schema, fieldType, options);
  });
  const values = schema.fields.map((field, i) => `r${i}(v[${JSON.stringify(field.name)}])`);
  const factory = new Function(
    'F',
    'schema',
    ...reads.map((_, i) => `r${i}`),
    `return function (v) { return F(schema, [${values.join(', ')}]); };`,
  );
  return factory(Struct.fromTrustedValues, schema, ...reads) as FromAvro;
}

function compileUnionFromAvro(schema: Schema, t: AvscType, options: AvroDataOptions): FromAvro {
  const branches = isUnionType(t) ? nonNullBranches(t) : [t];
  const byBranch = new Map<string, { field: Field; read: FromAvro }>();
  schema.fields.forEach((field, i) => {
    const branch = branches[i];
    if (branch === undefined) return;
    byBranch.set(branch.branchName ?? branch.typeName, {
      field,
      read: compileFromAvro(field.schema, branch, options),
    });
  });
  return (v) => {
    const wrapper = v as Record<string, unknown>;
    for (const name of Object.keys(wrapper)) {
      const member = byBranch.get(name);
      if (member === undefined) break;
      const values = new Array<unknown>(schema.fields.length).fill(null);
      values[member.field.index] = member.read(wrapper[name]);
      return Struct.fromTrustedValues(schema, values);
    }
    throw new DataException('Did not find matching union field for data');
  };
}
