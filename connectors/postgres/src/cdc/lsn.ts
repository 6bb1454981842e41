/**
 * A WAL position (log sequence number): a 64-bit unsigned integer, written by PostgreSQL as two
 * hexadecimal halves (`16/B374D848`). Debezium stores it in offsets and the `source` block as a
 * signed 64-bit number; WAL positions stay far below 2^63, so both are the same integer.
 */
export type Lsn = bigint;

/** The LSN PostgreSQL calls invalid (`0/0`). */
export const INVALID_LSN: Lsn = 0n;

/** Parses `X/Y` (hexadecimal halves). Throws on anything else. */
export function parseLsn(text: string): Lsn {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text);
  if (match === null) throw new Error(`Not an LSN: ${JSON.stringify(text)}`);
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

/** `X/Y`, as PostgreSQL prints it. */
export function formatLsn(lsn: Lsn): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** An LSN read from an offset (a number, a bigint or a numeric string), or null. */
export function lsnFromOffset(value: unknown): Lsn | null {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value);
  return null;
}
