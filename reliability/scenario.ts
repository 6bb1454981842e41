/** What a chaos scenario is, how big it runs, and what it reports. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** How long and how fast a scenario runs: `short` in `pnpm test`, `full` in `pnpm chaos`. */
export interface Size {
  readonly name: 'short' | 'full';
  /** Input lines (or rows) written per second while the scenario runs. */
  readonly perSecond: number;
  /** Records flowing before the fault. */
  readonly beforeMs: number;
  /** How long a server stays down, a stall lasts or latency is added. */
  readonly faultMs: number;
  /** The "database down for a minute" outage. */
  readonly outageMs: number;
}

export const SHORT: Size = {
  name: 'short',
  perSecond: 100,
  beforeMs: 2_000,
  faultMs: 3_000,
  outageMs: 8_000,
};
export const FULL: Size = {
  name: 'full',
  perSecond: 500,
  beforeMs: 10_000,
  faultMs: 15_000,
  outageMs: 60_000,
};

/** One scenario's figures. */
export interface ScenarioResult {
  readonly scenario: string;
  /** Records the input produced (lines appended, rows inserted). */
  readonly recordsIn: number;
  /** Records found at the far end, duplicates included. */
  readonly recordsOut: number;
  /** Input records missing at the far end. */
  readonly lost: number;
  /** Records found more than once (at-least-once delivery redelivers after a crash). */
  readonly duplicates: number;
  /** From the end of the fault until everything written before it had arrived, in ms. */
  readonly recoveryMs: number;
  /** What else was seen (peak memory, phases). */
  readonly notes: string;
}

export interface Scenario {
  readonly name: string;
  run(size: Size): Promise<ScenarioResult>;
}

const require = createRequire(import.meta.url);

/** The `sluice` bin of @sluice/worker (its dist: build first). */
export function sluiceBin(): string {
  return join(dirname(require.resolve('@sluice/worker/package.json')), 'bin', 'sluice.js');
}

/** A connector package's folder, for `plugin.path`. */
export function pluginDir(name: '@sluice/connector-postgres' | '@sluice/connector-s3'): string {
  return dirname(require.resolve(`${name}/package.json`));
}
