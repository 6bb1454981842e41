import { Decimal } from './decimal.js';
import type { Schema } from './schema.js';
import { Struct } from './struct.js';

function parametersEqual(
  a: Readonly<Record<string, string>> | null,
  b: Readonly<Record<string, string>> | null,
): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/**
 * Deep schema equality as in Kafka's `ConnectSchema.equals`: type, optional, name, version, doc,
 * default value, parameters, fields (name, index, schema), key and value schemas.
 */
export function schemaEquals(a: Schema | null | undefined, b: Schema | null | undefined): boolean {
  if (a === b) return true;
  if (a == null || b == null) return false;
  if (
    a.type !== b.type ||
    a.optional !== b.optional ||
    a.name !== b.name ||
    a.version !== b.version ||
    a.doc !== b.doc ||
    !parametersEqual(a.parameters, b.parameters) ||
    !valuesEqual(a.defaultValue, b.defaultValue)
  ) {
    return false;
  }
  if (a.type === 'STRUCT') {
    if (a.fields.length !== b.fields.length) return false;
    for (let i = 0; i < a.fields.length; i++) {
      const fa = a.fields[i];
      const fb = b.fields[i];
      if (fa === undefined || fb === undefined) return false;
      if (fa.name !== fb.name || fa.index !== fb.index || !schemaEquals(fa.schema, fb.schema)) {
        return false;
      }
    }
  }
  return schemaEquals(a.keySchema, b.keySchema) && schemaEquals(a.valueSchema, b.valueSchema);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function mapsEqual(a: ReadonlyMap<unknown, unknown>, b: ReadonlyMap<unknown, unknown>): boolean {
  if (a.size !== b.size) return false;
  const unmatched = [...b.entries()];
  for (const [key, value] of a) {
    // Keys may be bigints, bytes or structs: match by value, not by identity.
    if (b.has(key) && valuesEqual(value, b.get(key))) {
      const i = unmatched.findIndex(([k]) => Object.is(k, key));
      if (i >= 0) unmatched.splice(i, 1);
      continue;
    }
    const i = unmatched.findIndex(([k, v]) => valuesEqual(k, key) && valuesEqual(v, value));
    if (i < 0) return false;
    unmatched.splice(i, 1);
  }
  return true;
}

/**
 * Deep equality of Connect values, schema'd or schemaless: bigint and number by value (an INT64
 * `5n` is not the number `5`), bytes by content, Dates by time, Decimals by unscaled value and
 * scale, Maps by entries, Structs by schema and values, arrays and plain objects element-wise.
 */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof Uint8Array) return b instanceof Uint8Array && bytesEqual(a, b);
  if (a instanceof Date) return b instanceof Date && Object.is(a.getTime(), b.getTime());
  if (a instanceof Decimal) return a.equals(b);
  if (a instanceof Struct) return a.equals(b);
  if (Array.isArray(a)) {
    return (
      Array.isArray(b) && a.length === b.length && a.every((item, i) => valuesEqual(item, b[i]))
    );
  }
  if (a instanceof Map) return b instanceof Map && mapsEqual(a, b);
  if (Array.isArray(b) || b instanceof Map || b instanceof Uint8Array || b instanceof Date) {
    return false;
  }
  if (b instanceof Decimal || b instanceof Struct) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && valuesEqual(ra[k], rb[k]));
}
