/**
 * MongoDB connector throughput against the test server (FerretDB 1.24 on PostgreSQL, see
 * test-fixtures), each next to a baseline in the same run:
 *
 * 1. Sink: MongoSinkTask.put() of BATCH order structs at a time (ProvidedInValueStrategy, then
 *    ReplaceOneDefaultStrategy: replaceOne upserts by _id, and InsertOneDefaultStrategy) against
 *    the raw driver's bulkWrite of the same documents, the same writes in the same batches. Each
 *    run writes a new collection.
 * 2. Polling source: MongoSourceTask.poll() (polling.mode=incrementing, copy_existing, JSON
 *    values) until every document was read, against a raw cursor reading the same documents in
 *    _id order with the same batch size.
 * 3. Worker against worker: the same JSON records from a Kafka topic into a
 *    collection through Apache Kafka Connect running MongoDB's own sink (mongo-kafka 1.13.0)
 *    and through the Sluice worker running ours, same worker settings; time from the first to
 *    the last document. (mongo-kafka's source needs change streams, which FerretDB lacks.)
 *
 * Rounds of 1 and 2 interleave the contenders; ratios are taken per round, then the median.
 * RECORDS (default 20000), BATCH (default 500), ROUNDS (default 5), WORKER_RECORDS (default
 * 20000) tune it; PARTS (default sink,source,workers) picks the parts. Uses SLUICE_MONGODB_URL and SLUICE_KAFKA_BROKERS, or starts (or reuses) the
 * test services.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ConnectTimestamp,
  Schema,
  SchemaBuilder,
  SILENT_CONNECTOR_LOGGER,
  SinkRecord,
  type SinkTaskContext,
  type SourceTaskContext,
  Struct,
} from '@sluice/api';
import { MongoSinkTask, MongoSourceTask } from '@sluice/connector-mongodb';
import {
  copyMavenDependencies,
  ephemeralPort,
  installKafkaConnect,
  startConnectWorker,
  type WorkerSystem,
} from '@sluice/test-fixtures';
import { Kafka, logLevel } from 'kafkajs';
import { type AnyBulkWriteOperation, type Document, Long, MongoClient } from 'mongodb';
import { createTopic } from './connect/kafka-client.js';
import { sluiceBin } from './connect/worker-process.js';
import { type Contender, interleavedRounds, provenance, ratioTable } from './rounds.js';

const RECORDS = Number(process.env.RECORDS ?? 20_000);
const BATCH = Number(process.env.BATCH ?? 500);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const WORKER_RECORDS = Number(process.env.WORKER_RECORDS ?? 20_000);
const MONGO_KAFKA = 'org.mongodb.kafka:mongo-kafka-connect:1.13.0';
const here = fileURLToPath(new URL('.', import.meta.url));

/** A service's connection: its variable, or the services CLI's (VAR=value lines). */
function serviceUrl(service: string, variable: string): string {
  const fromEnv = process.env[variable];
  if (fromEnv) return fromEnv;
  const bin = new URL('node_modules/.bin/sluice-services', import.meta.url).pathname;
  const out = execFileSync(bin, ['up', service], { encoding: 'utf8' });
  const line = out.split('\n').find((l) => l.startsWith(`${variable}=`));
  if (line === undefined) throw new Error(`sluice-services did not print ${variable}`);
  return line.slice(variable.length + 1).trim();
}

// No Decimal: FerretDB 1.x drops the connection on a Decimal128.
const ORDER = SchemaBuilder.struct()
  .name('shop.Order')
  .field('_id', Schema.INT64_SCHEMA)
  .field('customer', Schema.STRING_SCHEMA)
  .field('total', Schema.FLOAT64_SCHEMA)
  .field('placed', ConnectTimestamp.SCHEMA)
  .field('note', Schema.OPTIONAL_STRING_SCHEMA)
  .build();

const placed = (i: number) => new Date(1_732_000_000_000 + i * 1000);
const note = (i: number) => (i % 3 === 0 ? null : 'leave it with the neighbour');

const records = Array.from(
  { length: RECORDS },
  (_, i) =>
    new SinkRecord({
      topic: 'orders',
      kafkaPartition: 0,
      kafkaOffset: i,
      keySchema: null,
      key: null,
      valueSchema: ORDER,
      value: new Struct(ORDER)
        .put('_id', BigInt(i))
        .put('customer', `customer ${i % 977}`)
        .put('total', (i * 37 + 1) / 100)
        .put('placed', placed(i))
        .put('note', note(i)),
    }),
);

/** The documents the sink writes, as a hand-written loader would hold them. */
const documents: Document[] = Array.from({ length: RECORDS }, (_, i) => ({
  _id: Long.fromNumber(i),
  customer: `customer ${i % 977}`,
  total: (i * 37 + 1) / 100,
  placed: placed(i),
  note: note(i),
}));

const sinkContext = (props: Record<string, string>): SinkTaskContext => ({
  configs: () => props,
  offset: () => {},
  timeout: () => {},
  assignment: () => [],
  pause: () => {},
  resume: () => {},
  requestCommit: () => {},
  errantRecordReporter: () => null,
  log: SILENT_CONNECTOR_LOGGER,
});

const sourceContext = (props: Record<string, string>): SourceTaskContext => ({
  configs: () => props,
  offsetStorageReader: () => ({
    offset: async () => null,
    offsets: async (partitions) => new Map(partitions.map((p) => [p, null])),
  }),
  transactionContext: () => null,
  log: SILENT_CONNECTOR_LOGGER,
});

/** How the sink writes: replaceOne upserts by _id (the default write model) or inserts. */
const WRITES = {
  upserts: {
    strategy: 'ReplaceOneDefaultStrategy',
    raw: 'raw bulkWrite (replaceOne upserts)',
    op: (doc: Document): AnyBulkWriteOperation => ({
      replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true },
    }),
  },
  inserts: {
    strategy: 'InsertOneDefaultStrategy',
    raw: 'raw bulkWrite (insertOne)',
    op: (doc: Document): AnyBulkWriteOperation => ({ insertOne: { document: doc } }),
  },
} as const;

async function sinkBench(
  url: string,
  client: MongoClient,
  database: string,
  writes: (typeof WRITES)[keyof typeof WRITES],
): Promise<string> {
  const db = client.db(database);
  let run = 0;
  let collection = '';
  let task: MongoSinkTask | null = null;
  const fresh = async (label: string) => {
    if (collection !== '') await db.collection(collection).drop();
    collection = `${label}_${run++}`;
  };
  const contenders: Contender[] = [
    {
      name: 'MongoSinkTask.put()',
      before: async () => {
        await task?.stop();
        await fresh('sluice');
        const props = {
          'connection.uri': url,
          topics: 'orders',
          database,
          collection,
          'document.id.strategy':
            'com.mongodb.kafka.connect.sink.processor.id.strategy.ProvidedInValueStrategy',
          'writemodel.strategy': `com.mongodb.kafka.connect.sink.writemodel.strategy.${writes.strategy}`,
        };
        task = new MongoSinkTask();
        task.initialize(sinkContext(props));
        await task.start(props);
      },
      run: async () => {
        for (let i = 0; i < RECORDS; i += BATCH)
          await (task as MongoSinkTask).put(records.slice(i, i + BATCH));
        return db.collection(collection).countDocuments();
      },
    },
    {
      name: writes.raw,
      before: () => fresh('raw'),
      run: async () => {
        const coll = db.collection(collection);
        for (let i = 0; i < RECORDS; i += BATCH) {
          // Copies: insertOne gives a document without _id one (these have theirs).
          const ops = documents.slice(i, i + BATCH).map((doc) => writes.op({ ...doc }));
          await coll.bulkWrite(ops, { ordered: true });
        }
        return coll.countDocuments();
      },
    },
  ];
  const results = await interleavedRounds(contenders, ROUNDS, RECORDS);
  await (task as MongoSinkTask | null)?.stop();
  await db.collection(collection).drop();
  return ratioTable(results, writes.raw, 'documents', { cpu: true });
}

async function sourceBench(url: string, client: MongoClient, database: string): Promise<string> {
  const coll = client.db(database).collection('source');
  for (let i = 0; i < RECORDS; i += 5000) await coll.insertMany(documents.slice(i, i + 5000));
  let task: MongoSourceTask | null = null;
  const contenders: Contender[] = [
    {
      name: 'MongoSourceTask.poll() (polling, JSON)',
      before: async () => {
        await task?.stop();
        const props = {
          'connection.uri': url,
          database,
          collection: 'source',
          'polling.mode': 'incrementing',
          'startup.mode': 'copy_existing',
          'poll.max.batch.size': String(BATCH),
        };
        task = new MongoSourceTask();
        task.initialize(sourceContext(props));
        await task.start(props);
      },
      run: async () => {
        let read = 0;
        while (read < RECORDS) read += ((await (task as MongoSourceTask).poll()) ?? []).length;
        return read;
      },
    },
    {
      name: 'raw cursor read (_id order)',
      run: async () => {
        let read = 0;
        for await (const _ of coll.find({}).sort({ _id: 1 }).batchSize(BATCH)) read++;
        return read;
      },
    },
  ];
  const results = await interleavedRounds(contenders, ROUNDS, RECORDS);
  await (task as MongoSourceTask | null)?.stop();
  await coll.drop();
  return ratioTable(results, 'raw cursor read (_id order)', 'documents', { cpu: true });
}

/** One worker's run: JSON records of `topic` into `collection`; seconds from first to last document. */
async function workerRun(
  system: WorkerSystem,
  ctx: { url: string; brokers: string[]; client: MongoClient; database: string; topic: string },
): Promise<{ seconds: number; total: number }> {
  const dir = await mkdtemp(join(tmpdir(), `sluice-mongo-bench-${system}-`));
  const collection = `worker_${system.replace('-', '_')}`;
  const kafkaConnect = system === 'kafka-connect' ? await installKafkaConnect() : undefined;
  // The Sluice worker brings the JSON converter; the connector is found through plugin.path.
  let pluginPath = resolve(here, '../connectors/mongodb');
  if (system === 'kafka-connect') {
    pluginPath = join(dir, 'plugins');
    await copyMavenDependencies({
      name: 'mongo-kafka-bench',
      artifacts: [MONGO_KAFKA],
      // Kafka Connect provides these.
      exclusions: ['org.apache.kafka:connect-api', 'org.apache.kafka:kafka-clients'],
      dir,
      outputDir: join(pluginPath, 'mongo-kafka'),
      logFile: join(dir, 'mvn.log'),
    });
  }
  const worker = await startConnectWorker({
    system,
    dir,
    kafkaConnect,
    sluiceBin: sluiceBin(),
    worker: {
      'bootstrap.servers': ctx.brokers.join(','),
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
      'offset.storage.file.filename': join(dir, 'connect.offsets'),
      'offset.flush.interval.ms': '10000',
      'plugin.path': pluginPath,
      'consumer.max.poll.records': String(BATCH),
      listeners: `http://127.0.0.1:${await ephemeralPort()}`,
    },
    connectors: [
      {
        name: `mongo-sink-${system}`,
        'connector.class': 'com.mongodb.kafka.connect.MongoSinkConnector',
        'tasks.max': '1',
        topics: ctx.topic,
        'connection.uri': ctx.url,
        database: ctx.database,
        collection,
        'document.id.strategy':
          'com.mongodb.kafka.connect.sink.processor.id.strategy.ProvidedInValueStrategy',
      },
    ],
  });
  const coll = ctx.client.db(ctx.database).collection(collection);
  try {
    const deadline = Date.now() + 600_000;
    let first = 0n;
    for (;;) {
      const n = await coll.countDocuments();
      if (n > 0 && first === 0n) first = process.hrtime.bigint();
      if (n >= WORKER_RECORDS) break;
      if (worker.child.exitCode !== null)
        throw new Error(`${system} exited before writing every document: see ${worker.logFile}`);
      if (Date.now() > deadline)
        throw new Error(
          `${system}: ${n} of ${WORKER_RECORDS} documents after 10 minutes (${worker.logFile})`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = Number(process.hrtime.bigint() - first) / 1e9;
    return { seconds, total: Number(process.hrtime.bigint() - worker.spawnedAt) / 1e9 };
  } finally {
    await worker.stop();
    await coll.drop();
  }
}

async function workerBench(url: string, client: MongoClient, database: string): Promise<string> {
  const brokers = serviceUrl('kafka', 'SLUICE_KAFKA_BROKERS').split(',');
  const kafka = new Kafka({ clientId: 'mongo-bench', brokers, logLevel: logLevel.NOTHING });
  const topic = `mongo-bench-${process.pid}`;
  const admin = kafka.admin();
  await admin.connect();
  await createTopic(admin, topic);
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  for (let i = 0; i < WORKER_RECORDS; i += 1000) {
    const messages = Array.from({ length: Math.min(1000, WORKER_RECORDS - i) }, (_, k) => {
      const n = i + k;
      return {
        value: JSON.stringify({
          _id: n,
          customer: `customer ${n % 977}`,
          total: (n * 37 + 1) / 100,
          placed: placed(n).getTime(),
          note: note(n),
        }),
      };
    });
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
  const lines = [
    '| worker | connector | docs/s (first to last document) | seconds from spawn to last document |',
    '| --- | --- | ---: | ---: |',
  ];
  for (const system of ['kafka-connect', 'sluice'] as const) {
    const { seconds, total } = await workerRun(system, { url, brokers, client, database, topic });
    process.stderr.write(`${system}: ${WORKER_RECORDS} documents in ${seconds.toFixed(1)} s\n`);
    lines.push(
      `| ${system === 'sluice' ? 'Sluice' : 'Apache Kafka Connect'} | ${system === 'sluice' ? '@sluice/connector-mongodb' : 'mongo-kafka 1.13.0'} | ${Math.round(WORKER_RECORDS / seconds).toLocaleString('en-US')} | ${total.toFixed(1)} |`,
    );
  }
  return lines.join('\n');
}

const url = serviceUrl('mongodb', 'SLUICE_MONGODB_URL');
const client = new MongoClient(url);
await client.connect();
const database = `bench_${process.pid}`;
try {
  console.log(`# MongoDB connector bench\n\n${provenance()}; FerretDB at ${url}\n`);
  const parts = (process.env.PARTS ?? 'sink,source,workers').split(',');
  if (parts.includes('sink')) {
    for (const [name, writes] of Object.entries(WRITES)) {
      console.log(
        `## Sink, ${name}: ${RECORDS} records, put() of ${BATCH}, ${ROUNDS} rounds (documents/s)\n`,
      );
      console.log(await sinkBench(url, client, database, writes));
      console.log('');
    }
  }
  if (parts.includes('source')) {
    console.log(
      `\n## Polling source: ${RECORDS} documents, batches of ${BATCH}, ${ROUNDS} rounds (documents/s)\n`,
    );
    console.log(await sourceBench(url, client, database));
  }
  if (parts.includes('workers')) {
    console.log(`\n## Sink through a worker: ${WORKER_RECORDS} JSON records from Kafka\n`);
    console.log(await workerBench(url, client, database));
  }
} finally {
  await client.db(database).dropDatabase();
  await client.close();
}
