/**
 * What one transaction costs the runtime's transactional producer alone, as an exactly-once
 * source task uses it with `transaction.boundary=poll`: a batch of records of ~200 B to one
 * partition, its offsets record to a 25-partition offsets topic (announced with the first record,
 * written at the commit), then the commit. Prints the time per transaction and the requests per
 * transaction by API, counted through kafkajs' request events.
 * Options: --transactions <n> (default 30), --records <n> per transaction (default 2000).
 */

import { KafkajsClientFactory, silentLogger } from '@sluice/runtime';
import { ensureServices } from '@sluice/test-fixtures';
import type { Producer } from 'kafkajs';
import { benchKafka, createTopic, deleteTopics } from './connect/kafka-client.js';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const transactions = Number(option('transactions', '30'));
const perTransaction = Number(option('records', '2000'));

async function main(): Promise<void> {
  const services = await ensureServices(['kafka'], {
    onProgress: (e) => console.error(`[eos-producer] ${e.message}`),
  });
  const brokers = (services.kafka?.connection ?? '').split(',');
  const id = `eos-producer-${Date.now().toString(36)}`;
  const admin = benchKafka(brokers, 'eos-producer').admin();
  await admin.connect();
  await createTopic(admin, id);
  await createTopic(admin, `${id}-offsets`, 25);
  const factory = new KafkajsClientFactory(
    { 'bootstrap.servers': brokers.join(',') },
    silentLogger(),
  );
  const producer = factory.transactionalProducer({
    clientId: 'eos-producer',
    overrides: {},
    transactionalId: id,
  });
  const requests = new Map<string, { count: number; ms: number }>();
  // The wrapper's kafkajs producer is not part of its interface: its events are read here only.
  const kafkajs = (producer as unknown as { producer: Producer }).producer;
  kafkajs.on(kafkajs.events.REQUEST, ({ payload }) => {
    const r = requests.get(payload.apiName) ?? { count: 0, ms: 0 };
    r.count++;
    r.ms += payload.duration;
    requests.set(payload.apiName, r);
  });
  await producer.connect();
  requests.clear();
  const offsetKey = Buffer.from(`["eos-producer",{"filename":"input.txt"}]`);
  const pad = 'x'.repeat(190);
  let sending = 0;
  let committing = 0;
  const started = performance.now();
  for (let t = 0; t < transactions; t++) {
    const begun = performance.now();
    producer.beginTransaction();
    producer.expectSend({ topic: `${id}-offsets`, key: offsetKey });
    const sends = [];
    for (let i = 0; i < perTransaction; i++)
      sends.push(producer.send({ topic: id, key: null, value: Buffer.from(`${i} ${pad}`) }));
    await Promise.all(sends);
    const sent = performance.now();
    const offset = producer.send({
      topic: `${id}-offsets`,
      key: offsetKey,
      value: Buffer.from(`{"position":${t}}`),
    });
    await producer.commitTransaction();
    await offset;
    sending += sent - begun;
    committing += performance.now() - sent;
  }
  const total = performance.now() - started;
  await producer.disconnect();
  await deleteTopics(admin, [id, `${id}-offsets`]);
  await admin.disconnect();
  const ms = (x: number) => (x / transactions).toFixed(1);
  console.log(
    `${transactions} transactions of ${perTransaction} records: ${ms(total)} ms each (records sent and acknowledged ${ms(sending)} ms, offsets and commit ${ms(committing)} ms)\n`,
  );
  console.log('| request | per transaction | mean ms |\n| --- | ---: | ---: |');
  for (const [api, r] of requests)
    console.log(
      `| ${api} | ${(r.count / transactions).toFixed(2)} | ${(r.ms / r.count).toFixed(1)} |`,
    );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
