import type { SourceOffset, SourcePartition } from '@sluice/api';
import { type PgInstant, parseTimestamp } from './pg-text.js';

/**
 * Source partitions and offsets in the shapes of Confluent's JDBC source connector, so offsets
 * carry over between the two: partition `{"protocol":"1","table":"schema.table"}` (older JDBC
 * versions wrote `{"table":"table"}`, still read), `{"query":"query"}` for a custom query; offset
 * `{"incrementing": n}`, `{"timestamp": ms, "timestamp_nanos": ns}` or both.
 */
export function tablePartition(qualifiedTable: string): SourcePartition {
  return { protocol: '1', table: qualifiedTable };
}

/** The protocol-0 partition of older JDBC connector versions: the unqualified table name. */
export function legacyTablePartition(table: string): SourcePartition {
  return { table };
}

/** The partition of a custom query. */
export const QUERY_PARTITION: SourcePartition = Object.freeze({ query: 'query' });

/** Where a table has been read up to. */
export interface ReadPosition {
  /** The last incrementing value read, or null (start: everything above -1, as JDBC). */
  readonly incrementing: bigint | null;
  /** The last timestamp read, or null (start: the beginning of time). */
  readonly timestamp: PgInstant | null;
}

export const START_POSITION: ReadPosition = Object.freeze({ incrementing: null, timestamp: null });

function toBigInt(value: unknown): bigint | null {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  return null;
}

/** Reads a stored offset (a JDBC connector's or ours). */
export function positionFromOffset(offset: SourceOffset | null): ReadPosition {
  if (offset === null) return START_POSITION;
  const incrementing = toBigInt(offset.incrementing);
  const millis = toBigInt(offset.timestamp);
  let timestamp: PgInstant | null = null;
  if (millis !== null) {
    const epochSecond = Number(millis >= 0n ? millis / 1000n : (millis - 999n) / 1000n);
    const nanos = toBigInt(offset.timestamp_nanos);
    const micros =
      nanos !== null ? Number(nanos / 1000n) : Number(millis - BigInt(epochSecond) * 1000n) * 1000;
    timestamp = { epochSecond, micros };
  } else if (typeof offset.timestamp === 'string') {
    timestamp = parseTimestamp(offset.timestamp);
  }
  return { incrementing, timestamp };
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A JSON number when it is exact, a bigint (written as a JSON integer) beyond 2^53. */
function jsonLong(value: bigint): number | bigint {
  return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value;
}

/** The stored form of a position. */
export function offsetFromPosition(position: ReadPosition): SourceOffset {
  const offset: Record<string, unknown> = {};
  if (position.incrementing !== null) offset.incrementing = jsonLong(position.incrementing);
  if (position.timestamp !== null) {
    const { epochSecond, micros } = position.timestamp;
    offset.timestamp = epochSecond * 1000 + Math.floor(micros / 1000);
    offset.timestamp_nanos = micros * 1000;
  }
  return offset;
}
