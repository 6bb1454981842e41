/**
 * A decimal's unscaled value as Connect stores it in bytes: big-endian two's complement,
 * shortest form (Java's `BigInteger.toByteArray`).
 */

/** Encodes `unscaled` as minimal big-endian two's complement bytes. */
export function unscaledToBytes(unscaled: bigint): Uint8Array {
  let length = 1;
  // Smallest length whose signed range holds the value.
  while (unscaled >= 1n << BigInt(8 * length - 1) || unscaled < -(1n << BigInt(8 * length - 1))) {
    length++;
  }
  const bytes = new Uint8Array(length);
  let rest = BigInt.asUintN(8 * length, unscaled);
  for (let i = length - 1; i >= 0; i--) {
    bytes[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return bytes;
}

/** Decodes big-endian two's complement bytes (any length ≥ 1) to a bigint. */
export function bytesToUnscaled(bytes: Uint8Array): bigint {
  if (bytes.length === 0) throw new RangeError('a decimal needs at least one byte');
  let result = 0n;
  for (const byte of bytes) result = (result << 8n) | BigInt(byte);
  return BigInt.asIntN(8 * bytes.length, result);
}
