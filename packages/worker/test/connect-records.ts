/**
 * Records of a Connect cluster's internal topics as Apache Kafka Connect 4.1 writes them
 * (KafkaConfigBackingStore, OffsetStorageWriter: schemaless JSON through its JsonConverter), and
 * reading and writing topics for tests. kafka-connect-migration.it.test.ts checks these shapes
 * against the records a real Java worker wrote.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

/** One record: key and value as UTF-8 text (a null value is a tombstone). */
export interface TopicRecord {
  key: string;
  value: string | null;
}

/** `connector-<name>`: the connector's config. */
export function connectorConfigRecord(name: string, props: Record<string, string>): TopicRecord {
  return { key: `connector-${name}`, value: JSON.stringify({ properties: props }) };
}

/** `task-<name>-<n>`: one task's config (Kafka's worker adds `task.class`). */
export function taskConfigRecord(
  name: string,
  task: number,
  props: Record<string, string>,
): TopicRecord {
  return { key: `task-${name}-${task}`, value: JSON.stringify({ properties: props }) };
}

/** `commit-<name>`: the task configs written before it are complete. */
export function commitRecord(name: string, tasks: number): TopicRecord {
  return { key: `commit-${name}`, value: JSON.stringify({ tasks }) };
}

/**
 * A source offset: key `["<connector>",{partition}]`, value `{offset}`. Key order inside the
 * objects is the caller's: give it as Java's HashMap iterates them, to write the same bytes.
 */
export function sourceOffsetRecord(
  connector: string,
  partition: Record<string, unknown>,
  offset: Record<string, unknown>,
): TopicRecord {
  return { key: JSON.stringify([connector, partition]), value: JSON.stringify(offset) };
}

function client(brokers: string[]): Kafka {
  return new Kafka({ brokers, clientId: 'connect-records-test', logLevel: logLevel.NOTHING });
}

/** Appends records to a topic (partitioned by key, as Kafka's producer does), acks=all. */
export async function writeRecords(
  brokers: string[],
  topic: string,
  records: readonly TopicRecord[],
): Promise<void> {
  const producer = client(brokers).producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [...records] });
  } finally {
    await producer.disconnect();
  }
}

/** Every record of a topic from its beginning to its end when called, in order per partition. */
export async function readTopic(brokers: string[], topic: string): Promise<TopicRecord[]> {
  const kafka = client(brokers);
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const left = new Map(ends.map((e) => [e.partition, BigInt(e.high)]));
  for (const [p, high] of left) if (high === 0n) left.delete(p);
  const records: TopicRecord[] = [];
  if (left.size === 0) return records;
  const consumer = kafka.consumer({ groupId: `read-${topic}-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let done: () => void = () => {};
    const finished = new Promise<void>((r) => {
      done = r;
    });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const high = left.get(partition);
        if (high === undefined || BigInt(message.offset) >= high) return;
        records.push({
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? null,
        });
        if (BigInt(message.offset) + 1n >= high) left.delete(partition);
        if (left.size === 0) done();
      },
    });
    await finished;
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** The last value of every key of a topic (what a compacted topic keeps). */
export async function lastValues(
  brokers: string[],
  topic: string,
): Promise<Map<string, string | null>> {
  return new Map((await readTopic(brokers, topic)).map((r) => [r.key, r.value]));
}
