import { createHash } from 'node:crypto';
import {
  ConnectDate,
  ConnectTime,
  ConnectTimestamp,
  DataException,
  Decimal,
  SchemaBuilder as SB,
  type SchemaBuilder,
  Struct,
} from '@sluice/api';
import { parseArrayLiteral, parseByteaHex } from '../pg-text.js';
import { numericPrecisionScale } from '../schema-mapping.js';
import type { CdcConfig } from './config/cdc-config.js';
import { DebeziumSchemas as D } from './debezium-schemas.js';
import { hstoreJson, parseHstore } from './hstore-text.js';
import {
  intervalIso,
  intervalMicros,
  isoDate,
  isoInstant,
  isoTime,
  parseDateDays,
  parseInterval,
  parseTimeMicros,
  parseTimestampMicros,
  parseTimetzMicrosUtc,
} from './temporal-text.js';
import type { PostgresType, TypeRegistry } from './type-registry.js';

/** Turns the text PostgreSQL prints for a value into its Connect value. */
export type TextDecoder = (text: string) => unknown;

/** How one column becomes a field: its schema (before optionality and default) and its decoder. */
export interface ColumnConverter {
  readonly builder: () => SchemaBuilder;
  readonly decode: TextDecoder;
  /** What stands for an unchanged TOASTed value the server did not send. */
  readonly placeholder: unknown;
  /** The type's name, for messages. */
  readonly typeName: string;
  /** The root type's name (`int4`, `numeric`, an enum's name...), for default values. */
  readonly rootName: string;
}

/** A column's declared type: the attribute's type oid and type modifier. */
export interface ColumnType {
  readonly typeOid: number;
  readonly typmod: number;
}

/** PostgreSQL's JDBC driver's timestamps for `infinity` / `-infinity`, in microseconds. */
const POSITIVE_INFINITY_MICROS = 9_223_372_036_825_200_000n;
const NEGATIVE_INFINITY_MICROS = -9_223_372_036_832_400_000n;
/** The dates Debezium maps infinity to (what the JDBC driver reports). */
const POSITIVE_INFINITY_DAYS = -2_147_472_692;
const NEGATIVE_INFINITY_DAYS = -2_147_472_691;
const LONG_MAX = 9_223_372_036_854_775_807n;
const LONG_MIN = -9_223_372_036_854_775_808n;

function bad(type: string, text: string, reason = 'unexpected text'): never {
  throw new DataException(
    `Cannot convert ${type} value ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text)}: ${reason}`,
  );
}

function bytesOf(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

/** Java's `UUID.nameUUIDFromBytes`: an MD5-based (version 3) UUID. */
function nameUuid(bytes: Uint8Array): string {
  const md5 = createHash('md5').update(bytes).digest();
  md5[6] = ((md5[6] as number) & 0x0f) | 0x30;
  md5[8] = ((md5[8] as number) & 0x3f) | 0x80;
  const hex = md5.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `B'1101'` text as Debezium's Bits: the number's bytes, little-endian, as many as it needs. */
function bitsBytes(text: string): Uint8Array {
  const highest = text.indexOf('1');
  if (highest < 0) return new Uint8Array(0);
  const bits = text.length - highest;
  const out = new Uint8Array(Math.ceil(bits / 8));
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== 49) continue;
    const bit = text.length - 1 - i;
    out[bit >> 3] = (out[bit >> 3] as number) | (1 << (bit & 7));
  }
  return out;
}

/** The 21-byte little-endian WKB of a point. */
function pointWkb(x: number, y: number): Uint8Array {
  const buf = Buffer.alloc(21);
  buf[0] = 1;
  buf.writeUInt32LE(1, 1);
  buf.writeDoubleLE(x, 5);
  buf.writeDoubleLE(y, 13);
  return new Uint8Array(buf);
}

function moneyText(text: string): string {
  // lc_monetary=C prints `$1,234.56` and `-$5.50`; other locales put other symbols around it.
  const negative = text.includes('-') || text.startsWith('(');
  const digits = text.replace(/[^0-9.]/g, '');
  return negative ? `-${digits}` : digits;
}

/**
 * Debezium's PostgreSQL type mapping (PostgresValueConverter) over the text form of values, which
 * both the snapshot (SELECT) and the stream (pgoutput) deliver. `mapColumn` returns null for a
 * type Debezium has no mapping for: such columns are left out of events, as Debezium does.
 */
export class PostgresValueConverter {
  constructor(
    private readonly config: CdcConfig,
    private readonly types: TypeRegistry,
  ) {}

  /** The converter of a column, or null when its type has no mapping. */
  mapColumn(column: ColumnType): ColumnConverter | null {
    const declared = this.types.get(column.typeOid);
    let typmod = column.typmod;
    let type = declared;
    while (type.kind === 'd') {
      if (typmod < 0) typmod = type.domainTypmod;
      type = this.types.get(type.baseOid);
    }
    const mapping = this.mapType(type, typmod);
    return mapping === null ? null : { ...mapping, typeName: declared.name, rootName: type.name };
  }

  private mapType(
    type: PostgresType,
    typmod: number,
  ): Omit<ColumnConverter, 'typeName' | 'rootName'> | null {
    if (type.category === 'A' && type.elementOid !== 0) return this.mapArray(type, typmod);
    const placeholder = this.config.unavailableValuePlaceholder;
    const str = (builder: () => SchemaBuilder) => ({
      builder,
      decode: (t: string) => t,
      placeholder,
    });
    if (type.kind === 'e') return str(() => D.enum(type.enumLabels));
    switch (type.name) {
      case 'bool':
        return { builder: () => SB.bool(), decode: (t) => t === 't', placeholder };
      case 'bit':
      case 'varbit': {
        const length = typmod >= 0 ? typmod : type.name === 'bit' ? 1 : 2147483647;
        if (length <= 1)
          return { builder: () => SB.bool(), decode: (t) => t.includes('1'), placeholder };
        return { builder: () => D.bits(length), decode: bitsBytes, placeholder };
      }
      case 'int2':
      case 'int4':
        return {
          builder: () => (type.name === 'int2' ? SB.int16() : SB.int32()),
          decode: Number,
          placeholder,
        };
      case 'int8':
      case 'oid':
        return { builder: () => SB.int64(), decode: BigInt, placeholder };
      case 'float4':
        return { builder: () => SB.float32(), decode: (t) => Math.fround(Number(t)), placeholder };
      case 'float8':
        return { builder: () => SB.float64(), decode: Number, placeholder };
      case 'numeric':
        return this.mapNumeric(typmod);
      case 'money':
        return this.mapMoney();
      case 'bpchar':
      case 'varchar':
      case 'text':
      case 'char':
      case 'name':
      case 'citext':
      case 'inet':
      case 'cidr':
      case 'macaddr':
      case 'macaddr8':
      case 'int4range':
      case 'int8range':
      case 'numrange':
      case 'tsrange':
      case 'tstzrange':
      case 'daterange':
      case 'isbn':
      case 'isbn13':
      case 'ean13':
      case 'issn':
      case 'issn13':
      case 'upc':
      case 'ismn':
      case 'ismn13':
        return str(() => SB.string());
      case 'json':
      case 'jsonb':
        return str(D.json);
      case 'xml':
        return str(D.xml);
      case 'uuid':
        return str(D.uuid);
      case 'ltree':
        return str(D.ltree);
      case 'tsvector':
        return str(D.tsvector);
      case 'bytea':
        return this.mapBinary();
      case 'date':
        return this.mapDate();
      case 'time':
        return this.mapTime(typmod >= 0 ? typmod : 6);
      case 'timetz':
        return {
          builder: D.zonedTime,
          decode: (t) => `${isoTime(parseTimetzMicrosUtc(t))}Z`,
          placeholder,
        };
      case 'timestamp':
        return this.mapTimestamp(typmod >= 0 ? typmod : 6);
      case 'timestamptz': {
        const width = typmod >= 0 ? typmod : 6;
        return {
          builder: D.zonedTimestamp,
          decode: (t) => {
            const micros = parseTimestampMicros(t);
            // Debezium passes infinity through as PostgreSQL's text.
            return typeof micros === 'string' ? micros : isoInstant(micros, width);
          },
          placeholder,
        };
      }
      case 'interval':
        return this.config.intervalMode === 'string'
          ? { builder: D.interval, decode: (t) => intervalIso(parseInterval(t)), placeholder }
          : {
              builder: D.microDuration,
              decode: (t) => intervalMicros(parseInterval(t)),
              placeholder,
            };
      case 'point':
        return {
          builder: D.point,
          decode: (t) => {
            const m =
              /^\((-?[\d.e+-]+|NaN|-?Infinity),(-?[\d.e+-]+|NaN|-?Infinity)\)$/.exec(t) ??
              bad('point', t);
            const x = Number(m[1]);
            const y = Number(m[2]);
            return new Struct(D.point().optional().build())
              .put('x', x)
              .put('y', y)
              .put('wkb', pointWkb(x, y));
          },
          placeholder: null,
        };
      case 'hstore':
        return this.mapHstore();
      default:
        return null;
    }
  }

  private mapNumeric(typmod: number) {
    const ps = numericPrecisionScale(typmod);
    const mode = this.config.decimalMode;
    const placeholder = this.config.unavailableValuePlaceholder;
    if (mode === 'double') return { builder: () => SB.float64(), decode: Number, placeholder };
    if (mode === 'string') {
      return {
        builder: () => SB.string(),
        decode: (t: string) =>
          t === 'NaN'
            ? 'NAN'
            : t === 'Infinity'
              ? 'POSITIVE_INFINITY'
              : t === '-Infinity'
                ? 'NEGATIVE_INFINITY'
                : t,
        placeholder,
      };
    }
    if (ps === null) {
      return {
        builder: D.variableScaleDecimal,
        decode: (t: string) => {
          if (t === 'NaN' || t.endsWith('Infinity')) return null;
          let d = Decimal.fromString(t);
          // BigDecimal.stripTrailingZeros, never below scale 0.
          while (d.scale > 0 && d.unscaled % 10n === 0n)
            d = new Decimal(d.unscaled / 10n, d.scale - 1);
          if (d.unscaled === 0n) d = new Decimal(0n, 0);
          if (d.scale < 0) d = d.setScale(0);
          const schema = D.variableScaleDecimal().optional().build();
          return new Struct(schema).put('scale', d.scale).put('value', d.toBytes());
        },
        placeholder: null,
      };
    }
    const { precision, scale } = ps;
    return {
      builder: () => D.decimal(scale, precision),
      decode: (t: string) => {
        if (t === 'NaN' || t.endsWith('Infinity')) {
          bad(
            'numeric',
            t,
            'NaN and infinity can only be sent with decimal.handling.mode=string or double',
          );
        }
        return Decimal.fromString(t).setScale(scale);
      },
      placeholder: null,
    };
  }

  private mapMoney() {
    const digits = this.config.moneyFractionDigits;
    const placeholder = this.config.unavailableValuePlaceholder;
    switch (this.config.decimalMode) {
      case 'double':
        return {
          builder: () => SB.float64(),
          decode: (t: string) => Number(moneyText(t)),
          placeholder,
        };
      case 'string':
        return {
          builder: () => SB.string(),
          decode: (t: string) => roundHalfUp(Decimal.fromString(moneyText(t)), digits).toString(),
          placeholder,
        };
      default:
        return {
          builder: () => D.decimal(digits, null),
          decode: (t: string) => roundHalfUp(Decimal.fromString(moneyText(t)), digits),
          placeholder: null,
        };
    }
  }

  private mapBinary() {
    const placeholder = this.config.unavailableValuePlaceholder;
    const hex = (t: string) => parseByteaHex(t) ?? bad('bytea', t);
    switch (this.config.binaryMode) {
      case 'base64':
        return {
          builder: () => SB.string(),
          decode: (t: string) => Buffer.from(hex(t)).toString('base64'),
          placeholder,
        };
      case 'base64-url-safe':
        return {
          builder: () => SB.string(),
          // Java's URL-safe encoder keeps the padding.
          decode: (t: string) =>
            Buffer.from(hex(t)).toString('base64').replaceAll('+', '-').replaceAll('/', '_'),
          placeholder,
        };
      case 'hex':
        return { builder: () => SB.string(), decode: (t: string) => t.slice(2), placeholder };
      default:
        return { builder: () => SB.bytes(), decode: hex, placeholder: bytesOf(placeholder) };
    }
  }

  private mapDate() {
    const placeholder = null;
    const days = (t: string) => {
      const d = parseDateDays(t);
      return d === 'infinity'
        ? POSITIVE_INFINITY_DAYS
        : d === '-infinity'
          ? NEGATIVE_INFINITY_DAYS
          : d;
    };
    switch (this.config.timePrecisionMode) {
      case 'connect':
        return {
          builder: () => ConnectDate.builder(),
          decode: (t: string) => ConnectDate.fromDays(days(t)),
          placeholder,
        };
      case 'isostring':
        return { builder: D.isoDate, decode: (t: string) => `${isoDate(days(t))}Z`, placeholder };
      default:
        return { builder: D.date, decode: days, placeholder };
    }
  }

  private mapTime(precision: number) {
    const placeholder = null;
    const micros = parseTimeMicros;
    switch (this.config.timePrecisionMode) {
      case 'connect':
        return {
          builder: () => ConnectTime.builder(),
          decode: (t: string) => new Date(Math.floor(micros(t) / 1000)),
          placeholder,
        };
      case 'isostring':
        return { builder: D.isoTime, decode: (t: string) => `${isoTime(micros(t))}Z`, placeholder };
      case 'nanoseconds':
        return {
          builder: D.nanoTime,
          decode: (t: string) => BigInt(micros(t)) * 1000n,
          placeholder,
        };
      case 'adaptive':
        if (precision <= 3)
          return {
            builder: D.time,
            decode: (t: string) => Math.floor(micros(t) / 1000),
            placeholder,
          };
        return { builder: D.microTime, decode: (t: string) => BigInt(micros(t)), placeholder };
      default:
        return { builder: D.microTime, decode: (t: string) => BigInt(micros(t)), placeholder };
    }
  }

  private mapTimestamp(precision: number) {
    const placeholder = null;
    const micros = (t: string): bigint => {
      const m = parseTimestampMicros(t);
      return m === 'infinity'
        ? POSITIVE_INFINITY_MICROS
        : m === '-infinity'
          ? NEGATIVE_INFINITY_MICROS
          : m;
    };
    const millis = (t: string) => floorDiv(micros(t), 1000n);
    switch (this.config.timePrecisionMode) {
      case 'connect':
        return {
          builder: () => ConnectTimestamp.builder(),
          decode: (t: string) => new Date(Number(millis(t))),
          placeholder,
        };
      case 'isostring':
        return {
          builder: D.isoTimestamp,
          decode: (t: string) => isoInstant(micros(t)),
          placeholder,
        };
      case 'nanoseconds':
        return {
          builder: D.nanoTimestamp,
          decode: (t: string) => {
            const m = parseTimestampMicros(t);
            return m === 'infinity' ? LONG_MAX : m === '-infinity' ? LONG_MIN : m * 1000n;
          },
          placeholder,
        };
      case 'adaptive':
      case 'adaptive_time_microseconds':
        if (precision <= 3) return { builder: D.timestamp, decode: millis, placeholder };
        return { builder: D.microTimestamp, decode: micros, placeholder };
      default:
        return { builder: D.microTimestamp, decode: micros, placeholder };
    }
  }

  private mapHstore() {
    const placeholder = this.config.unavailableValuePlaceholder;
    if (this.config.hstoreMode === 'map') {
      return {
        builder: () => SB.map(SB.string().build(), SB.string().optional().build()),
        decode: (t: string) => new Map(parseHstore(t)),
        placeholder: new Map([[placeholder, placeholder]]),
      };
    }
    return {
      builder: D.json,
      decode: (t: string) => hstoreJson(parseHstore(t)),
      placeholder: hstoreJson([[placeholder, placeholder]]),
    };
  }

  private mapArray(type: PostgresType, typmod: number) {
    const element = this.types.get(type.elementOid);
    const root = this.types.root(element);
    // Debezium has no mapping for these element types (the whole column is left out).
    if (['money', 'name', 'interval', 'varbit', 'xml', 'point', 'refcursor'].includes(root.name))
      return null;
    if (element.kind === 'd') return null;
    const item = this.mapType(root, typmod);
    if (item === null) return null;
    const delimiter = element.delimiter;
    const itemBuilder = () => (root.kind === 'e' ? item.builder() : item.builder().optional());
    const placeholderText = this.config.unavailableValuePlaceholder;
    const placeholderBytes = bytesOf(placeholderText);
    let placeholder: unknown = [placeholderText];
    if (root.name === 'bytea') placeholder = [placeholderBytes];
    else if (root.name === 'int4' || root.name === 'date') placeholder = [...placeholderBytes];
    else if (root.name === 'int8') placeholder = [...placeholderBytes].map(BigInt);
    else if (root.name === 'uuid') placeholder = [nameUuid(placeholderBytes)];
    return {
      builder: () => SB.array(itemBuilder().build()),
      decode: (t: string) =>
        parseArrayLiteral(t, delimiter).map((v) => {
          if (v === null) return null;
          if (Array.isArray(v))
            bad(`${type.name}`, t, 'multi-dimensional arrays are not supported');
          return item.decode(v);
        }),
      placeholder,
    };
  }
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** BigDecimal.setScale(scale, HALF_UP). */
function roundHalfUp(d: Decimal, scale: number): Decimal {
  if (d.scale <= scale) return d.setScale(scale);
  const factor = 10n ** BigInt(d.scale - scale);
  const negative = d.unscaled < 0n;
  const abs = negative ? -d.unscaled : d.unscaled;
  let q = abs / factor;
  if ((abs % factor) * 2n >= factor) q += 1n;
  return new Decimal(negative ? -q : q, scale);
}
