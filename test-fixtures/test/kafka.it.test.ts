import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { kafkaBrokers } from '../src/connection-info.js';
import { createTopicsAndWait } from '../src/kafka-topics.js';

describe('kafka service', () => {
  const kafka = new Kafka({
    clientId: 'test-fixtures-it',
    brokers: kafkaBrokers(),
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: `test-fixtures-${randomUUID()}` });

  afterAll(async () => {
    await consumer.disconnect();
    await producer.disconnect();
  });

  it('delivers a produced message to a consumer group', async () => {
    const topic = `test-fixtures-roundtrip-${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    await createTopicsAndWait(admin, [{ topic }]);
    await admin.disconnect();

    await producer.connect();
    await producer.send({
      topic,
      messages: [{ key: 'k1', value: 'hello sluice', headers: { source: 'test-fixtures' } }],
    });

    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received = await new Promise<{ key: string; value: string; header: string }>(
      (resolve, reject) => {
        consumer
          .run({
            eachMessage: async ({ message }) => {
              resolve({
                key: message.key?.toString() ?? '',
                value: message.value?.toString() ?? '',
                header: message.headers?.source?.toString() ?? '',
              });
            },
          })
          .catch(reject);
      },
    );

    expect(received).toEqual({ key: 'k1', value: 'hello sluice', header: 'test-fixtures' });
  });
});
