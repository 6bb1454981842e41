import type { Schema } from './schema.js';

/** A value with its schema (`null` when schemaless), as converters return it. */
export interface SchemaAndValue {
  readonly schema: Schema | null;
  readonly value: unknown;
}

/** The schemaless null, as Kafka's `SchemaAndValue.NULL` (a converter's answer to null bytes). */
export const NULL_SCHEMA_AND_VALUE: SchemaAndValue = Object.freeze({ schema: null, value: null });
