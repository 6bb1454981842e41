/** The bench's own kafkajs clients: topic set-up, counting, and the raw producer/consumer ceiling. */
import { createTopicsAndWait } from '@sluice/test-fixtures';
import { type Admin, Kafka, logLevel, type Producer } from 'kafkajs';

/** A kafkajs client for the bench (quiet: its warnings are not benchmark output). */
export function benchKafka(brokers: readonly string[], clientId: string): Kafka {
  return new Kafka({ clientId, brokers: [...brokers], logLevel: logLevel.NOTHING });
}

/** Creates a topic, one partition unless told (nobody pays topic auto-creation inside a measurement). */
export async function createTopic(admin: Admin, topic: string, partitions = 1): Promise<void> {
  await createTopicsAndWait(admin, [{ topic, numPartitions: partitions }]);
}

/** Deletes topics, ignoring ones already gone. */
export async function deleteTopics(admin: Admin, topics: readonly string[]): Promise<void> {
  if (topics.length === 0) return;
  await admin.deleteTopics({ topics: [...topics] }).catch(() => undefined);
}

/** Deletes the consumer groups whose id contains `marker` (the bench's and its workers'). */
export async function deleteGroupsContaining(admin: Admin, marker: string): Promise<void> {
  const { groups } = await admin.listGroups();
  const ids = groups.map((group) => group.groupId).filter((id) => id.includes(marker));
  if (ids.length > 0) await admin.deleteGroups(ids).catch(() => undefined);
}

/** Records in a topic: the sum of its partitions' high watermarks. */
export async function topicCount(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
}

// Kafka refuses a record batch over message.max.bytes (1 MiB); kafkajs puts one send into
// one batch per partition, so sends are cut by size.
const SEND_BYTES = 512 * 1024;
const IN_FLIGHT = 4;

/**
 * Sends values `valueAt(0..count-1)` in order-of-index batches of ≤ 512 KiB (`size` of each
 * value), a few sends in flight, through `send` (which resolves once the broker acknowledged).
 * Calls `onAcked(total)` as sends complete. Returns the value bytes sent.
 */
export async function sendInLanes<T>(
  count: number,
  valueAt: (i: number) => T,
  size: (value: T) => number,
  send: (batch: T[]) => Promise<unknown>,
  onAcked: (acked: number) => void = () => undefined,
): Promise<number> {
  let next = 0;
  let acked = 0;
  let bytes = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const batch: T[] = [];
      let batchBytes = 0;
      while (next < count && batchBytes < SEND_BYTES) {
        const value = valueAt(next++);
        batchBytes += size(value);
        batch.push(value);
      }
      bytes += batchBytes;
      await send(batch);
      acked += batch.length;
      onAcked(acked);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return bytes;
}

/** Produces string values with `acks=-1` through a kafkajs producer, as {@link sendInLanes}. */
export function produceAll(
  producer: Producer,
  topic: string,
  count: number,
  valueAt: (i: number) => string,
  onAcked: (acked: number) => void = () => undefined,
): Promise<number> {
  return sendInLanes(
    count,
    valueAt,
    (value) => value.length,
    (batch) => producer.send({ topic, acks: -1, messages: batch.map((value) => ({ value })) }),
    onAcked,
  );
}

/**
 * The fetch settings Sluice's consumer uses (Kafka's consumer defaults: 1 MiB per partition,
 * 50 MiB per fetch, 500 ms wait), so the raw figure is the same client doing the same I/O.
 * The raw consumer commits nothing (kafkajs' default autoCommit would commit after every batch).
 */
export const RAW_CONSUMER = {
  maxBytesPerPartition: 1_048_576,
  maxBytes: 52_428_800,
  minBytes: 1,
  maxWaitTimeInMs: 500,
} as const;

/**
 * Reads `count` records of `topic` from the beginning with a fresh consumer group.
 * Returns the seconds from the first batch received to the last (group join excluded,
 * as the workers' figures exclude their start), and the records and value bytes after the
 * first batch (what those seconds moved).
 */
export async function consumeAll(
  kafka: Kafka,
  topic: string,
  count: number,
  onProgress: (received: number) => void,
): Promise<{ seconds: number; records: number; bytes: number }> {
  const consumer = kafka.consumer({
    groupId: `bench-raw-${topic}-${process.hrtime.bigint()}`,
    ...RAW_CONSUMER,
  });
  await consumer.connect();
  let received = 0;
  let bytes = 0;
  let first: bigint | undefined;
  let firstCount = 0;
  let last: bigint | undefined;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (received >= count) return;
        if (first === undefined) {
          first = process.hrtime.bigint();
          firstCount = batch.messages.length;
        } else for (const message of batch.messages) bytes += message.value?.length ?? 0;
        received += batch.messages.length;
        onProgress(received);
        if (received >= count) {
          last = process.hrtime.bigint();
          done();
        }
      },
    });
    await finished;
  } finally {
    await consumer.disconnect();
  }
  const seconds = Number((last ?? 0n) - (first ?? 0n)) / 1e9;
  // The first batch arrived at `first`: the rate counts what came after it.
  return { seconds, records: received - firstCount, bytes };
}
