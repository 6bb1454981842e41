import { type ConnectRecord, DataException, type Schema, SinkRecord, Struct } from '@sluice/api';
import { isSchemalessMap, type SchemalessMap } from './schemaless-map.js';
import { valueKind } from './value-kind.js';

/** Throws unless the part has a schema (Kafka's `Requirements.requireSchema`). */
export function requireSchema(schema: Schema | null, purpose: string): Schema {
  if (schema === null) throw new DataException(`Schema required for [${purpose}]`);
  return schema;
}

/** Throws unless the value is a schemaless map. */
export function requireMap(value: unknown, purpose: string): SchemalessMap {
  if (!isSchemalessMap(value)) {
    throw new DataException(
      `Only Map objects supported in absence of schema for [${purpose}], found: ${valueKind(value)}`,
    );
  }
  return value;
}

/** `null` for `null`, else as {@link requireMap}. */
export function requireMapOrNull(value: unknown, purpose: string): SchemalessMap | null {
  return value === null || value === undefined ? null : requireMap(value, purpose);
}

/** Throws unless the value is a Struct. */
export function requireStruct(value: unknown, purpose: string): Struct {
  if (!(value instanceof Struct)) {
    throw new DataException(
      `Only Struct objects supported for [${purpose}], found: ${valueKind(value)}`,
    );
  }
  return value;
}

/** `null` for `null`, else as {@link requireStruct}. */
export function requireStructOrNull(value: unknown, purpose: string): Struct | null {
  return value === null || value === undefined ? null : requireStruct(value, purpose);
}

/** Throws unless the record was consumed from Kafka (it has an offset). */
export function requireSinkRecord(record: ConnectRecord, purpose: string): SinkRecord {
  if (!(record instanceof SinkRecord)) {
    throw new DataException(
      `Only SinkRecord supported for [${purpose}], found: ${record.constructor.name}`,
    );
  }
  return record;
}
