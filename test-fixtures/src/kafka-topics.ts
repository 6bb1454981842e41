import type { Admin } from 'kafkajs';
import { sleep } from './daemon-process.js';

/** What `createTopicsAndWait` creates: a name, a partition count (default 1), topic configs. */
export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions?: number;
  /** Topic-level configs (`cleanup.policy`, ...). */
  readonly configs?: Readonly<Record<string, string>>;
}

/**
 * Creates topics with a raw kafkajs admin and returns once every partition has a leader.
 * kafkajs' own `waitForLeaders` fails on the UNKNOWN_TOPIC_OR_PARTITION a KRaft broker
 * answers for a moment after creation, so tests and benches wait here instead.
 */
export async function createTopicsAndWait(
  admin: Admin,
  topics: readonly TopicSpec[],
  timeoutMs = 30_000,
): Promise<void> {
  await admin.createTopics({
    waitForLeaders: false,
    topics: topics.map((t) => ({
      topic: t.topic,
      numPartitions: t.numPartitions ?? 1,
      replicationFactor: 1,
      configEntries: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
    })),
  });
  const names = topics.map((t) => t.topic);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics: names });
      const ready = meta.topics.every(
        (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
      );
      if (meta.topics.length === names.length && ready) return;
    } catch (error) {
      const type = (error as { type?: string }).type;
      if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') throw error;
    }
    if (Date.now() > deadline) {
      throw new Error(`topics ${names.join(', ')} have no partition leaders after ${timeoutMs} ms`);
    }
    await sleep(100);
  }
}
