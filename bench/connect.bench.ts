/**
 * Sluice side by side with Apache Kafka Connect (standalone, same version as the test Kafka):
 * the same file source / file sink / SMT workloads through both workers and a bare kafkajs
 * client, several repetitions each; throughput, latency, start-up and memory. Writes
 * bench/results/connect.{json,md,svg}. Options: --help.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ensureServices,
  installKafkaConnect,
  javaCommand,
  type KafkaConnectInstall,
} from '@sluice/test-fixtures';
import { benchKafka, deleteGroupsContaining, deleteTopics } from './connect/kafka-client.js';
import { runLatency } from './connect/latency-run.js';
import {
  type BenchResults,
  type BenchSystem,
  type LatencyRun,
  markdownReport,
  type StartupRun,
  type ThroughputRun,
  type WorkloadInfo,
} from './connect/results.js';
import { runStartup } from './connect/startup-run.js';
import { throughputChart } from './connect/svg-chart.js';
import {
  InputCache,
  prepareWorkload,
  runRawThroughput,
  runWorkerThroughput,
} from './connect/throughput-run.js';
import { type BenchContext, WORKLOADS } from './connect/workloads.js';

const USAGE = `Usage: pnpm bench [options]

  --records <n>         records per workload run (default 1000000)
  --reps <n>            repetitions per system (default 3)
  --only <regex>        run only workloads whose id matches (ids: ${WORKLOADS.map((w) => w.id).join(', ')});
                        also "latency" and "startup"
  --systems <list>      comma-separated: sluice,kafka-connect,raw-kafkajs (default all)
  --latency-rate <n>    records/s of the latency run (default 1000)
  --latency-seconds <n> measured seconds of the latency run (default 15)
  --cpu-prof            write V8 CPU profiles of the Sluice worker (node --cpu-prof) under bench/results/profiles/
  --out <dir>           results folder (default bench/results)
  --note <text>         a line about the conditions of this run, written into the report
  --render <file.json>  only rewrite connect.md and connect.svg (in --out) from an earlier connect.json`;

interface Options {
  records: number;
  reps: number;
  only: RegExp | undefined;
  systems: BenchSystem[];
  latencyRate: number;
  latencySeconds: number;
  cpuProf: boolean;
  out: string;
  note: string;
  render: string | undefined;
}

const here = dirname(fileURLToPath(import.meta.url));

function parseOptions(argv: readonly string[]): Options {
  const options: Options = {
    records: 1_000_000,
    reps: 3,
    only: undefined,
    systems: ['sluice', 'kafka-connect', 'raw-kafkajs'],
    latencyRate: 1000,
    latencySeconds: 15,
    cpuProf: false,
    out: join(here, 'results'),
    note: '',
    render: undefined,
  };
  const number = (flag: string, value: string | undefined): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} needs a positive integer`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => argv[++i];
    if (arg === '--') continue;
    if (arg === '--records') options.records = number(arg, value());
    else if (arg === '--reps') options.reps = number(arg, value());
    else if (arg === '--only') options.only = new RegExp(value() ?? '');
    else if (arg === '--systems') {
      const systems = (value() ?? '').split(',') as BenchSystem[];
      for (const s of systems) {
        if (!['sluice', 'kafka-connect', 'raw-kafkajs'].includes(s))
          throw new Error(`unknown system ${s}`);
      }
      options.systems = systems;
    } else if (arg === '--latency-rate') options.latencyRate = number(arg, value());
    else if (arg === '--latency-seconds') options.latencySeconds = number(arg, value());
    else if (arg === '--cpu-prof') options.cpuProf = true;
    else if (arg === '--out') options.out = value() ?? options.out;
    else if (arg === '--note') options.note = value() ?? '';
    else if (arg === '--render') options.render = value();
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${arg}\n\n${USAGE}`);
  }
  return options;
}

const benchStart = Date.now();
function log(line: string): void {
  const elapsed = ((Date.now() - benchStart) / 1000).toFixed(0).padStart(5);
  process.stderr.write(`[bench ${elapsed} s] ${line}\n`);
}

/** The first line of `java -version` (printed on stderr). */
function javaVersion(): string {
  const result = spawnSync(javaCommand(), ['-version'], { encoding: 'utf8' });
  return (result.stderr || result.stdout || 'java (version unknown)').split('\n')[0] ?? 'java';
}

/**
 * Which Sluice was measured: the repository's commit, how many files of the worker's packages
 * differ from it, and when the runtime's dist was built (the bin runs from dist).
 */
function sluiceProvenance(): string {
  const repo = join(here, '..');
  const git = (args: string[]) =>
    spawnSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).stdout?.trim() ?? '';
  const commit = git(['rev-parse', '--short', 'HEAD']) || 'unknown';
  const dirty = git([
    'status',
    '--porcelain',
    '--',
    'packages',
    'connectors',
    'converters',
    'transforms',
  ])
    .split('\n')
    .filter((line) => line !== '').length;
  let built = 'unknown';
  try {
    built = statSync(join(repo, 'packages', 'runtime', 'dist', 'index.js')).mtime.toISOString();
  } catch {
    // not built
  }
  return `commit ${commit}, ${dirty} uncommitted file(s) under packages/ connectors/ converters/ transforms/, runtime dist built ${built}`;
}

/** Writes connect.md and connect.svg for `results` into `out`, and prints the markdown. */
async function writeReports(results: BenchResults, out: string): Promise<void> {
  await mkdir(out, { recursive: true });
  const markdown = markdownReport(results);
  await writeFile(join(out, 'connect.md'), markdown);
  await writeFile(join(out, 'connect.svg'), throughputChart(results));
  console.log(markdown);
  log(`results in ${out}/connect.{json,md,svg}`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.render !== undefined) {
    const earlier = JSON.parse(await readFile(options.render, 'utf8')) as BenchResults;
    await writeReports(earlier, options.out);
    return;
  }
  const startedAt = new Date().toISOString();
  const sluice = sluiceProvenance();
  const loadAverageAtStart = loadavg();
  const wants = (id: string) => options.only === undefined || options.only.test(id);
  const workerSystems = options.systems.filter(
    (s): s is 'sluice' | 'kafka-connect' => s !== 'raw-kafkajs',
  );

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

  const kafka = benchKafka(brokers, 'sluice-bench');
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer();
  await producer.connect();
  const workDir = await mkdtemp(join(tmpdir(), 'sluice-bench-'));
  const runId = Date.now().toString(36);
  const cpuProfileDir = options.cpuProf ? join(options.out, 'profiles') : undefined;
  const ctx: BenchContext = {
    brokers,
    kafka,
    admin,
    producer,
    workDir,
    runId,
    records: options.records,
    kafkaConnect,
    cpuProfileDir,
    log,
  };
  const cache = new InputCache(ctx);
  const throughput: ThroughputRun[] = [];
  const latency: LatencyRun[] = [];
  const startup: StartupRun[] = [];
  const workloads: WorkloadInfo[] = [];

  try {
    if (wants('startup')) {
      for (let rep = 1; rep <= options.reps; rep++) {
        for (const system of workerSystems)
          startup.push(await runStartup(ctx, system, rep, options.reps));
      }
    }
    for (const workload of WORKLOADS) {
      if (!wants(workload.id)) continue;
      const prepared = await prepareWorkload(ctx, cache, workload);
      workloads.push({
        id: workload.id,
        title: workload.title,
        raw: workload.raw,
        meanValueBytes: prepared.meanValueBytes,
      });
      for (let rep = 1; rep <= options.reps; rep++) {
        // Alternate the order so slow drift in the machine's load does not favour one system.
        const order = rep % 2 === 1 ? options.systems : [...options.systems].reverse();
        for (const system of order) {
          throughput.push(
            system === 'raw-kafkajs'
              ? await runRawThroughput(ctx, prepared, rep, options.reps)
              : await runWorkerThroughput(ctx, prepared, system, rep, options.reps),
          );
        }
      }
    }
    if (wants('latency')) {
      for (let rep = 1; rep <= options.reps; rep++) {
        for (const system of options.systems) {
          latency.push(
            await runLatency(
              ctx,
              system,
              rep,
              options.reps,
              options.latencyRate,
              options.latencySeconds,
            ),
          );
        }
      }
    }
  } finally {
    await deleteTopics(admin, cache.createdTopics);
    await deleteGroupsContaining(admin, runId).catch(() => undefined);
    await producer.disconnect();
    await admin.disconnect();
    await rm(workDir, { recursive: true, force: true });
  }

  const results: BenchResults = {
    startedAt,
    finishedAt: new Date().toISOString(),
    command: `pnpm bench ${process.argv
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
    options: {
      records: options.records,
      reps: options.reps,
      latencyRate: options.latencyRate,
      latencySeconds: options.latencySeconds,
    },
    workloads,
    throughput,
    latency,
    startup,
  };
  await mkdir(options.out, { recursive: true });
  await writeFile(join(options.out, 'connect.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeReports(results, options.out);
  if (cpuProfileDir !== undefined) log(`Sluice CPU profiles in ${cpuProfileDir}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
