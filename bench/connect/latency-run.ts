/** End-to-end latency at a fixed rate on the sink path: bench producer → Kafka → worker → file. */
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ephemeralPort } from '@sluice/test-fixtures';
import { createTopic, deleteTopics, RAW_CONSUMER } from './kafka-client.js';
import { jsonStringValue, textLine } from './record-data.js';
import type { BenchSystem, LatencyRun } from './results.js';
import { quantile } from './stats.js';
import { sluiceBuildStamp, startWorker } from './worker-process.js';
import { type BenchContext, fileSinkConfig, workerConfig } from './workloads.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `onLine` for each complete line appended to a file, polling every millisecond. */
class FileTail {
  private position = 0;
  private rest = '';
  private stopped = false;
  private readonly buffer = Buffer.allocUnsafe(1024 * 1024);

  constructor(
    private readonly file: string,
    private readonly onLine: (line: string) => void,
  ) {}

  async run(): Promise<void> {
    while (!this.stopped) {
      await this.readNew().catch(() => undefined);
      await sleep(1);
    }
  }

  stop(): void {
    this.stopped = true;
  }

  private async readNew(): Promise<void> {
    const handle = await open(this.file, 'r');
    try {
      for (;;) {
        const { bytesRead } = await handle.read(this.buffer, 0, this.buffer.length, this.position);
        if (bytesRead === 0) return;
        this.position += bytesRead;
        const lines = (this.rest + this.buffer.toString('utf8', 0, bytesRead)).split('\n');
        this.rest = lines.pop() ?? '';
        for (const line of lines) this.onLine(line);
      }
    } finally {
      await handle.close();
    }
  }
}

/** The sequence number a latency line starts with (warm-up lines start with `w`: -1). */
function sequenceOf(line: string): number {
  const space = line.indexOf(' ');
  const head = line.slice(line.startsWith('"') ? 1 : 0, space);
  return /^\d+$/.test(head) ? Number(head) : -1;
}

/**
 * Sends `rate` records/s for `warmSeconds + seconds` and measures, for the records after
 * the warm-up, the time from `producer.send` to their line in the sink's file (workers) or
 * to `eachMessage` (the raw kafkajs consumer).
 */
export async function runLatency(
  ctx: BenchContext,
  system: BenchSystem,
  rep: number,
  reps: number,
  rate: number,
  seconds: number,
  warmSeconds = 3,
): Promise<LatencyRun> {
  const label = `[latency] ${system} rep ${rep}/${reps}`;
  const name = `bench-${ctx.runId}-latency-${system}-${rep}`;
  const dir = join(ctx.workDir, name);
  await mkdir(dir, { recursive: true });
  await createTopic(ctx.admin, name);
  const total = Math.round(rate * (warmSeconds + seconds));
  const sentAt = new Float64Array(total);
  const seenAt = new Float64Array(total);
  let seen = 0;
  let warmSeen = false;
  const onLine = (line: string) => {
    const seq = sequenceOf(line);
    if (seq < 0) warmSeen = true;
    else if (seq < total && seenAt[seq] === 0) {
      seenAt[seq] = performance.now();
      seen++;
    }
  };
  const producer = ctx.kafka.producer();
  await producer.connect();
  let stopObserver: () => Promise<void>;
  if (system === 'raw-kafkajs') {
    const consumer = ctx.kafka.consumer({ groupId: name, ...RAW_CONSUMER });
    await consumer.connect();
    await consumer.subscribe({ topic: name, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => onLine(message.value?.toString('utf8') ?? ''),
    });
    stopObserver = () => consumer.disconnect();
  } else {
    const output = join(dir, 'sink-output.txt');
    const worker = await startWorker({
      system,
      dir,
      worker: workerConfig(ctx, dir, false, await ephemeralPort()),
      connectors: [fileSinkConfig(name, name, output, false)],
      kafkaConnect: ctx.kafkaConnect,
      cpuProfileDir: undefined,
    });
    const tail = new FileTail(output, onLine);
    const tailing = tail.run();
    stopObserver = async () => {
      tail.stop();
      await tailing;
      await worker.stop();
    };
  }
  try {
    ctx.log(`${label}: waiting for the first record through`);
    for (let k = 0; !warmSeen; k++) {
      if (k === 600) throw new Error(`${label}: no record came through in 2 minutes (see ${dir})`);
      await producer.send({
        topic: name,
        acks: -1,
        messages: [{ value: jsonStringValue(`w${k} warm-up`, false) }],
      });
      await sleep(200);
    }
    ctx.log(`${label}: sending ${rate} records/s for ${warmSeconds} + ${seconds} s`);
    const start = performance.now();
    const sends: Promise<unknown>[] = [];
    let next = 0;
    while (next < total) {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
      if (due > next) {
        const messages: { value: string }[] = [];
        for (; next < due; next++)
          messages.push({ value: jsonStringValue(textLine(next, 200), false) });
        const now = performance.now();
        for (let i = next - messages.length; i < next; i++) sentAt[i] = now;
        sends.push(producer.send({ topic: name, acks: -1, messages }));
      }
      await sleep(1);
    }
    await Promise.all(sends);
    let lastSeen = -1;
    let lastMove = Date.now();
    while (seen < total) {
      if (seen !== lastSeen) {
        lastSeen = seen;
        lastMove = Date.now();
      } else if (Date.now() - lastMove > 120_000) {
        throw new Error(`${label}: only ${seen} of ${total} records arrived`);
      }
      await sleep(20);
    }
  } finally {
    await stopObserver();
    await producer.disconnect();
    await deleteTopics(ctx.admin, [name]);
    await rm(dir, { recursive: true, force: true });
  }
  const from = Math.round(rate * warmSeconds);
  const latencies: number[] = [];
  for (let i = from; i < total; i++) latencies.push((seenAt[i] as number) - (sentAt[i] as number));
  latencies.sort((a, b) => a - b);
  const result: LatencyRun = {
    system,
    rep,
    records: latencies.length,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    maxMs: latencies[latencies.length - 1] ?? Number.NaN,
    ...(system === 'sluice' ? { sluiceBuild: sluiceBuildStamp() } : {}),
  };
  ctx.log(`${label}: p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms`);
  return result;
}
