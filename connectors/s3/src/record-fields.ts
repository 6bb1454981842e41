import { DataException, type Field, type Schema, Struct } from '@sluice/api';

/** The field at a dotted path (`address.city`) of a STRUCT schema, or `undefined`. */
export function nestedField(schema: Schema | null, path: string): Field | undefined {
  let current: Schema | null = schema;
  let field: Field | undefined;
  for (const name of path.split('.')) {
    if (current === null || current.type !== 'STRUCT') return undefined;
    field = current.field(name);
    if (field === undefined) return undefined;
    current = field.schema;
  }
  return field;
}

/** The value at a dotted path of a Struct or a Map/plain object (schemaless data), or `null`. */
export function nestedValue(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const name of path.split('.')) {
    if (current instanceof Struct) {
      if (current.schema.field(name) === undefined) {
        throw new DataException(`Field '${path}' is not present in the schema.`);
      }
      current = current.get(name);
    } else if (current instanceof Map) {
      current = current.get(name);
    } else if (current !== null && typeof current === 'object' && !Array.isArray(current)) {
      current = (current as Record<string, unknown>)[name];
    } else {
      return null;
    }
    if (current === undefined || current === null) return null;
  }
  return current;
}
