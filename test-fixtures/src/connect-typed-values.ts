/**
 * The language-neutral form the differential tests exchange with their Java harnesses
 * (`java/sluice/harness/ConnectValues.java`): a schema description and values tagged with
 * their Connect type (floats as raw IEEE bits, int64 as text), so that both sides build and
 * dump Connect data without going through a converter.
 */
import { fileURLToPath } from 'node:url';
import { Decimal, type Schema, SchemaBuilder, type SchemaType, Struct } from '@sluice/api';

/** The folder of `ConnectValues.java`, this module's Java side, for a harness's `sourceDirs`. */
export const CONNECT_VALUES_JAVA_DIR = fileURLToPath(new URL('../java', import.meta.url));

/** A Connect schema, described as JSON. */
export interface VectorSchema {
  type: string;
  optional?: boolean;
  name?: string;
  version?: number;
  doc?: string;
  parameters?: Record<string, string>;
  default?: TypedValue;
  fields?: { name: string; schema: VectorSchema }[];
  items?: VectorSchema;
  keys?: VectorSchema;
  values?: VectorSchema;
}

/** A Connect value tagged with its type, e.g. `{ int64: "5" }`, or null. */
export type TypedValue = null | { [tag: string]: unknown };

/**
 * How the code under test represents schemaless data that has more than one JS form; the
 * defaults suit a converter that keeps int64 and float64 apart and reads maps as `Map`s.
 */
export interface TypedValueOptions {
  /** `toValue`: schemaless maps whose keys are all strings become plain objects. */
  readonly stringKeyedMapsAsObjects?: boolean;
  /**
   * `canonical`, in schemaless data: `int64-when-integral` writes integral float64s as
   * int64 (schemaless `1.0` and `1` are one JS value); `by-value` writes every number,
   * whatever its tag, as `{ number: "<value>" }`.
   */
  readonly schemalessNumbers?: 'int64-when-integral' | 'by-value';
}

/** The conversions between typed JSON and Sluice's Connect data, set up for one test. */
export interface ConnectTypedValues {
  /** Builds the Connect schema a description gives (null for none). */
  toSchema(s: VectorSchema | null): Schema | null;
  /** Builds the JS Connect value a typed value describes (schemaless when schema is null). */
  toValue(schema: Schema | null, v: TypedValue): unknown;
  /** Dumps a Connect schema the way the Java harness does. */
  dumpSchema(s: Schema | null): unknown;
  /** Dumps a Connect value the way the Java harness does. */
  dumpValue(s: Schema | null, v: unknown): TypedValue;
  /**
   * Puts a dump in a canonical form for comparison: map entries sorted (Kafka builds
   * HashMaps) and, when `schemaless`, numbers as `TypedValueOptions.schemalessNumbers` says.
   */
  canonical(dump: unknown, schemaless?: boolean): unknown;
}

const TYPES: Record<string, SchemaType> = {
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  float32: 'FLOAT32',
  float64: 'FLOAT64',
  boolean: 'BOOLEAN',
  string: 'STRING',
  bytes: 'BYTES',
  array: 'ARRAY',
  map: 'MAP',
  struct: 'STRUCT',
};

const TYPE_NAMES: Record<SchemaType, string> = {
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FLOAT32: 'float32',
  FLOAT64: 'float64',
  BOOLEAN: 'boolean',
  STRING: 'string',
  BYTES: 'bytes',
  ARRAY: 'array',
  MAP: 'map',
  STRUCT: 'struct',
};

const LOGICAL_TAGS: Record<string, string> = {
  'org.apache.kafka.connect.data.Date': 'date',
  'org.apache.kafka.connect.data.Time': 'time',
  'org.apache.kafka.connect.data.Timestamp': 'timestamp',
};

function floatFromBits(hex: string, width: 32 | 64): number {
  const view = new DataView(new ArrayBuffer(8));
  if (width === 32) {
    view.setUint32(0, Number.parseInt(hex, 16));
    return view.getFloat32(0);
  }
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

function bitsOf(value: number, width: 32 | 64): string {
  const view = new DataView(new ArrayBuffer(8));
  if (width === 32) {
    view.setFloat32(0, value);
    return view.getUint32(0).toString(16).padStart(8, '0');
  }
  view.setFloat64(0, value);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

/** A float64 typed value, for writing test vectors. */
export const f64 = (value: number): TypedValue => ({ float64: bitsOf(value, 64) });
/** A float32 typed value, for writing test vectors. */
export const f32 = (value: number): TypedValue => ({ float32: bitsOf(value, 32) });

/** The typed-value conversions, with the schemaless representation `options` chooses. */
export function connectTypedValues(options: TypedValueOptions = {}): ConnectTypedValues {
  const stringKeyedMapsAsObjects = options.stringKeyedMapsAsObjects ?? false;
  const numbersByValue = options.schemalessNumbers === 'by-value';

  function toSchema(s: VectorSchema | null): Schema | null {
    if (s === null) return null;
    const type = TYPES[s.type];
    if (type === undefined) throw new Error(`unknown type ${s.type}`);
    let b: SchemaBuilder;
    if (type === 'ARRAY') b = SchemaBuilder.array(toSchema(s.items ?? null) as Schema);
    else if (type === 'MAP') {
      b = SchemaBuilder.map(
        toSchema(s.keys ?? null) as Schema,
        toSchema(s.values ?? null) as Schema,
      );
    } else if (type === 'STRUCT') {
      b = SchemaBuilder.struct();
      for (const f of s.fields ?? []) b.field(f.name, toSchema(f.schema) as Schema);
    } else b = SchemaBuilder.type(type);
    if (s.optional === true) b.optional();
    if (s.name !== undefined) b.name(s.name);
    if (s.version !== undefined) b.version(s.version);
    if (s.doc !== undefined) b.doc(s.doc);
    for (const [k, v] of Object.entries(s.parameters ?? {})) b.parameter(k, v);
    if (s.default !== undefined) b.defaultValue(toValue(b.build(), s.default));
    return b.build();
  }

  function toValue(schema: Schema | null, v: TypedValue): unknown {
    if (v === null) return null;
    const [tag, x] = Object.entries(v)[0] as [string, unknown];
    switch (tag) {
      case 'int8':
      case 'int16':
      case 'int32':
        return x as number;
      case 'int64': {
        const big = BigInt(x as string);
        return schema === null && Number.isSafeInteger(Number(big)) ? Number(big) : big;
      }
      case 'float32':
        return floatFromBits(x as string, 32);
      case 'float64':
        return floatFromBits(x as string, 64);
      case 'boolean':
      case 'string':
        return x;
      case 'bytes':
        return new Uint8Array(Buffer.from(x as string, 'base64'));
      case 'decimal': {
        const d = x as { unscaled: string; scale: number };
        return new Decimal(BigInt(d.unscaled), d.scale);
      }
      case 'date':
      case 'time':
      case 'timestamp':
        return new Date(Number(x));
      case 'array':
        return (x as TypedValue[]).map((e) => toValue(schema?.valueSchema ?? null, e));
      case 'map': {
        const entries = (x as [TypedValue, TypedValue][]).map(([k, val]): [unknown, unknown] => [
          toValue(schema?.keySchema ?? null, k),
          toValue(schema?.valueSchema ?? null, val),
        ]);
        if (
          stringKeyedMapsAsObjects &&
          schema === null &&
          entries.every(([k]) => typeof k === 'string')
        ) {
          return Object.fromEntries(entries);
        }
        return new Map(entries);
      }
      case 'struct': {
        if (schema === null) throw new Error('struct needs a schema');
        const struct = new Struct(schema);
        for (const [name, fv] of x as [string, TypedValue][]) {
          struct.put(name, toValue(schema.field(name)?.schema ?? null, fv));
        }
        return struct;
      }
      default:
        throw new Error(`unknown tag ${tag}`);
    }
  }

  function canonical(dump: unknown, schemaless = false): unknown {
    if (dump === null || typeof dump !== 'object') return dump;
    if (Array.isArray(dump)) return dump.map((e) => canonical(e, schemaless));
    const entries = Object.entries(dump as Record<string, unknown>);
    if (entries.length === 1) {
      const [tag, x] = entries[0] as [string, unknown];
      if (tag === 'map' && Array.isArray(x)) {
        const pairs = x.map((pair) => canonical(pair, schemaless));
        pairs.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
        return { map: pairs };
      }
      if (schemaless && numbersByValue) {
        if (tag === 'int8' || tag === 'int16' || tag === 'int32' || tag === 'int64') {
          return { number: String(x) };
        }
        if ((tag === 'float32' || tag === 'float64') && typeof x === 'string') {
          const value = floatFromBits(x, tag === 'float32' ? 32 : 64);
          return { number: Object.is(value, -0) ? '-0' : String(value) };
        }
      } else if (schemaless && tag === 'float64' && typeof x === 'string') {
        const value = floatFromBits(x, 64);
        if (Number.isInteger(value) && !Object.is(value, -0)) return { int64: String(value) };
      }
    }
    return Object.fromEntries(entries.map(([k, val]) => [k, canonical(val, schemaless)]));
  }

  return { toSchema, toValue, dumpSchema, dumpValue, canonical };
}

function dumpSchema(s: Schema | null): unknown {
  if (s === null) return null;
  const o: Record<string, unknown> = { type: TYPE_NAMES[s.type], optional: s.optional };
  if (s.name !== null) o.name = s.name;
  if (s.version !== null) o.version = s.version;
  if (s.doc !== null) o.doc = s.doc;
  if (s.parameters !== null) o.parameters = { ...s.parameters };
  if (s.defaultValue !== null) o.default = dumpValue(s, s.defaultValue);
  if (s.type === 'ARRAY') o.items = dumpSchema(s.valueSchema);
  if (s.type === 'MAP') {
    o.keys = dumpSchema(s.keySchema);
    o.values = dumpSchema(s.valueSchema);
  }
  if (s.type === 'STRUCT')
    o.fields = s.fields.map((f) => ({ name: f.name, schema: dumpSchema(f.schema) }));
  return o;
}

function dumpValue(s: Schema | null, v: unknown): TypedValue {
  if (v === null || v === undefined) return null;
  if (v instanceof Date)
    return { [LOGICAL_TAGS[s?.name ?? ''] ?? 'javadate']: String(v.getTime()) };
  if (v instanceof Decimal) return { decimal: { unscaled: v.unscaled.toString(), scale: v.scale } };
  if (typeof v === 'bigint') return { int64: v.toString() };
  if (typeof v === 'number') {
    if (s === null) {
      return Number.isInteger(v) && !Object.is(v, -0) ? { int64: String(v) } : f64(v);
    }
    if (s.type === 'FLOAT32') return f32(v);
    if (s.type === 'FLOAT64') return f64(v);
    return { [TYPE_NAMES[s.type]]: v };
  }
  if (typeof v === 'boolean') return { boolean: v };
  if (typeof v === 'string') return { string: v };
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('base64') };
  if (Array.isArray(v)) return { array: v.map((e) => dumpValue(s?.valueSchema ?? null, e)) };
  if (v instanceof Map) {
    return {
      map: [...v.entries()].map(([k, val]) => [
        dumpValue(s?.keySchema ?? null, k),
        dumpValue(s?.valueSchema ?? null, val),
      ]),
    };
  }
  if (v instanceof Struct) {
    return {
      struct: v.schema.fields.map((f) => [
        f.name,
        dumpValue(f.schema, v.getWithoutDefault(f.name)),
      ]),
    };
  }
  if (typeof v === 'object') {
    return {
      map: Object.entries(v).map(([k, val]) => [{ string: k }, dumpValue(null, val)]),
    };
  }
  return { unknown: typeof v };
}
