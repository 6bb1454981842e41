/** Starts a Connect worker (Sluice or Apache Kafka Connect) as a child process and watches its memory. */
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, readdirSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { javaCommand } from '@sluice/test-fixtures';
import type { KafkaConnectInstall } from './kafka-connect-install.js';

/** The two workers compared. */
export type WorkerSystem = 'sluice' | 'kafka-connect';

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

/** How to start one worker. */
export interface WorkerLaunch {
  readonly system: WorkerSystem;
  readonly dir: string;
  readonly worker: Readonly<Record<string, string>>;
  readonly connectors: readonly Readonly<Record<string, string>>[];
  readonly kafkaConnect: KafkaConnectInstall | undefined;
  /** For Sluice: write a V8 CPU profile into this folder on exit (`node --cpu-prof`). */
  readonly cpuProfileDir?: string | undefined;
}

/** A running worker. */
export interface WorkerProcess {
  readonly system: WorkerSystem;
  readonly child: ChildProcess;
  /** `process.hrtime.bigint()` just before spawn. */
  readonly spawnedAt: bigint;
  readonly logFile: string;
  /** Resolves with the exit code or signal once the process ended. */
  readonly exited: Promise<number | string>;
  /** Largest RSS sampled since start or since the last `resetPeakRss()`, in bytes. */
  peakRss(): number;
  resetPeakRss(): void;
  /** Stops with SIGTERM (as Ctrl-C would), SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<number | string>;
}

/** The JVM options of Kafka's connect-standalone.sh / kafka-run-class.sh (heap 256M–2G). */
const KAFKA_CONNECT_JVM = [
  '-Xms256M',
  '-Xmx2G',
  '-server',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-XX:MaxInlineLevel=15',
  '-Djava.awt.headless=true',
];

/** Writes a Java .properties file (keys and values as given; backslashes escaped). */
export async function writeProperties(
  file: string,
  props: Readonly<Record<string, string>>,
): Promise<string> {
  const text = Object.entries(props)
    .map(([key, value]) => `${key}=${value.replaceAll('\\', '\\\\')}`)
    .join('\n');
  await writeFile(file, `${text}\n`);
  return file;
}

/** Resident set size of a process from /proc, in bytes (undefined once it is gone). */
export async function rssOf(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the configs into `launch.dir` and spawns the worker, its output going to a log file. */
export async function startWorker(launch: WorkerLaunch): Promise<WorkerProcess> {
  const workerFile = await writeProperties(join(launch.dir, 'worker.properties'), launch.worker);
  const connectorFiles: string[] = [];
  for (const [i, connector] of launch.connectors.entries()) {
    connectorFiles.push(
      await writeProperties(join(launch.dir, `connector-${i}.properties`), connector),
    );
  }
  const logFile = join(launch.dir, `${launch.system}.log`);
  const out = openSync(logFile, 'a');
  let command: string;
  let args: string[];
  if (launch.system === 'sluice') {
    command = process.execPath;
    const profile =
      launch.cpuProfileDir === undefined
        ? []
        : ['--cpu-prof', `--cpu-prof-dir=${launch.cpuProfileDir}`];
    args = [
      ...profile,
      sluiceBin(),
      'standalone',
      '--progress-interval',
      '0',
      workerFile,
      ...connectorFiles,
    ];
  } else {
    const install = launch.kafkaConnect;
    if (install === undefined) throw new Error('Kafka Connect is not installed');
    command = javaCommand();
    args = [
      ...KAFKA_CONNECT_JVM,
      `-Dlog4j2.configurationFile=${install.log4jConfig}`,
      `-Dkafka.logs.dir=${launch.dir}`,
      '-cp',
      install.classpath,
      'org.apache.kafka.connect.cli.ConnectStandalone',
      workerFile,
      ...connectorFiles,
    ];
  }
  const spawnedAt = process.hrtime.bigint();
  const child = spawn(command, args, { cwd: launch.dir, stdio: ['ignore', out, out] });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
    child.once('error', () => resolve(-1));
  });
  let peak = 0;
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  const sample = async (): Promise<void> => {
    if (ended || child.pid === undefined) return;
    const rss = await rssOf(child.pid);
    if (rss !== undefined && rss > peak) peak = rss;
  };
  const sampler = setInterval(() => {
    sample().catch(() => undefined);
  }, 200);
  void exited.then(() => clearInterval(sampler));
  return {
    system: launch.system,
    child,
    spawnedAt,
    logFile,
    exited,
    peakRss: () => peak,
    resetPeakRss: () => {
      peak = 0;
    },
    async stop(graceMs = 60_000) {
      if (ended) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}
