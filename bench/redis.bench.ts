/**
 * Redis connector throughput next to raw ioredis doing the same commands, in the same run
 * against the same servers (the test Redis and the test 3-master Redis Cluster):
 *
 * - Sink: RedisSinkTask.put() of BATCH records at a time (order structs: int64, string, decimal,
 *   timestamp, optional string) as HSET, and of string values as SET, against one raw ioredis
 *   pipeline per batch of the same commands with arguments prepared beforehand (for the
 *   cluster: an ioredis Cluster with auto-pipelining, which groups commands per master).
 * - Stream source: RedisStreamSourceTask.poll() until every entry was read, each record then
 *   committed (XACK), against a raw loop of XREADGROUP COUNT BATCH + XACK of the ids read. Each
 *   run reads the whole stream through a new consumer group, created (with the task and its
 *   connections) before the clock starts.
 *
 * Contenders run interleaved, round by round; each ratio is taken per round, then the median.
 * The tables also give this process's CPU time per command or entry (the client's cost, which
 * the load of a shared machine disturbs less than wall-clock rates).
 * Uses SLUICE_REDIS_URL / SLUICE_REDIS_CLUSTER_URL, or starts (or reuses) the test services.
 * RECORDS (default 100000), BATCH (default 500) and ROUNDS (default 5) tune it.
 */
import {
  ConnectTimestamp,
  Decimal,
  type RecordMetadata,
  Schema,
  SchemaBuilder,
  SILENT_CONNECTOR_LOGGER,
  SinkRecord,
  type SinkTaskContext,
  type SourceRecord,
  Struct,
} from '@sluice/api';
import { RedisSinkTask, RedisStreamSourceTask } from '@sluice/connector-redis';
import { Cluster, Redis } from 'ioredis';
import { type Contender, interleavedRounds, provenance, ratioTable, serviceUrl } from './rounds.js';

const RECORDS = Number(process.env.RECORDS ?? 100_000);
const BATCH = Number(process.env.BATCH ?? 500);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const PREFIX = `bench:${process.pid}`;

const ORDER = SchemaBuilder.struct()
  .name('shop.Order')
  .field('id', Schema.INT64_SCHEMA)
  .field('customer', Schema.STRING_SCHEMA)
  .field('total', Decimal.schema(2))
  .field('placed', ConnectTimestamp.SCHEMA)
  .field('note', Schema.OPTIONAL_STRING_SCHEMA)
  .build();

const placed = (i: number) => new Date(1_732_000_000_000 + i * 1000);
const note = (i: number) => (i % 3 === 0 ? null : 'leave it with the neighbour');

function hashRecords(topic: string): SinkRecord[] {
  return Array.from({ length: RECORDS }, (_, i) => {
    const value = new Struct(ORDER)
      .put('id', BigInt(i))
      .put('customer', `customer ${i % 977}`)
      .put('total', Decimal.of(BigInt(i * 37 + 1), 2))
      .put('placed', placed(i))
      .put('note', note(i));
    return new SinkRecord({
      topic,
      kafkaPartition: 0,
      kafkaOffset: i,
      keySchema: Schema.STRING_SCHEMA,
      key: String(i),
      valueSchema: ORDER,
      value,
    });
  });
}

/** The same HSETs as argument lists, as a hand-written loader would hold them. */
function rawHashArgs(topic: string): string[][] {
  return Array.from({ length: RECORDS }, (_, i) => {
    const args = [
      `${topic}:${i}`,
      'id',
      String(i),
      'customer',
      `customer ${i % 977}`,
      'total',
      Decimal.of(BigInt(i * 37 + 1), 2).toString(),
      'placed',
      placed(i).toISOString(),
    ];
    const n = note(i);
    if (n !== null) args.push('note', n);
    return args;
  });
}

const STRING_VALUE = 'x'.repeat(100);

function stringRecords(topic: string): SinkRecord[] {
  return Array.from(
    { length: RECORDS },
    (_, i) =>
      new SinkRecord({
        topic,
        kafkaPartition: 0,
        kafkaOffset: i,
        keySchema: Schema.STRING_SCHEMA,
        key: String(i),
        valueSchema: Schema.STRING_SCHEMA,
        value: STRING_VALUE,
      }),
  );
}

const sinkContext: SinkTaskContext = {
  configs: () => ({}),
  offset: () => {},
  timeout: () => {},
  assignment: () => [],
  pause: () => {},
  resume: () => {},
  requestCommit: () => {},
  errantRecordReporter: () => null,
  log: SILENT_CONNECTOR_LOGGER,
};

async function sinkTask(props: Record<string, string>): Promise<RedisSinkTask> {
  const task = new RedisSinkTask();
  task.initialize(sinkContext);
  await task.start(props);
  return task;
}

async function putInBatches(task: RedisSinkTask, records: readonly SinkRecord[]): Promise<number> {
  for (let i = 0; i < records.length; i += BATCH) await task.put(records.slice(i, i + BATCH));
  return records.length;
}

/** One raw pipeline per batch on a single server. */
async function rawPipelines(redis: Redis, command: string, args: readonly string[][]) {
  for (let i = 0; i < args.length; i += BATCH) {
    const pipeline = redis.pipeline();
    for (const a of args.slice(i, i + BATCH)) pipeline.call(command, ...a);
    const replies = (await pipeline.exec()) ?? [];
    for (const [error] of replies) if (error) throw error;
  }
  return args.length;
}

/** A cluster client with auto-pipelining: one pipeline per master per event-loop turn. */
async function rawCluster(cluster: Cluster, command: string, args: readonly string[][]) {
  for (let i = 0; i < args.length; i += BATCH) {
    await Promise.all(args.slice(i, i + BATCH).map((a) => cluster.call(command, ...a)));
  }
  return args.length;
}

async function sinkBench(
  deployment: string,
  props: Record<string, string>,
  raw: (command: string, args: readonly string[][]) => Promise<number>,
): Promise<string> {
  const hashTopic = `${PREFIX}:${deployment}:hash`;
  const stringTopic = `${PREFIX}:${deployment}:string`;
  const hash = hashRecords(`${hashTopic}:sluice`);
  const hashArgs = rawHashArgs(`${hashTopic}:raw`);
  const strings = stringRecords(`${stringTopic}:sluice`);
  const stringArgs = Array.from({ length: RECORDS }, (_, i) => [
    `${stringTopic}:raw:${i}`,
    STRING_VALUE,
  ]);
  const hset = await sinkTask({ ...props, 'redis.type': 'HASH' });
  const set = await sinkTask({ ...props, 'redis.type': 'STRING' });
  try {
    const contenders: Contender[] = [
      { name: `raw ioredis HSET (baseline, ${deployment})`, run: () => raw('HSET', hashArgs) },
      { name: `RedisSinkTask HSET (${deployment})`, run: () => putInBatches(hset, hash) },
      { name: `raw ioredis SET (${deployment})`, run: () => raw('SET', stringArgs) },
      { name: `RedisSinkTask SET (${deployment})`, run: () => putInBatches(set, strings) },
    ];
    const results = await interleavedRounds(contenders, ROUNDS, RECORDS);
    const names = results.names;
    const pick = (keep: (name: string) => boolean) => ({
      names: names.filter(keep),
      rates: results.rates.filter((_, i) => keep(names[i] as string)),
      cpuMicros: results.cpuMicros.filter((_, i) => keep(names[i] as string)),
    });
    return [
      ratioTable(
        pick((n) => n.includes('HSET')),
        `raw ioredis HSET (baseline, ${deployment})`,
        'commands',
        { cpu: true },
      ),
      ratioTable(
        pick((n) => n.includes(' SET')),
        `raw ioredis SET (${deployment})`,
        'commands',
        {
          cpu: true,
        },
      ),
    ].join('\n\n');
  } finally {
    await hset.stop();
    await set.stop();
  }
}

/** Reads the whole stream as the raw loop would: XREADGROUP COUNT BATCH, XACK what was read. */
async function rawStreamRead(redis: Redis, stream: string, group: string): Promise<number> {
  let read = 0;
  for (;;) {
    const reply = (await redis.call(
      'XREADGROUP',
      'GROUP',
      group,
      'raw',
      'COUNT',
      BATCH,
      'STREAMS',
      stream,
      '>',
    )) as [string, [string, string[]][]][] | null;
    const entries = reply?.[0]?.[1] ?? [];
    if (entries.length === 0) return read;
    read += entries.length;
    await redis.call('XACK', stream, group, ...entries.map(([id]) => id));
  }
}

/** A started source task reading `stream` through a new consumer group. */
async function streamTask(url: string, stream: string, group: string) {
  const task = new RedisStreamSourceTask();
  task.initialize({
    configs: () => ({}),
    offsetStorageReader: () => ({
      offset: async () => null,
      offsets: async () => new Map(),
    }),
    transactionContext: () => null,
    log: SILENT_CONNECTOR_LOGGER,
  });
  await task.start({
    'redis.uri': url,
    'redis.stream.name': stream,
    'redis.stream.consumer.group': group,
    'batch.size': String(BATCH),
    'redis.stream.block': '1',
  });
  return task;
}

const NO_METADATA: RecordMetadata | null = null;

/** Reads the whole stream through the task, committing each record as the runtime does. */
async function sluiceStreamRead(task: RedisStreamSourceTask): Promise<number> {
  let read = 0;
  try {
    for (;;) {
      const records: SourceRecord[] = (await task.poll()) ?? [];
      if (records.length === 0 && read > 0) break;
      read += records.length;
      for (const record of records) task.commitRecord(record, NO_METADATA);
    }
    await task.commit();
  } finally {
    await task.stop();
  }
  return read;
}

async function streamBench(url: string): Promise<string> {
  const redis = new Redis(url, { protocol: 2 });
  const stream = `${PREFIX}:stream`;
  try {
    for (let i = 0; i < RECORDS; i += 1000) {
      const pipeline = redis.pipeline();
      for (let n = i; n < Math.min(i + 1000, RECORDS); n++) {
        pipeline.xadd(
          stream,
          '*',
          'id',
          String(n),
          'customer',
          `customer ${n % 977}`,
          'total',
          '12.34',
        );
      }
      await pipeline.exec();
    }
    // Each run reads through a group of its own, made (connections too) before the clock starts.
    let round = 0;
    let rawGroup = '';
    let task: RedisStreamSourceTask | null = null;
    const results = await interleavedRounds(
      [
        {
          name: 'raw ioredis XREADGROUP + XACK loop (baseline)',
          before: async () => {
            rawGroup = `raw-${round++}`;
            await redis.xgroup('CREATE', stream, rawGroup, '0');
          },
          run: () => rawStreamRead(redis, stream, rawGroup),
        },
        {
          name: 'RedisStreamSourceTask poll + commitRecord',
          before: async () => {
            task = await streamTask(url, stream, `sluice-${round++}`);
          },
          run: () => sluiceStreamRead(task as RedisStreamSourceTask),
        },
      ],
      ROUNDS,
      RECORDS,
    );
    return ratioTable(results, 'raw ioredis XREADGROUP + XACK loop (baseline)', 'entries', {
      cpu: true,
    });
  } finally {
    await redis.del(stream);
    redis.disconnect();
  }
}

/** Deletes the keys the sink contenders wrote (the test servers are shared). */
async function cleanUp(clients: readonly Redis[]): Promise<void> {
  for (const client of clients) {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${PREFIX}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await Promise.all(keys.map((k) => client.unlink(k)));
    } while (cursor !== '0');
  }
}

async function main(): Promise<void> {
  const url = serviceUrl('redis', 'SLUICE_REDIS_URL');
  const clusterUrl = serviceUrl('redis-cluster', 'SLUICE_REDIS_CLUSTER_URL');
  const seed = new URL(clusterUrl);
  const redis = new Redis(url, { protocol: 2 });
  const cluster = new Cluster([{ host: seed.hostname, port: Number(seed.port) }], {
    enableAutoPipelining: true,
    redisOptions: { protocol: 2 },
  });
  const startedAt = provenance();
  try {
    const single = await sinkBench('single server', { 'redis.uri': url }, (command, args) =>
      rawPipelines(redis, command, args),
    );
    const sharded = await sinkBench(
      'cluster',
      { 'redis.uri': clusterUrl, 'redis.cluster': 'true' },
      (command, args) => rawCluster(cluster, command, args),
    );
    const stream = await streamBench(url);
    console.log(`Started ${startedAt}; ended ${provenance()}.`);
    console.log(`\n${RECORDS} records, ${BATCH} per put() / pipeline / read, ${ROUNDS} rounds\n`);
    console.log(`Sink, single server\n\n${single}\n\nSink, 3-master cluster\n\n${sharded}`);
    console.log(`\nStream source, single server\n\n${stream}`);
  } finally {
    await cleanUp([redis, ...cluster.nodes('master')]);
    redis.disconnect();
    cluster.disconnect();
  }
}

await main();
