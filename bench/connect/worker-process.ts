/** Starts a Connect worker (Sluice or Apache Kafka Connect) for the bench, from this build. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  type KafkaConnectInstall,
  rssOf,
  startConnectWorker,
  type WorkerMode,
  type WorkerProcess,
  type WorkerSystem,
} from '@sluice/test-fixtures';

export { rssOf, type WorkerProcess, type WorkerSystem };

/** CPU time (user + system) a process used so far, in ms, from /proc (clock ticks of 10 ms). */
export function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    // "pid (comm) state ppid ...": utime and stime are the 12th and 13th fields after ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** The `sluice` bin of @sluice/worker (run from its dist: build first). */
export function sluiceBin(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@sluice/worker/package.json')), 'bin', 'sluice.js');
}

const SLUICE_DIST_DIRS = [
  'packages/api',
  'packages/runtime',
  'packages/worker',
  'converters/json',
  'connectors/file',
  'transforms/core',
];

/**
 * When the Sluice code the bin runs was last built: the newest file under the `dist` of the
 * worker and the packages it loads. Other people may rebuild while the bench runs; each
 * Sluice run records this so the results say which build it measured.
 */
export function sluiceBuildStamp(): string {
  const repo = join(dirname(sluiceBin()), '..', '..', '..');
  let newest = 0;
  for (const dir of SLUICE_DIST_DIRS) {
    const dist = join(repo, dir, 'dist');
    try {
      for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
        if (entry.isFile()) {
          newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
        }
      }
    } catch {
      // not built
    }
  }
  return newest === 0 ? 'unbuilt' : new Date(newest).toISOString();
}

/** How the bench starts one worker. */
export interface WorkerLaunch {
  readonly system: WorkerSystem;
  /** `standalone` (default) or `distributed` (connectors then created through REST). */
  readonly mode?: WorkerMode | undefined;
  readonly dir: string;
  readonly worker: Readonly<Record<string, string>>;
  readonly connectors: readonly Readonly<Record<string, string>>[];
  readonly kafkaConnect: KafkaConnectInstall | undefined;
  /** For Sluice: write a V8 CPU profile into this folder on exit (`node --cpu-prof`). */
  readonly cpuProfileDir?: string | undefined;
}

/** Starts the worker with @sluice/test-fixtures, Sluice from this repository's `sluice` bin. */
export function startWorker(launch: WorkerLaunch): Promise<WorkerProcess> {
  const { cpuProfileDir, ...rest } = launch;
  return startConnectWorker({
    ...rest,
    sluiceBin: sluiceBin(),
    nodeArgs: cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`],
  });
}
