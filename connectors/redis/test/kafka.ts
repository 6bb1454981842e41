import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ConsumerRecord,
  createLogger,
  type KafkaHeader,
  KafkajsClientFactory,
  type Logger,
  type StandaloneHerder,
} from '@sluice/runtime';
import { kafkaBrokers } from '@sluice/test-fixtures';
import { unique, waitFor } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
/** This package and the JSON converter, found through plugin.path like installed plugins. */
const PLUGIN_PATH = [resolve(here, '..'), resolve(here, '../../../converters/json')].join(',');

export const log: Logger = createLogger({ level: process.env.SLUICE_LOG_LEVEL ?? 'error' });
export const clients = new KafkajsClientFactory(
  { 'bootstrap.servers': kafkaBrokers().join(',') },
  log,
);

/** The properties of a test standalone worker (string keys, JSON values with schemas). */
export async function workerProps(
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-redis-'));
  return {
    'bootstrap.servers': kafkaBrokers().join(','),
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'offset.storage.file.filename': join(dir, 'offsets.json'),
    'offset.flush.interval.ms': '500',
    'plugin.path': PLUGIN_PATH,
    ...extra,
  };
}

export async function createTopics(...topics: string[]): Promise<void> {
  const admin = clients.admin({ clientId: 'redis-test-admin', overrides: {} });
  await admin.connect();
  try {
    await admin.createTopics(
      topics.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
    );
  } finally {
    await admin.disconnect();
  }
}

/** The number of records in a topic (the sum of its partitions' high watermarks). */
export async function topicSize(topic: string): Promise<number> {
  const admin = clients.admin({ clientId: 'redis-test-size', overrides: {} });
  await admin.connect();
  try {
    return (await admin.topicOffsets(topic)).reduce((n, o) => n + Number(o.high - o.low), 0);
  } finally {
    await admin.disconnect();
  }
}

const encoder = new TextEncoder();

/** Produces text records in order, each acknowledged before the next is sent. */
export async function produce(
  topic: string,
  records: readonly {
    key: string | null;
    value: string | null;
    headers?: Record<string, string>;
  }[],
): Promise<void> {
  const producer = clients.producer({ clientId: 'redis-test-producer', overrides: {} });
  await producer.connect();
  try {
    for (const r of records) {
      const headers: KafkaHeader[] = Object.entries(r.headers ?? {}).map(([key, value]) => ({
        key,
        value: encoder.encode(value),
      }));
      await producer.send({
        topic,
        partition: 0,
        key: r.key === null ? null : encoder.encode(r.key),
        value: r.value === null ? null : encoder.encode(r.value),
        headers,
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Reads a topic from the beginning until `done` says the records so far are enough. */
export async function readTopic(
  topic: string,
  done: (records: readonly ConsumerRecord[]) => boolean,
  timeoutMs = 120_000,
): Promise<ConsumerRecord[]> {
  const consumer = clients.consumer({
    clientId: 'redis-test-reader',
    groupId: unique('reader'),
    overrides: {},
  });
  await consumer.connect();
  const seen: ConsumerRecord[] = [];
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      onBatch: async (records, control) => {
        seen.push(...records);
        const last = records[records.length - 1];
        if (last) control.markProcessed(last.offset);
      },
      onAssignment: async () => {},
      onCrash: () => {},
    });
    await waitFor(`records in ${topic}`, () => done(seen), timeoutMs);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

/** The FAILED connector or task states of `names`, with their traces. */
export function failures(herder: StandaloneHerder, names: readonly string[]): string[] {
  return names.flatMap((name) => {
    const status = herder.connectorStatus(name);
    return [status.connector, ...status.tasks]
      .filter((s) => s.state === 'FAILED')
      .map((s) => `${name}: ${s.trace ?? 'FAILED'}`);
  });
}

/** A record's text value, and a header's. */
export const text = (bytes: Uint8Array | null | undefined): string | null =>
  bytes === null || bytes === undefined ? null : new TextDecoder().decode(bytes);

export function header(record: ConsumerRecord, key: string): string | null {
  return text(record.headers.find((h) => h.key === key)?.value);
}
