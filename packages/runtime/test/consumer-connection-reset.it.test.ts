/**
 * The group consumer across connections that die in the middle of a response: kafkajs kept the
 * bytes of the half-received response and read the next connection's responses after them, so
 * every later request on that broker connection timed out and the consumer never fetched again
 * (the chaos scenario "worker ↔ Kafka through a fault proxy" lost records that way); and a
 * heartbeat lost with its connection failed the sink task. A private broker advertising a
 * FaultProxy's port, so that every connection goes through the proxy.
 */
import {
  ephemeralPort,
  FaultProxy,
  type KafkaBroker,
  startKafkaBroker,
} from '@sluice/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkajsClientFactory } from '../src/kafka/kafkajs-client.js';
import { testLog, uniqueName, waitFor } from './harness.js';

/** 2,000 records of 1 KB: twenty fetches, enough for three rounds of resets in between. */
const RECORDS = 2_000;
const VALUE = 'x'.repeat(1_000);

let broker: KafkaBroker;
let proxy: FaultProxy;

beforeAll(async () => {
  const brokerPort = await ephemeralPort();
  proxy = await FaultProxy.start({ upstreamPort: brokerPort });
  broker = await startKafkaBroker({ port: brokerPort, advertisedPort: proxy.port });
}, 180_000);

afterAll(async () => {
  await broker?.stop('SIGKILL');
  await proxy?.close();
});

describe('consumer across connections reset mid-response', () => {
  it('fetches everything after its connections were reset halfway through responses', async () => {
    const factory = new KafkajsClientFactory(
      { 'bootstrap.servers': broker.brokers.join(',') },
      testLog,
    );
    const topic = uniqueName('reset');
    const producer = factory.producer({ clientId: uniqueName('reset-p'), overrides: {} });
    await producer.connect();
    const value = new TextEncoder().encode(VALUE);
    // In batches of 100 (100 KB): with max.partition.fetch.bytes below that, each fetch response
    // is one batch, several chunks on the wire.
    for (let i = 0; i < RECORDS; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, () => producer.send({ topic, key: null, value })),
      );
    }
    await producer.disconnect();

    const consumer = factory.consumer({
      clientId: uniqueName('reset-c'),
      groupId: uniqueName('reset-g'),
      // A heartbeat at every call (kafkajs skips those sooner than the interval).
      overrides: { 'max.partition.fetch.bytes': '65536', 'heartbeat.interval.ms': '1' },
    });
    const seen = new Set<bigint>();
    let resets = 0;
    let crash: Error | null = null;
    let heartbeatError: Error | null = null;
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        onBatch: async (records, control) => {
          for (const r of records) seen.add(r.offset);
          const last = records.at(-1);
          if (last) control.markProcessed(last.offset);
          // Three rounds of resets while the backlog is being read, each with a heartbeat in
          // flight (its response is the one cut on the coordinator's connection), as a sink task
          // sends after each chunk it delivered.
          if (resets < 3 && seen.size >= (resets + 1) * 200) {
            resets++;
            proxy.resetMidResponse();
            await control.heartbeat().catch((e: Error) => {
              heartbeatError ??= e;
            });
          }
        },
        onAssignment: async () => {},
        onCrash: (e) => {
          crash = e;
        },
      });
      await waitFor(
        `all ${RECORDS} records after the resets`,
        () => seen.size === RECORDS,
        120_000,
      );
    } finally {
      await consumer.disconnect();
    }
    expect(resets).toBe(3);
    expect(crash).toBeNull();
    expect(heartbeatError).toBeNull();
    expect(seen.size).toBe(RECORDS);
  }, 300_000);
});
