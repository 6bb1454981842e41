/**
 * What the benches against a test server share (PostgreSQL, Redis): the server's connection,
 * rounds that interleave the contenders (so a burst of load on the shared machine hits all of
 * them, not one), and a table with each contender's ratio to the baseline per round.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';

/**
 * The connection of a test service: its variable (`SLUICE_POSTGRES_URL`, ...), or what the
 * services CLI prints for it (VAR=value lines) after starting or reusing it.
 */
export function serviceUrl(service: string, envVar: string): string {
  const fromEnv = process.env[envVar];
  if (fromEnv) return fromEnv;
  const bin = new URL('node_modules/.bin/sluice-services', import.meta.url).pathname;
  const out = execFileSync(bin, ['up', service], { encoding: 'utf8' });
  const line = out.split('\n').find((l) => l.startsWith(`${envVar}=`));
  if (line === undefined) throw new Error(`sluice-services did not print ${envVar}`);
  return line.slice(envVar.length + 1).trim();
}

/** The test PostgreSQL's URL. */
export function postgresUrl(): string {
  return serviceUrl('postgres', 'SLUICE_POSTGRES_URL');
}

/** One contender: `run` does the work once and returns how many rows (records, commands) it handled. */
export interface Contender {
  readonly name: string;
  /** Untimed preparation before each run (e.g. TRUNCATE). */
  readonly before?: () => Promise<void>;
  readonly run: () => Promise<number>;
}

/** Rows/s of every round of every contender, in contender order. */
export interface RoundResults {
  readonly names: readonly string[];
  readonly rates: readonly (readonly number[])[];
  /**
   * This process's CPU time (user + system) per row of every round, in microseconds: what a
   * contender costs the client, which a busy machine disturbs less than the wall-clock rate.
   */
  readonly cpuMicros: readonly (readonly number[])[];
}

/**
 * Runs one warm-up round and `rounds` timed rounds; in each round every contender runs once, the
 * starting contender rotating from round to round. `expected` rows per run are checked.
 */
export async function interleavedRounds(
  contenders: readonly Contender[],
  rounds: number,
  expected: number,
): Promise<RoundResults> {
  const rates: number[][] = contenders.map(() => []);
  const cpuMicros: number[][] = contenders.map(() => []);
  for (let round = -1; round < rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const index = (k + Math.max(round, 0)) % contenders.length;
      const contender = contenders[index] as Contender;
      await contender.before?.();
      const cpu = process.cpuUsage();
      const start = process.hrtime.bigint();
      const count = await contender.run();
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const used = process.cpuUsage(cpu);
      if (count !== expected) {
        throw new Error(`${contender.name} handled ${count} rows, expected ${expected}`);
      }
      if (round >= 0) {
        (rates[index] as number[]).push(expected / seconds);
        (cpuMicros[index] as number[]).push((used.user + used.system) / expected);
      }
    }
    if (round >= 0) process.stderr.write(`round ${round + 1}/${rounds} done\n`);
  }
  return { names: contenders.map((c) => c.name), rates, cpuMicros };
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** A whole number with thousands separators. */
export const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const pct = (n: number): string => `${(n * 100).toFixed(0)}%`;

/**
 * A markdown table: median rows/s and spread per contender, and its ratio to `baseline` (a
 * contender's name) taken round by round (the two ran back to back), median and min–max. With
 * `cpu`, also this process's median CPU time per row and its ratio to the baseline's.
 */
export function ratioTable(
  results: RoundResults,
  baseline: string,
  unit = 'rows',
  options: { cpu?: boolean } = {},
): string {
  const b = results.names.indexOf(baseline);
  if (b < 0) throw new Error(`no contender named ${baseline}`);
  const base = results.rates[b] as readonly number[];
  const baseCpu = median(results.cpuMicros[b] as readonly number[]);
  const cpuHeader = options.cpu
    ? ` client CPU µs per ${unit.replace(/s$/, '')} (median) | CPU vs baseline |`
    : '';
  const lines = [
    `| case | median ${unit}/s | min–max ${unit}/s | vs ${baseline}: median of rounds (min–max) |${cpuHeader}`,
    `| --- | ---: | ---: | ---: |${options.cpu ? ' ---: | ---: |' : ''}`,
  ];
  results.names.forEach((name, i) => {
    const rates = results.rates[i] as readonly number[];
    const ratios = rates.map((r, round) => r / (base[round] as number));
    const cpu = median(results.cpuMicros[i] as readonly number[]);
    const cpuCells = options.cpu ? ` ${cpu.toFixed(1)} | ${pct(cpu / baseCpu)} |` : '';
    lines.push(
      `| ${name} | ${fmt(median(rates))} | ${fmt(Math.min(...rates))}–${fmt(Math.max(...rates))} | ${pct(median(ratios))} (${pct(Math.min(...ratios))}–${pct(Math.max(...ratios))}) |${cpuCells}`,
    );
  });
  return lines.join('\n');
}

/** A line saying where and when the figures were measured. */
export function provenance(): string {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {}
  const [one] = loadavg();
  return `${new Date().toISOString()}, commit ${commit}, Node ${process.version}, ${availableParallelism()} CPUs, load average ${one?.toFixed(1)}`;
}
