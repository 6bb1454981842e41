import { Decimal } from './decimal.js';
import { DataException } from './errors.js';
import { DECIMAL_LOGICAL_NAME } from './logical-names.js';
import type { Field, Schema, SchemaType } from './schema.js';
import { schemaEquals, valuesEqual } from './schema-equality.js';
import {
  describeValue,
  logicalType,
  validateStructFields,
  validateValue,
} from './validate-value.js';

const BRAND = Symbol.for('@sluice/api:Struct');

/** The values `Struct.fromTrustedValues` hands to the constructor it calls (then cleared). */
let adopted: unknown[] | undefined;

/**
 * A field's value as Kafka's `Struct.toString` shows it: maps as `{key=value, ...}` and lists as
 * `[a, b]` (Java's collections), nested values the same way; dates in ISO 8601.
 */
function valueText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Map) {
    const entries = [...value].map(([k, v]) => `${valueText(k)}=${valueText(v)}`);
    return `{${entries.join(', ')}}`;
  }
  if (Array.isArray(value)) return `[${value.map(valueText).join(', ')}]`;
  if (typeof value === 'object' && !(value instanceof Struct) && !(value instanceof Decimal))
    return describeValue(value);
  return String(value);
}

/**
 * A value of a STRUCT schema: one slot per field. `put` checks each value against its field's
 * schema as it is set; `validate()` checks that every required field is set.
 */
export class Struct {
  readonly schema: Schema;
  private readonly values: unknown[];

  constructor(schema: Schema) {
    if (schema.type !== 'STRUCT') {
      throw new DataException(`Not a struct schema: ${String(schema)}`);
    }
    this.schema = schema;
    const values = adopted;
    adopted = undefined;
    this.values = values ?? new Array<unknown>(schema.fields.length).fill(null);
  }

  /**
   * A Struct holding `values` (one per field, in field order; `null` or `undefined` for a field
   * not set) without checking them against the schema. For code that has just produced every
   * value from this very schema, such as a converter's compiled reader: `put` would check each
   * value again, nested structs included. Only the shape is checked (a STRUCT schema, one value
   * per field); the array is adopted, not copied, so the caller must not keep changing it.
   * A value that does not match its field is not detected here: `validate()` still finds it.
   */
  static fromTrustedValues(schema: Schema, values: unknown[]): Struct {
    if (values.length !== schema.fields.length) {
      throw new DataException(
        `${String(schema)} has ${schema.fields.length} fields, got ${values.length} values`,
      );
    }
    if (schema.type !== 'STRUCT') {
      throw new DataException(`Not a struct schema: ${String(schema)}`);
    }
    adopted = values;
    return new Struct(schema);
  }

  private lookupField(fieldName: string): Field {
    const field = this.schema.field(fieldName);
    if (field === undefined) {
      throw new DataException(`${fieldName} is not a valid field name of ${String(this.schema)}`);
    }
    return field;
  }

  /** The field's value, or its schema's default when it was not set. */
  get(field: string | Field): unknown {
    const f = typeof field === 'string' ? this.lookupField(field) : field;
    const value = this.values[f.index] ?? null;
    return value === null ? f.schema.defaultValue : value;
  }

  /**
   * The field's value as set, without falling back to its default (`null` when unset). A `Field`
   * is read by its index, without a name look-up; it must be a field of this struct's schema
   * (or of an equal schema), as for `get`.
   */
  getWithoutDefault(field: string | Field): unknown {
    const index = typeof field === 'string' ? this.lookupField(field).index : field.index;
    return this.values[index] ?? null;
  }

  /**
   * The value of a field of `type` that is the logical type `logical` (or no logical type). A
   * logical field holds a Decimal or a Date, so the getter of its underlying type would mistype it.
   */
  private getChecked(fieldName: string, type: SchemaType, logical: string | null = null): unknown {
    const field = this.lookupField(fieldName);
    if (field.schema.type !== type) {
      throw new DataException(`Field '${fieldName}' is not of type ${type}`);
    }
    const actual = logicalType(field.schema);
    if (actual !== logical) {
      const hint =
        actual === null
          ? `is not a ${logical}`
          : `is a ${actual}: use ${actual === DECIMAL_LOGICAL_NAME ? 'getDecimal' : 'getDate'}`;
      throw new DataException(`Field '${fieldName}' ${hint}`);
    }
    return this.get(field);
  }

  /** An INT8 field (or its default). */
  getInt8(fieldName: string): number | null {
    return this.getChecked(fieldName, 'INT8') as number | null;
  }
  /** An INT16 field (or its default). */
  getInt16(fieldName: string): number | null {
    return this.getChecked(fieldName, 'INT16') as number | null;
  }
  /** An INT32 field (or its default). Date and Time fields hold a `Date`: use `get`. */
  getInt32(fieldName: string): number | null {
    return this.getChecked(fieldName, 'INT32') as number | null;
  }
  /** An INT64 field (or its default). Timestamp fields hold a `Date`: use `get`. */
  getInt64(fieldName: string): bigint | null {
    return this.getChecked(fieldName, 'INT64') as bigint | null;
  }
  /** A FLOAT32 field (or its default). */
  getFloat32(fieldName: string): number | null {
    return this.getChecked(fieldName, 'FLOAT32') as number | null;
  }
  /** A FLOAT64 field (or its default). */
  getFloat64(fieldName: string): number | null {
    return this.getChecked(fieldName, 'FLOAT64') as number | null;
  }
  /** A BOOLEAN field (or its default). */
  getBoolean(fieldName: string): boolean | null {
    return this.getChecked(fieldName, 'BOOLEAN') as boolean | null;
  }
  /** A STRING field (or its default). */
  getString(fieldName: string): string | null {
    return this.getChecked(fieldName, 'STRING') as string | null;
  }
  /** A BYTES field (or its default). Decimal fields hold a `Decimal`: use `getDecimal`. */
  getBytes(fieldName: string): Uint8Array | null {
    return this.getChecked(fieldName, 'BYTES') as Uint8Array | null;
  }
  /** A Decimal (logical type) field (or its default). */
  getDecimal(fieldName: string): Decimal | null {
    return this.getChecked(fieldName, 'BYTES', DECIMAL_LOGICAL_NAME) as Decimal | null;
  }
  /** A Date, Time or Timestamp (logical type) field (or its default). */
  getDate(fieldName: string): Date | null {
    const value = this.get(fieldName);
    if (value !== null && !(value instanceof Date)) {
      throw new DataException(`Field '${fieldName}' does not hold a Date`);
    }
    return value;
  }
  /** An ARRAY field (or its default). */
  getArray<T = unknown>(fieldName: string): T[] | null {
    return this.getChecked(fieldName, 'ARRAY') as T[] | null;
  }
  /** A MAP field (or its default). */
  getMap<K = unknown, V = unknown>(fieldName: string): Map<K, V> | null {
    return this.getChecked(fieldName, 'MAP') as Map<K, V> | null;
  }
  /** A STRUCT field (or its default). */
  getStruct(fieldName: string): Struct | null {
    return this.getChecked(fieldName, 'STRUCT') as Struct | null;
  }

  /** Sets a field after checking the value against the field's schema; returns `this`. */
  put(field: string | Field, value: unknown): this {
    const f = this.lookupField(typeof field === 'string' ? field : field.name);
    validateValue(f.schema, value, f.name);
    this.values[f.index] = value ?? null;
    return this;
  }

  /**
   * Throws a DataException naming the field path (`customer.address.zip`) unless every required
   * field without a default is set and every value matches its schema.
   */
  validate(): void {
    validateStructFields(this);
  }

  /** Same schema (deeply) and equal values (see `valuesEqual`). */
  equals(other: unknown): boolean {
    if (other === this) return true;
    if (!(other instanceof Struct) || !schemaEquals(this.schema, other.schema)) return false;
    return this.schema.fields.every((f) =>
      valuesEqual(this.values[f.index] ?? null, other.getWithoutDefault(f.name)),
    );
  }

  /** `Struct{name=Ada,age=36}`, listing the fields that are set. */
  toString(): string {
    const parts: string[] = [];
    for (const field of this.schema.fields) {
      const value = this.values[field.index] ?? null;
      if (value === null) continue;
      parts.push(`${field.name}=${valueText(value)}`);
    }
    return `Struct{${parts.join(',')}}`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as { [BRAND]?: unknown })[BRAND] === true
    );
  }
}

Object.defineProperty(Struct.prototype, BRAND, { value: true });
