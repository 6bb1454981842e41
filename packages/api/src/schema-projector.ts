import { SchemaProjectorException } from './errors.js';
import type { Schema, SchemaType } from './schema.js';
import { Struct } from './struct.js';

// Numeric types in promotion order: a value may move to any type at or after its own.
const NUMERIC_ORDER: readonly SchemaType[] = [
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FLOAT32',
  'FLOAT64',
];

function isPromotable(source: SchemaType, target: SchemaType): boolean {
  const s = NUMERIC_ORDER.indexOf(source);
  const t = NUMERIC_ORDER.indexOf(target);
  return s >= 0 && t >= s;
}

function parametersEqual(
  a: Readonly<Record<string, string>> | null,
  b: Readonly<Record<string, string>> | null,
): boolean {
  if (a === null || b === null) return a === b;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function checkMaybeCompatible(source: Schema, target: Schema): void {
  if (source.type !== target.type && !isPromotable(source.type, target.type)) {
    throw new SchemaProjectorException(
      `Schema type mismatch. source type: ${source.type} and target type: ${target.type}`,
    );
  }
  if (source.name !== target.name) {
    throw new SchemaProjectorException(
      `Schema name mismatch. source name: ${source.name} and target name: ${target.name}`,
    );
  }
  if (!parametersEqual(source.parameters, target.parameters)) {
    throw new SchemaProjectorException(
      `Schema parameters not equal. source parameters: ${JSON.stringify(source.parameters)} and target parameters: ${JSON.stringify(target.parameters)}`,
    );
  }
}

function promote(value: unknown, source: Schema, target: Schema): unknown {
  if (source.type === target.type || (typeof value !== 'number' && typeof value !== 'bigint')) {
    return value;
  }
  // Promotion must not lose precision: an INT64 beyond 2^53 cannot become a FLOAT64 exactly.
  if (target.type === 'INT64') return BigInt(value);
  const n = Number(value);
  const exact = target.type === 'FLOAT32' ? Math.fround(n) === n : true;
  if (!exact || (typeof value === 'bigint' && BigInt(n) !== value)) {
    throw new SchemaProjectorException(
      `Cannot promote ${String(value)} from ${source.type} to ${target.type} without losing precision`,
    );
  }
  return n;
}

function projectStruct(source: Schema, value: unknown, target: Schema): Struct {
  if (!(value instanceof Struct)) {
    throw new SchemaProjectorException(`Expected a Struct for ${String(source)}`);
  }
  const projected = new Struct(target);
  for (const targetField of target.fields) {
    const name = targetField.name;
    const sourceField = source.field(name);
    if (sourceField !== undefined) {
      try {
        projected.put(name, project(sourceField.schema, value.get(name), targetField.schema));
      } catch (error) {
        if (error instanceof SchemaProjectorException) {
          throw new SchemaProjectorException(`Error projecting ${name}: ${error.message}`, {
            cause: error,
          });
        }
        throw error;
      }
    } else if (targetField.schema.defaultValue !== null) {
      // Kafka writes the default even for an optional field, so a converter sees it as set.
      projected.put(name, targetField.schema.defaultValue);
    } else if (!targetField.schema.optional) {
      throw new SchemaProjectorException(
        `Required field \`${name}\` is missing from source schema: ${String(source)}`,
      );
    }
  }
  return projected;
}

function projectRequired(source: Schema, value: unknown, target: Schema): unknown {
  switch (target.type) {
    case 'STRUCT':
      return projectStruct(source, value, target);
    case 'ARRAY': {
      const items = source.valueSchema;
      const targetItems = target.valueSchema;
      if (!Array.isArray(value) || items === null || targetItems === null) {
        throw new SchemaProjectorException(`Expected an array for ${String(source)}`);
      }
      return value.map((item) => project(items, item, targetItems));
    }
    case 'MAP': {
      const { keySchema, valueSchema } = source;
      const { keySchema: targetKeys, valueSchema: targetValues } = target;
      if (
        !(value instanceof Map) ||
        keySchema === null ||
        valueSchema === null ||
        targetKeys === null ||
        targetValues === null
      ) {
        throw new SchemaProjectorException(`Expected a Map for ${String(source)}`);
      }
      const projected = new Map<unknown, unknown>();
      for (const [k, v] of value) {
        projected.set(project(keySchema, k, targetKeys), project(valueSchema, v, targetValues));
      }
      return projected;
    }
    default:
      return promote(value, source, target);
  }
}

/**
 * Kafka's SchemaProjector: converts `value` (of schema `source`) into a value of the compatible
 * schema `target` — schema evolution for sinks and converters. Fields missing from the source are
 * filled from target defaults (or left unset when optional); fields the target lacks are dropped;
 * numbers are promoted along INT8 → INT16 → INT32 → INT64 → FLOAT32 → FLOAT64. Unlike Kafka, a
 * promotion that would lose precision (an INT64 beyond 2^53 to FLOAT64) throws instead of rounding.
 */
export function project(source: Schema, value: unknown, target: Schema): unknown {
  checkMaybeCompatible(source, target);
  const present = value !== null && value !== undefined;
  if (source.optional && !target.optional) {
    if (target.defaultValue === null) {
      throw new SchemaProjectorException(
        'Writer schema is optional, however, target schema does not provide a default value.',
      );
    }
    return present ? projectRequired(source, value, target) : target.defaultValue;
  }
  return present ? projectRequired(source, value, target) : null;
}

/** Kafka's `SchemaProjector`, as a namespace: `SchemaProjector.project(source, value, target)`. */
export const SchemaProjector = Object.freeze({ project });
