import { kafkaBrokers } from '@sluice/test-fixtures';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { KafkajsClientFactory } from '../src/kafka/kafkajs-client.js';
import { silentLogger } from '../src/logging/logger.js';
import { createTopic, uniqueName, waitFor } from './harness.js';

const factory = new KafkajsClientFactory(
  { 'bootstrap.servers': kafkaBrokers().join(',') },
  silentLogger(),
);
const admin = factory.admin({ clientId: 'fence-test-admin', overrides: {} });
const kafka = new Kafka({ brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });

afterAll(async () => {
  await admin.disconnect();
});

/** The values a read_committed consumer sees in the topic once `settleMs` passed without more. */
async function committedValues(topic: string, atLeast: number): Promise<string[]> {
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

const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('the transactional producer of exactly-once source tasks', () => {
  it('commits, aborts, and cannot commit once its transactional id was fenced (Admin.fenceProducers)', async () => {
    const topic = uniqueName('txn');
    await createTopic(topic);
    const transactionalId = uniqueName('txn-id');
    const first = factory.transactionalProducer({
      clientId: 'txn-first',
      overrides: {},
      transactionalId,
    });
    await first.connect();
    first.beginTransaction();
    await Promise.all(
      ['a', 'b', 'c'].map((v) => first.send({ topic, key: null, value: bytes(v) })),
    );
    await first.commitTransaction();
    first.beginTransaction();
    await first.send({ topic, key: null, value: bytes('aborted') });
    await first.abortTransaction();
    first.beginTransaction();
    await first.send({ topic, key: null, value: bytes('zombie') });
    await admin.connect();
    await admin.fenceProducers([transactionalId]);
    await expect(first.commitTransaction()).rejects.toThrow(/epoch|fenced/i);
    await first.disconnect();
    // The id's next producer works: the fenced transaction was aborted, not left open.
    const next = factory.transactionalProducer({
      clientId: 'txn-next',
      overrides: {},
      transactionalId,
    });
    await next.connect();
    next.beginTransaction();
    await next.send({ topic, key: null, value: bytes('d') });
    await next.commitTransaction();
    await next.disconnect();
    expect(await committedValues(topic, 4)).toEqual(['a', 'b', 'c', 'd']);
  });
});
