import { randomUUID } from 'node:crypto';
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

const here = dirname(fileURLToPath(import.meta.url));
/** This package and the JSON converter, found through plugin.path like installed plugins. */
export const PLUGIN_PATH = [resolve(here, '..'), resolve(here, '../../../converters/json')].join(
  ',',
);

export const log: Logger = createLogger({ level: process.env.SLUICE_LOG_LEVEL ?? 'error' });

export const clients = new KafkajsClientFactory(
  { 'bootstrap.servers': kafkaBrokers().join(',') },
  log,
);

/** A unique name for this test run. */
export function unique(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

export async function createTopics(...topics: string[]): Promise<void> {
  const admin = clients.admin({ clientId: 'mongodb-test-admin', overrides: {} });
  await admin.connect();
  try {
    await admin.createTopics(
      topics.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
    );
  } finally {
    await admin.disconnect();
  }
}

const encoder = new TextEncoder();

/** Produces values (text) in order, in sends of up to 500. */
export async function produce(
  topic: string,
  values: readonly string[],
  headers: KafkaHeader[] = [],
): Promise<void> {
  const producer = clients.producer({ clientId: 'mongodb-test-producer', overrides: {} });
  await producer.connect();
  try {
    for (let i = 0; i < values.length; i += 500) {
      await Promise.all(
        values
          .slice(i, i + 500)
          .map((v) =>
            producer.send({ topic, partition: 0, key: null, value: encoder.encode(v), headers }),
          ),
      );
    }
  } finally {
    await producer.disconnect();
  }
}

/** Reads a topic from the beginning until `done(records)` holds. */
export async function readTopic(
  topic: string,
  done: (records: readonly ConsumerRecord[]) => boolean,
  timeoutMs = 180_000,
): Promise<ConsumerRecord[]> {
  const consumer = clients.consumer({
    clientId: 'mongodb-test-reader',
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
    await waitFor(`records of ${topic}`, () => done(seen), timeoutMs);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

/** The number of records in a topic (sum of its partitions' high watermarks). */
export async function topicSize(topic: string): Promise<number> {
  const admin = clients.admin({ clientId: 'mongodb-test-size', overrides: {} });
  await admin.connect();
  try {
    return (await admin.topicOffsets(topic)).reduce((n, o) => n + Number(o.high - o.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Polls `check` until true, failing with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 180_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The FAILED connector or task states of `names`, with their traces. */
export function failures(herder: StandaloneHerder, names: string[]): string[] {
  return names.flatMap((name) => {
    const status = herder.connectorStatus(name);
    return [status.connector, ...status.tasks]
      .filter((s) => s.state === 'FAILED')
      .map((s) => `${name}: ${s.trace ?? 'FAILED'}`);
  });
}

/** The worker properties of a test standalone worker (JSON values with schemas, text keys). */
export async function workerProps(
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-mongodb-'));
  return {
    'bootstrap.servers': kafkaBrokers().join(','),
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'offset.storage.file.filename': join(dir, 'offsets.json'),
    'offset.flush.interval.ms': '500',
    'plugin.path': PLUGIN_PATH,
    ...extra,
  };
}
