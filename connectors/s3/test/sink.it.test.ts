import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { Struct } from '@sluice/api';
import { DEFAULT_AVRO_DATA_OPTIONS } from '@sluice/converter-avro';
import type { StandaloneHerder } from '@sluice/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvroFormat } from '../src/avro-format.js';
import { ParquetFormat } from '../src/parquet-format.js';
import {
  createTopic,
  failures,
  freshBucket,
  keys,
  lines,
  objects,
  produce,
  readTopic,
  s3,
  s3Props,
  startHerder,
  unique,
  waitFor,
} from './harness.js';
import { readAll } from './read-all.js';

let herder: StandaloneHerder;
const started: string[] = [];

beforeAll(async () => {
  herder = await startHerder();
});

afterAll(async () => {
  await herder?.stop();
});

/** Starts an S3 sink on `topic` writing to `bucket`; returns its name. */
async function sink(topic: string, bucket: string, props: Record<string, string>): Promise<string> {
  const name = unique('s3-sink');
  started.push(name);
  await herder.putConnectorConfig(
    name,
    {
      'connector.class': 'io.confluent.connect.s3.S3SinkConnector',
      topics: topic,
      ...s3Props(bucket),
      ...props,
    },
    false,
  );
  return name;
}

/** Waits until `bucket` holds exactly `expected` keys (and fails early on a FAILED task). */
async function waitForKeys(name: string, bucket: string, expected: string[]): Promise<void> {
  await waitFor(`objects ${expected.join(', ')}`, async () => {
    const failed = failures(herder, [name]);
    if (failed.length > 0) throw new Error(failed.join('\n'));
    const have = await keys(bucket);
    return expected.every((k) => have.includes(k));
  });
  expect(await keys(bucket)).toEqual([...expected].sort());
}

const jsonValues = {
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter.schemas.enable': 'false',
};
const jsonWithSchemas = {
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter.schemas.enable': 'true',
};

const orderSchema = {
  type: 'struct',
  name: 'shop.Order',
  optional: false,
  fields: [
    { field: 'id', type: 'int64', optional: false },
    { field: 'region', type: 'string', optional: false },
    { field: 'amount', type: 'double', optional: true },
  ],
};
const orderJson = (id: number, region: string) =>
  JSON.stringify({ schema: orderSchema, payload: { id, region, amount: id / 4 } });

describe('S3 sink through Kafka', () => {
  it('writes JSON lines per Kafka partition, one object every flush.size records named by its zero-padded start offset, and commits only written offsets', async () => {
    const topic = unique('json');
    const bucket = await freshBucket('json');
    await createTopic(topic, 2);
    await produce(topic, [
      ...Array.from({ length: 23 }, (_, i) => ({
        value: JSON.stringify({ n: i, p: 0 }),
        partition: 0,
      })),
      ...Array.from({ length: 7 }, (_, i) => ({
        value: JSON.stringify({ n: i, p: 1 }),
        partition: 1,
      })),
    ]);
    const name = await sink(topic, bucket, {
      ...jsonValues,
      'format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
      'flush.size': '5',
    });
    const dir = `topics/${topic}`;
    const expected = [
      ...[0, 5, 10, 15].map(
        (o) => `${dir}/partition=0/${topic}+0+${String(o).padStart(10, '0')}.json`,
      ),
      `${dir}/partition=1/${topic}+1+0000000000.json`,
    ];
    await waitForKeys(name, bucket, expected);
    const all = await objects(bucket);
    expect(lines(all.get(expected[1] as string))).toEqual(
      [5, 6, 7, 8, 9].map((n) => `{"n":${n},"p":0}`),
    );
    expect(lines(all.get(expected[4] as string))).toEqual(
      [0, 1, 2, 3, 4].map((n) => `{"n":${n},"p":1}`),
    );
    await waitFor('committed offsets 20 and 5', async () => {
      const { offsets } = await herder.connectorOffsets(name);
      const at = (p: number) =>
        offsets.find((o) => o.partition.kafka_partition === p)?.offset?.kafka_offset;
      return at(0) === 20 && at(1) === 5;
    });
  });

  it('partitions by a value field into Avro container files (deflate) that read back equal', async () => {
    const topic = unique('field');
    const bucket = await freshBucket('field');
    await createTopic(topic);
    const regions = ['eu', 'us', 'eu', 'eu', 'us', 'ap', 'eu'];
    await produce(
      topic,
      regions.map((r, i) => ({ value: orderJson(i, r) })),
    );
    const name = await sink(topic, bucket, {
      ...jsonWithSchemas,
      'format.class': 'AvroFormat',
      'avro.codec': 'deflate',
      'partitioner.class': 'io.confluent.connect.storage.partitioner.FieldPartitioner',
      'partition.field.name': 'region',
      'flush.size': '6',
    });
    // Six records commit every open file together; the seventh stays open.
    const dir = `topics/${topic}`;
    const expected = [
      `${dir}/region=eu/${topic}+0+0000000000.avro`,
      `${dir}/region=us/${topic}+0+0000000001.avro`,
      `${dir}/region=ap/${topic}+0+0000000005.avro`,
    ];
    await waitForKeys(name, bucket, expected);
    const all = await objects(bucket);
    const format = new AvroFormat('null', DEFAULT_AVRO_DATA_OPTIONS);
    const eu = await readAll(format, all.get(expected[0] as string) as Buffer);
    expect(eu.map((r) => (r.value as Struct).get('id'))).toEqual([0n, 2n, 3n]);
    expect(eu[0]?.schema?.name).toBe('shop.Order');
    expect(((eu[2] as { value: Struct }).value as Struct).get('amount')).toBe(0.75);
  });

  it('partitions by record time and rotates on rotate.interval.ms and on a new hour, with deterministic names', async () => {
    const topic = unique('time');
    const bucket = await freshBucket('time');
    await createTopic(topic);
    const t0 = Date.parse('2024-03-10T10:45:00Z');
    const minutes = [0, 5, 11, 16, 18];
    await produce(
      topic,
      minutes.map((m, i) => ({ value: JSON.stringify({ i }), timestamp: t0 + m * 60_000 })),
    );
    const name = await sink(topic, bucket, {
      ...jsonValues,
      'format.class': 'JsonFormat',
      'partitioner.class': 'TimeBasedPartitioner',
      'partition.duration.ms': '3600000',
      'path.format': "'date'=YYYY-MM-dd/'hour'=HH",
      locale: 'en-US',
      timezone: 'UTC',
      'timestamp.extractor': 'Record',
      'rotate.interval.ms': '600000',
      'flush.size': '100',
    });
    // 10:45, 10:50 | 10:56 (11 minutes on) | 11:01 (another hour) and 11:03 stay open.
    const expected = [
      `topics/${topic}/date=2024-03-10/hour=10/${topic}+0+0000000000.json`,
      `topics/${topic}/date=2024-03-10/hour=10/${topic}+0+0000000002.json`,
    ];
    await waitForKeys(name, bucket, expected);
    const all = await objects(bucket);
    expect(lines(all.get(expected[0] as string))).toEqual(['{"i":0}', '{"i":1}']);
    expect(lines(all.get(expected[1] as string))).toEqual(['{"i":2}']);
  });

  it('HourlyPartitioner with the RecordField extractor puts each record under the hour of its field', async () => {
    const topic = unique('hourly');
    const bucket = await freshBucket('hourly');
    await createTopic(topic);
    const schema = {
      type: 'struct',
      optional: false,
      fields: [
        { field: 'id', type: 'int32', optional: false },
        { field: 'ts', type: 'int64', optional: false },
      ],
    };
    const at = [
      '2024-07-01T09:10:00Z',
      '2024-07-01T09:59:59Z',
      '2024-07-01T10:00:00Z',
      '2024-07-01T10:30:00Z',
    ];
    await produce(
      topic,
      at.map((t, id) => ({
        value: JSON.stringify({ schema, payload: { id, ts: Date.parse(t) } }),
      })),
    );
    const name = await sink(topic, bucket, {
      ...jsonWithSchemas,
      'format.class': 'JsonFormat',
      'partitioner.class': 'io.confluent.connect.storage.partitioner.HourlyPartitioner',
      'timestamp.extractor': 'RecordField',
      'timestamp.field': 'ts',
      locale: 'en-US',
      timezone: 'UTC',
      'flush.size': '2',
    });
    const dir = `topics/${topic}/year=2024/month=07/day=01`;
    const expected = [
      `${dir}/hour=09/${topic}+0+0000000000.json`,
      `${dir}/hour=10/${topic}+0+0000000002.json`,
    ];
    await waitForKeys(name, bucket, expected);
    const all = await objects(bucket);
    expect(lines(all.get(expected[1] as string))).toEqual([
      `{"id":2,"ts":${Date.parse(at[2] as string)}}`,
      `{"id":3,"ts":${Date.parse(at[3] as string)}}`,
    ]);
  });

  it('commits on the rotate.schedule.interval.ms wall clock without waiting for flush.size', async () => {
    const topic = unique('sched');
    const bucket = await freshBucket('sched');
    await createTopic(topic);
    const name = await sink(topic, bucket, {
      ...jsonValues,
      'format.class': 'JsonFormat',
      'flush.size': '1000',
      'rotate.schedule.interval.ms': '1000',
      timezone: 'UTC',
    });
    await produce(topic, [{ value: '1' }, { value: '2' }, { value: '3' }]);
    const first = `topics/${topic}/partition=0/${topic}+0+0000000000.json`;
    await waitFor('the first scheduled object', async () => (await keys(bucket)).includes(first));
    const all = await objects(bucket);
    const firstLines = lines(all.get(first));
    expect(firstLines.length).toBeGreaterThan(0);
    await produce(topic, [{ value: '4' }]);
    await waitFor('every record in an object', async () => {
      const failed = failures(herder, [name]);
      if (failed.length > 0) throw new Error(failed.join('\n'));
      const now = await objects(bucket);
      return [...now.values()].flatMap((o) => lines(o)).length === 4;
    });
    const written = [...(await objects(bucket)).values()].flatMap((o) => lines(o));
    expect(written).toEqual(['1', '2', '3', '4']);
  });

  it('writes Parquet values with their keys (JSON) and headers (Avro) beside them', async () => {
    const topic = unique('parquet');
    const bucket = await freshBucket('parquet');
    await createTopic(topic);
    await produce(
      topic,
      Array.from({ length: 4 }, (_, i) => ({
        key: `k${i}`,
        value: orderJson(i, 'eu'),
        headers: { trace: `t${i}`, n: String(i) },
      })),
    );
    const name = await sink(topic, bucket, {
      ...jsonWithSchemas,
      'format.class': 'io.confluent.connect.s3.format.parquet.ParquetFormat',
      'parquet.codec': 'gzip',
      'store.kafka.keys': 'true',
      'keys.format.class': 'JsonFormat',
      'store.kafka.headers': 'true',
      'flush.size': '4',
    });
    const base = `topics/${topic}/partition=0/${topic}+0+0000000000`;
    await waitForKeys(name, bucket, [
      `${base}.parquet`,
      `${base}.keys.json`,
      `${base}.headers.avro`,
    ]);
    const all = await objects(bucket);
    const rows = await readAll(
      new ParquetFormat('snappy', DEFAULT_AVRO_DATA_OPTIONS),
      all.get(`${base}.parquet`) as Buffer,
    );
    expect(rows.map((r) => (r.value as Struct).get('id'))).toEqual([0n, 1n, 2n, 3n]);
    expect(lines(all.get(`${base}.keys.json`))).toEqual(['"k0"', '"k1"', '"k2"', '"k3"']);
    const headers = await readAll(
      new AvroFormat('null', DEFAULT_AVRO_DATA_OPTIONS),
      all.get(`${base}.headers.avro`) as Buffer,
    );
    const first = ((headers[0] as { value: Struct[] }).value as Struct[]).map(
      (h) => `${h.get('key')}=${h.get('value')}`,
    );
    expect(first).toEqual(['trace=t0', 'n=0']);
  });

  it('writes raw bytes gzip-compressed with the separator, and large objects in multipart uploads', async () => {
    const topic = unique('bytes');
    const bucket = await freshBucket('bytes');
    await createTopic(topic);
    // Seven records of 900 KiB of random (incompressible) bytes: 6.3 MiB, more than one 5 MiB part.
    const big = Array.from({ length: 7 }, () => randomBytes(900 * 1024));
    await produce(
      topic,
      big.map((value) => ({ value })),
    );
    const name = await sink(topic, bucket, {
      'value.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
      'format.class': 'ByteArrayFormat',
      'format.bytearray.extension': '.txt',
      'format.bytearray.separator': '\\n',
      's3.compression.type': 'gzip',
      's3.compression.level': '1',
      's3.part.size': String(5 * 1024 * 1024),
      'flush.size': '7',
      'consumer.override.max.partition.fetch.bytes': String(8 * 1024 * 1024),
    });
    const key = `topics/${topic}/partition=0/${topic}+0+0000000000.txt.gz`;
    await waitForKeys(name, bucket, [key]);
    const plain = gunzipSync((await objects(bucket)).get(key) as Buffer);
    const newline = Buffer.from('\n');
    expect(plain.equals(Buffer.concat(big.flatMap((b) => [b, newline])))).toBe(true);
    // A multipart upload's ETag ends with its number of parts.
    const head = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ETag).toMatch(/-2"?$/);
  });

  it('sends a record the format cannot write to the dead letter queue with the reason, and writes the others', async () => {
    const topic = unique('dlq');
    const dlq = `${topic}-dlq`;
    const bucket = await freshBucket('dlq');
    await createTopic(topic);
    await produce(topic, [
      { value: orderJson(0, 'eu') },
      { value: JSON.stringify({ schema: null, payload: 'no schema' }) },
      ...[2, 3, 4, 5].map((id) => ({ value: orderJson(id, 'eu') })),
    ]);
    const name = await sink(topic, bucket, {
      ...jsonWithSchemas,
      'format.class': 'AvroFormat',
      'flush.size': '3',
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': dlq,
      'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    });
    // As in Confluent's sink, a schemaless record after records with a schema rotates the file
    // first; then it fails to encode and goes to the DLQ.
    const dir = `topics/${topic}/partition=0`;
    const expected = [`${dir}/${topic}+0+0000000000.avro`, `${dir}/${topic}+0+0000000002.avro`];
    await waitForKeys(name, bucket, expected);
    const [dead] = await readTopic(dlq, 1);
    const header = (key: string) =>
      Buffer.from(dead?.headers.find((h) => h.key === key)?.value ?? []).toString();
    expect(header('__connect.errors.offset')).toBe('1');
    expect(header('__connect.errors.exception.message')).toContain(
      'AvroFormat needs records with a schema',
    );
    const all = await objects(bucket);
    const ids = async (key: string) =>
      (
        await readAll(new AvroFormat('null', DEFAULT_AVRO_DATA_OPTIONS), all.get(key) as Buffer)
      ).map((r) => (r.value as Struct).get('id'));
    expect(await ids(expected[0] as string)).toEqual([0n]);
    expect(await ids(expected[1] as string)).toEqual([2n, 3n, 4n]);
  });

  it('fails the task with a clear message when the bucket is missing or the credentials are wrong, and loses nothing once fixed', async () => {
    const topic = unique('errors');
    const bucket = await freshBucket('errors');
    await createTopic(topic);
    await produce(
      topic,
      Array.from({ length: 4 }, (_, i) => ({ value: String(i) })),
    );
    const missing = await sink(topic, `${bucket}-missing`, {
      ...jsonValues,
      'format.class': 'JsonFormat',
      'flush.size': '2',
    });
    await waitFor('the missing-bucket task to fail', () => failures(herder, [missing]).length > 0);
    expect(failures(herder, [missing]).join('\n')).toContain(
      `Non-existent S3 bucket: ${bucket}-missing`,
    );
    await herder.deleteConnector(missing);

    const name = unique('s3-sink');
    const config = {
      'connector.class': 'S3Sink',
      topics: topic,
      ...s3Props(bucket),
      ...jsonValues,
      'format.class': 'JsonFormat',
      'flush.size': '2',
    };
    await herder.putConnectorConfig(
      name,
      { ...config, 'aws.secret.access.key': 'wrong-secret' },
      false,
    );
    await waitFor('the wrong-credentials task to fail', () => failures(herder, [name]).length > 0);
    const trace = failures(herder, [name]).join('\n');
    expect(trace).toContain('S3 refused the credentials or access to bucket');
    expect(trace).not.toContain('wrong-secret');
    // Fixed: every record arrives, from the beginning.
    await herder.putConnectorConfig(name, config, true);
    await waitForKeys(name, bucket, [
      `topics/${topic}/partition=0/${topic}+0+0000000000.json`,
      `topics/${topic}/partition=0/${topic}+0+0000000002.json`,
    ]);
    const written = [...(await objects(bucket)).values()].flatMap((o) => lines(o));
    expect(written).toEqual(['0', '1', '2', '3']);
  });
});
