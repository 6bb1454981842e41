/** Counting what arrived against what was sent, and timing the catch-up after a fault. */
import { waitFor } from '@sluice/test-fixtures';

export interface Tally {
  readonly total: number;
  readonly duplicates: number;
  /** Expected records not found. */
  readonly missing: number;
}

/** Compares the records found with `line-0 .. line-<expected-1>`. */
export function tally(found: readonly string[], expected: number): Tally {
  const distinct = new Set(found);
  let missing = 0;
  for (let i = 0; i < expected; i++) if (!distinct.has(`line-${i}`)) missing++;
  return { total: found.length, duplicates: found.length - distinct.size, missing };
}

/**
 * Waits until the first `expected` records have all arrived (read with `read`); resolves with
 * how long that took. Fails after `timeoutMs` saying how many are still missing.
 */
export async function caughtUp(
  read: () => Promise<readonly string[]>,
  expected: number,
  timeoutMs = 300_000,
): Promise<number> {
  const start = Date.now();
  let last: Tally = { total: 0, duplicates: 0, missing: expected };
  await waitFor(
    `${expected} records to arrive`,
    async () => {
      last = tally(await read(), expected);
      return last.missing === 0;
    },
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message}: ${last.missing} still missing after ${timeoutMs} ms`);
  });
  return Date.now() - start;
}

/** The result fields of a final tally. */
export function figures(
  found: readonly string[],
  recordsIn: number,
): {
  recordsIn: number;
  recordsOut: number;
  lost: number;
  duplicates: number;
} {
  const t = tally(found, recordsIn);
  return { recordsIn, recordsOut: t.total, lost: t.missing, duplicates: t.duplicates };
}
