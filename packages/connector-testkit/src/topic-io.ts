import { Kafka, logLevel } from 'kafkajs';
import { uniqueId, waitFor } from './kit-worker.js';

function kafka(brokers: readonly string[]): Kafka {
  return new Kafka({
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    clientId: 'sluice-testkit',
  });
}

/** Creates a topic of one partition (a sink's input). */
export async function createTopic(brokers: readonly string[], topic: string): Promise<void> {
  const admin = kafka(brokers).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
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
    await producer.send({ topic, messages: values.map((value) => ({ value })) });
  } finally {
    await producer.disconnect();
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
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value?.toString() ?? '');
      },
    });
    await waitFor(
      `${what} on ${topic} (read ${values.length} values)`,
      () => done(values),
      timeoutMs,
    );
    return [...values];
  } finally {
    await consumer.disconnect();
  }
}

/** How many of `values` contain `marker`. */
export function countContaining(values: readonly string[], marker: string): number {
  return values.filter((v) => v.includes(marker)).length;
}
