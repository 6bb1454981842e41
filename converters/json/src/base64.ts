/** Standard padded base64, as Jackson writes and reads `byte[]` (MIME without line feeds). */

const BASE64_TEXT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Up to this many bytes, encoding in JS beats making a Buffer view and calling into C++. */
const SMALL = 48;

/** Encodes bytes as padded standard base64. */
export function toBase64(bytes: Uint8Array): string {
  if (bytes.length > SMALL) {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  }
  return encodeSmall(bytes, bytes.length);
}

/** The base64 of the first `length` bytes. */
function encodeSmall(bytes: Uint8Array, length: number): string {
  let out = '';
  let i = 0;
  for (; i + 3 <= length; i += 3) {
    const n =
      ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out +=
      ALPHABET.charAt(n >> 18) +
      ALPHABET.charAt((n >> 12) & 63) +
      ALPHABET.charAt((n >> 6) & 63) +
      ALPHABET.charAt(n & 63);
  }
  return i === length
    ? out
    : out + lastGroup(bytes[i] as number, i + 1 < length ? bytes[i + 1] : undefined);
}

/** The padded base64 of the one or two bytes left at the end. */
function lastGroup(first: number, second: number | undefined): string {
  if (second === undefined)
    return `${ALPHABET.charAt(first >> 2)}${ALPHABET.charAt((first & 3) << 4)}==`;
  const n = (first << 8) | second;
  return `${ALPHABET.charAt(n >> 10)}${ALPHABET.charAt((n >> 4) & 63)}${ALPHABET.charAt((n & 15) << 2)}=`;
}

/** 256^n for n = 0..6. */
const BYTE_POWERS = [1, 2 ** 8, 2 ** 16, 2 ** 24, 2 ** 32, 2 ** 40, 2 ** 48];
const scratch = new Uint8Array(6);

/**
 * The base64 of `unscaled` as big-endian two's complement in the fewest bytes (Java's
 * `BigInteger.toByteArray`), for |unscaled| < 2^47 (at most 6 bytes, exact in a double);
 * undefined for larger values.
 */
export function smallUnscaledToBase64(unscaled: bigint): string | undefined {
  if (unscaled >= 140737488355328n || unscaled < -140737488355328n) return undefined;
  const n = Number(unscaled);
  let length = 1;
  while (n >= (BYTE_POWERS[length] as number) / 2 || n < -(BYTE_POWERS[length] as number) / 2) {
    length++;
  }
  let rest = n < 0 ? n + (BYTE_POWERS[length] as number) : n;
  for (let i = length - 1; i >= 0; i--) {
    scratch[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return encodeSmall(scratch, length);
}

/** Decodes padded standard base64; returns undefined when `text` is not valid base64. */
export function fromBase64(text: string): Uint8Array | undefined {
  if (!BASE64_TEXT.test(text)) return undefined;
  const buffer = Buffer.from(text, 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
