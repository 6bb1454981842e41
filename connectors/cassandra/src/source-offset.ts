import type { SourceOffset, SourcePartition } from '@sluice/api';

/** The source partition of a table: its keyspace and name. */
export function tablePartition(keyspace: string, table: string): SourcePartition {
  return { keyspace, table };
}

/** A read in progress: the page to fetch next (driver paging state, hex) and how many of its rows were already sent. */
export interface PagePosition {
  readonly page: string | null;
  readonly skip: number;
}

/**
 * Where a table has been read up to.
 * - Incremental (timestamp, timeuuid): every row whose column is at most `from` (ms since the
 *   epoch) was sent; when `window` is set, the range (`from`, `window.to`] is being read, up to
 *   the page position.
 * - Bulk: `pass` is the position inside the current full pass, or null between passes;
 *   `passEnd` is when the last full pass ended (null: never).
 */
export type ReadPosition =
  | {
      readonly kind: 'incremental';
      readonly from: number;
      readonly window: (PagePosition & { readonly to: number }) | null;
    }
  | { readonly kind: 'bulk'; readonly pass: PagePosition | null; readonly passEnd: number | null };

const int = (v: unknown): number | null =>
  typeof v === 'number' && Number.isSafeInteger(v)
    ? v
    : typeof v === 'bigint'
      ? Number(v)
      : typeof v === 'string' && /^-?\d+$/.test(v)
        ? Number(v)
        : null;

/** The stored form of a position. */
export function offsetOf(position: ReadPosition): SourceOffset {
  if (position.kind === 'incremental') {
    const { from, window } = position;
    return window === null
      ? { timestamp: from }
      : { timestamp: from, 'window.end': window.to, page: window.page, skip: window.skip };
  }
  const { pass, passEnd } = position;
  return pass === null
    ? { 'pass.end': passEnd }
    : { page: pass.page, skip: pass.skip, 'pass.end': passEnd };
}

/** Reads a stored offset; `initial` is where incremental reads start without one. */
export function positionOf(
  offset: SourceOffset | null,
  mode: 'incremental' | 'bulk',
  initial: number,
): ReadPosition {
  const page = typeof offset?.page === 'string' ? offset.page : null;
  const skip = int(offset?.skip) ?? 0;
  if (mode === 'incremental') {
    const from = int(offset?.timestamp) ?? initial;
    const to = int(offset?.['window.end']);
    return { kind: 'incremental', from, window: to === null ? null : { to, page, skip } };
  }
  const passEnd = int(offset?.['pass.end']);
  const inPass = offset !== null && offset !== undefined && ('page' in offset || 'skip' in offset);
  return { kind: 'bulk', pass: inPass ? { page, skip } : null, passEnd };
}
