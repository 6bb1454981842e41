/**
 * Sluice's distributed mode beside Apache Kafka Connect's (ConnectDistributed, same version as
 * the test Kafka), on the same machine and Kafka in the same run: a cluster of workers running
 * file source connectors; a worker joins, leaves gracefully, and a follower is killed (kill -9).
 * Times each change, counts the connectors and tasks restarted off its path (from the status
 * topic) and samples each worker's RSS. Writes bench/results/distributed.{json,md}. Options: --help.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ensureServices,
  installKafkaConnect,
  type KafkaConnectInstall,
} from '@sluice/test-fixtures';
import { benchKafka } from './connect/kafka-client.js';
import { javaVersion, sluiceProvenance } from './connect/provenance.js';
import type { WorkerSystem } from './connect/worker-process.js';
import { type ClusterRun, type RunSettings, runCluster } from './distributed/cluster-run.js';
import { type DistributedResults, markdownReport } from './distributed/report.js';

const USAGE = `Usage: pnpm --filter @sluice/bench bench:distributed [options]

  --reps <n>               repetitions per system (default 3)
  --systems <list>         comma-separated: sluice,kafka-connect (default both)
  --workers <n>            workers in the cluster before one joins (default 3)
  --connectors <n>         file source connectors, tasks.max=1 (default 30)
  --session-timeout <ms>   session.timeout.ms of both (default 10000, Kafka's default)
  --heartbeat <ms>         heartbeat.interval.ms of both (default 3000, Kafka's default)
  --delay <ms>             scheduled.rebalance.max.delay.ms of both (default 10000)
  --kafka-connect-protocol <p>
                           connect.protocol of Kafka Connect only (default: its default, sessioned);
                           eager shows what the bench counts when every task restarts at each rebalance
  --kills <n>              followers killed per repetition, a new worker replacing each (default 2)
  --idle <s>               the settled cluster sits idle this long, then RSS is read again (default 120; 0: not)
  --timeout <s>            longest a step may take before the repetition is given up (default 240)
  --quiet <ms>             no status record for this long: nothing moves any more (default 8000)
  --keep-logs              keep the workers' folders and logs (printed at the end; kept anyway when a run fails)
  --out <dir>              results folder (default bench/results)
  --note <text>            a line about the conditions of this run, written into the report
  --render <file.json>     only rewrite distributed.md (in --out) from an earlier distributed.json`;

interface Options {
  reps: number;
  systems: WorkerSystem[];
  settings: RunSettings;
  out: string;
  note: string;
  render: string | undefined;
  keepLogs: boolean;
}

const here = dirname(fileURLToPath(import.meta.url));

function parseOptions(argv: readonly string[]): Options {
  const group: {
    sessionTimeoutMs: number;
    heartbeatIntervalMs: number;
    scheduledRebalanceMaxDelayMs: number;
    kafkaConnectProtocol?: string;
  } = {
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 3_000,
    scheduledRebalanceMaxDelayMs: 10_000,
  };
  const settings = {
    workers: 3,
    connectors: 30,
    linesPerFile: 100,
    group,
    quietMs: 8_000,
    timeoutMs: 240_000,
    idleMs: 120_000,
    kills: 2,
  };
  const options: Options = {
    reps: 3,
    systems: ['sluice', 'kafka-connect'],
    settings,
    out: join(here, 'results'),
    note: '',
    render: undefined,
    keepLogs: false,
  };
  const number = (flag: string, value: string | undefined): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a non-negative integer`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => argv[++i];
    if (arg === '--') continue;
    if (arg === '--reps') options.reps = number(arg, value());
    else if (arg === '--systems') {
      const systems = (value() ?? '').split(',') as WorkerSystem[];
      for (const s of systems)
        if (s !== 'sluice' && s !== 'kafka-connect') throw new Error(`unknown system ${s}`);
      options.systems = systems;
    } else if (arg === '--workers') settings.workers = number(arg, value());
    else if (arg === '--connectors') settings.connectors = number(arg, value());
    else if (arg === '--session-timeout') group.sessionTimeoutMs = number(arg, value());
    else if (arg === '--heartbeat') group.heartbeatIntervalMs = number(arg, value());
    else if (arg === '--delay') group.scheduledRebalanceMaxDelayMs = number(arg, value());
    else if (arg === '--quiet') settings.quietMs = number(arg, value());
    else if (arg === '--kills') settings.kills = number(arg, value());
    else if (arg === '--idle') settings.idleMs = number(arg, value()) * 1000;
    else if (arg === '--timeout') settings.timeoutMs = number(arg, value()) * 1000;
    else if (arg === '--kafka-connect-protocol') group.kafkaConnectProtocol = value() ?? '';
    else if (arg === '--out') options.out = value() ?? options.out;
    else if (arg === '--note') options.note = value() ?? '';
    else if (arg === '--render') options.render = value();
    else if (arg === '--keep-logs') options.keepLogs = true;
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}\n\n${USAGE}`);
  }
  if (settings.workers < 2) throw new Error('--workers needs at least 2 (one is killed)');
  return options;
}

const benchStart = Date.now();
function log(line: string): void {
  const elapsed = ((Date.now() - benchStart) / 1000).toFixed(0).padStart(5);
  process.stderr.write(`[bench:distributed ${elapsed} s] ${line}\n`);
}

async function writeReport(results: DistributedResults, out: string): Promise<void> {
  await mkdir(out, { recursive: true });
  const markdown = markdownReport(results);
  await writeFile(join(out, 'distributed.md'), markdown);
  console.log(markdown);
  log(`results in ${out}/distributed.{json,md}`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.render !== undefined) {
    const earlier = JSON.parse(await readFile(options.render, 'utf8')) as DistributedResults;
    await writeReport(earlier, options.out);
    return;
  }
  const startedAt = new Date().toISOString();
  const sluice = sluiceProvenance();
  const loadAverageAtStart = loadavg();
  const load = { min: loadAverageAtStart[0] ?? 0, max: loadAverageAtStart[0] ?? 0 };
  const loadSampler = setInterval(() => {
    const now = loadavg()[0] ?? 0;
    load.min = Math.min(load.min, now);
    load.max = Math.max(load.max, now);
  }, 5_000);

  log('starting Kafka (test-fixtures)');
  const services = await ensureServices(['kafka'], {
    onProgress: (event) => log(`[${event.service}] ${event.message}`),
  });
  const brokers = (services.kafka?.connection ?? '').split(',');
  log(`Kafka at ${brokers.join(',')} (${services.kafka?.origin})`);
  let kafkaConnect: KafkaConnectInstall | undefined;
  if (options.systems.includes('kafka-connect')) {
    kafkaConnect = await installKafkaConnect(log);
    log(
      `Kafka Connect ${kafkaConnect.version}: ${kafkaConnect.jarCount} jars in ${kafkaConnect.dir}`,
    );
  }
  const kafka = benchKafka(brokers, 'sluice-bench-distributed');
  const admin = kafka.admin();
  await admin.connect();
  const workDir = await mkdtemp(join(tmpdir(), 'sluice-bench-distributed-'));
  const runId = Date.now().toString(36);
  const ctx = {
    brokers,
    kafkaConnect,
    log,
    kafka,
    admin,
    workDir,
    runId,
    keepLogs: options.keepLogs,
  };
  const runs: ClusterRun[] = [];
  try {
    for (let rep = 1; rep <= options.reps; rep++) {
      // Alternate the order so slow drift in the machine's load does not favour one system.
      const order = rep % 2 === 1 ? options.systems : [...options.systems].reverse();
      for (const system of order) {
        log(`${system} rep ${rep}/${options.reps} (load average ${loadavg()[0]?.toFixed(1)})`);
        runs.push(await runCluster(ctx, system, rep, options.reps, options.settings));
      }
    }
  } finally {
    clearInterval(loadSampler);
    await admin.disconnect();
    // A failed repetition keeps its workers' logs there.
    if (!options.keepLogs && runs.every((r) => r.error === undefined))
      await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    else log(`workers' folders and logs kept in ${workDir}`);
  }

  const results: DistributedResults = {
    startedAt,
    finishedAt: new Date().toISOString(),
    command: `pnpm --filter @sluice/bench bench:distributed ${process.argv
      .slice(2)
      .map((arg) => (/\s/.test(arg) ? `'${arg.replaceAll("'", "'\\''")}'` : arg))
      .join(' ')}`.trim(),
    note: options.note,
    machine: {
      nproc: cpus().length,
      memoryBytes: totalmem(),
      cpuModel: cpus()[0]?.model ?? 'unknown',
      loadAverageAtStart,
      loadAverageAtEnd: loadavg(),
      node: process.version,
      sluice,
      java: javaVersion(),
      kafkaVersion: kafkaConnect?.version ?? 'n/a',
      kafkaConnectJars: kafkaConnect?.jarCount ?? 0,
      platform: `${process.platform} ${process.arch}, ${Math.round(freemem() / 1048576)} MiB free at end`,
    },
    loadDuringRun: load,
    settings: options.settings,
    reps: options.reps,
    runs,
  };
  await mkdir(options.out, { recursive: true });
  await writeFile(join(options.out, 'distributed.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeReport(results, options.out);
  if (runs.some((r) => r.error !== undefined)) process.exitCode = 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
