/**
 * The producer across a broker outage longer than kafkajs' own retries (about 15 s): as Kafka's
 * producer, a send waits for the broker up to delivery.timeout.ms instead of failing (which
 * failed every source task whose broker took a little long to restart). A private broker: the
 * shared one serves other tests meanwhile.
 */
import { type KafkaBroker, startKafkaBroker } from '@sluice/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkajsClientFactory } from '../src/kafka/kafkajs-client.js';
import { testLog, uniqueName } from './harness.js';

/** Longer than kafkajs' retries of a connection (8 retries from 300 ms: about 15 s). */
const DOWN_MS = 25_000;

let broker: KafkaBroker;

beforeAll(async () => {
  broker = await startKafkaBroker();
}, 180_000);

afterAll(async () => {
  await broker?.stop('SIGKILL');
});

const bytes = (s: string) => new TextEncoder().encode(s);

describe('producer during a broker outage', () => {
  it('delivers a record sent while the broker is down once it is back, within delivery.timeout.ms', async () => {
    const factory = new KafkajsClientFactory(
      { 'bootstrap.servers': broker.brokers.join(',') },
      testLog,
    );
    const producer = factory.producer({ clientId: uniqueName('outage'), overrides: {} });
    const topic = uniqueName('outage');
    await producer.connect();
    try {
      const first = await producer.send({ topic, key: null, value: bytes('before') });
      await broker.stop('SIGKILL');
      const during = producer.send({ topic, key: null, value: bytes('during') });
      // A rejection before the broker is back is the failure under test: keep it for the expect.
      const settled = during.then(
        (m) => ({ ok: true as const, m }),
        (e: Error) => ({ ok: false as const, e }),
      );
      await new Promise((r) => setTimeout(r, DOWN_MS));
      await broker.start();
      const result = await settled;
      expect(result.ok ? null : result.e.message).toBeNull();
      if (result.ok) {
        expect(result.m.partition).toBe(first.partition);
        expect(result.m.offset).toBe(first.offset + 1n);
      }
    } finally {
      await producer.disconnect().catch(() => {});
    }
  }, 300_000);
});
