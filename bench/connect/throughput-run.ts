/** One throughput repetition: a worker (or the raw client) moving a workload's records. */
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ephemeralPort } from '@sluice/test-fixtures';
import { LineCounter, watchFlow } from './flow-watch.js';
import { consumeAll, createTopic, deleteTopics, produceAll, topicCount } from './kafka-client.js';
import {
  jsonEventValue,
  jsonStringValue,
  RECORD_SIZES,
  textLine,
  writeLinesFile,
} from './record-data.js';
import type { ThroughputRun } from './results.js';
import { cpuMsOf, sluiceBuildStamp, startWorker, type WorkerSystem } from './worker-process.js';
import {
  type BenchContext,
  fileSinkConfig,
  fileSourceConfig,
  type Workload,
  workerConfig,
} from './workloads.js';

/** A workload with its inputs in place: the lines file (source) or the filled topic (sinks). */
export interface PreparedWorkload {
  readonly workload: Workload;
  readonly linesFile: string;
  readonly inputTopic: string | undefined;
  readonly valueAt: (i: number) => string;
  /** Mean bytes of a record value as it is in Kafka. */
  readonly meanValueBytes: number;
}

/** Inputs shared between workloads (one lines file per size, one topic per value kind). */
export class InputCache {
  private readonly files = new Map<string, Promise<string>>();
  private readonly topics = new Map<string, Promise<string>>();
  readonly createdTopics: string[] = [];

  constructor(private readonly ctx: BenchContext) {}

  linesFile(target: number): Promise<string> {
    const key = String(target);
    let file = this.files.get(key);
    if (file === undefined) {
      const path = join(this.ctx.workDir, `lines-${target}.txt`);
      this.ctx.log(`writing ${this.ctx.records.toLocaleString('en-US')} lines of ~${target} B`);
      file = writeLinesFile(path, this.ctx.records, target).then(() => path);
      this.files.set(key, file);
    }
    return file;
  }

  /** A topic of `partitions` filled with `valueAt(0..records-1)` (keyless: spread round-robin). */
  topic(key: string, valueAt: (i: number) => string, partitions = 1): Promise<string> {
    let topic = this.topics.get(key);
    if (topic === undefined) {
      const name = `bench-${this.ctx.runId}-in-${key}`;
      topic = (async () => {
        await createTopic(this.ctx.admin, name, partitions);
        this.createdTopics.push(name);
        let shown = 0;
        await produceAll(this.ctx.producer, name, this.ctx.records, valueAt, (acked) => {
          if (acked - shown >= 200_000 || acked === this.ctx.records) {
            shown = acked;
            this.ctx.log(`filling ${name}: ${acked.toLocaleString('en-US')} records`);
          }
        });
        return name;
      })();
      this.topics.set(key, topic);
    }
    return topic;
  }
}

/** Puts a workload's inputs in place. */
export async function prepareWorkload(
  ctx: BenchContext,
  cache: InputCache,
  workload: Workload,
): Promise<PreparedWorkload> {
  const target = RECORD_SIZES[workload.size];
  const valueAt =
    workload.path === 'sink-smt'
      ? (i: number) => jsonEventValue(i, target, workload.schemas)
      : (i: number) => jsonStringValue(textLine(i, target), workload.schemas);
  let total = 0;
  for (let i = 0; i < ctx.records; i++) total += Buffer.byteLength(valueAt(i));
  const linesFile = await cache.linesFile(target);
  const inputTopic =
    workload.path === 'source'
      ? undefined
      : await cache.topic(
          `${workload.path === 'sink-smt' ? 'events' : 'lines'}-${workload.size}-${workload.schemas ? 'schemas' : 'schemaless'}${workload.tasks > 1 ? `-p${workload.tasks}` : ''}`,
          valueAt,
          workload.tasks,
        );
  return { workload, linesFile, inputTopic, valueAt, meanValueBytes: total / ctx.records };
}

/** The first line of a file, cut to 160 characters (shows what the sink wrote). */
async function firstLine(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    const line = buffer.toString('utf8', 0, bytesRead).split('\n')[0] ?? '';
    return line.length > 160 ? `${line.slice(0, 160)}…` : line;
  } finally {
    await handle.close();
  }
}

/** Records per second, or NaN (shown as n/a) when everything arrived in one observation. */
function rate(ctx: BenchContext, label: string, records: number, seconds: number): number {
  if (records > 0 && seconds > 0) return records / seconds;
  ctx.log(`${label}: every record arrived at once, nothing to time: use a larger --records`);
  return Number.NaN;
}

/** Progress lines at most every `everyMs`, plus the last. */
function progressReporter(ctx: BenchContext, label: string, everyMs = 3000) {
  let shownAt = 0;
  return (moved: number) => {
    const now = Date.now();
    if (now - shownAt >= everyMs || moved >= ctx.records) {
      shownAt = now;
      ctx.log(
        `${label}: ${moved.toLocaleString('en-US')} / ${ctx.records.toLocaleString('en-US')} records`,
      );
    }
  };
}

/** One repetition of a workload through a worker. */
export async function runWorkerThroughput(
  ctx: BenchContext,
  prepared: PreparedWorkload,
  system: WorkerSystem,
  rep: number,
  reps: number,
): Promise<ThroughputRun> {
  const { workload } = prepared;
  const name = `bench-${ctx.runId}-${workload.id}-${system}-${rep}`;
  const dir = join(ctx.workDir, name);
  await mkdir(dir, { recursive: true });
  const label = `[${workload.id}] ${system} rep ${rep}/${reps}`;
  ctx.log(`${label}: starting`);
  const restPort = await ephemeralPort();
  const output = join(dir, 'sink-output.txt');
  let connector: Record<string, string>;
  let count: () => Promise<number>;
  if (workload.path === 'source') {
    await createTopic(ctx.admin, name);
    connector = fileSourceConfig(name, prepared.linesFile, name);
    count = () => topicCount(ctx.admin, name);
  } else {
    connector = fileSinkConfig(
      name,
      prepared.inputTopic as string,
      output,
      workload.path === 'sink-smt',
      workload.tasks,
    );
    const counter = new LineCounter(output);
    count = () => counter.count();
  }
  const worker = await startWorker({
    system,
    dir,
    worker: workerConfig(ctx, dir, workload.schemas, restPort),
    connectors: [connector],
    kafkaConnect: ctx.kafkaConnect,
    cpuProfileDir:
      system === 'sluice' && ctx.cpuProfileDir !== undefined
        ? join(ctx.cpuProfileDir, workload.id)
        : undefined,
  });
  const pid = worker.child.pid;
  let cpuAtFirst: number | undefined;
  try {
    const flow = await watchFlow({
      count: async () => {
        const arrived = await count();
        if (arrived > 0 && cpuAtFirst === undefined) cpuAtFirst = cpuMsOf(pid);
        return arrived;
      },
      target: ctx.records,
      worker,
      onProgress: progressReporter(ctx, label),
    });
    const cpuMsPer1000 = (1000 * (cpuMsOf(pid) - (cpuAtFirst ?? Number.NaN))) / flow.records;
    const recordsPerSecond = rate(ctx, label, flow.records, flow.seconds);
    ctx.log(
      `${label}: ${Math.round(recordsPerSecond).toLocaleString('en-US')} records/s, ${cpuMsPer1000.toFixed(1)} CPU ms / 1,000 records`,
    );
    if (workload.path !== 'source')
      ctx.log(`${label}: first output line: ${await firstLine(output)}`);
    return {
      workload: workload.id,
      system,
      rep,
      records: flow.records,
      seconds: flow.seconds,
      recordsPerSecond,
      mbPerSecond: (recordsPerSecond * prepared.meanValueBytes) / 1e6,
      peakRssBytes: worker.peakRss(),
      cpuMsPer1000,
      ...(system === 'sluice' ? { sluiceBuild: sluiceBuildStamp() } : {}),
    };
  } finally {
    await worker.stop();
    if (workload.path === 'source') await deleteTopics(ctx.admin, [name]);
    await rm(dir, { recursive: true, force: true });
  }
}

/** One repetition of the raw ceiling: a bare kafkajs producer (source) or consumer (sinks). */
export async function runRawThroughput(
  ctx: BenchContext,
  prepared: PreparedWorkload,
  rep: number,
  reps: number,
): Promise<ThroughputRun> {
  const { workload } = prepared;
  const label = `[${workload.id}] raw-kafkajs rep ${rep}/${reps}`;
  const onProgress = progressReporter(ctx, label);
  let records: number;
  let seconds: number;
  const cpuBefore = process.cpuUsage();
  if (workload.path === 'source') {
    const topic = `bench-${ctx.runId}-${workload.id}-raw-${rep}`;
    await createTopic(ctx.admin, topic);
    const producer = ctx.kafka.producer();
    await producer.connect();
    try {
      const start = process.hrtime.bigint();
      await produceAll(producer, topic, ctx.records, prepared.valueAt, onProgress);
      seconds = Number(process.hrtime.bigint() - start) / 1e9;
      records = ctx.records;
    } finally {
      await producer.disconnect();
      await deleteTopics(ctx.admin, [topic]);
    }
  } else {
    const consumed = await consumeAll(
      ctx.kafka,
      prepared.inputTopic as string,
      ctx.records,
      onProgress,
    );
    records = consumed.records;
    seconds = consumed.seconds;
  }
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMsPer1000 = (cpu.user + cpu.system) / records;
  const recordsPerSecond = rate(ctx, label, records, seconds);
  ctx.log(
    `${label}: ${Math.round(recordsPerSecond).toLocaleString('en-US')} records/s, ${cpuMsPer1000.toFixed(1)} CPU ms / 1,000 records`,
  );
  return {
    workload: workload.id,
    system: 'raw-kafkajs',
    rep,
    records,
    seconds,
    recordsPerSecond,
    mbPerSecond: (recordsPerSecond * prepared.meanValueBytes) / 1e6,
    cpuMsPer1000,
  };
}
