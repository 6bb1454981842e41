/** Starts a Connect worker (Sluice's `sluice` bin or Apache Kafka Connect) as a child process. */

import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { javaCommand } from './java-toolchain.js';
import type { KafkaConnectInstall } from './kafka-connect-install.js';
import { sluiceNodeFlags } from './sluice-bin.js';

/** The two workers compared. */
export type WorkerSystem = 'sluice' | 'kafka-connect';

/** Kafka Connect's two worker modes: `connect-standalone` and `connect-distributed`. */
export type WorkerMode = 'standalone' | 'distributed';

/** How to start one worker. */
export interface WorkerLaunch {
  readonly system: WorkerSystem;
  /** `standalone` (default) or `distributed` (a member of the cluster named by `group.id`). */
  readonly mode?: WorkerMode | undefined;
  /** Folder for the generated properties files and the log file. */
  readonly dir: string;
  readonly worker: Readonly<Record<string, string>>;
  /** Standalone only: connector configs given on the command line, one properties file each. */
  readonly connectors: readonly Readonly<Record<string, string>>[];
  /** Required for `kafka-connect`: from `installKafkaConnect()`. */
  readonly kafkaConnect?: KafkaConnectInstall | undefined;
  /** Required for `sluice`: the path of the `sluice` bin (`@sluice/worker`'s `bin/sluice.js`). */
  readonly sluiceBin?: string | undefined;
  /** For `sluice`: node options before the bin (e.g. `--cpu-prof`). */
  readonly nodeArgs?: readonly string[] | undefined;
  /** Extra environment variables of the child. */
  readonly env?: Readonly<Record<string, string>> | undefined;
}

/** A running worker. */
export interface WorkerProcess {
  readonly system: WorkerSystem;
  readonly child: ChildProcess;
  /** `process.hrtime.bigint()` just before spawn. */
  readonly spawnedAt: bigint;
  /** stdout and stderr of the worker. */
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

/** The main class of each mode (what connect-standalone.sh / connect-distributed.sh run). */
const KAFKA_CONNECT_MAIN: Record<WorkerMode, string> = {
  standalone: 'org.apache.kafka.connect.cli.ConnectStandalone',
  distributed: 'org.apache.kafka.connect.cli.ConnectDistributed',
};

function command(
  launch: WorkerLaunch,
  workerFile: string,
  connectorFiles: string[],
): { command: string; args: string[] } {
  const mode = launch.mode ?? 'standalone';
  if (launch.system === 'sluice') {
    if (launch.sluiceBin === undefined) throw new Error('sluiceBin is required to start Sluice');
    return {
      command: process.execPath,
      args: [
        ...sluiceNodeFlags(launch.sluiceBin),
        ...(launch.nodeArgs ?? []),
        launch.sluiceBin,
        mode,
        '--progress-interval',
        '0',
        workerFile,
        ...connectorFiles,
      ],
    };
  }
  const install = launch.kafkaConnect;
  if (install === undefined) throw new Error('Kafka Connect is not installed');
  return {
    command: javaCommand(),
    args: [
      ...KAFKA_CONNECT_JVM,
      `-Dlog4j2.configurationFile=${install.log4jConfig}`,
      `-Dkafka.logs.dir=${launch.dir}`,
      '-cp',
      install.classpath,
      KAFKA_CONNECT_MAIN[mode],
      workerFile,
      ...connectorFiles,
    ],
  };
}

/**
 * Writes the configs into `launch.dir` and spawns the worker (as `connect-standalone.sh`,
 * `connect-distributed.sh`, `sluice standalone` or `sluice distributed` would), its output going
 * to `<dir>/<system>.log`; RSS is sampled every 200 ms. Distributed workers take no connector
 * configs: they are created through the REST API.
 */
export async function startConnectWorker(launch: WorkerLaunch): Promise<WorkerProcess> {
  if (launch.mode === 'distributed' && launch.connectors.length > 0) {
    throw new Error('a distributed worker takes no connector configs; create them through REST');
  }
  const workerFile = await writeProperties(join(launch.dir, 'worker.properties'), launch.worker);
  const connectorFiles: string[] = [];
  for (const [i, connector] of launch.connectors.entries()) {
    connectorFiles.push(
      await writeProperties(join(launch.dir, `connector-${i}.properties`), connector),
    );
  }
  const logFile = join(launch.dir, `${launch.system}.log`);
  const out = openSync(logFile, 'a');
  const { command: cmd, args } = command(launch, workerFile, connectorFiles);
  const spawnedAt = process.hrtime.bigint();
  const child = spawn(cmd, args, {
    cwd: launch.dir,
    stdio: ['ignore', out, out],
    // Sluice's file connectors use only the folders this names; tests and benches keep their
    // files in the temporary folder.
    env: { SLUICE_FILE_ALLOWED_PATHS: tmpdir(), ...process.env, ...launch.env },
  });
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
  sampler.unref();
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
