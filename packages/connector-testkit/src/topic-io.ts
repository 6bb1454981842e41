import { Kafka, logLevel } from '@sluice/kafkajs';
import { createLogger, KafkajsClientFactory } from '@sluice/runtime';
import { uniqueId, waitFor } from './kit-worker.js';

function kafka(brokers: readonly string[]): Kafka {
  return new Kafka({
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    clientId: 'sluice-testkit',
  });
}

/**
 * Creates topics through the runtime's Kafka port, which waits for every partition's leader
 * (kafkajs' own `waitForLeaders` gives up on the UNKNOWN_TOPIC_OR_PARTITION a KRaft broker
 * answers for a moment after creating a topic).
 */
export async function createTopicsWith(
  clients: KafkajsClientFactory,
  topics: readonly string[],
  partitions: number,
): Promise<void> {
  const admin = clients.admin({ clientId: 'sluice-testkit', overrides: {} });
  await admin.connect();
  try {
    await admin.createTopics(
      topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
    );
  } finally {
    await admin.disconnect();
  }
}

/** Creates a topic of one partition (a sink's input). */
export async function createTopic(brokers: readonly string[], topic: string): Promise<void> {
  const clients = new KafkajsClientFactory(
    { 'bootstrap.servers': brokers.join(',') },
    createLogger({ level: 'error' }),
  );
  await createTopicsWith(clients, [topic], 1);
}

/** Writes string values to a topic. */
export async function produceValues(
  brokers: readonly string[],
  topic: string,
  values: readonly string[],
): Promise<void> {
  const producer = kafka(brokers).producer();
  await producer.connect();
  try {
    // In batches: one request of thousands of records passes the broker's message size.
    for (let i = 0; i < values.length; i += 500) {
      const batch = values.slice(i, i + 500);
      await producer.send({ topic, messages: batch.map((value) => ({ value })) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** A record read back from a topic: its value and headers as strings, and its offset. */
export interface ReadMessage {
  readonly offset: number;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Reads a topic from the start until `done(messages)` holds, then returns every message read so
 * far (value and headers as strings).
 */
export async function readMessagesUntil(
  brokers: readonly string[],
  topic: string,
  what: string,
  done: (messages: readonly ReadMessage[]) => boolean,
  timeoutMs = 60_000,
): Promise<ReadMessage[]> {
  const client = kafka(brokers);
  const admin = client.admin();
  await admin.connect();
  try {
    await waitFor(
      `the topic ${topic}`,
      async () => (await admin.listTopics()).includes(topic),
      timeoutMs,
    );
  } finally {
    await admin.disconnect();
  }
  const consumer = client.consumer({ groupId: uniqueId('testkit-reader') });
  const messages: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) {
          headers[k] = Array.isArray(v) ? String(v[0] ?? '') : String(v ?? '');
        }
        messages.push({
          offset: Number(message.offset),
          value: message.value?.toString() ?? '',
          headers,
        });
      },
    });
    await waitFor(
      `${what} on ${topic} (read ${messages.length} records)`,
      () => done(messages),
      timeoutMs,
    );
    return [...messages];
  } finally {
    await consumer.disconnect();
  }
}

/**
 * Reads a topic from the start until `done(values)` holds (the values as strings), then
 * returns every value read so far.
 */
export async function readValuesUntil(
  brokers: readonly string[],
  topic: string,
  what: string,
  done: (values: readonly string[]) => boolean,
  timeoutMs = 60_000,
): Promise<string[]> {
  const values = (messages: readonly ReadMessage[]) => messages.map((m) => m.value);
  return values(await readMessagesUntil(brokers, topic, what, (m) => done(values(m)), timeoutMs));
}

/**
 * The offset a consumer group committed on partition 0 of `topic` (the next offset it will
 * read), or 0 when it committed none: a sink's group is `connect-<connector name>`.
 */
export async function committedOffset(
  brokers: readonly string[],
  groupId: string,
  topic: string,
): Promise<number> {
  const admin = kafka(brokers).admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const offset = Number(entry?.partitions.find((p) => p.partition === 0)?.offset ?? -1);
    return Math.max(offset, 0);
  } finally {
    await admin.disconnect();
  }
}

/** How many of `values` contain `marker`. */
export function countContaining(values: readonly string[], marker: string): number {
  return values.filter((v) => v.includes(marker)).length;
}

/**
 * `n` unique markers for one test: `<run id>-<label>-<index>`, the index zero-padded so that no
 * marker is a prefix of another (`countContaining` matches substrings).
 */
export function markers(runId: string, label: string, n: number): string[] {
  const width = String(n - 1).length;
  return Array.from({ length: n }, (_, i) => `${runId}-${label}-${String(i).padStart(width, '0')}`);
}

/**
 * How many times each of `wanted` (markers made by `markers`) occurs in `values`, in one pass
 * over the values: a backlog of thousands of records is checked without comparing every marker
 * with every value.
 */
export function occurrences(values: readonly string[], wanted: readonly string[]): number[] {
  const counts = new Map(wanted.map((m) => [m, 0]));
  const prefixes = new Set(wanted.map((m) => m.slice(0, m.lastIndexOf('-') + 1)));
  for (const prefix of prefixes) {
    const pattern = new RegExp(`${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\d+`, 'g');
    for (const value of values) {
      for (const [found] of value.matchAll(pattern)) {
        const count = counts.get(found);
        if (count !== undefined) counts.set(found, count + 1);
      }
    }
  }
  return wanted.map((m) => counts.get(m) ?? 0);
}

/** The markers of `wanted` that occur nowhere in `values`. */
export function missing(values: readonly string[], wanted: readonly string[]): string[] {
  const counts = occurrences(values, wanted);
  return wanted.filter((_, i) => counts[i] === 0);
}
