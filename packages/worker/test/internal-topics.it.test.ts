/**
 * Internal topics a distributed worker cannot trust are refused at start, as Kafka Connect does:
 * an existing config, offset or status topic that is not compacted would lose the cluster's
 * state to retention, and a config topic with several partitions loses the order of its records.
 */
import { createTopicsAndWait, kafkaBrokers, type TopicSpec } from '@sluice/test-fixtures';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { TestCluster } from './cluster.js';

const clusters: TestCluster[] = [];

afterAll(async () => {
  await Promise.all(clusters.map((c) => c.stopAll()));
});

async function createTopic(spec: TopicSpec): Promise<void> {
  const admin = new Kafka({
    brokers: kafkaBrokers(),
    clientId: 'internal-topics-test',
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    await createTopicsAndWait(admin, [spec]);
  } finally {
    await admin.disconnect();
  }
}

/** Starts one worker of a new cluster whose `key` topic was created as `spec` says. */
async function startWith(key: string, spec: Omit<TopicSpec, 'topic'>) {
  const cluster = await TestCluster.create(kafkaBrokers());
  clusters.push(cluster);
  const topic = cluster.props[key] as string;
  await createTopic({ topic, ...spec });
  const worker = await cluster.newWorker();
  return { topic, ...(await worker.runUntilExit()) };
}

describe('sluice distributed and its internal topics', () => {
  it.each([
    ['config.storage.topic', 'connector configurations'],
    ['offset.storage.topic', 'source connector offsets'],
    ['status.storage.topic', 'connector and task statuses'],
  ])(
    'refuses an existing %s that is not compacted, naming the key (exit 1)',
    async (key, holds) => {
      const { topic, code, output } = await startWith(key, {
        configs: { 'cleanup.policy': 'delete' },
      });
      expect(code, output).toBe(1);
      expect(output).toContain(
        `Topic '${topic}' supplied via the '${key}' property is required to have 'cleanup.policy=compact' to guarantee consistency and durability of ${holds}, but found the topic currently has 'cleanup.policy=delete'.`,
      );
      expect(output).toContain(
        `Change the '${key}' property in the Connect worker configurations to use a topic with 'cleanup.policy=compact'.`,
      );
    },
  );

  it('refuses a config.storage.topic with more than one partition (exit 1)', async () => {
    const { topic, code, output } = await startWith('config.storage.topic', {
      numPartitions: 3,
      configs: { 'cleanup.policy': 'compact' },
    });
    expect(code, output).toBe(1);
    expect(output).toContain(
      `Topic '${topic}' supplied via the 'config.storage.topic' property is required to have a single partition in order to guarantee consistency of connector configurations, but found 3 partitions.`,
    );
  });
});
