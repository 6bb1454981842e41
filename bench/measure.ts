/** Timing and table printing shared by the benchmarks. */

export interface Measurement {
  readonly name: string;
  /** Median operations per second over the rounds. */
  readonly opsPerSecond: number;
  /** Smallest and largest round, ops/s: the spread. */
  readonly min: number;
  readonly max: number;
  /**
   * Median over the rounds of this case's rate divided by the baseline's rate in the same round
   * (set by `compare`); `table` prints it instead of the ratio of the medians.
   */
  readonly ratio?: number;
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
  round(op, roundMs); // warm-up
  for (let i = 0; i < rounds; i++) rates.push(round(op, roundMs));
  rates.sort((a, b) => a - b);
  return {
    name,
    opsPerSecond: rates[Math.floor(rates.length / 2)] ?? 0,
    min: rates[0] ?? 0,
    max: rates[rates.length - 1] ?? 0,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Rate of `op` over about `roundMs` milliseconds, in batches of 100. */
function round(op: () => unknown, roundMs: number): number {
  let count = 0;
  let sink: unknown;
  const start = process.hrtime.bigint();
  const end = start + BigInt(roundMs) * 1_000_000n;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 100; i++) sink = op();
    count += 100;
    now = process.hrtime.bigint();
  }
  if (sink === Symbol.for('never')) process.stdout.write('');
  return (count * 1e9) / Number(now - start);
}

/**
 * Measures several cases side by side, the first being the baseline: each round runs every case
 * once, one after the other, so a slowdown of a shared machine hits all of them alike. Reports
 * each case's median rate and, as its ratio, the median of its per-round ratios to the baseline.
 */
export function compare(
  cases: readonly { readonly name: string; readonly op: () => unknown }[],
  options: MeasureOptions = {},
): Measurement[] {
  const rounds = options.rounds ?? 9;
  const roundMs = options.roundMs ?? 500;
  const rates = cases.map(() => [] as number[]);
  for (let r = -1; r < rounds; r++) {
    cases.forEach((c, i) => {
      const rate = round(c.op, roundMs);
      if (r >= 0) rates[i]?.push(rate);
    });
  }
  const baseline = rates[0] ?? [];
  return cases.map((c, i) => {
    const own = rates[i] ?? [];
    return {
      name: c.name,
      opsPerSecond: median(own),
      min: Math.min(...own),
      max: Math.max(...own),
      ratio: median(own.map((rate, r) => rate / (baseline[r] ?? rate))),
    };
  });
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** A markdown table of `rows`, each with its ratio to `baseline` (same run). */
export function table(rows: readonly Measurement[], baseline: Measurement): string {
  const lines = [
    '| case | median ops/s | min–max ops/s | vs baseline |',
    '| --- | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    const ratio = row.ratio ?? row.opsPerSecond / baseline.opsPerSecond;
    lines.push(
      `| ${row.name} | ${fmt(row.opsPerSecond)} | ${fmt(row.min)}–${fmt(row.max)} | ${(ratio * 100).toFixed(0)}% |`,
    );
  }
  return lines.join('\n');
}
