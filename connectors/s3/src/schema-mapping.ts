import {
  DATE_LOGICAL_NAME,
  DataException,
  DECIMAL_LOGICAL_NAME,
  Decimal,
  MILLIS_PER_DAY,
  type Schema,
  Struct,
  TIME_LOGICAL_NAME,
  TIMESTAMP_LOGICAL_NAME,
} from '@sluice/api';
import type { SchemaElement } from 'hyparquet';

/** Parquet precision of a Connect Decimal without `connect.decimal.precision`. */
const DEFAULT_DECIMAL_PRECISION = 38;

function repetition(schema: Schema): 'OPTIONAL' | 'REQUIRED' {
  return schema.optional ? 'OPTIONAL' : 'REQUIRED';
}

/** Parquet schema elements (depth-first, as in the footer) of a Connect field. */
function fieldElements(name: string, schema: Schema): SchemaElement[] {
  const rep = repetition(schema);
  switch (schema.name) {
    case DECIMAL_LOGICAL_NAME: {
      const scale = Number(schema.parameters?.scale ?? '0');
      const precision = Number(
        schema.parameters?.['connect.decimal.precision'] ?? DEFAULT_DECIMAL_PRECISION,
      );
      return [
        {
          name,
          type: 'BYTE_ARRAY',
          converted_type: 'DECIMAL',
          scale,
          precision,
          repetition_type: rep,
        },
      ];
    }
    case DATE_LOGICAL_NAME:
      return [{ name, type: 'INT32', converted_type: 'DATE', repetition_type: rep }];
    case TIME_LOGICAL_NAME:
      return [{ name, type: 'INT32', converted_type: 'TIME_MILLIS', repetition_type: rep }];
    case TIMESTAMP_LOGICAL_NAME:
      return [{ name, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: rep }];
  }
  switch (schema.type) {
    case 'INT8':
      return [{ name, type: 'INT32', converted_type: 'INT_8', repetition_type: rep }];
    case 'INT16':
      return [{ name, type: 'INT32', converted_type: 'INT_16', repetition_type: rep }];
    case 'INT32':
      return [{ name, type: 'INT32', repetition_type: rep }];
    case 'INT64':
      return [{ name, type: 'INT64', repetition_type: rep }];
    case 'FLOAT32':
      return [{ name, type: 'FLOAT', repetition_type: rep }];
    case 'FLOAT64':
      return [{ name, type: 'DOUBLE', repetition_type: rep }];
    case 'BOOLEAN':
      return [{ name, type: 'BOOLEAN', repetition_type: rep }];
    case 'STRING':
      return [{ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: rep }];
    case 'BYTES':
      return [{ name, type: 'BYTE_ARRAY', repetition_type: rep }];
    case 'STRUCT':
      return [
        { name, repetition_type: rep, num_children: schema.fields.length },
        ...schema.fields.flatMap((f) => fieldElements(f.name, f.schema)),
      ];
    case 'ARRAY':
      return [
        { name, repetition_type: rep, converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        ...fieldElements('element', schema.valueSchema as Schema),
      ];
    case 'MAP':
      throw new DataException(
        `ParquetFormat cannot write the map field ${name} (maps are not supported)`,
      );
  }
}

/**
 * The Parquet schema of a Connect STRUCT schema: ints, floats, booleans, strings, bytes, Decimal
 * (DECIMAL over bytes), Date, Time, Timestamp (millis), nested structs and arrays (3-level LIST);
 * optional schemas are OPTIONAL columns. Maps are refused.
 */
export function parquetSchemaOf(schema: Schema): SchemaElement[] {
  if (schema.type !== 'STRUCT') {
    throw new DataException(`ParquetFormat needs struct values, not ${schema.type.toLowerCase()}`);
  }
  return [
    { name: 'root', num_children: schema.fields.length },
    ...schema.fields.flatMap((f) => fieldElements(f.name, f.schema)),
  ];
}

/** A Connect value as hyparquet-writer takes it for a column of `schema`. */
export function toParquetValue(schema: Schema, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (schema.name) {
    case DECIMAL_LOGICAL_NAME:
      return (value as Decimal).unscaled;
    case DATE_LOGICAL_NAME:
      return Math.floor((value as Date).getTime() / MILLIS_PER_DAY);
    case TIME_LOGICAL_NAME:
      return (value as Date).getTime();
    case TIMESTAMP_LOGICAL_NAME:
      return BigInt((value as Date).getTime());
  }
  switch (schema.type) {
    case 'STRUCT': {
      const struct = value as Struct;
      const out: Record<string, unknown> = {};
      for (const f of schema.fields) out[f.name] = toParquetValue(f.schema, struct.get(f));
      return out;
    }
    case 'ARRAY':
      return (value as unknown[]).map((v) => toParquetValue(schema.valueSchema as Schema, v));
    default:
      return value;
  }
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  if (bytes.byteLength === 0) return 0n;
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  const bits = BigInt(bytes.byteLength * 8);
  return (bytes[0] as number) & 0x80 ? n - (1n << bits) : n;
}

/** A value hyparquet read (decimals as raw bytes) as the Connect value of `schema`. */
export function fromParquetValue(schema: Schema, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (schema.name) {
    case DECIMAL_LOGICAL_NAME: {
      const scale = Number(schema.parameters?.scale ?? '0');
      if (value instanceof Uint8Array) return new Decimal(bytesToBigInt(value), scale);
      return new Decimal(BigInt(value as bigint | number), scale);
    }
    case DATE_LOGICAL_NAME:
      return value instanceof Date ? value : new Date(Number(value) * MILLIS_PER_DAY);
    case TIME_LOGICAL_NAME:
    case TIMESTAMP_LOGICAL_NAME:
      return value instanceof Date ? value : new Date(Number(value));
  }
  switch (schema.type) {
    case 'INT64':
      return typeof value === 'bigint' ? value : BigInt(value as number);
    case 'INT8':
    case 'INT16':
    case 'INT32':
      return Number(value);
    case 'BYTES':
      return value instanceof Uint8Array ? value : new TextEncoder().encode(String(value));
    case 'STRUCT': {
      const struct = new Struct(schema);
      const object = value as Record<string, unknown>;
      for (const f of schema.fields) struct.put(f, fromParquetValue(f.schema, object[f.name]));
      return struct;
    }
    case 'ARRAY':
      return (value as unknown[]).map((v) => fromParquetValue(schema.valueSchema as Schema, v));
    default:
      return value;
  }
}
