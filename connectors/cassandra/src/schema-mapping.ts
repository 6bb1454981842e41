import {
  ConnectDate,
  ConnectTimestamp,
  DataException,
  Decimal,
  type Schema,
  SchemaBuilder,
  Struct,
} from '@sluice/api';
import cassandra from 'cassandra-driver';
import { type CqlType, cqlTypeName } from './cql-type.js';
import { parseJsonText } from './json-text.js';
import type { TextCodecs } from './text-codecs.js';

const { types } = cassandra;

/** Debezium's name for a decimal whose scale varies by value: struct of `scale` and `value` (unscaled bytes). */
export const VARIABLE_SCALE_DECIMAL = 'io.debezium.data.VariableScaleDecimal';
/** Debezium's name for a time of day in nanoseconds (INT64): CQL `time` has nanosecond precision. */
export const NANO_TIME = 'io.debezium.time.NanoTime';
/** A CQL duration: months, days and nanoseconds, which do not convert into one another. */
export const DURATION = 'cassandra.Duration';

const MS_PER_DAY = 86_400_000;
/** The largest |ms| a JavaScript Date holds. */
const MAX_DATE_MS = 8.64e15;
const EPOCH_DAY_BIAS = 2 ** 31;

const variableScaleDecimalSchema = (optional: boolean) => {
  const b = SchemaBuilder.struct()
    .name(VARIABLE_SCALE_DECIMAL)
    .field('scale', SchemaBuilder.int32().build())
    .field('value', SchemaBuilder.bytes().build());
  return (optional ? b.optional() : b).build();
};

/**
 * Converts a CQL value read by the driver to the Connect value of its schema. Values are built
 * from the schema they are read with, so structs are made without checking each value again.
 */
export interface ColumnReader {
  readonly schema: Schema;
  read(value: unknown): unknown;
}

/** Days since the epoch of a driver LocalDate (any year CQL holds). */
function localDateDays(value: cassandra.types.LocalDate): number {
  return value.toBuffer().readUInt32BE(0) - EPOCH_DAY_BIAS;
}

/** A driver LocalDate for days since the epoch. */
export function localDateOf(days: number): cassandra.types.LocalDate {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(days + EPOCH_DAY_BIAS, 0);
  return types.LocalDate.fromBuffer(buffer);
}

const longToBigInt = (long: { toString(): string }) => BigInt(long.toString());

/** The Connect schema of a CQL type and how to turn the driver's values into Connect values. */
export function columnReader(type: CqlType, optional: boolean): ColumnReader {
  const simple = (
    builder: SchemaBuilder,
    read: (v: unknown) => unknown = (v) => v,
  ): ColumnReader => ({
    schema: (optional ? builder.optional() : builder).build(),
    read: (v) => (v === null || v === undefined ? null : read(v)),
  });
  switch (type.kind) {
    case 'ascii':
    case 'text':
      return simple(SchemaBuilder.string());
    case 'tinyint':
      return simple(SchemaBuilder.int8());
    case 'smallint':
      return simple(SchemaBuilder.int16());
    case 'int':
      return simple(SchemaBuilder.int32());
    case 'bigint':
    case 'counter':
      return simple(SchemaBuilder.int64(), (v) => BigInt(v as bigint));
    case 'float':
      return simple(SchemaBuilder.float32());
    case 'double':
      return simple(SchemaBuilder.float64());
    case 'boolean':
      return simple(SchemaBuilder.bool());
    case 'blob':
      return simple(SchemaBuilder.bytes(), (v) => new Uint8Array(v as Buffer));
    case 'uuid':
    case 'timeuuid':
    case 'inet':
      return simple(SchemaBuilder.string(), (v) => String(v));
    case 'varint':
      return simple(Decimal.builder(0), (v) => new Decimal(BigInt(v as bigint), 0));
    case 'decimal': {
      const schema = variableScaleDecimalSchema(optional);
      return {
        schema,
        read: (v) => {
          if (v === null || v === undefined) return null;
          const buffer = types.BigDecimal.toBuffer(v as cassandra.types.BigDecimal);
          return Struct.fromTrustedValues(schema, [
            buffer.readInt32BE(0),
            new Uint8Array(buffer.subarray(4)),
          ]);
        },
      };
    }
    case 'timestamp':
      return simple(ConnectTimestamp.builder());
    case 'date':
      return simple(ConnectDate.builder(), (v) => {
        const days = localDateDays(v as cassandra.types.LocalDate);
        if (Math.abs(days * MS_PER_DAY) > MAX_DATE_MS) {
          throw new DataException(
            `The date ${String(v)} is outside what a Connect Date (a JavaScript Date) holds (about ±273,790 years)`,
          );
        }
        return new Date(days * MS_PER_DAY);
      });
    case 'time':
      return simple(SchemaBuilder.int64().name(NANO_TIME), (v) =>
        longToBigInt((v as cassandra.types.LocalTime).getTotalNanoseconds()),
      );
    case 'duration': {
      const b = SchemaBuilder.struct()
        .name(DURATION)
        .field('months', SchemaBuilder.int32().build())
        .field('days', SchemaBuilder.int32().build())
        .field('nanoseconds', SchemaBuilder.int64().build());
      const schema = (optional ? b.optional() : b).build();
      return {
        schema,
        read: (v) => {
          if (v === null || v === undefined) return null;
          const d = v as cassandra.types.Duration & {
            months: number;
            days: number;
            nanoseconds: { toString(): string };
          };
          return Struct.fromTrustedValues(schema, [d.months, d.days, longToBigInt(d.nanoseconds)]);
        },
      };
    }
    case 'list':
    case 'set':
    case 'vector': {
      const element = columnReader(type.element, false);
      return simple(SchemaBuilder.array(element.schema), (v) =>
        Array.from(v as Iterable<unknown>, (e) => element.read(e)),
      );
    }
    case 'map': {
      const key = columnReader(type.key, false);
      const value = columnReader(type.value, false);
      return simple(SchemaBuilder.map(key.schema, value.schema), (v) => {
        const out = new Map<unknown, unknown>();
        for (const [k, e] of v as Map<unknown, unknown>) out.set(key.read(k), value.read(e));
        return out;
      });
    }
    case 'tuple': {
      const elements = type.elements.map((t) => columnReader(t, true));
      const b = SchemaBuilder.struct();
      elements.forEach((e, i) => {
        b.field(`field${i + 1}`, e.schema);
      });
      const schema = (optional ? b.optional() : b).build();
      return {
        schema,
        read: (v) => {
          if (v === null || v === undefined) return null;
          const tuple = v as cassandra.types.Tuple;
          return Struct.fromTrustedValues(
            schema,
            elements.map((e, i) => e.read(tuple.get(i))),
          );
        },
      };
    }
    case 'udt': {
      const fields = type.fields.map((f) => ({ name: f.name, reader: columnReader(f.type, true) }));
      const b = SchemaBuilder.struct().name(`${type.keyspace}.${type.name}`);
      for (const f of fields) b.field(f.name, f.reader.schema);
      const schema = (optional ? b.optional() : b).build();
      return {
        schema,
        read: (v) => {
          if (v === null || v === undefined) return null;
          const object = v as Record<string, unknown>;
          return Struct.fromTrustedValues(
            schema,
            fields.map((f) => f.reader.read(object[f.name])),
          );
        },
      };
    }
  }
}

/** Converts a record value to what the driver writes to a column of one CQL type. */
export type ColumnWriter = (value: unknown) => unknown;

/** A value that cannot go to the column; the caller adds the record and column. */
class Refused extends Error {}

function refuse(type: CqlType, value: unknown, reason?: string): never {
  const shown =
    value instanceof Uint8Array
      ? `${value.length} bytes`
      : typeof value === 'object' && value !== null
        ? (value.constructor?.name ?? 'object')
        : typeof value === 'string'
          ? `'${value.length > 60 ? `${value.slice(0, 60)}…` : value}'`
          : `${String(value)} (${typeof value})`;
  throw new Refused(
    `${shown} cannot be written to a ${cqlTypeName(type)}${reason ? `: ${reason}` : ''}`,
  );
}

/** Whether `error` is a conversion refusal (thrown by a ColumnWriter). */
export function isRefusal(error: unknown): error is Error {
  return error instanceof Refused;
}

const INT_RANGES = {
  tinyint: [-128, 127],
  smallint: [-32768, 32767],
  int: [-2147483648, 2147483647],
} as const;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const FLOAT_MAX = 3.4028234663852886e38;

/** An exact integer from a record value (number, bigint, Decimal, text in the topic's locale). */
function integer(type: CqlType, value: unknown, codecs: TextCodecs): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return BigInt(value);
    refuse(type, value, 'not an integer (or beyond 2^53, where a number is no longer exact)');
  }
  if (value instanceof Decimal) {
    const scaled = value.setScale(0);
    if (scaled.compareTo(value) !== 0) refuse(type, value, 'it has a fraction');
    return scaled.unscaled;
  }
  if (typeof value === 'string') {
    let text: string;
    try {
      text = codecs.number(value);
    } catch (error) {
      refuse(type, value, (error as Error).message);
    }
    return integer(type, Decimal.fromString(text), codecs);
  }
  return refuse(type, value);
}

function decimalOf(type: CqlType, value: unknown, codecs: TextCodecs): Decimal {
  if (value instanceof Decimal) return value;
  if (typeof value === 'bigint') return new Decimal(value, 0);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) refuse(type, value);
    return Decimal.fromString(value.toString());
  }
  if (typeof value === 'string') {
    try {
      return Decimal.fromString(codecs.number(value));
    } catch (error) {
      refuse(type, value, (error as Error).message);
    }
  }
  if (value instanceof Struct && value.schema.name === VARIABLE_SCALE_DECIMAL) {
    const scale = value.get('scale') as number;
    return Decimal.fromBytes(value.get('value') as Uint8Array, scale);
  }
  return refuse(type, value);
}

function textOf(type: CqlType, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  if (value instanceof Decimal) return value.toString();
  return refuse(type, value);
}

/** Parsed JSON when a collection, tuple or UDT column is given text. */
function structured(type: CqlType, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return parseJsonText(value);
  } catch (error) {
    return refuse(type, value, `not JSON (${(error as Error).message})`);
  }
}

function fieldOf(value: unknown, name: string): unknown {
  if (value instanceof Struct) return value.schema.field(name) ? value.get(name) : undefined;
  if (value instanceof Map) return value.get(name);
  return (value as Record<string, unknown>)[name];
}

/** Compiles the conversion of record values to one CQL type, using the topic's text codecs. */
export function columnWriter(type: CqlType, codecs: TextCodecs): ColumnWriter {
  const nullable =
    (write: ColumnWriter): ColumnWriter =>
    (v) =>
      v === null || v === undefined ? null : write(v);
  switch (type.kind) {
    case 'text':
      return nullable((v) => textOf(type, v));
    case 'ascii':
      return nullable((v) => {
        const text = textOf(type, v);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII is exactly this range.
        if (!/^[\x00-\x7f]*$/.test(text)) refuse(type, v, 'it has non-ASCII characters');
        return text;
      });
    case 'tinyint':
    case 'smallint':
    case 'int': {
      const [min, max] = INT_RANGES[type.kind];
      return nullable((v) => {
        const n = integer(type, v, codecs);
        if (n < BigInt(min) || n > BigInt(max)) refuse(type, v, `out of range [${min}, ${max}]`);
        return Number(n);
      });
    }
    case 'bigint':
    case 'counter':
      return nullable((v) => {
        const n = integer(type, v, codecs);
        if (n < LONG_MIN || n > LONG_MAX) refuse(type, v, 'out of the 64-bit range');
        return n;
      });
    case 'varint':
      return nullable((v) => integer(type, v, codecs));
    case 'float':
    case 'double':
      return nullable((v) => {
        let n: number;
        if (typeof v === 'number') n = v;
        else if (typeof v === 'bigint') {
          n = Number(v);
          if (BigInt(n) !== v) refuse(type, v, 'a double cannot hold it exactly');
        } else if (v instanceof Decimal) n = v.toNumber();
        else if (typeof v === 'string') n = Number(decimalOf(type, v, codecs).toString());
        else return refuse(type, v);
        if (type.kind === 'float' && Number.isFinite(n) && Math.abs(n) > FLOAT_MAX) {
          refuse(type, v, 'out of the float range');
        }
        return n;
      });
    case 'decimal':
      return nullable((v) => {
        // Already in CQL's decimal encoding (int32 scale, then the unscaled two's complement
        // bytes): the driver sends a Buffer as is, without building its own BigDecimal.
        const d = decimalOf(type, v, codecs);
        const unscaled = d.toBytes();
        const bytes = Buffer.allocUnsafe(4 + unscaled.length);
        bytes.writeInt32BE(d.scale, 0);
        bytes.set(unscaled, 4);
        return bytes;
      });
    case 'boolean':
      return nullable((v) => {
        if (typeof v === 'boolean') return v;
        if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) {
          return v.trim().toLowerCase() === 'true';
        }
        if (v === 0 || v === 1 || v === 0n || v === 1n) return v === 1 || v === 1n;
        return refuse(type, v);
      });
    case 'blob':
      return nullable((v) => {
        if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
        if (typeof v === 'string') {
          if (/^0x([0-9a-fA-F]{2})*$/.test(v)) return Buffer.from(v.slice(2), 'hex');
          if (/^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0)
            return Buffer.from(v, 'base64');
          refuse(type, v, 'text for a blob must be base64 or 0x-prefixed hex');
        }
        return refuse(type, v);
      });
    case 'uuid':
    case 'timeuuid':
      return nullable((v) => {
        let uuid: cassandra.types.Uuid;
        if (
          typeof v === 'string' &&
          /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v.trim())
        ) {
          uuid = types.Uuid.fromString(v.trim());
        } else if (v instanceof Uint8Array && v.length === 16)
          uuid = new types.Uuid(Buffer.from(v));
        else return refuse(type, v, 'not a UUID');
        if (type.kind === 'timeuuid' && (uuid.getBuffer()[6] as number) >> 4 !== 1) {
          refuse(type, v, 'not a version 1 (time-based) UUID');
        }
        return uuid;
      });
    case 'inet':
      return nullable((v) => {
        if (v instanceof Uint8Array && (v.length === 4 || v.length === 16)) {
          return new types.InetAddress(Buffer.from(v));
        }
        if (typeof v === 'string') {
          try {
            return types.InetAddress.fromString(v.trim());
          } catch {
            refuse(type, v, 'not an IP address');
          }
        }
        return refuse(type, v);
      });
    case 'timestamp':
      return nullable((v) => {
        if (v instanceof Date) return v;
        if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') {
          let ms: number;
          try {
            ms = codecs.timestamp(String(v));
          } catch (error) {
            return refuse(type, v, (error as Error).message);
          }
          if (Math.abs(ms) > MAX_DATE_MS) refuse(type, v, 'beyond the range of timestamps');
          return new Date(ms);
        }
        return refuse(type, v);
      });
    case 'date':
      return nullable((v) => {
        if (v instanceof Date) {
          const ms = v.getTime();
          if (ms % MS_PER_DAY !== 0) refuse(type, v, 'not at midnight UTC (a Connect Date)');
          return localDateOf(ms / MS_PER_DAY);
        }
        if (typeof v === 'number' && Number.isInteger(v)) return localDateOf(v);
        if (typeof v === 'string') {
          try {
            return localDateOf(codecs.date(v));
          } catch (error) {
            return refuse(type, v, (error as Error).message);
          }
        }
        return refuse(type, v);
      });
    case 'time':
      return nullable((v) => {
        let nanos: bigint;
        if (v instanceof Date) nanos = BigInt(v.getTime()) * 1_000_000n;
        else if (typeof v === 'bigint') nanos = v;
        else if (typeof v === 'number' && Number.isSafeInteger(v)) nanos = BigInt(v);
        else if (typeof v === 'string') {
          try {
            nanos = codecs.time(v);
          } catch (error) {
            return refuse(type, v, (error as Error).message);
          }
        } else return refuse(type, v);
        if (nanos < 0n || nanos >= 86_400_000_000_000n) refuse(type, v, 'not a time of day');
        return new types.LocalTime(types.Long.fromString(nanos.toString()));
      });
    case 'duration':
      return nullable((v) => {
        if (typeof v === 'string') {
          try {
            return types.Duration.fromString(v.trim());
          } catch (error) {
            return refuse(type, v, (error as Error).message);
          }
        }
        if (typeof v === 'object' && v !== null) {
          const months = fieldOf(v, 'months');
          const days = fieldOf(v, 'days');
          const nanos = fieldOf(v, 'nanoseconds');
          if (typeof months === 'number' && typeof days === 'number' && nanos !== undefined) {
            return new types.Duration(months, days, types.Long.fromString(String(nanos)));
          }
        }
        return refuse(
          type,
          v,
          'give text (1h30m, P1DT2H) or a struct of months, days, nanoseconds',
        );
      });
    case 'list':
    case 'set':
    case 'vector': {
      const element = columnWriter(type.element, codecs);
      return nullable((raw) => {
        const v = structured(type, raw);
        if (!Array.isArray(v) && !(v instanceof Set) && !(v instanceof Float32Array))
          return refuse(type, v);
        const out = Array.from(v as Iterable<unknown>, (e) => {
          if (e === null || e === undefined) refuse(type, v, 'collections cannot hold nulls');
          return element(e);
        });
        if (type.kind === 'vector') {
          if (out.length !== type.dimension) refuse(type, v, `it has ${out.length} elements`);
          return new types.Vector(
            type.element.kind === 'float' ? new Float32Array(out as number[]) : out,
          );
        }
        return out;
      });
    }
    case 'map': {
      const key = columnWriter(type.key, codecs);
      const value = columnWriter(type.value, codecs);
      return nullable((raw) => {
        const v = structured(type, raw);
        let entries: Iterable<[unknown, unknown]>;
        if (v instanceof Map) entries = v;
        else if (
          typeof v === 'object' &&
          v !== null &&
          !Array.isArray(v) &&
          !(v instanceof Struct)
        ) {
          entries = Object.entries(v);
        } else return refuse(type, v);
        const out = new Map<unknown, unknown>();
        for (const [k, e] of entries) {
          if (k === null || e === null || e === undefined)
            refuse(type, v, 'maps cannot hold nulls');
          out.set(key(k), value(e));
        }
        return out;
      });
    }
    case 'tuple': {
      const elements = type.elements.map((t) => columnWriter(t, codecs));
      return nullable((raw) => {
        const v = structured(type, raw);
        let values: unknown[];
        if (Array.isArray(v)) values = v;
        else if (v instanceof Struct) values = v.schema.fields.map((f) => v.get(f.name));
        else return refuse(type, v);
        if (values.length !== elements.length) refuse(type, v, `it has ${values.length} elements`);
        return new types.Tuple(...values.map((e, i) => (elements[i] as ColumnWriter)(e)));
      });
    }
    case 'udt': {
      const fields = type.fields.map((f) => ({
        name: f.name,
        write: columnWriter(f.type, codecs),
      }));
      const names = new Set(fields.map((f) => f.name));
      return nullable((raw) => {
        const v = structured(type, raw);
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return refuse(type, v);
        const given =
          v instanceof Struct
            ? v.schema.fields.map((f) => f.name)
            : v instanceof Map
              ? [...v.keys()]
              : Object.keys(v);
        const extra = given.filter((n) => !names.has(String(n)));
        if (extra.length > 0)
          refuse(type, v, `the type has no field ${extra.map(String).join(', ')}`);
        const out: Record<string, unknown> = {};
        for (const f of fields) out[f.name] = f.write(fieldOf(v, f.name) ?? null);
        return out;
      });
    }
  }
}
