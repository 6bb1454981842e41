/** Timing and table printing shared by the benchmarks. */

export interface Measurement {
  readonly name: string;
  /** Median operations per second over the rounds. */
  readonly opsPerSecond: number;
  /** Smallest and largest round, ops/s: the spread. */
  readonly min: number;
  readonly max: number;
}

export interface MeasureOptions {
  readonly rounds?: number;
  readonly roundMs?: number;
}

/**
 * Runs `op` in batches for `roundMs` per round, `rounds` times after one warm-up round,
 * and reports the median rate. `op` returns something so the work is not optimised away.
 */
export function measure(
  name: string,
  op: () => unknown,
  options: MeasureOptions = {},
): Measurement {
  const rounds = options.rounds ?? 5;
  const roundMs = options.roundMs ?? 1000;
  const rates: number[] = [];
  let sink: unknown;
  for (let round = -1; round < rounds; round++) {
    let count = 0;
    const start = process.hrtime.bigint();
    const end = start + BigInt(roundMs) * 1_000_000n;
    let now = start;
    while (now < end) {
      for (let i = 0; i < 100; i++) sink = op();
      count += 100;
      now = process.hrtime.bigint();
    }
    if (round >= 0) rates.push((count * 1e9) / Number(now - start));
  }
  if (sink === Symbol.for('never')) process.stdout.write('');
  rates.sort((a, b) => a - b);
  return {
    name,
    opsPerSecond: rates[Math.floor(rates.length / 2)] ?? 0,
    min: rates[0] ?? 0,
    max: rates[rates.length - 1] ?? 0,
  };
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** A markdown table of `rows`, each with its ratio to `baseline` (same run). */
export function table(rows: readonly Measurement[], baseline: Measurement): string {
  const lines = [
    '| case | median ops/s | min–max ops/s | vs baseline |',
    '| --- | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    const ratio = row.opsPerSecond / baseline.opsPerSecond;
    lines.push(
      `| ${row.name} | ${fmt(row.opsPerSecond)} | ${fmt(row.min)}–${fmt(row.max)} | ${(ratio * 100).toFixed(0)}% |`,
    );
  }
  return lines.join('\n');
}
