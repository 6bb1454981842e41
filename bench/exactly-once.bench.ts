/**
 * What exactly-once source delivery (KIP-618) costs: a file source → topic through one
 * distributed worker with `exactly.once.source.support` disabled, and enabled with the `poll`
 * and `interval` transaction boundaries; Sluice and Apache Kafka Connect (same version as the
 * test Kafka) in the same run. Throughput is counted by a read_committed consumer, so a record
 * counts once its transaction committed: the time runs from the first record written to the topic
 * (its high watermark, committed or not) to the last record committed, so that a transaction's
 * records count from when they were written, not from when the first commit made them visible.
 * Writes bench/results/exactly-once.md with every round's rates and the load average.
 * Options: --records <n> (default 200000), --reps <n> (default 3), --systems sluice,kafka-connect,
 * --modes off,poll,interval (which to run; off is the ratios' base), --cpu-prof <dir> (V8 CPU profiles of the Sluice workers, one folder per run).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ensureServices,
  installKafkaConnect,
  type KafkaConnectInstall,
  type WorkerSystem,
} from '@sluice/test-fixtures';
import type { Admin, Kafka } from 'kafkajs';
import { watchFlow } from './connect/flow-watch.js';
import { benchKafka, createTopic, deleteTopics, topicCount } from './connect/kafka-client.js';
import { startWorker } from './connect/worker-process.js';

const ALL_MODES = ['off', 'poll', 'interval'] as const;
type Mode = (typeof ALL_MODES)[number];
/** With `interval`: a transaction per second (Kafka's default is offset.flush.interval.ms, 60 s). */
const INTERVAL_MS = 1000;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const records = Number(option('records', '200000'));
const reps = Number(option('reps', '3'));
const systems = option('systems', 'sluice,kafka-connect').split(',') as WorkerSystem[];
const cpuProf = option('cpu-prof', '');
const MODES = option('modes', ALL_MODES.join(',')).split(',') as Mode[];
const log = (line: string) => console.error(`[eos-bench] ${line}`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A read_committed consumer counting what arrives in `topic` (kafkajs reads committed by default).
 * Its fetches wait for 1 MiB or 100 ms: with the default (any byte) it fetched after every produce
 * request when records arrive continuously (exactly-once off) but once per transaction otherwise,
 * and that difference in its own CPU, on a machine of 2 cores, favoured exactly-once.
 */
async function committedCounter(kafka: Kafka, topic: string) {
  const consumer = kafka.consumer({
    groupId: `${topic}-counter`,
    minBytes: 1024 * 1024,
    maxWaitTimeInMs: 100,
  });
  let count = 0;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      count += batch.messages.length;
    },
  });
  return { count: async () => count, stop: () => consumer.disconnect() };
}

/** When the first record reached `topic` (committed or not), polled every 20 ms. */
async function firstWritten(admin: Admin, topic: string, stopped: () => boolean) {
  while (!stopped()) {
    if ((await topicCount(admin, topic)) > 0) return process.hrtime.bigint();
    await new Promise((r) => setTimeout(r, 20));
  }
  return undefined;
}

/** POSTs the connector, retrying while the worker starts and joins its group. */
async function createConnector(url: string, name: string, config: Record<string, string>) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const res = await fetch(`${url}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, config }),
    }).catch(() => null);
    if (res?.status === 201) return;
    if (Date.now() > deadline)
      throw new Error(`creating ${name} failed: ${res?.status} ${await res?.text()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function run(
  ctx: { kafka: Kafka; brokers: string[]; dir: string; input: string; runId: string },
  kafkaConnect: KafkaConnectInstall | undefined,
  system: WorkerSystem,
  mode: Mode,
  rep: number,
): Promise<number> {
  const id = `eos-${ctx.runId}-${system}-${mode}-${rep}`;
  const dir = join(ctx.dir, id);
  await mkdir(dir, { recursive: true });
  const admin = ctx.kafka.admin();
  await admin.connect();
  await createTopic(admin, id);
  const port = await freePort();
  const worker = await startWorker({
    system,
    mode: 'distributed',
    dir,
    worker: {
      'bootstrap.servers': ctx.brokers.join(','),
      'group.id': id,
      'config.storage.topic': `${id}-configs`,
      'offset.storage.topic': `${id}-offsets`,
      'status.storage.topic': `${id}-status`,
      'config.storage.replication.factor': '1',
      'offset.storage.replication.factor': '1',
      'status.storage.replication.factor': '1',
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      listeners: `http://127.0.0.1:${port}`,
      'exactly.once.source.support': mode === 'off' ? 'disabled' : 'enabled',
    },
    connectors: [],
    kafkaConnect,
    cpuProfileDir: cpuProf === '' || system !== 'sluice' ? undefined : join(cpuProf, id),
  });
  const counter = await committedCounter(ctx.kafka, id);
  try {
    await createConnector(`http://127.0.0.1:${port}`, id, {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
      'tasks.max': '1',
      file: ctx.input,
      topic: id,
      ...(mode === 'off'
        ? {}
        : {
            'transaction.boundary': mode,
            ...(mode === 'interval'
              ? { 'transaction.boundary.interval.ms': `${INTERVAL_MS}` }
              : {}),
          }),
    });
    let done = false;
    const written = firstWritten(admin, id, () => done);
    const flow = await watchFlow({ count: counter.count, target: records, worker }).finally(() => {
      done = true;
    });
    const lastSeenAt = flow.firstSeenAt + BigInt(Math.round(flow.seconds * 1e9));
    const firstAt = (await written) ?? flow.firstSeenAt;
    const rate = records / (Number(lastSeenAt - firstAt) / 1e9);
    log(`${system} ${mode} rep ${rep}: ${Math.round(rate).toLocaleString('en-US')} records/s`);
    return rate;
  } finally {
    await counter.stop();
    await worker.stop();
    await deleteTopics(admin, [id, `${id}-configs`, `${id}-offsets`, `${id}-status`]);
    await admin.disconnect();
    await rm(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

async function main(): Promise<void> {
  const services = await ensureServices(['kafka'], { onProgress: (e) => log(e.message) });
  const brokers = (services.kafka?.connection ?? '').split(',');
  const kafkaConnect = systems.includes('kafka-connect')
    ? await installKafkaConnect(log)
    : undefined;
  const dir = await mkdtemp(join(tmpdir(), 'sluice-eos-bench-'));
  const input = join(dir, 'input.txt');
  // ~200 B lines, as the connect bench's small records.
  const pad = 'x'.repeat(190);
  await writeFile(input, Array.from({ length: records }, (_, i) => `${i} ${pad}\n`).join(''));
  const ctx = {
    kafka: benchKafka(brokers, 'eos-bench'),
    brokers,
    dir,
    input,
    runId: Date.now().toString(36),
  };
  const rates = new Map<string, number[]>();
  const load: number[] = [];
  const started = new Date();
  try {
    for (let rep = 1; rep <= reps; rep++) {
      for (const system of rep % 2 === 1 ? systems : [...systems].reverse()) {
        for (const mode of MODES) {
          const key = `${system} ${mode}`;
          load.push(loadavg()[0] ?? 0);
          rates.set(key, [
            ...(rates.get(key) ?? []),
            await run(ctx, kafkaConnect, system, mode, rep),
          ]);
          load.push(loadavg()[0] ?? 0);
        }
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const lines = [
    `# Exactly-once source delivery: cost (${records.toLocaleString('en-US')} records of ~200 B, ${reps} rep(s), median)`,
    '',
    'File source → topic, one distributed worker, counted by a read_committed consumer.',
    `\`interval\` commits every ${INTERVAL_MS} ms. Ratios are to the same system with exactly-once off`,
    'and to Kafka Connect with the same setting, each taken within a round, then the median over the rounds.',
    '',
    '| system | exactly-once | records/s | vs off | vs Kafka Connect |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  // Each ratio is taken within a round (the load changes from round to round), then the median.
  const ratio = (a: string, b: string) => {
    const as = rates.get(a) ?? [];
    const bs = rates.get(b) ?? [];
    return median(as.flatMap((x, i) => (bs[i] === undefined ? [] : [x / bs[i]])));
  };
  for (const system of systems) {
    for (const mode of MODES) {
      const r = median(rates.get(`${system} ${mode}`) ?? []);
      const kc = ratio(`${system} ${mode}`, `kafka-connect ${mode}`);
      lines.push(
        `| ${system} | ${mode} | ${Math.round(r).toLocaleString('en-US')} | ${ratio(`${system} ${mode}`, `${system} off`).toFixed(2)} | ${Number.isNaN(kc) ? '–' : kc.toFixed(2)} |`,
      );
    }
  }
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  lines.push(
    '',
    `Every round, records/s (${started.toISOString().slice(0, 16)}–${new Date().toISOString().slice(11, 16)} UTC; load average (1 min) ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)} at the runs' starts and ends):`,
    '',
    `| system | exactly-once | ${Array.from({ length: reps }, (_, i) => `round ${i + 1}`).join(' | ')} |`,
    `| --- | --- | ${Array.from({ length: reps }, () => '---:').join(' | ')} |`,
  );
  for (const system of systems)
    for (const mode of MODES)
      lines.push(
        `| ${system} | ${mode} | ${(rates.get(`${system} ${mode}`) ?? []).map(fmt).join(' | ')} |`,
      );
  const report = `${lines.join('\n')}\n`;
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'exactly-once.md'), report);
  console.log(report);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
