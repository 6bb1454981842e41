import { DataException, Decimal } from '@sluice/api';

// Within ±2^47 the two's-complement bytes are computed with plain numbers (exact below 2^53),
// which is several times faster than Decimal's bigint-to-hex path; larger values take that path.
const FAST_LIMIT = 2n ** 47n;
const NEGATIVE_FAST_LIMIT = -FAST_LIMIT;

/**
 * The unscaled value of `value` as big-endian two's complement in the fewest bytes (Java's
 * `BigInteger.toByteArray()`), as a Buffer for avsc. Throws a DataException when the scale is
 * not the schema's.
 */
export function decimalToBuffer(value: Decimal, scale: number): Buffer {
  if (value.scale !== scale) mismatchingScale(scale, value);
  const unscaled = value.unscaled;
  if (unscaled >= FAST_LIMIT || unscaled < NEGATIVE_FAST_LIMIT) return Buffer.from(value.toBytes());
  let n = Number(unscaled);
  if (n >= -32768 && n < 32768) {
    // One or two bytes (most prices and amounts): two's complement with 32-bit integer ops.
    if (n >= -128 && n < 128) {
      const one = Buffer.allocUnsafe(1);
      one[0] = n & 0xff;
      return one;
    }
    const two = Buffer.allocUnsafe(2);
    two[0] = (n >> 8) & 0xff;
    two[1] = n & 0xff;
    return two;
  }
  let length = 1;
  // The fewest bytes whose signed range holds n.
  for (let limit = 128; n >= limit || n < -limit; limit *= 256) length++;
  const out = Buffer.allocUnsafe(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = ((n % 256) + 256) % 256;
    n = Math.floor(n / 256);
  }
  return out;
}

/** Throws the DataException for a Decimal whose scale is not its schema's. */
export function mismatchingScale(scale: number, value: Decimal): never {
  throw new DataException(
    `Decimal value has mismatching scale for given Decimal schema. Schema has scale ${scale}, value has scale ${value.scale}.`,
  );
}

/** The Decimal of big-endian two's-complement `bytes` with `scale`. */
export function decimalFromBytes(bytes: Uint8Array, scale: number): Decimal {
  const length = bytes.length;
  if (length === 0 || length > 6) return Decimal.fromBytes(bytes, scale);
  let n = (bytes[0] as number) & 0x80 ? -1 : 0;
  for (let i = 0; i < length; i++) n = n * 256 + (bytes[i] as number);
  return new Decimal(BigInt(n), scale);
}
