import {
  ConnectDate,
  ConnectTime,
  ConnectTimestamp,
  DataException,
  Decimal,
  type Schema,
  SchemaBuilder,
  Struct,
} from '@sluice/api';
import {
  instantToMillis,
  type PgArrayItem,
  parseArrayLiteral,
  parseByteaHex,
  parseDate,
  parseTime,
  parseTimestamp,
} from './pg-text.js';
import type { PgTypeInfo } from './type-catalog.js';

/** How numeric(p,s) columns map (the JDBC connector's `numeric.mapping`). */
export type NumericMapping = 'none' | 'precision_only' | 'best_fit';

/** A column of a table or query result, as far as the mapping needs it. */
export interface ColumnDescription {
  readonly name: string;
  readonly type: PgTypeInfo;
  /** The type modifier (numeric precision and scale, varchar length); -1 when none. */
  readonly typmod: number;
  readonly nullable: boolean;
}

/** Turns one text value of a column into its Connect value. */
export type TextDecoder = (text: string) => unknown;

/** A column's Connect schema and the decoder of its text values. */
export interface ColumnMapping {
  readonly name: string;
  readonly schema: Schema;
  readonly decode: TextDecoder;
}

const STRING_TYPES = new Set([
  'text',
  'varchar',
  'bpchar',
  'name',
  'char',
  'uuid',
  'json',
  'jsonb',
  'citext',
  'timetz',
  'xml',
]);

/** Precision and scale of a numeric typmod, or null for an unconstrained numeric. */
export function numericPrecisionScale(typmod: number): { precision: number; scale: number } | null {
  if (typmod < 4) return null;
  const packed = typmod - 4;
  // The scale is an 11-bit signed number since PostgreSQL 15 (negative scales round left).
  const scale = ((packed & 0x7ff) ^ 1024) - 1024;
  return { precision: (packed >> 16) & 0xffff, scale };
}

function fail(column: string, type: PgTypeInfo, reason: string): never {
  throw new DataException(
    `Column "${column}" has type ${type.name}, which Sluice cannot map to a Connect type: ${reason}. Cast it in a custom query (query=...) or leave the table out.`,
  );
}

function badValue(column: string, type: string, text: string, reason = 'unexpected text'): never {
  throw new DataException(
    `Column "${column}" (${type}) has a value Sluice cannot represent exactly: ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text)} (${reason})`,
  );
}

interface ScalarMapping {
  builder: () => SchemaBuilder;
  decode: TextDecoder;
}

function integerDecoder(column: string, type: string, min: number, max: number): TextDecoder {
  return (text) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) badValue(column, type, text);
    return n;
  };
}

function numericMapping(
  column: string,
  type: PgTypeInfo,
  typmod: number,
  mode: NumericMapping,
): ScalarMapping {
  const ps = numericPrecisionScale(typmod);
  if (ps === null) {
    fail(
      column,
      type,
      'an unconstrained numeric has no fixed scale, and a Connect Decimal needs one; declare it numeric(p,s) or cast it (e.g. amount::numeric(38,10))',
    );
  }
  const { precision, scale } = ps;
  if (mode !== 'none' && scale === 0 && precision < 19) {
    if (precision < 3)
      return {
        builder: () => SchemaBuilder.int8(),
        decode: integerDecoder(column, 'numeric', -128, 127),
      };
    if (precision < 5)
      return {
        builder: () => SchemaBuilder.int16(),
        decode: integerDecoder(column, 'numeric', -32768, 32767),
      };
    if (precision < 10) {
      return {
        builder: () => SchemaBuilder.int32(),
        decode: integerDecoder(column, 'numeric', -2147483648, 2147483647),
      };
    }
    return { builder: () => SchemaBuilder.int64(), decode: (text) => BigInt(text) };
  }
  if (mode === 'best_fit' && scale > 0 && precision <= 15) {
    return {
      builder: () => SchemaBuilder.float64(),
      decode: (text) => {
        const n = Number(text);
        if (!Number.isFinite(n)) badValue(column, 'numeric', text, 'not a finite number');
        return n;
      },
    };
  }
  return {
    builder: () => Decimal.builder(scale),
    decode: (text) => {
      if (text === 'NaN' || text.endsWith('Infinity'))
        badValue(column, 'numeric', text, 'a Decimal has no NaN or infinity');
      // PostgreSQL prints numeric(p,s) with exactly s decimals: the digits are the unscaled value.
      const point = text.indexOf('.');
      if (scale > 0 && point >= 0 && text.length - point - 1 === scale) {
        return new Decimal(BigInt(text.slice(0, point) + text.slice(point + 1)), scale);
      }
      if (scale === 0 && point < 0 && /^-?\d+$/.test(text)) return new Decimal(BigInt(text), 0);
      return Decimal.fromString(text).setScale(scale);
    },
  };
}

function scalarMapping(
  column: string,
  type: PgTypeInfo,
  typmod: number,
  numeric: NumericMapping,
): ScalarMapping {
  if (type.kind === 'enum' || STRING_TYPES.has(type.name)) {
    return { builder: () => SchemaBuilder.string(), decode: (text) => text };
  }
  switch (type.name) {
    case 'bool':
      return { builder: () => SchemaBuilder.bool(), decode: (text) => text === 't' };
    case 'int2':
      return { builder: () => SchemaBuilder.int16(), decode: (text) => Number(text) };
    case 'int4':
      return { builder: () => SchemaBuilder.int32(), decode: (text) => Number(text) };
    case 'int8':
    case 'oid':
      return { builder: () => SchemaBuilder.int64(), decode: (text) => BigInt(text) };
    case 'float4':
      return {
        builder: () => SchemaBuilder.float32(),
        decode: (text) => Math.fround(Number(text)),
      };
    case 'float8':
      return { builder: () => SchemaBuilder.float64(), decode: (text) => Number(text) };
    case 'numeric':
      return numericMapping(column, type, typmod, numeric);
    case 'bytea':
      return {
        builder: () => SchemaBuilder.bytes(),
        decode: (text) => parseByteaHex(text) ?? badValue(column, 'bytea', text),
      };
    case 'date':
      return {
        builder: () => ConnectDate.builder(),
        decode: (text) => {
          const days = parseDate(text);
          if (days === null) badValue(column, 'date', text, 'a Connect Date has no infinity');
          return ConnectDate.fromDays(days);
        },
      };
    case 'time':
      return {
        builder: () => ConnectTime.builder(),
        decode: (text) => {
          const ms = parseTime(text);
          if (ms === null) badValue(column, 'time', text);
          return new Date(ms);
        },
      };
    case 'timestamp':
    case 'timestamptz':
      return {
        builder: () => ConnectTimestamp.builder(),
        decode: (text) => {
          const instant = parseTimestamp(text);
          if (instant === null)
            badValue(column, type.name, text, 'a Connect Timestamp has no infinity');
          return new Date(instantToMillis(instant));
        },
      };
    default:
      return fail(column, type, 'no Connect type holds it exactly');
  }
}

function decodeArray(
  column: string,
  items: PgArrayItem[],
  decodeElement: TextDecoder,
  text: string,
): unknown[] {
  return items.map((item) => {
    if (item === null) return null;
    if (Array.isArray(item)) {
      badValue(column, 'array', text, 'multi-dimensional arrays are not supported');
    }
    return decodeElement(item);
  });
}

/**
 * The Connect schema and text decoder of a column. Throws a DataException naming the column when
 * its type has no exact Connect mapping.
 */
export function mapColumn(
  column: ColumnDescription,
  numeric: NumericMapping = 'none',
): ColumnMapping {
  const { name, type } = column;
  const typmod = column.typmod >= 0 ? column.typmod : type.typmod;
  let builder: SchemaBuilder;
  let decode: TextDecoder;
  if (type.kind === 'array') {
    if (type.element === null) fail(name, type, 'unknown element type');
    const element = scalarMapping(name, type.element, typmod, numeric);
    builder = SchemaBuilder.array(element.builder().optional().build());
    const delimiter = type.element.delimiter;
    decode = (text) => decodeArray(name, parseArrayLiteral(text, delimiter), element.decode, text);
  } else {
    const scalar = scalarMapping(name, type, typmod, numeric);
    builder = scalar.builder();
    decode = scalar.decode;
  }
  if (column.nullable) builder.optional();
  return { name, schema: builder.build(), decode };
}

/** The value schema and row decoder of a table or query result. */
export interface RowMapping {
  readonly schema: Schema;
  readonly columns: readonly ColumnMapping[];
  /** Builds the record value from a row of text values in column order (null for SQL NULL). */
  toStruct(row: readonly (string | null)[]): Struct;
}

/** Maps every column; the struct schema is named `schemaName` (the table name, as JDBC does). */
export function mapRow(
  columns: readonly ColumnDescription[],
  schemaName: string | null,
  numeric: NumericMapping = 'none',
): RowMapping {
  const mappings = columns.map((c) => mapColumn(c, numeric));
  const builder = SchemaBuilder.struct();
  if (schemaName !== null) builder.name(schemaName);
  for (const m of mappings) builder.field(m.name, m.schema);
  const schema = builder.build();
  return {
    schema,
    columns: mappings,
    toStruct(row) {
      const struct = new Struct(schema);
      // An indexed loop: this runs for every column of every row read.
      for (let i = 0; i < mappings.length; i++) {
        const m = mappings[i] as ColumnMapping;
        const text = row[i];
        if (text !== null && text !== undefined) struct.put(m.name, m.decode(text));
        else if (!m.schema.optional) {
          throw new DataException(`Column "${m.name}" is NOT NULL but the row has NULL`);
        }
      }
      return struct;
    },
  };
}

// ---- Connect → PostgreSQL (sink) ----

/** The column type `auto.create` / `auto.evolve` uses for a field schema. */
export function sqlTypeOf(field: string, schema: Schema): string {
  switch (schema.name) {
    case Decimal.LOGICAL_NAME:
      return 'numeric';
    case ConnectDate.LOGICAL_NAME:
      return 'date';
    case ConnectTime.LOGICAL_NAME:
      return 'time';
    case ConnectTimestamp.LOGICAL_NAME:
      return 'timestamp';
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
      return 'smallint';
    case 'INT32':
      return 'integer';
    case 'INT64':
      return 'bigint';
    case 'FLOAT32':
      return 'real';
    case 'FLOAT64':
      return 'double precision';
    case 'BOOLEAN':
      return 'boolean';
    case 'STRING':
      return 'text';
    case 'BYTES':
      return 'bytea';
    case 'ARRAY': {
      const item = schema.valueSchema;
      if (item === null || item.type === 'ARRAY') break;
      return `${sqlTypeOf(field, item)}[]`;
    }
    default:
      break;
  }
  throw new DataException(
    `Field "${field}" has Connect type ${schema.type}${schema.name ? ` (${schema.name})` : ''}, which has no PostgreSQL column type in this connector`,
  );
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** A Connect value as a pg query parameter (text, or a Buffer for bytes). */
export function toPgParam(field: string, schema: Schema, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (schema.name) {
    case Decimal.LOGICAL_NAME:
      return (value as Decimal).toString();
    case ConnectDate.LOGICAL_NAME:
      return (value as Date).toISOString().slice(0, 10);
    case ConnectTime.LOGICAL_NAME: {
      const ms = (value as Date).getTime();
      return `${pad(Math.floor(ms / 3600000))}:${pad(Math.floor(ms / 60000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
    }
    case ConnectTimestamp.LOGICAL_NAME:
      return (value as Date).toISOString();
  }
  switch (schema.type) {
    case 'BYTES':
      return Buffer.from(value as Uint8Array);
    case 'ARRAY': {
      const item = schema.valueSchema;
      if (item === null) break;
      return (value as unknown[]).map((v) => toPgParam(field, item, v));
    }
    case 'MAP':
    case 'STRUCT':
      break;
    default:
      return String(value);
  }
  throw new DataException(`Field "${field}" of type ${schema.type} cannot be written to a column`);
}
