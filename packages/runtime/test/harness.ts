import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from '@sluice/kafkajs';
import { kafkaBrokers } from '@sluice/test-fixtures';
import type { StandaloneHerder } from '../src/herder/standalone-herder.js';
import { createStandalone } from '../src/herder/standalone-worker.js';
import type { ConsumerRecord, KafkaAdmin } from '../src/kafka/kafka-port.js';
import { KafkajsClientFactory } from '../src/kafka/kafkajs-client.js';
import { createLogger, type Logger } from '../src/logging/logger.js';
import { testPlugins } from './test-plugins.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Plugin packages of the repo the tests load through plugin.path (built by turbo first). */
export const REPO_PLUGIN_PATH = [
  resolve(here, '../../../connectors/file'),
  resolve(here, '../../../converters/json'),
  resolve(here, '../../../transforms/core'),
].join(',');

/** Errors only, on stderr, so a failing test shows what the runtime said. */
export const testLog: Logger = createLogger({ level: process.env.SLUICE_LOG_LEVEL ?? 'error' });

export const clients = new KafkajsClientFactory(
  { 'bootstrap.servers': kafkaBrokers().join(',') },
  testLog,
);

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Polls `check` until it returns true, failing with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A standalone herder against the test Kafka with the test plugins, started; `log` replaces the test log. */
export async function startHerder(
  workerProps: Record<string, string> = {},
  log: Logger = testLog,
): Promise<{ herder: StandaloneHerder; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-herder-'));
  const { herder } = await createStandalone(
    {
      'bootstrap.servers': kafkaBrokers().join(','),
      'key.converter': 'StringConverter',
      'value.converter': 'StringConverter',
      'offset.storage.file.filename': join(dir, 'offsets.json'),
      'offset.flush.interval.ms': '500',
      'plugin.path': REPO_PLUGIN_PATH,
      ...workerProps,
    },
    { log, extraPlugins: testPlugins() },
  );
  await herder.start();
  return { herder, dir };
}

const startedHerders: StandaloneHerder[] = [];

/** {@link startHerder}, remembered so that {@link stopStartedHerders} stops it after the tests. */
export async function startTrackedHerder(
  workerProps: Record<string, string> = {},
  log: Logger = testLog,
): Promise<{ herder: StandaloneHerder; dir: string }> {
  const started = await startHerder(workerProps, log);
  startedHerders.push(started.herder);
  return started;
}

/** Stops every herder {@link startTrackedHerder} started; for `afterAll`. */
export async function stopStartedHerders(): Promise<void> {
  for (const herder of startedHerders.splice(0)) await herder.stop();
}

const admins: KafkaAdmin[] = [];

/** A connected admin client, closed by `closeClients`. */
export async function admin(): Promise<KafkaAdmin> {
  const a = clients.admin({ clientId: 'test-admin', overrides: {} });
  await a.connect();
  admins.push(a);
  return a;
}

export async function closeClients(): Promise<void> {
  for (const a of admins.splice(0)) await a.disconnect();
}

export async function createTopic(topic: string, partitions = 1): Promise<void> {
  const a = await admin();
  await a.createTopics([{ topic, numPartitions: partitions, replicationFactor: 1 }]);
}

const encoder = new TextEncoder();

/** Produces string values (and optional keys) to one partition, in order. */
export async function produce(
  topic: string,
  values: string[],
  partition = 0,
  keys: (string | null)[] = [],
): Promise<void> {
  const producer = clients.producer({ clientId: 'test-producer', overrides: {} });
  await producer.connect();
  await Promise.all(
    values.map((v, i) => {
      const key = keys[i] ?? null;
      return producer.send({
        topic,
        partition,
        key: key === null ? null : encoder.encode(key),
        value: encoder.encode(v),
      });
    }),
  );
  await producer.disconnect();
}

/** Reads every record of a topic currently up to its high watermark. */
export async function readTopic(topic: string): Promise<ConsumerRecord[]> {
  const a = await admin();
  const ends = await a.topicOffsets(topic);
  const total = ends.reduce((n, o) => n + Number(o.high - o.low), 0);
  const consumer = clients.consumer({
    clientId: 'test-reader',
    groupId: uniqueName('reader'),
    overrides: {},
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const seen: ConsumerRecord[] = [];
  await consumer.run({
    onBatch: async (records, control) => {
      seen.push(...records);
      const last = records[records.length - 1];
      if (last) control.markProcessed(last.offset);
    },
    onAssignment: async () => {},
    onCrash: () => {},
  });
  await waitFor(`${total} records in ${topic}`, () => seen.length >= total);
  await consumer.disconnect();
  return seen;
}

/**
 * The values a read_committed consumer (kafkajs' default) sees in the topic: once at least
 * `atLeast` came (or 90 s passed), and 2 s more without assuming nothing else comes.
 */
export async function committedValues(
  topic: string,
  atLeast: number,
  brokers: string[] = kafkaBrokers(),
): Promise<string[]> {
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueName('committed'), readUncommitted: false });
  const values: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      values.push(message.value?.toString('utf8') ?? '');
    },
  });
  await waitFor(`${atLeast} committed values`, async () => values.length >= atLeast).catch(
    () => {},
  );
  await new Promise((r) => setTimeout(r, 2_000));
  await consumer.disconnect();
  return values;
}

export function text(bytes: Uint8Array | null | undefined): string | null {
  return bytes ? new TextDecoder().decode(bytes) : null;
}

export function header(record: ConsumerRecord, key: string): string | null {
  return text(record.headers.find((h) => h.key === key)?.value);
}

/** Number of records in a topic (sum of its partitions' high watermarks; 0 when it does not exist). */
export async function topicSize(topic: string): Promise<number> {
  const ends = await (await admin()).topicOffsets(topic).catch(() => []);
  return ends.reduce((n, o) => n + Number(o.high), 0);
}

/** A logger at `level` whose lines (parsed JSON) are kept in `lines`, for tests about what is logged. */
export function capturingLogger(level = 'warn'): {
  log: Logger;
  lines: Array<Record<string, unknown>>;
} {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: createLogger({ level }, sink), lines };
}
