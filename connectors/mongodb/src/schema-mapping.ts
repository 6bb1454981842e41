import {
  DATE_LOGICAL_NAME,
  DataException,
  Decimal,
  type Schema,
  SchemaBuilder,
  Struct,
  TIME_LOGICAL_NAME,
  TIMESTAMP_LOGICAL_NAME,
} from '@sluice/api';
import {
  Binary,
  BSON,
  Decimal128,
  type Document,
  Double,
  type Int32,
  Long,
  ObjectId,
  Timestamp,
} from 'mongodb';
import { bsonValueToJson, type JsonMode } from './json-writer.js';

const { EJSON } = BSON;

/**
 * Names of the Connect schemas that carry BSON types Connect has no type for, so that a sink
 * writes back exactly what a source read (see the README's type mapping).
 */
export const BSON_SCHEMA_NAMES = {
  /** STRING holding the 24 hex digits of an ObjectId. */
  objectId: 'sluice.mongodb.ObjectId',
  /** BYTES of a binary whose subtype (parameter `subtype`, decimal) is not 0. */
  binary: 'sluice.mongodb.Binary',
  /** STRUCT {t: INT64, i: INT64} of a BSON timestamp (seconds and increment). */
  timestamp: 'sluice.mongodb.Timestamp',
  /** STRING holding a Decimal128 that no Connect Decimal can hold (NaN, Infinity, -0). */
  decimal128: 'sluice.mongodb.Decimal128',
  /** STRING holding canonical extended JSON of a value (regex, code, min/max key, mixed arrays). */
  extendedJson: 'sluice.mongodb.ExtendedJson',
} as const;

/** A BSON value the driver serializes as it is (ObjectId, Long, Binary, ...). */
function isBsonWrapper(value: object): boolean {
  return '_bsontype' in value;
}

/** A plain document (not an array, date, bytes or BSON wrapper). */
export function isDocument(value: unknown): value is Document {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array) &&
    !(value instanceof Map) &&
    !(value instanceof Struct) &&
    !(value instanceof Decimal) &&
    !isBsonWrapper(value)
  );
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A Connect Decimal as the exact Decimal128 (34 significant digits at most). */
export function decimal128Of(decimal: Decimal, path: string): Decimal128 {
  try {
    return Decimal128.fromString(`${decimal.unscaled}E${-decimal.scale}`);
  } catch (error) {
    throw new DataException(
      `Field ${path}: the decimal ${decimal.toString()} does not fit a Decimal128 (34 significant digits): ${(error as Error).message}`,
    );
  }
}

/** A Decimal128 as an exact Connect Decimal, or null for NaN, ±Infinity and negative zero. */
export function decimalOf(value: Decimal128): Decimal | null {
  const text = value.toString();
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:E([+-]\d+))?$/.exec(text);
  if (m === null || (m[1] === '-' && /^[0.]*$/.test(`${m[2]}${m[3] ?? ''}`))) return null;
  const fraction = m[3] ?? '';
  const unscaled = BigInt(`${m[1]}${m[2]}${fraction}`);
  return new Decimal(unscaled, fraction.length - Number(m[4] ?? '0'));
}

/** A schemaless JavaScript number as the BSON number mongo-kafka's JSON reader makes of it. */
function numberOf(n: number): unknown {
  if (Number.isInteger(n) && !Object.is(n, -0)) {
    if (n >= INT32_MIN && n <= INT32_MAX) return n;
    if (Number.isSafeInteger(n)) return Long.fromNumber(n);
  }
  return new Double(n);
}

/**
 * A Connect value (with its schema, or schemaless when `schema` is null) as a value the driver
 * writes with the right BSON type: INT64 as int64, FLOAT32/64 as double, Decimal as Decimal128,
 * bytes as binary, dates as dates, structs and maps as documents. `path` names the field in errors.
 */
export function toBson(schema: Schema | null, value: unknown, path: string): unknown {
  if (value === null || value === undefined) return null;
  if (schema === null) return schemalessToBson(value, path);
  switch (schema.name) {
    case Decimal.LOGICAL_NAME:
      return decimal128Of(value as Decimal, path);
    case DATE_LOGICAL_NAME:
    case TIME_LOGICAL_NAME:
    case TIMESTAMP_LOGICAL_NAME:
      return value as Date;
    case BSON_SCHEMA_NAMES.objectId:
      return objectIdOf(value, path);
    case BSON_SCHEMA_NAMES.decimal128:
      return Decimal128.fromString(String(value));
    case BSON_SCHEMA_NAMES.extendedJson:
      return extendedJsonValue(String(value), path);
    case BSON_SCHEMA_NAMES.binary:
      return new Binary(value as Uint8Array, Number(schema.parameters?.subtype ?? 0));
    case BSON_SCHEMA_NAMES.timestamp: {
      const s = value as Struct;
      return new Timestamp({ t: Number(s.get('t')), i: Number(s.get('i')) });
    }
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
    case 'BOOLEAN':
    case 'STRING':
      return value;
    case 'INT64':
      return value as bigint;
    case 'FLOAT32':
    case 'FLOAT64':
      return new Double(value as number);
    case 'BYTES':
      return new Binary(value as Uint8Array, 0);
    case 'ARRAY':
      return (value as unknown[]).map((v, i) => toBson(schema.valueSchema, v, `${path}.${i}`));
    case 'MAP': {
      const out: Document = {};
      for (const [k, v] of value as Map<unknown, unknown>) {
        if (typeof k !== 'string')
          throw new DataException(
            `Field ${path}: a map with ${typeof k} keys cannot be a document (keys must be strings)`,
          );
        out[k] = toBson(schema.valueSchema, v, `${path}.${k}`);
      }
      return out;
    }
    case 'STRUCT':
      return structToDocument(value as Struct, path);
  }
}

/** A Struct as a document, field by field (a null field is written as null, as mongo-kafka does). */
export function structToDocument(struct: Struct, path = ''): Document {
  const out: Document = {};
  for (const field of struct.schema.fields) {
    out[field.name] = toBson(
      field.schema,
      struct.get(field),
      path === '' ? field.name : `${path}.${field.name}`,
    );
  }
  return out;
}

function objectIdOf(value: unknown, path: string): ObjectId {
  const text = String(value);
  if (!/^[0-9a-fA-F]{24}$/.test(text))
    throw new DataException(`Field ${path}: ${text} is not an ObjectId (24 hex digits)`);
  return new ObjectId(text);
}

function extendedJsonValue(text: string, path: string): unknown {
  try {
    return EJSON.parse(text, { relaxed: false });
  } catch (error) {
    throw new DataException(`Field ${path}: not extended JSON: ${(error as Error).message}`);
  }
}

function schemalessToBson(value: unknown, path: string): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return numberOf(value);
    case 'bigint':
      if (value < INT64_MIN || value > INT64_MAX)
        throw new DataException(`Field ${path}: ${value} does not fit a 64-bit integer`);
      return value;
    case 'object': {
      if (value instanceof Date) return value;
      if (value instanceof Uint8Array) return new Binary(value, 0);
      if (value instanceof Decimal) return decimal128Of(value, path);
      if (value instanceof Struct) return structToDocument(value, path);
      if (Array.isArray(value)) return value.map((v, i) => toBson(null, v, `${path}.${i}`));
      if (value instanceof Map) {
        const out: Document = {};
        for (const [k, v] of value) {
          if (typeof k !== 'string')
            throw new DataException(
              `Field ${path}: a map with ${typeof k} keys cannot be a document (keys must be strings)`,
            );
          out[k] = toBson(null, v, path === '' ? k : `${path}.${k}`);
        }
        return out;
      }
      if (isBsonWrapper(value as object)) return value;
      const out: Document = {};
      for (const [k, v] of Object.entries(value as object))
        out[k] = toBson(null, v, path === '' ? k : `${path}.${k}`);
      return out;
    }
    default:
      throw new DataException(`Field ${path}: a ${typeof value} cannot be written to MongoDB`);
  }
}

const DESERIALIZE = {
  promoteValues: false,
  promoteBuffers: false,
  bsonRegExp: true,
} as const;

/** BSON bytes as a document with exact BSON types (Int32, Double, Long, Decimal128 wrappers). */
export function deserialize(bytes: Uint8Array): Document {
  return BSON.deserialize(bytes, DESERIALIZE);
}

/** Extended JSON text (canonical or relaxed) as a document with exact BSON types. */
export function parseExtendedJson(text: string): Document {
  let parsed: unknown;
  try {
    parsed = EJSON.deserialize(JSON.parse(exactNumbers(text), legacyBinary), { relaxed: false });
  } catch (error) {
    if (error instanceof DataException) throw error;
    throw new DataException(
      `Not extended JSON: ${(error as Error).message}: ${text.slice(0, 200)}`,
    );
  }
  if (!isDocument(parsed)) throw new DataException(`Not a JSON document: ${text.slice(0, 200)}`);
  return parsed;
}

/**
 * JSON.parse's reviver turning the Java driver's strict-mode binary {"$binary": base64, "$type":
 * hex} (which our DefaultJson output writes, as mongo-kafka's does) into the canonical form the
 * Node driver reads.
 */
function legacyBinary(_key: string, value: unknown): unknown {
  if (
    isDocument(value) &&
    typeof value.$binary === 'string' &&
    typeof value.$type === 'string' &&
    Object.keys(value).length === 2
  )
    return { $binary: { base64: value.$binary, subType: value.$type } };
  return value;
}

/** A JSON string (skipped as it is) or a JSON number (fraction and exponent captured). */
const STRING_OR_NUMBER = /"(?:[^"\\]|\\.)*"|-?\d+(\.\d+)?([eE][+-]?\d+)?/g;

/**
 * The text with the numbers JSON.parse would change written as extended JSON: a bare integer
 * beyond 2^53 as {"$numberLong": ...} (the Java driver reads an int64, JSON.parse would round it),
 * an integral number with a fraction or exponent (1.0, 1e3) as {"$numberDouble": ...} (a double
 * for the Java driver, an int32 for the Node driver). An integer beyond int64 is refused as the
 * Java driver refuses it.
 */
function exactNumbers(text: string): string {
  if (!/\d[.eE]|\d{16}/.test(text)) return text;
  return text.replace(STRING_OR_NUMBER, (token, fraction, exponent) => {
    if (token.startsWith('"')) return token;
    if (fraction !== undefined || exponent !== undefined)
      return Number.isInteger(Number(token)) ? `{"$numberDouble": "${token}"}` : token;
    if (token.replace('-', '').length < 16) return token;
    const n = BigInt(token);
    if (n < INT64_MIN || n > INT64_MAX)
      throw new DataException(`The JSON number ${token} does not fit a 64-bit integer`);
    return Number.isSafeInteger(Number(n)) ? token : `{"$numberLong": "${token}"}`;
  });
}

// ---------------------------------------------------------------- BSON -> Connect (source)

/** The schema mongo-kafka gives a null (any later value wins when schemas are combined). */
const NULL_SENTINEL: Schema = SchemaBuilder.string().optional().build();
/** Values of different types in one array: canonical extended JSON text. */
const MIXED: Schema = SchemaBuilder.string()
  .name(BSON_SCHEMA_NAMES.extendedJson)
  .optional()
  .build();
const OBJECT_ID: Schema = SchemaBuilder.string()
  .name(BSON_SCHEMA_NAMES.objectId)
  .optional()
  .build();
const DECIMAL128_TEXT: Schema = SchemaBuilder.string()
  .name(BSON_SCHEMA_NAMES.decimal128)
  .optional()
  .build();
const TIMESTAMP_STRUCT: Schema = SchemaBuilder.struct()
  .name(BSON_SCHEMA_NAMES.timestamp)
  .field('t', SchemaBuilder.int64().build())
  .field('i', SchemaBuilder.int64().build())
  .optional()
  .build();
const OPTIONAL_TIMESTAMP: Schema = SchemaBuilder.int64()
  .name(TIMESTAMP_LOGICAL_NAME)
  .version(1)
  .optional()
  .build();
const PRIMITIVES = {
  boolean: SchemaBuilder.bool().optional().build(),
  int32: SchemaBuilder.int32().optional().build(),
  int64: SchemaBuilder.int64().optional().build(),
  double: SchemaBuilder.float64().optional().build(),
  string: SchemaBuilder.string().optional().build(),
  bytes: SchemaBuilder.bytes().optional().build(),
};
const binarySchemas = new Map<number, Schema>();

function bsonTypeOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int32' : 'double';
  if (typeof value === 'bigint') return 'int64';
  if (value instanceof Date) return 'date';
  if (Array.isArray(value)) return 'array';
  const tag = (value as { _bsontype?: string })._bsontype;
  return tag ?? 'document';
}

const fieldPath = (parent: string, name: string) =>
  parent === 'default' ? name : `${parent}_${name}`;

/** The schema mongo-kafka's inference gives `value` (see the README's type mapping), at `path`. */
function inferValue(path: string, value: unknown): Schema {
  switch (bsonTypeOf(value)) {
    case 'null':
      return NULL_SENTINEL;
    case 'string':
      return PRIMITIVES.string;
    case 'boolean':
      return PRIMITIVES.boolean;
    case 'int32':
    case 'Int32':
      return PRIMITIVES.int32;
    case 'int64':
    case 'Long':
      return PRIMITIVES.int64;
    case 'double':
    case 'Double':
      return PRIMITIVES.double;
    case 'date':
      return OPTIONAL_TIMESTAMP;
    case 'ObjectId':
      return OBJECT_ID;
    case 'Timestamp':
      return TIMESTAMP_STRUCT;
    case 'Decimal128': {
      const d = decimalOf(value as Decimal128);
      return d === null ? DECIMAL128_TEXT : Decimal.builder(d.scale).optional().build();
    }
    case 'Binary': {
      const subtype = (value as Binary).sub_type;
      if (subtype === 0) return PRIMITIVES.bytes;
      let schema = binarySchemas.get(subtype);
      if (schema === undefined) {
        schema = SchemaBuilder.bytes()
          .name(BSON_SCHEMA_NAMES.binary)
          .parameter('subtype', String(subtype))
          .optional()
          .build();
        binarySchemas.set(subtype, schema);
      }
      return schema;
    }
    case 'array': {
      let items: Schema = NULL_SENTINEL;
      for (const v of value as unknown[]) {
        items = combine(items, inferValue(path, v));
        if (items === MIXED) break;
      }
      return SchemaBuilder.array(items).name(path).optional().build();
    }
    case 'document':
      return inferStruct(path, value as Document)
        .optional()
        .build();
    default:
      return MIXED;
  }
}

function inferStruct(path: string, doc: Document): SchemaBuilder {
  const builder = SchemaBuilder.struct().name(path);
  for (const [name, v] of Object.entries(doc))
    builder.field(name, inferValue(fieldPath(path, name), v));
  return builder;
}

/** One schema for two values of an array: mongo-kafka's rules, mixed types become extended JSON. */
function combine(a: Schema, b: Schema): Schema {
  if (a === NULL_SENTINEL) return b;
  if (b === NULL_SENTINEL || a === b) return a;
  if (a.type !== b.type || a.name !== b.name) {
    if (a.type === 'ARRAY' && b.type === 'ARRAY')
      return SchemaBuilder.array(combine(a.valueSchema as Schema, b.valueSchema as Schema))
        .name(a.name ?? '')
        .optional()
        .build();
    return MIXED;
  }
  if (a.type === 'STRUCT') {
    const builder = SchemaBuilder.struct()
      .name(a.name ?? '')
      .optional();
    const names = [...a.fields.map((f) => f.name), ...b.fields.map((f) => f.name)];
    for (const name of new Set(names)) {
      const fa = a.field(name)?.schema;
      const fb = b.field(name)?.schema;
      builder.field(
        name,
        fa === undefined ? (fb as Schema) : fb === undefined ? fa : combine(fa, fb),
      );
    }
    return builder.build();
  }
  if (a.type === 'ARRAY')
    return SchemaBuilder.array(combine(a.valueSchema as Schema, b.valueSchema as Schema))
      .name(a.name ?? '')
      .optional()
      .build();
  // Same type and name but other parameters (two Decimal scales, two binary subtypes).
  return JSON.stringify(a.parameters) === JSON.stringify(b.parameters) ? a : MIXED;
}

/** The schema inferred from one document: a required struct named `default`, fields in document order. */
export function inferDocumentSchema(doc: Document): Schema {
  return inferStruct('default', doc).build();
}

function numeric(value: unknown, path: string, type: string): number | bigint {
  switch (bsonTypeOf(value)) {
    case 'int32':
    case 'double':
      return value as number;
    case 'Int32':
    case 'Double':
      return (value as Int32 | Double).value;
    case 'int64':
      return value as bigint;
    case 'Long':
      return (value as Long).toBigInt();
    case 'Timestamp':
      // mongo-kafka: a BSON timestamp's seconds, in milliseconds.
      return BigInt((value as Timestamp).high) * 1000n;
    case 'date':
      return BigInt((value as Date).getTime());
    default:
      throw new DataException(
        `Field ${path}: schema type of ${type} but value was of type ${bsonTypeOf(value).toLowerCase()}`,
      );
  }
}

function integer(n: number | bigint, path: string, min: bigint, max: bigint, type: string): bigint {
  const big = typeof n === 'bigint' ? n : Number.isInteger(n) ? BigInt(n) : null;
  if (big === null || big < min || big > max)
    throw new DataException(`Field ${path}: ${n} does not fit a ${type}`);
  return big;
}

/**
 * A BSON value (as deserialized with exact types) as the Connect value of `schema`, with
 * mongo-kafka's conversions (a document or other value given to a STRING field becomes JSON text
 * in `mode`), and the named schemas of BSON_SCHEMA_NAMES.
 */
export function toConnect(schema: Schema, value: unknown, path: string, mode: JsonMode): unknown {
  if (value === null || value === undefined) {
    if (schema.optional || schema.defaultValue !== null) return schema.defaultValue ?? null;
    throw new DataException(`Field ${path}: a null value for a required ${schema.type} field`);
  }
  switch (schema.name) {
    case BSON_SCHEMA_NAMES.objectId:
      if (value instanceof ObjectId) return value.toHexString();
      break;
    case BSON_SCHEMA_NAMES.decimal128:
      return String(value);
    case BSON_SCHEMA_NAMES.extendedJson:
      return bsonToExtendedJson(value);
    case BSON_SCHEMA_NAMES.binary:
      if (value instanceof Binary) return value.value();
      break;
    case BSON_SCHEMA_NAMES.timestamp:
      if (value instanceof Timestamp)
        return new Struct(schema).put('t', BigInt(value.high)).put('i', BigInt(value.low));
      break;
    case Decimal.LOGICAL_NAME: {
      if (!(value instanceof Decimal128))
        throw new DataException(
          `Field ${path}: schema type of decimal but value was of type ${bsonTypeOf(value).toLowerCase()}`,
        );
      const d = decimalOf(value);
      if (d === null)
        throw new DataException(
          `Field ${path}: the Decimal128 ${value.toString()} has no Connect Decimal`,
        );
      const scale = Decimal.scaleOf(schema);
      return d.scale === scale ? d : d.setScale(scale);
    }
  }
  switch (schema.type) {
    case 'INT8':
      return Number(integer(numeric(value, path, 'int8'), path, -128n, 127n, 'int8'));
    case 'INT16':
      return Number(integer(numeric(value, path, 'int16'), path, -32768n, 32767n, 'int16'));
    case 'INT32': {
      const n = Number(
        integer(numeric(value, path, 'int32'), path, BigInt(INT32_MIN), BigInt(INT32_MAX), 'int32'),
      );
      return schema.name === DATE_LOGICAL_NAME || schema.name === TIME_LOGICAL_NAME
        ? new Date(n)
        : n;
    }
    case 'INT64': {
      const n = integer(numeric(value, path, 'int64'), path, INT64_MIN, INT64_MAX, 'int64');
      return schema.name === TIMESTAMP_LOGICAL_NAME ? new Date(Number(n)) : n;
    }
    case 'FLOAT32':
    case 'FLOAT64':
      return Number(numeric(value, path, schema.type.toLowerCase()));
    case 'BOOLEAN':
      if (typeof value !== 'boolean')
        throw new DataException(
          `Field ${path}: schema type of boolean but value was of type ${bsonTypeOf(value).toLowerCase()}`,
        );
      return value;
    case 'STRING':
      if (typeof value === 'string') return value;
      if (isDocument(value)) return documentJson(value, mode);
      return bsonValueToJson(value, mode);
    case 'BYTES':
      if (typeof value === 'string') return new TextEncoder().encode(value);
      if (value instanceof Binary) return value.value();
      if (isDocument(value)) return BSON.serialize(value);
      throw new DataException(
        `Field ${path}: schema type of bytes but value was of type ${bsonTypeOf(value).toLowerCase()}`,
      );
    case 'ARRAY':
      if (!Array.isArray(value))
        throw new DataException(
          `Field ${path}: schema type of array but value was of type ${bsonTypeOf(value).toLowerCase()}`,
        );
      return value.map((v, i) => toConnect(schema.valueSchema as Schema, v, `${path}.${i}`, mode));
    case 'MAP': {
      if (!isDocument(value))
        throw new DataException(
          `Field ${path}: schema type of map but value was of type ${bsonTypeOf(value).toLowerCase()}`,
        );
      const out = new Map<string, unknown>();
      for (const [k, v] of Object.entries(value))
        out.set(k, toConnect(schema.valueSchema as Schema, v, `${path}.${k}`, mode));
      return out;
    }
    case 'STRUCT': {
      if (!isDocument(value))
        throw new DataException(
          `Field ${path}: schema type of struct but value was of type ${bsonTypeOf(value).toLowerCase()}`,
        );
      const struct = new Struct(schema);
      for (const field of schema.fields) {
        const v = lookup(value, field.name);
        const fieldAt = path === '' ? field.name : `${path}.${field.name}`;
        if (v === undefined) {
          if (!field.schema.optional && field.schema.defaultValue === null)
            throw new DataException(
              `Missing field '${field.name}' in: '${documentJson(value, mode)}'`,
            );
          struct.put(field, field.schema.defaultValue);
        } else struct.put(field, toConnect(field.schema, v, fieldAt, mode));
      }
      return struct;
    }
  }
  throw new DataException(`Field ${path}: unsupported schema type ${schema.type}`);
}

/** A field by name, or by dotted path (mongo-kafka's BsonDocumentFieldLookup). */
function lookup(doc: Document, name: string): unknown {
  if (name in doc) return doc[name];
  if (!name.includes('.')) return undefined;
  let current: unknown = doc;
  for (const part of name.split('.')) {
    if (!isDocument(current) || !(part in current)) return undefined;
    current = current[part];
  }
  return current;
}

/** A document as JSON text in `mode`. */
export function documentJson(doc: Document, mode: JsonMode): string {
  return bsonValueToJson(doc, mode);
}

/** Any BSON value as canonical extended JSON text (the inverse of `extendedJsonValue`). */
export function bsonToExtendedJson(value: unknown): string {
  const text = EJSON.stringify({ v: value }, { relaxed: false });
  return text.slice(5, -1);
}
