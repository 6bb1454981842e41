import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from '@sluice/kafkajs';
import { kafkaBrokers } from '@sluice/test-fixtures';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConsumerRecord, TopicPartition } from '../src/kafka/kafka-port.js';
import { KafkajsClientFactory } from '../src/kafka/kafkajs-client.js';
import { silentLogger } from '../src/logging/logger.js';

const factory = new KafkajsClientFactory(
  { 'bootstrap.servers': kafkaBrokers().join(',') },
  silentLogger(),
);
const admin = factory.admin({ clientId: 'port-test-admin', overrides: {} });

afterAll(async () => {
  await admin.disconnect();
});

describe('kafkajs port', () => {
  it('acknowledges each record with its exact partition and offset, and consumes them back in order', async () => {
    const topic = `port-${randomUUID()}`;
    await admin.connect();
    expect(await admin.createTopics([{ topic, numPartitions: 3, replicationFactor: 1 }])).toEqual([
      topic,
    ]);
    expect(await admin.createTopics([{ topic, numPartitions: 3, replicationFactor: 1 }])).toEqual(
      [],
    );
    const producer = factory.producer({ clientId: 'port-test', overrides: { 'linger.ms': '2' } });
    await producer.connect();
    const acks = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        producer.send({
          topic,
          key: new TextEncoder().encode(`k${i % 7}`),
          value: new TextEncoder().encode(`v${i}`),
          headers: [{ key: 'h', value: new TextEncoder().encode(String(i)) }],
        }),
      ),
    );
    await producer.disconnect();
    // Offsets within each partition are consecutive from 0, in send order.
    const perPartition = new Map<number, bigint[]>();
    for (const a of acks)
      perPartition.set(a.partition, [...(perPartition.get(a.partition) ?? []), a.offset]);
    for (const offsets of perPartition.values()) {
      expect(offsets).toEqual(offsets.map((_, i) => BigInt(i)));
    }
    const consumer = factory.consumer({
      clientId: 'port-test-c',
      groupId: `g-${topic}`,
      overrides: {},
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const seen: ConsumerRecord[] = [];
    let assigned: TopicPartition[] = [];
    await consumer.run({
      onBatch: async (records, control) => {
        seen.push(...records);
        const last = records[records.length - 1];
        if (last) control.markProcessed(last.offset);
      },
      onAssignment: async (tps) => {
        assigned = tps;
      },
      onCrash: () => {},
    });
    const deadline = Date.now() + 30_000;
    while (seen.length < 1000 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(seen).toHaveLength(1000);
    expect(assigned).toHaveLength(3);
    for (let i = 0; i < acks.length; i++) {
      const ack = acks[i];
      const rec = seen.find((r) => r.partition === ack?.partition && r.offset === ack?.offset);
      expect(new TextDecoder().decode(rec?.value ?? undefined)).toBe(`v${i}`);
      expect(new TextDecoder().decode(rec?.headers[0]?.value ?? undefined)).toBe(String(i));
    }
    await consumer.commit([{ topic, partition: 0, offset: 5n }]);
    const committed = await consumer.committed([topic]);
    expect(committed.find((c) => c.partition === 0)?.offset).toBe(5n);
    await consumer.disconnect();
  });

  it("sets a group's committed offsets without joining the group (as Kafka's alterConsumerGroupOffsets)", async () => {
    const topic = `port-offsets-${randomUUID()}`;
    const groupId = `g-${topic}`;
    await admin.connect();
    await admin.createTopics([{ topic, numPartitions: 2, replicationFactor: 1 }]);
    await admin.setGroupOffsets(groupId, topic, [
      { partition: 0, offset: 3n },
      { partition: 1, offset: 0n },
    ]);
    const offsets = await admin.groupOffsets(groupId, [topic]);
    expect(offsets.map((o) => [o.partition, o.offset]).sort()).toEqual([
      [0, 3n],
      [1, 0n],
    ]);
    // A group that members joined carries their protocol type ("consumer"); one only committed
    // to has none: no consumer joined (and waited for its first fetch) to set these offsets.
    const raw = new Kafka({ brokers: kafkaBrokers(), logLevel: logLevel.NOTHING }).admin();
    await raw.connect();
    const { groups } = await raw.describeGroups([groupId]);
    await raw.disconnect();
    expect(groups[0]).toMatchObject({ groupId, state: 'Empty', protocolType: '', members: [] });
  });

  it('reads the offsets of a topic just created, by itself or by workers starting beside it, without failing', async () => {
    // Three workers starting together all create the offsets topic (25 partitions) and read its
    // ends at once: the broker answers NOT_LEADER_OR_FOLLOWER for a moment after the creation.
    const admins = Array.from({ length: 3 }, (_, i) =>
      factory.admin({ clientId: `port-test-admin-${i}`, overrides: {} }),
    );
    await Promise.all(admins.map((a) => a.connect()));
    try {
      for (let round = 0; round < 5; round++) {
        const topic = `port-fresh-${randomUUID()}`;
        const read = await Promise.all(
          admins.map(async (a) => {
            await a.createTopics([{ topic, numPartitions: 25, replicationFactor: 1 }]);
            return a.topicOffsets(topic);
          }),
        );
        for (const offsets of read) {
          expect(offsets).toHaveLength(25);
          expect(offsets.every((o) => o.low === 0n && o.high === 0n)).toBe(true);
        }
      }
    } finally {
      await Promise.all(admins.map((a) => a.disconnect()));
    }
  });
});
