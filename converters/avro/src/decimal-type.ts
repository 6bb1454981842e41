import { Decimal } from '@sluice/api';
import avro from 'avsc';
import { decimalFromBytes, decimalToBuffer } from './decimal-bytes.js';

/** The part of avsc's Tap (its read/write cursor over a Buffer) the decimal type uses. */
interface Tap {
  buf: Buffer;
  pos: number;
  readLong(): number;
  writeLong(n: number): void;
  writeBytes(buf: Buffer): void;
  _invalidate(): void;
}

// Unscaled values within ±2^47 are written with number arithmetic (exact below 2^53).
const FAST_LIMIT = 2n ** 47n;
const NEGATIVE_FAST_LIMIT = -FAST_LIMIT;

/** The `typeName` avsc gives a DecimalLogicalType. */
export const DECIMAL_AVRO_TYPE_NAME = 'logical:decimal';

/**
 * Avro `bytes` with logical type `decimal`, read and written as a Connect `Decimal` (avsc's
 * documented way of extending it with logical types): the two's-complement bytes go straight
 * between the Decimal and avsc's buffer, with no Buffer per value in between. Values it reads
 * have the Avro schema's scale; the value mapping rescales nothing, it only relabels when the
 * Connect schema's scale differs. A `fixed` decimal is not taken (avsc then falls back to the
 * plain `fixed` type).
 */
export class DecimalLogicalType extends avro.types.LogicalType {
  readonly scale: number;

  constructor(schema: avro.Schema, opts?: unknown) {
    const attributes = schema as { type?: unknown; scale?: unknown };
    if (attributes.type !== 'bytes') throw new Error('decimal on fixed: left to the fixed type');
    const scale = attributes.scale ?? 0;
    if (typeof scale !== 'number' || !Number.isInteger(scale)) {
      throw new Error(`invalid decimal scale: ${String(scale)}`);
    }
    super(schema, opts);
    this.scale = scale;
  }

  protected override _fromValue(bytes: Buffer): Decimal {
    return decimalFromBytes(bytes, this.scale);
  }

  protected override _toValue(value: unknown): Buffer | undefined {
    return value instanceof Decimal ? decimalToBuffer(value, value.scale) : undefined;
  }

  /** Reads the bytes' length, then the unscaled value from avsc's buffer in place. */
  _read(tap: Tap): Decimal | undefined {
    const length = tap.readLong();
    if (length < 0) {
      tap._invalidate();
      return undefined;
    }
    const start = tap.pos;
    const end = start + length;
    tap.pos = end;
    // Past the end: avsc reports the truncation through the position, as for its own bytes.
    if (end > tap.buf.length) return undefined;
    const buf = tap.buf;
    if (length === 0 || length > 6) return decimalFromBytes(buf.subarray(start, end), this.scale);
    let n = (buf[start] as number) & 0x80 ? -1 : 0;
    for (let i = start; i < end; i++) n = n * 256 + (buf[i] as number);
    return new Decimal(BigInt(n), this.scale);
  }

  /** Writes the unscaled value's two's complement (fewest bytes) straight into avsc's buffer. */
  _write(tap: Tap, value: Decimal): void {
    const unscaled = value.unscaled;
    if (unscaled >= FAST_LIMIT || unscaled < NEGATIVE_FAST_LIMIT) {
      tap.writeBytes(Buffer.from(value.toBytes()));
      return;
    }
    let n = Number(unscaled);
    let length = 1;
    for (let limit = 128; n >= limit || n < -limit; limit *= 256) length++;
    tap.writeLong(length);
    const start = tap.pos;
    tap.pos = start + length;
    // Past the end: avsc's encode reports the missing bytes through the position.
    if (tap.pos > tap.buf.length) return;
    const buf = tap.buf;
    for (let i = start + length - 1; i >= start; i--) {
      buf[i] = n & 0xff;
      n = Math.floor(n / 256);
    }
  }

  /** Reads values written with this type, or with plain `bytes`. */
  protected override _resolve(type: avro.Type): ((value: unknown) => unknown) | undefined {
    if (type instanceof DecimalLogicalType) {
      const scale = this.scale;
      return (value) => {
        const decimal = value as Decimal;
        return decimal.scale === scale ? decimal : new Decimal(decimal.unscaled, scale);
      };
    }
    if (avro.Type.isType(type, 'bytes')) return (value) => this._fromValue(value as Buffer);
    return undefined;
  }

  protected override _export(attributes: avro.Schema): void {
    (attributes as { scale?: number }).scale = this.scale;
  }
}
