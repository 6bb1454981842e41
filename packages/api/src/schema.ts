import { DataException } from './errors.js';

/** The twelve Kafka Connect schema types. */
export type SchemaType =
  | 'INT8'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'FLOAT32'
  | 'FLOAT64'
  | 'BOOLEAN'
  | 'STRING'
  | 'BYTES'
  | 'ARRAY'
  | 'MAP'
  | 'STRUCT';

/** Every schema type, in Kafka's order. */
export const SCHEMA_TYPES: readonly SchemaType[] = Object.freeze([
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FLOAT32',
  'FLOAT64',
  'BOOLEAN',
  'STRING',
  'BYTES',
  'ARRAY',
  'MAP',
  'STRUCT',
]);

/** True for every type but ARRAY, MAP and STRUCT. */
export function isPrimitiveType(type: SchemaType): boolean {
  return type !== 'ARRAY' && type !== 'MAP' && type !== 'STRUCT';
}

/**
 * A Kafka Connect schema. Instances are immutable ({@link ConnectSchema}); build them with
 * `SchemaBuilder` or use the predefined `Schema.INT32_SCHEMA`, `Schema.OPTIONAL_STRING_SCHEMA`, ...
 *
 * Values of each type (see the package README, "Data model"):
 * INT8/INT16/INT32 number (integer, range-checked), INT64 bigint, FLOAT32/FLOAT64 number,
 * BOOLEAN boolean, STRING string, BYTES Uint8Array, ARRAY unknown[], MAP Map, STRUCT Struct;
 * logical types Decimal → `Decimal`, Date/Time/Timestamp → JS `Date`.
 */
export interface Schema {
  readonly type: SchemaType;
  /** Whether `null` is a valid value. */
  readonly optional: boolean;
  /** The value used when none is given; `null` when the schema has no default. */
  readonly defaultValue: unknown;
  /** The schema's name (structs, logical types), or `null`. */
  readonly name: string | null;
  readonly version: number | null;
  readonly doc: string | null;
  /** Extra string parameters (logical types use them, e.g. Decimal's `scale`), or `null`. */
  readonly parameters: Readonly<Record<string, string>> | null;
  /** The fields of a STRUCT schema, in order; empty for every other type. */
  readonly fields: readonly Field[];
  /** The key schema of a MAP; `null` for every other type. */
  readonly keySchema: Schema | null;
  /** The value schema of a MAP, the item schema of an ARRAY; `null` for every other type. */
  readonly valueSchema: Schema | null;
  /** The STRUCT field with this name, or `undefined`. Throws a DataException on a non-STRUCT schema. */
  field(name: string): Field | undefined;
}

/** A field of a STRUCT schema: its name, position and schema. */
export class Field {
  constructor(
    readonly name: string,
    readonly index: number,
    readonly schema: Schema,
  ) {
    Object.freeze(this);
  }

  toString(): string {
    return `Field{name=${this.name}, index=${this.index}, schema=${String(this.schema)}}`;
  }
}

/** What {@link ConnectSchema}'s constructor takes; every property but `type` is optional. */
export interface ConnectSchemaInit {
  type: SchemaType;
  optional?: boolean | undefined;
  defaultValue?: unknown;
  name?: string | null | undefined;
  version?: number | null | undefined;
  doc?: string | null | undefined;
  parameters?: Readonly<Record<string, string>> | null | undefined;
  fields?: readonly Field[] | undefined;
  keySchema?: Schema | null | undefined;
  valueSchema?: Schema | null | undefined;
}

const EMPTY_FIELDS: readonly Field[] = Object.freeze([]);

/**
 * The immutable implementation of {@link Schema}. It does not check its default value; use
 * `SchemaBuilder`, which does.
 */
export class ConnectSchema implements Schema {
  readonly type: SchemaType;
  readonly optional: boolean;
  readonly defaultValue: unknown;
  readonly name: string | null;
  readonly version: number | null;
  readonly doc: string | null;
  readonly parameters: Readonly<Record<string, string>> | null;
  readonly fields: readonly Field[];
  readonly keySchema: Schema | null;
  readonly valueSchema: Schema | null;
  private readonly fieldsByName: ReadonlyMap<string, Field> | null;

  constructor(init: ConnectSchemaInit) {
    this.type = init.type;
    this.optional = init.optional ?? false;
    this.defaultValue = init.defaultValue ?? null;
    this.name = init.name ?? null;
    this.version = init.version ?? null;
    this.doc = init.doc ?? null;
    this.parameters = init.parameters ? Object.freeze({ ...init.parameters }) : null;
    if (init.type === 'STRUCT') {
      this.fields = Object.freeze([...(init.fields ?? [])]);
      this.fieldsByName = new Map(this.fields.map((f) => [f.name, f]));
    } else {
      this.fields = EMPTY_FIELDS;
      this.fieldsByName = null;
    }
    this.keySchema = init.type === 'MAP' ? (init.keySchema ?? null) : null;
    this.valueSchema =
      init.type === 'MAP' || init.type === 'ARRAY' ? (init.valueSchema ?? null) : null;
    Object.freeze(this);
  }

  field(name: string): Field | undefined {
    if (this.fieldsByName === null) {
      throw new DataException(`Cannot look up fields on non-struct type ${this.type}`);
    }
    return this.fieldsByName.get(name);
  }

  toString(): string {
    return this.name === null ? `Schema{${this.type}}` : `Schema{${this.name}:${this.type}}`;
  }
}

function predefined(type: SchemaType, optional: boolean): Schema {
  return new ConnectSchema({ type, optional });
}

/** The predefined schemas, as in Kafka's `Schema` interface. */
export const Schema = Object.freeze({
  INT8_SCHEMA: predefined('INT8', false),
  INT16_SCHEMA: predefined('INT16', false),
  INT32_SCHEMA: predefined('INT32', false),
  INT64_SCHEMA: predefined('INT64', false),
  FLOAT32_SCHEMA: predefined('FLOAT32', false),
  FLOAT64_SCHEMA: predefined('FLOAT64', false),
  BOOLEAN_SCHEMA: predefined('BOOLEAN', false),
  STRING_SCHEMA: predefined('STRING', false),
  BYTES_SCHEMA: predefined('BYTES', false),
  OPTIONAL_INT8_SCHEMA: predefined('INT8', true),
  OPTIONAL_INT16_SCHEMA: predefined('INT16', true),
  OPTIONAL_INT32_SCHEMA: predefined('INT32', true),
  OPTIONAL_INT64_SCHEMA: predefined('INT64', true),
  OPTIONAL_FLOAT32_SCHEMA: predefined('FLOAT32', true),
  OPTIONAL_FLOAT64_SCHEMA: predefined('FLOAT64', true),
  OPTIONAL_BOOLEAN_SCHEMA: predefined('BOOLEAN', true),
  OPTIONAL_STRING_SCHEMA: predefined('STRING', true),
  OPTIONAL_BYTES_SCHEMA: predefined('BYTES', true),
});
