import { DataException } from '@sluice/api';
import type avro from 'avsc';
import { avroType } from './avro-type.js';
import { NAMESPACE } from './schema-mapping.js';

/** The full name of Confluent's record for schemaless values. */
export const ANYTHING_SCHEMA_NAME = `${NAMESPACE}.Anything`;

/**
 * Confluent's `io.confluent.connect.avro.Anything` schema: how AvroData writes a value without a
 * Connect schema, one optional field per kind of value (the first set field is the value).
 */
export const ANYTHING_SCHEMA = Object.freeze({
  type: 'record',
  name: 'Anything',
  namespace: NAMESPACE,
  fields: [
    { name: 'boolean', type: ['null', 'boolean'], default: null },
    { name: 'bytes', type: ['null', 'bytes'], default: null },
    { name: 'double', type: ['null', 'double'], default: null },
    { name: 'float', type: ['null', 'float'], default: null },
    { name: 'int', type: ['null', 'int'], default: null },
    { name: 'long', type: ['null', 'long'], default: null },
    { name: 'string', type: ['null', 'string'], default: null },
    { name: 'array', type: ['null', { type: 'array', items: 'Anything' }], default: null },
    {
      name: 'map',
      type: [
        'null',
        {
          type: 'array',
          items: {
            type: 'record',
            name: 'MapEntry',
            fields: [
              { name: 'key', type: 'Anything' },
              { name: 'value', type: 'Anything' },
            ],
          },
        },
      ],
      default: null,
    },
  ],
});

let anythingType: avro.Type | null = null;

/** The avsc type of the Anything schema. */
export function anythingAvroType(): avro.Type {
  anythingType ??= avroType(ANYTHING_SCHEMA);
  return anythingType;
}

/** Whether a parsed Avro schema is the Anything schema (the data is schemaless). */
export function isAnythingSchema(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return false;
  const { type, name, namespace } = schema as {
    type?: unknown;
    name?: unknown;
    namespace?: unknown;
  };
  if (type !== 'record' || typeof name !== 'string') return false;
  const fullName =
    name.includes('.') || typeof namespace !== 'string' ? name : `${namespace}.${name}`;
  return fullName === ANYTHING_SCHEMA_NAME;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * A schemaless Connect value as an Anything record. JS has one number type: integers in the
 * int32 range are written as `int`, other numbers as `double`; bigints as `long`.
 */
export function schemalessToAvro(value: unknown): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  switch (typeof value) {
    case 'boolean':
      return { boolean: value };
    case 'string':
      return { string: value };
    case 'bigint':
      return { long: value };
    case 'number':
      return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX
        ? { int: value }
        : { double: value };
  }
  if (value instanceof Uint8Array) {
    return {
      bytes: Buffer.isBuffer(value)
        ? value
        : Buffer.from(value.buffer, value.byteOffset, value.byteLength),
    };
  }
  if (Array.isArray(value)) return { array: value.map(schemalessToAvro) };
  if (value instanceof Map) {
    return {
      map: [...value].map(([k, v]) => ({ key: schemalessToAvro(k), value: schemalessToAvro(v) })),
    };
  }
  throw new DataException(
    `Unknown type for schemaless data: ${(value as object).constructor?.name ?? typeof value}`,
  );
}

/** The schemaless Connect value of an Anything record (null when no field is set). */
export function schemalessFromAvro(record: unknown): unknown {
  const r = record as Record<string, unknown>;
  if (r.boolean != null) return r.boolean;
  if (r.bytes != null) return new Uint8Array(r.bytes as Uint8Array);
  if (r.double != null) return r.double;
  if (r.float != null) return r.float;
  if (r.int != null) return r.int;
  if (r.long != null) return r.long;
  if (r.string != null) return r.string;
  if (r.array != null) return (r.array as unknown[]).map(schemalessFromAvro);
  if (r.map != null) {
    const map = new Map<unknown, unknown>();
    for (const entry of r.map as { key: unknown; value: unknown }[]) {
      map.set(schemalessFromAvro(entry.key), schemalessFromAvro(entry.value));
    }
    return map;
  }
  return null;
}
