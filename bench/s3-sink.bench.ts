/**
 * S3SinkTask throughput into S3 (records/s and MB/s) for JSON lines and Parquet, next to a raw
 * `@aws-sdk/client-s3` PutObject of the very bytes the sink wrote (the objects it produced, read
 * back), in the same run against the same server. The difference is what encoding, partitioning
 * and bookkeeping cost on top of the upload itself.
 *
 * Uses SLUICE_S3_ENDPOINT (with SLUICE_S3_ACCESS_KEY_ID, SLUICE_S3_SECRET_ACCESS_KEY), or starts
 * (or reuses) the test MinIO with `sluice-services up s3`. RECORDS (default 100000), FLUSH
 * (records per object, default 20000) and ROUNDS (default 3) tune it.
 */

import { execFileSync } from 'node:child_process';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  Schema,
  SchemaBuilder,
  SILENT_CONNECTOR_LOGGER,
  SinkRecord,
  type SinkTaskContext,
  Struct,
  TopicPartitionMap,
} from '@sluice/api';
import { S3SinkTask } from '@sluice/connector-s3';
import type { Measurement } from './measure.js';

const RECORDS = Number(process.env.RECORDS ?? 100_000);
const FLUSH = Number(process.env.FLUSH ?? 20_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);

const valueSchema = SchemaBuilder.struct()
  .name('shop.Order')
  .field('id', Schema.INT64_SCHEMA)
  .field('customer', Schema.STRING_SCHEMA)
  .field('amount', Schema.FLOAT64_SCHEMA)
  .field('quantity', Schema.INT32_SCHEMA)
  .field('paid', Schema.BOOLEAN_SCHEMA)
  .field('note', Schema.OPTIONAL_STRING_SCHEMA)
  .build();

function records(): SinkRecord[] {
  return Array.from({ length: RECORDS }, (_, i) => {
    const value = new Struct(valueSchema)
      .put('id', BigInt(i))
      .put('customer', `customer ${i % 977}`)
      .put('amount', (i % 10_000) / 100)
      .put('quantity', i % 17)
      .put('paid', i % 3 !== 0)
      .put('note', i % 3 === 0 ? null : 'leave it with the neighbour, please');
    return new SinkRecord({
      topic: 'orders',
      kafkaPartition: 0,
      kafkaOffset: i,
      valueSchema,
      value,
    });
  });
}

interface S3Env {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** The test S3 server, from the env or the services CLI (which prints VAR=value lines). */
function s3Env(): S3Env {
  let vars: Record<string, string | undefined> = process.env;
  if (process.env.SLUICE_S3_ENDPOINT === undefined) {
    const bin = new URL('node_modules/.bin/sluice-services', import.meta.url).pathname;
    const out = execFileSync(bin, ['up', 's3'], { encoding: 'utf8' });
    vars = Object.fromEntries(
      out
        .split('\n')
        .filter((l) => l.startsWith('SLUICE_'))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]),
    );
  }
  const get = (name: string): string => {
    const value = vars[name];
    if (value === undefined) throw new Error(`${name} is not set`);
    return value;
  };
  return {
    endpoint: get('SLUICE_S3_ENDPOINT'),
    accessKeyId: get('SLUICE_S3_ACCESS_KEY_ID'),
    secretAccessKey: get('SLUICE_S3_SECRET_ACCESS_KEY'),
    region: vars.SLUICE_S3_REGION ?? 'us-east-1',
  };
}

const context: SinkTaskContext = {
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

async function objectsOf(
  client: S3Client,
  bucket: string,
  prefix: string,
): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  for (const o of page.Contents ?? []) {
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key }));
    out.set(
      o.Key as string,
      Buffer.from(
        await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      ),
    );
  }
  return out;
}

interface Rate extends Measurement {
  /** Median MB/s of object bytes. */
  readonly mbPerSecond: number;
}

async function rounds(
  name: string,
  bytes: number,
  run: (round: number) => Promise<void>,
): Promise<Rate> {
  const seconds: number[] = [];
  for (let round = -1; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    await run(round);
    if (round >= 0) seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  seconds.sort((a, b) => a - b);
  const median = seconds[Math.floor(seconds.length / 2)] ?? 1;
  return {
    name,
    opsPerSecond: RECORDS / median,
    min: RECORDS / (seconds[seconds.length - 1] ?? 1),
    max: RECORDS / (seconds[0] ?? 1),
    mbPerSecond: bytes / 1e6 / median,
  };
}

async function sinkRun(
  env: S3Env,
  bucket: string,
  format: string,
  dir: string,
  all: SinkRecord[],
): Promise<void> {
  const task = new S3SinkTask();
  task.initialize(context);
  await task.start({
    's3.bucket.name': bucket,
    's3.region': env.region,
    'store.url': env.endpoint,
    'aws.access.key.id': env.accessKeyId,
    'aws.secret.access.key': env.secretAccessKey,
    'topics.dir': dir,
    'format.class': format,
    'flush.size': String(FLUSH),
  });
  const tp = { topic: 'orders', partition: 0 };
  task.open([tp]);
  for (let i = 0; i < all.length; i += 500) await task.put(all.slice(i, i + 500));
  const committed = await task.preCommit(new TopicPartitionMap([[tp, { offset: all.length }]]));
  if (committed.get(tp)?.offset !== Math.floor(all.length / FLUSH) * FLUSH) {
    throw new Error(`unexpected committed offset ${committed.get(tp)?.offset}`);
  }
  await task.stop();
}

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const env = s3Env();
  const client = new S3Client({
    endpoint: env.endpoint,
    forcePathStyle: true,
    region: env.region,
    credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey },
  });
  const bucket = `bench-${process.pid}-${Date.now().toString(36)}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const all = records();
  const rows: Rate[] = [];
  for (const [label, format] of [
    ['JSON lines', 'JsonFormat'],
    ['Parquet (snappy)', 'ParquetFormat'],
  ] as const) {
    // One run to learn the objects' bytes, then the measured rounds of each side.
    await sinkRun(env, bucket, format, `probe-${format}`, all);
    const written = await objectsOf(client, bucket, `probe-${format}/`);
    const bytes = [...written.values()].reduce((n, b) => n + b.byteLength, 0);
    rows.push(
      await rounds(`raw PutObject of the same ${label} bytes (baseline)`, bytes, async (round) => {
        for (const [key, body] of written) {
          await client.send(
            new PutObjectCommand({ Bucket: bucket, Key: `raw-${round}/${key}`, Body: body }),
          );
        }
      }),
    );
    rows.push(
      await rounds(`S3SinkTask ${label}`, bytes, (round) =>
        sinkRun(env, bucket, format, `sink-${format}-${round}`, all),
      ),
    );
  }
  client.destroy();
  const lines = [
    `${RECORDS.toLocaleString('en-US')} records of ~150 bytes, ${FLUSH.toLocaleString('en-US')} per object, median of ${ROUNDS} rounds`,
    '',
    '| case | records/s | min–max records/s | MB/s of objects | vs its baseline |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (let i = 0; i < rows.length; i += 2) {
    const baseline = rows[i] as Rate;
    for (const row of [baseline, rows[i + 1] as Rate]) {
      lines.push(
        `| ${row.name} | ${fmt(row.opsPerSecond)} | ${fmt(row.min)}–${fmt(row.max)} | ${fmt(row.mbPerSecond, 1)} | ${((row.opsPerSecond / baseline.opsPerSecond) * 100).toFixed(0)}% |`,
      );
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
