import { DataException } from './errors.js';
import { DECIMAL_LOGICAL_NAME, DECIMAL_SCALE_FIELD } from './logical-names.js';
import type { Schema } from './schema.js';
import { SchemaBuilder } from './schema-builder.js';

const BRAND = Symbol.for('@sluice/api:Decimal');
const DECIMAL_PATTERN = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function checkScale(scale: number): void {
  if (!Number.isInteger(scale) || scale < INT32_MIN || scale > INT32_MAX) {
    throw new DataException(`Decimal scale must be a 32-bit integer, got ${String(scale)}`);
  }
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Unscaled values in [-2^47, 2^47) take at most this many bytes, and fit a double exactly. */
const SMALL_BYTES = 6;
const SMALL_LIMIT = 2n ** 47n;
/**
 * An exact decimal number: `unscaled × 10^-scale`, like Java's BigDecimal. The value type of
 * Kafka Connect's Decimal logical type (`org.apache.kafka.connect.data.Decimal`, BYTES holding the
 * unscaled value as big-endian two's complement, with the scale in the schema's `scale` parameter).
 *
 * Two decimals are `equals` only when both the unscaled value and the scale match (1.0 ≠ 1.00, as
 * in Java); use `compareTo` for numeric comparison.
 */
export class Decimal {
  /** `org.apache.kafka.connect.data.Decimal`. */
  static readonly LOGICAL_NAME = DECIMAL_LOGICAL_NAME;
  /** `scale`, the schema parameter holding the scale. */
  static readonly SCALE_FIELD = DECIMAL_SCALE_FIELD;

  readonly unscaled: bigint;
  readonly scale: number;

  constructor(unscaled: bigint, scale: number) {
    if (typeof unscaled !== 'bigint') {
      throw new DataException(`Decimal unscaled value must be a bigint, got ${typeof unscaled}`);
    }
    checkScale(scale);
    this.unscaled = unscaled;
    this.scale = scale;
    Object.freeze(this);
  }

  /** A builder for a Decimal schema with this scale (BYTES, named, version 1), as in Kafka. */
  static builder(scale: number): SchemaBuilder {
    checkScale(scale);
    return SchemaBuilder.bytes()
      .name(DECIMAL_LOGICAL_NAME)
      .parameter(DECIMAL_SCALE_FIELD, String(scale))
      .version(1);
  }

  /** A required Decimal schema with this scale. */
  static schema(scale: number): Schema {
    return Decimal.builder(scale).build();
  }

  /** The scale declared by a Decimal schema; throws a DataException when it is missing or invalid. */
  static scaleOf(schema: Schema): number {
    const text = schema.parameters?.[DECIMAL_SCALE_FIELD];
    if (text === undefined) {
      throw new DataException('Invalid Decimal schema: scale parameter not found.');
    }
    const scale = /^[+-]?\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
    if (!Number.isInteger(scale) || scale < INT32_MIN || scale > INT32_MAX) {
      throw new DataException(`Invalid scale parameter found in Decimal schema: ${text}`);
    }
    return scale;
  }

  /** Encodes a Decimal for a Decimal schema; its scale must equal the schema's. */
  static fromLogical(schema: Schema, value: Decimal): Uint8Array {
    const schemaScale = Decimal.scaleOf(schema);
    if (value.scale !== schemaScale) {
      throw new DataException(
        `Decimal value has mismatching scale for given Decimal schema. Schema has scale ${schemaScale}, value has scale ${value.scale}.`,
      );
    }
    return value.toBytes();
  }

  /** Decodes the bytes of a Decimal schema's value. */
  static toLogical(schema: Schema, bytes: Uint8Array): Decimal {
    return Decimal.fromBytes(bytes, Decimal.scaleOf(schema));
  }

  /**
   * Parses a decimal string exactly: `-12.340` → unscaled -12340, scale 3. Exponents are accepted
   * as in Java's `new BigDecimal(String)`: `1.5E+3` → unscaled 15, scale -2.
   */
  static fromString(text: string): Decimal {
    const match = DECIMAL_PATTERN.exec(text.trim());
    const intPart = match?.[2] ?? '';
    const fracPart = match?.[3] ?? '';
    if (match === null || intPart.length + fracPart.length === 0) {
      throw new DataException(`Not a decimal number: "${text}"`);
    }
    const digits = BigInt(intPart + fracPart);
    const exponent = match[4] === undefined ? 0 : Number(match[4]);
    return new Decimal(match[1] === '-' ? -digits : digits, fracPart.length - exponent);
  }

  /**
   * Decodes an unscaled value written as big-endian two's complement (Java's
   * `BigInteger.toByteArray()`), with the given scale.
   */
  static fromBytes(bytes: Uint8Array, scale: number): Decimal {
    if (bytes.length === 0) {
      throw new DataException('Cannot decode a Decimal from zero bytes');
    }
    const negative = ((bytes[0] ?? 0) & 0x80) !== 0;
    if (bytes.length <= SMALL_BYTES) {
      // Most decimals (prices, amounts) fit in 6 bytes: exact in a double, no hex round trip.
      let value = 0;
      for (const byte of bytes) value = value * 256 + byte;
      if (negative) value -= 2 ** (bytes.length * 8);
      return new Decimal(BigInt(value), scale);
    }
    let hex = '';
    for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
    let unscaled = BigInt(`0x${hex}`);
    if (negative) unscaled -= 1n << BigInt(bytes.length * 8);
    return new Decimal(unscaled, scale);
  }

  /** The value `unscaled × 10^-scale` of a bigint or of a safe integer number. */
  static of(unscaled: bigint | number, scale = 0): Decimal {
    if (typeof unscaled === 'number' && !Number.isSafeInteger(unscaled)) {
      throw new DataException(`Decimal.of needs a safe integer or a bigint, got ${unscaled}`);
    }
    return new Decimal(BigInt(unscaled), scale);
  }

  /** The unscaled value as big-endian two's complement in the fewest bytes (Java's `toByteArray`). */
  toBytes(): Uint8Array {
    const value = this.unscaled;
    if (value >= -SMALL_LIMIT && value < SMALL_LIMIT) {
      // Fits in 6 bytes: computed with doubles (exact below 2^53), no string conversions.
      const n = Number(value);
      let length = 1;
      while (n >= 2 ** (8 * length - 1) || n < -(2 ** (8 * length - 1))) length++;
      const out = new Uint8Array(length);
      let rest = n < 0 ? n + 2 ** (8 * length) : n;
      for (let i = length - 1; i >= 0; i--) {
        out[i] = rest % 256;
        rest = Math.floor(rest / 256);
      }
      return out;
    }
    const magnitudeBits = (value < 0n ? -value - 1n : value).toString(2).length;
    const length = Math.floor(magnitudeBits / 8) + 1;
    const encoded = value < 0n ? (1n << BigInt(length * 8)) + value : value;
    const hex = encoded.toString(16).padStart(length * 2, '0');
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    return out;
  }

  /** The same number with another scale; throws a DataException if that would need rounding. */
  setScale(scale: number): Decimal {
    checkScale(scale);
    if (scale === this.scale) return this;
    if (scale > this.scale) return new Decimal(this.unscaled * pow10(scale - this.scale), scale);
    const divisor = pow10(this.scale - scale);
    if (this.unscaled % divisor !== 0n) {
      throw new DataException(
        `Cannot change the scale of ${this.toString()} from ${this.scale} to ${scale} without rounding`,
      );
    }
    return new Decimal(this.unscaled / divisor, scale);
  }

  /** Numeric comparison regardless of scale: negative, zero or positive. */
  compareTo(other: Decimal): number {
    const scale = Math.max(this.scale, other.scale);
    const a = this.unscaled * pow10(scale - this.scale);
    const b = other.unscaled * pow10(scale - other.scale);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** Same unscaled value and same scale (as Java's BigDecimal.equals). */
  equals(other: unknown): boolean {
    return (
      other instanceof Decimal && other.unscaled === this.unscaled && other.scale === this.scale
    );
  }

  /** Plain notation, never an exponent: unscaled 12340 scale 3 → `12.340`; scale -2 → `1234000`. */
  toString(): string {
    const negative = this.unscaled < 0n;
    const digits = (negative ? -this.unscaled : this.unscaled).toString();
    const sign = negative ? '-' : '';
    if (this.scale <= 0) {
      return this.unscaled === 0n ? '0' : `${sign}${digits}${'0'.repeat(-this.scale)}`;
    }
    const padded = digits.padStart(this.scale + 1, '0');
    const point = padded.length - this.scale;
    return `${sign}${padded.slice(0, point)}.${padded.slice(point)}`;
  }

  /** The nearest JS number; may lose precision, so only for display or approximate maths. */
  toNumber(): number {
    return Number(this.toString());
  }

  /** The plain string, so JSON keeps every digit. */
  toJSON(): string {
    return this.toString();
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Decimal(${this.toString()})`;
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as { [BRAND]?: unknown })[BRAND] === true
    );
  }
}

Object.defineProperty(Decimal.prototype, BRAND, { value: true });
