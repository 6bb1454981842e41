import type { Producer } from '@sluice/kafkajs';
import { type KafkaBroker, kafkaBrokers, startKafkaBroker } from '@sluice/test-fixtures';
import { afterAll, describe, expect, it } from 'vitest';
import type { KafkaTransactionalProducer } from '../src/kafka/kafka-port.js';
import { KafkajsClientFactory } from '../src/kafka/kafkajs-client.js';
import { keyPartition } from '../src/kafka/murmur2.js';
import { silentLogger } from '../src/logging/logger.js';
import { committedValues, createTopic, uniqueName } from './harness.js';

const factory = new KafkajsClientFactory(
  { 'bootstrap.servers': kafkaBrokers().join(',') },
  silentLogger(),
);
const admin = factory.admin({ clientId: 'fence-test-admin', overrides: {} });

afterAll(async () => {
  await admin.disconnect();
});

const bytes = (s: string) => Buffer.from(s, 'utf8');

/**
 * The API names of the requests a transactional producer sends, in order, through kafkajs'
 * instrumentation events (the wrapper's kafkajs producer is not part of its interface).
 */
function recordRequests(producer: KafkaTransactionalProducer): string[] {
  const apis: string[] = [];
  const kafkajs = (producer as unknown as { producer: Producer }).producer;
  kafkajs.on(kafkajs.events.REQUEST, ({ payload }) => {
    apis.push(payload.apiName);
  });
  return apis;
}

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

  it('finds its transaction coordinator once for all its transactions, and adds the offsets partition with the records’ partitions', async () => {
    const topic = uniqueName('txn-records');
    const offsetsTopic = uniqueName('txn-offsets');
    await createTopic(topic, 3);
    await createTopic(offsetsTopic, 5);
    const producer = factory.transactionalProducer({
      clientId: 'txn-counted',
      overrides: {},
      transactionalId: uniqueName('txn-id'),
    });
    const requests = recordRequests(producer);
    await producer.connect();
    const offsetKey = bytes('["connector",{"file":"input.txt"}]');
    const transaction = async (n: number) => {
      producer.beginTransaction();
      // As an exactly-once source task: the offsets record is announced with the first record
      // of its source partition and written at the commit.
      producer.expectSend({ topic: offsetsTopic, key: offsetKey });
      await Promise.all(
        ['a', 'b', 'c'].map((v) =>
          producer.send({ topic, key: bytes(v), value: bytes(`${v}${n}`) }),
        ),
      );
      const offset = producer.send({ topic: offsetsTopic, key: offsetKey, value: bytes(`${n}`) });
      await producer.commitTransaction();
      return offset;
    };
    try {
      // The first transaction learns the offsets topic's partition count with its offsets write.
      await transaction(1);
      const written = [];
      for (let n = 2; n <= 5; n++) {
        requests.length = 0;
        written.push(await transaction(n));
        // Metadata requests aside, and an AddPartitionsToTxn sent again while the previous
        // transaction completed (CONCURRENT_TRANSACTIONS) counted once. kafkajs alone sent
        // FindCoordinator, AddPartitionsToTxn, Produce, FindCoordinator, AddPartitionsToTxn
        // (the offsets partition), Produce, FindCoordinator, EndTxn.
        const sent = requests
          .filter((api) => api !== 'Metadata')
          .filter((api, i, all) => api !== 'AddPartitionsToTxn' || all[i - 1] !== api);
        expect(sent, `transaction ${n}`).toEqual([
          'AddPartitionsToTxn',
          'Produce',
          'Produce',
          'EndTxn',
        ]);
      }
      const expected = keyPartition(offsetKey, 5);
      for (const metadata of await Promise.all(written)) expect(metadata.partition).toBe(expected);
    } finally {
      await producer.disconnect();
    }
    expect((await committedValues(topic, 15)).sort()).toEqual(
      ['a', 'b', 'c'].flatMap((v) => [1, 2, 3, 4, 5].map((n) => `${v}${n}`)).sort(),
    );
    expect(await committedValues(offsetsTopic, 5)).toEqual(['1', '2', '3', '4', '5']);
  });
});

describe('the transactional producer across a restart of its coordinator', () => {
  let broker: KafkaBroker | undefined;

  afterAll(async () => {
    await broker?.stop('SIGKILL');
  });

  it('commits a transaction opened before its coordinator restarted, through the coordinator it kept', async () => {
    // A private broker: the shared one serves other tests meanwhile.
    broker = await startKafkaBroker();
    const own = new KafkajsClientFactory(
      { 'bootstrap.servers': broker.brokers.join(',') },
      silentLogger(),
    );
    const topic = uniqueName('txn-restart');
    const producer = own.transactionalProducer({
      clientId: 'txn-restart',
      overrides: {},
      transactionalId: uniqueName('txn-id'),
    });
    await producer.connect();
    try {
      producer.beginTransaction();
      await producer.send({ topic, key: null, value: bytes('before') });
      await producer.commitTransaction();
      producer.beginTransaction();
      await producer.send({ topic, key: null, value: bytes('across') });
      await broker.stop('SIGTERM');
      await broker.start();
      await producer.send({ topic, key: null, value: bytes('after') });
      // Its connection to the kept coordinator was lost; EndTxn is sent again while the
      // restarted coordinator loads (kafkajs alone sent it once).
      await producer.commitTransaction();
    } finally {
      await producer.disconnect();
    }
    expect(await committedValues(topic, 3, broker.brokers)).toEqual(['before', 'across', 'after']);
  }, 240_000);
});
