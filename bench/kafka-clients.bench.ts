/**
 * The Kafka client itself: the kafkajs build Sluice runs (with the workspace's patch) beside
 * `@platformatic/kafka`, the maintained pure-JavaScript client issue 21 names as a candidate for
 * a second adapter, doing the same raw work against the test broker, rounds interleaved:
 *
 * - produce: RECORDS values of ~200 B and ~2 KB to a new one-partition topic, ≤ 512 KiB per send,
 *   4 sends in flight, acks=all (what `pnpm bench`'s raw producer does);
 * - consume: the same topic from the beginning with a new group, no commits, 1 MiB per partition
 *   per fetch (Kafka's default), kafkajs through `eachBatch` (as the runtime), @platformatic/kafka
 *   through its message stream (its consuming API).
 *
 * Rates run from the first record acknowledged / received to the last; CPU is this process's
 * (user + system) over the same interval, per record. @platformatic/kafka declares Node ≥ 22.22;
 * on Node 20 it lacks only `Promise.withResolvers`, defined below for this bench.
 * RECORDS (default 200000) and ROUNDS (default 3) tune it.
 */
import { Consumer, Producer } from '@platformatic/kafka';
import { ensureServices } from '@sluice/test-fixtures';
import {
  benchKafka,
  createTopic,
  deleteGroupsContaining,
  deleteTopics,
  RAW_CONSUMER,
  sendInLanes,
} from './connect/kafka-client.js';
import { fmt, median, provenance } from './rounds.js';

if (!('withResolvers' in Promise)) {
  Object.defineProperty(Promise, 'withResolvers', {
    value<T>() {
      let resolve!: (value: T) => void;
      let reject!: (reason: unknown) => void;
      const promise = new Promise<T>((a, b) => {
        resolve = a;
        reject = b;
      });
      return { promise, resolve, reject };
    },
  });
}

const RECORDS = Number(process.env.RECORDS ?? 200_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const MARKER = `clients-${Date.now().toString(36)}`;

interface Measure {
  rate: number;
  cpuMicros: number;
}

/** Times `work` from the moment `started` is called to its end: rate and CPU per record. */
async function measure(records: number, work: (started: () => void) => Promise<void>) {
  let t0 = 0n;
  let cpu0 = process.cpuUsage();
  await work(() => {
    t0 = process.hrtime.bigint();
    cpu0 = process.cpuUsage();
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { rate: records / seconds, cpuMicros: (cpu.user + cpu.system) / records };
}

async function main(): Promise<void> {
  const services = await ensureServices(['kafka'], {
    onProgress: (e) => console.error(`[clients] ${e.message}`),
  });
  const brokers = (services.kafka?.connection ?? '').split(',');
  const kafka = benchKafka(brokers, 'clients-bench');
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer();
  await producer.connect();
  const platformatic = new Producer({
    clientId: 'clients-bench',
    bootstrapBrokers: brokers,
    acks: -1,
  });
  const topics: string[] = [];
  const rows: string[] = [];
  try {
    for (const size of [200, 2000]) {
      const values = Array.from({ length: RECORDS }, (_, i) =>
        Buffer.from(`{"n":${i},"text":"${'x'.repeat(size - 20)}"}`),
      );
      const results = new Map<string, Measure[]>();
      const record = (name: string, m: Measure) =>
        results.set(name, [...(results.get(name) ?? []), m]);
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? ['kafkajs', 'platformatic'] : ['platformatic', 'kafkajs'];
        for (const client of order) {
          const topic = `${MARKER}-${client}-${size}-${round}`;
          topics.push(topic);
          await createTopic(admin, topic);
          const produced = await measure(RECORDS, async (started) => {
            started();
            const valueAt = (i: number) => values[i] as Buffer;
            const size = (value: Buffer) => value.length;
            if (client === 'kafkajs') {
              await sendInLanes(RECORDS, valueAt, size, (batch) =>
                producer.send({ topic, acks: -1, messages: batch.map((value) => ({ value })) }),
              );
            } else {
              await sendInLanes(RECORDS, valueAt, size, (batch) =>
                platformatic.send({ messages: batch.map((value) => ({ topic, value })) }),
              );
            }
          });
          record(`${client} produce`, produced);
          const consumed = await measure(RECORDS, (started) =>
            client === 'kafkajs'
              ? kafkajsConsume(topic, started)
              : platformaticConsume(topic, started),
          );
          record(`${client} consume`, consumed);
          console.error(`[clients] ${size} B round ${round + 1}/${ROUNDS}: ${client} done`);
        }
      }
      for (const what of ['produce', 'consume']) {
        const base = results.get(`kafkajs ${what}`) ?? [];
        const other = results.get(`platformatic ${what}`) ?? [];
        const ratios = other.map((m, i) => m.rate / (base[i]?.rate ?? Number.NaN));
        rows.push(
          `| ~${size} B | ${what} | ${fmt(median(base.map((m) => m.rate)))} | ${median(base.map((m) => m.cpuMicros)).toFixed(1)} | ${fmt(median(other.map((m) => m.rate)))} | ${median(other.map((m) => m.cpuMicros)).toFixed(1)} | ${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) |`,
        );
      }
    }
  } finally {
    await platformatic.close();
    await producer.disconnect();
    await deleteTopics(admin, topics);
    await deleteGroupsContaining(admin, MARKER);
    await admin.disconnect();
  }
  console.log(provenance());
  console.log(`\n${RECORDS} records per run, ${ROUNDS} rounds; medians (client CPU per record)\n`);
  console.log(
    '| values | work | kafkajs (patched) records/s | kafkajs CPU µs/record | @platformatic/kafka records/s | @platformatic/kafka CPU µs/record | @platformatic/kafka / kafkajs (min–max) |',
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) console.log(row);

  async function kafkajsConsume(topic: string, started: () => void): Promise<void> {
    const consumer = kafka.consumer({ groupId: `${MARKER}-${topic}`, ...RAW_CONSUMER });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let received = 0;
    await new Promise<void>((done) => {
      void consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          if (received === 0) started();
          received += batch.messages.length;
          if (received >= RECORDS) done();
        },
      });
    });
    await consumer.disconnect();
  }

  async function platformaticConsume(topic: string, started: () => void): Promise<void> {
    const consumer = new Consumer({
      clientId: 'clients-bench',
      groupId: `${MARKER}-${topic}`,
      bootstrapBrokers: brokers,
      maxBytesPerPartition: RAW_CONSUMER.maxBytesPerPartition,
      maxBytes: RAW_CONSUMER.maxBytes,
      minBytes: RAW_CONSUMER.minBytes,
      maxWaitTime: RAW_CONSUMER.maxWaitTimeInMs,
    });
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    let received = 0;
    for await (const _message of stream) {
      if (received === 0) started();
      if (++received >= RECORDS) break;
    }
    await stream.close();
    await consumer.close(true);
  }
}

await main();
