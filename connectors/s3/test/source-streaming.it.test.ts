import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Schema, SchemaBuilder, type SourceRecord, Struct } from '@sluice/api';
import { MemoryOffsets, startSourceTask } from '@sluice/connector-testkit';
import { DEFAULT_AVRO_DATA_OPTIONS } from '@sluice/converter-avro';
import { RecordingLogger, s3Endpoint } from '@sluice/test-fixtures';
import { describe, expect, it } from 'vitest';
import { AvroFormat } from '../src/avro-format.js';
import { JsonFormat } from '../src/json-format.js';
import { ParquetFormat } from '../src/parquet-format.js';
import type { RecordFormat } from '../src/record-format.js';
import { S3SourceTask } from '../src/source-task.js';
import { freshBucket, proxyTo, s3, s3Props, s3Settings } from './harness.js';

const AVRO = DEFAULT_AVRO_DATA_OPTIONS;
const row = SchemaBuilder.struct()
  .name('test.Row')
  .field('id', Schema.INT64_SCHEMA)
  .field('text', Schema.STRING_SCHEMA)
  .build();

/*
 * The source streams objects: reading one of many MiB holds a chunk and a poll's batch of it, not
 * the object. Live memory (heap and buffers, measured after a full collection) is sampled while
 * the task reads, against the object's size. The vitest config runs tests with --expose-gc.
 * Avro is streamed block by block and Parquet read by ranges: both resume mid-object.
 */

const gc = (globalThis as { gc?: () => void }).gc;

function liveBytes(): number {
  (gc as () => void)();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * Live bytes once they stop falling: a destroyed client's sockets close asynchronously and
 * release the last uploaded parts (16 MiB each) only then, later under load, so reading before
 * that would count them into the task's peak.
 */
async function settledLiveBytes(): Promise<number> {
  let last = liveBytes();
  for (let i = 0; i < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = liveBytes();
    if (last - now < 1024 * 1024) return Math.min(last, now);
    last = now;
  }
  return last;
}

const LINES_PER_PART = 120_000;
const PARTS = 4;
const TOTAL = LINES_PER_PART * PARTS;

/** Part `p` of the object: JSON lines {"n":…,"text":<random hex>}, about 16 MiB (9 gzipped). */
function part(p: number): Buffer {
  const random = randomBytes(56 * LINES_PER_PART).toString('hex');
  let text = '';
  for (let i = 0; i < LINES_PER_PART; i++) {
    text += `{"n":${p * LINES_PER_PART + i},"text":"${random.slice(i * 112, (i + 1) * 112)}"}\n`;
  }
  return Buffer.from(text);
}

/** Uploads the object part by part (gzip: one member a part); its size in S3 and uncompressed. */
async function upload(
  bucket: string,
  key: string,
  gzip: boolean,
): Promise<{ stored: number; plain: number }> {
  // A client of its own, destroyed after: its sockets would keep the last part's bytes alive.
  const { region, accessKeyId, secretAccessKey } = s3Settings();
  const client = new S3Client({
    endpoint: s3Endpoint(),
    forcePathStyle: true,
    region,
    credentials: { accessKeyId, secretAccessKey },
  });
  try {
    return await uploadWith(client, bucket, key, gzip);
  } finally {
    client.destroy();
  }
}

async function uploadWith(
  client: S3Client,
  bucket: string,
  key: string,
  gzip: boolean,
): Promise<{ stored: number; plain: number }> {
  const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const parts: { ETag: string; PartNumber: number }[] = [];
  let stored = 0;
  let plain = 0;
  for (let p = 0; p < PARTS; p++) {
    const bytes = part(p);
    const body = gzip ? gzipSync(bytes, { level: 1 }) : bytes;
    stored += body.byteLength;
    plain += bytes.byteLength;
    const sent = await client.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId: created.UploadId,
        PartNumber: p + 1,
        Body: body,
      }),
    );
    parts.push({ ETag: sent.ETag ?? '', PartNumber: p + 1 });
  }
  await client.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      UploadId: created.UploadId,
      MultipartUpload: { Parts: parts },
    }),
  );
  return { stored, plain };
}

/** The number a record carries, checked against the one expected. */
type Check = (record: SourceRecord, expected: number) => void;

const lineNumber: Check = (record, expected) => {
  const value = record.value as { n: number };
  if (value.n !== expected) {
    throw new Error(`line ${expected} expected, got ${JSON.stringify(value)}`);
  }
};

/** Polls `task` until `until` records were read in all, checking each is the next one. */
async function readRecords(
  task: S3SourceTask,
  offsets: MemoryOffsets,
  from: number,
  until: number,
  check: Check,
  sample: () => void = () => {},
): Promise<number> {
  let next = from;
  let polls = 0;
  const deadline = Date.now() + 300_000;
  while (next < until) {
    if (Date.now() > deadline) throw new Error(`only ${next} of ${until} records read in time`);
    // Records past `until` were polled but never committed, as when a worker dies.
    const records: SourceRecord[] = ((await task.poll()) ?? []).slice(0, until - next);
    for (const r of records) check(r, next++);
    offsets.commit(records);
    if (++polls % 100 === 0) sample();
  }
  return next;
}

describe('S3 source streaming', () => {
  for (const gzip of [false, true]) {
    it(`reads a 64 MiB JSON lines object${gzip ? ', gzip-compressed,' : ''} holding a small fraction of it, and resumes mid-object at the record after the last committed`, async () => {
      const bucket = await freshBucket('s3-source-memory');
      const topic = 'big';
      const key = `topics/${topic}/partition=0/${topic}+0+0000000000.json${gzip ? '.gz' : ''}`;
      const { stored, plain } = await upload(bucket, key, gzip);
      expect(plain).toBeGreaterThan(60 * 1024 * 1024);
      const props = {
        ...s3Props(bucket),
        'format.class': 'JsonFormat',
        'task.index': '0',
        'task.count': '1',
        's3.poll.interval.ms': '500',
      };
      const offsets = new MemoryOffsets();
      const log = new RecordingLogger();
      // Idle memory: before reading, once the upload's buffers are released, or after when
      // that is lower.
      const before = await settledLiveBytes();
      let peak = 0;
      const sample = () => {
        peak = Math.max(peak, liveBytes());
      };
      // Half the object, then a restart: the next task starts at the record after the last committed.
      const first = await startSourceTask(new S3SourceTask(), props, offsets, log);
      const stoppedAt = await readRecords(first, offsets, 0, TOTAL / 2 + 123, lineNumber, sample);
      first.stop();
      const second = await startSourceTask(new S3SourceTask(), props, offsets, log);
      expect(offsets.get({ topic, partition: 0 })).toMatchObject({ record: stoppedAt });
      await readRecords(second, offsets, stoppedAt, TOTAL, lineNumber, sample);
      const after = (await second.poll()) ?? [];
      second.stop();
      expect(after).toEqual([]);
      // Reading it whole would hold the object's bytes and every record decoded from them.
      const held = peak - Math.min(before, liveBytes());
      expect(held).toBeLessThan(stored / 4);
    });
  }

  const formats: [string, string, RecordFormat][] = [
    ['Avro (deflate), streamed block by block', '.avro', new AvroFormat('deflate', AVRO)],
    [
      'Parquet, read by ranged reads row group by row group',
      '.parquet',
      new ParquetFormat('snappy', AVRO),
    ],
  ];
  for (const [what, extension, format] of formats) {
    it(`${what}, with a keys object beside it, resumes mid-object after a restart`, async () => {
      const bucket = await freshBucket('s3-source-stream');
      const topic = 'rows';
      const base = `topics/${topic}/partition=0/${topic}+0+0000000000`;
      const count = 2500; // several Avro blocks; Parquet row groups of 1000 and 1500 rows
      const values = format.newWriter(base);
      const keys = new JsonFormat({ gzipLevel: null, decimalFormat: 'BASE64' }).newWriter(base);
      for (let i = 0; i < count; i++) {
        values.write(row, new Struct(row).put('id', BigInt(i)).put('text', `row ${i}`));
        keys.write(Schema.STRING_SCHEMA, `k${i}`);
      }
      for (const [key, writer] of [
        [`${base}${extension}`, values],
        [`${base}.keys.json`, keys],
      ] as const) {
        const body = Buffer.concat(await writer.finish());
        await s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      }
      const props = {
        ...s3Props(bucket),
        'format.class': extension === '.avro' ? 'AvroFormat' : 'ParquetFormat',
        'store.kafka.keys': 'true',
        'keys.format.class': 'JsonFormat',
        'task.index': '0',
        'task.count': '1',
        's3.poll.interval.ms': '500',
      };
      const check: Check = (record, expected) => {
        expect([(record.value as Struct).get('id'), record.key]).toEqual([
          BigInt(expected),
          `k${expected}`,
        ]);
      };
      const offsets = new MemoryOffsets();
      const log = new RecordingLogger();
      const first = await startSourceTask(new S3SourceTask(), props, offsets, log);
      // Past the first row group and several blocks, then a restart.
      const stoppedAt = await readRecords(first, offsets, 0, 1700, check);
      first.stop();
      const second = await startSourceTask(new S3SourceTask(), props, offsets, log);
      await readRecords(second, offsets, stoppedAt, count, check);
      const after = (await second.poll()) ?? [];
      second.stop();
      expect(after).toEqual([]);
    });
  }

  it('picks a stream S3 dropped mid-object up again at the next record, losing and repeating none', async () => {
    const bucket = await freshBucket('s3-source-drop');
    const topic = 'dropped';
    const key = `topics/${topic}/partition=0/${topic}+0+0000000000.json`;
    await upload(bucket, key, false);
    const proxy = await proxyTo(new URL(s3Endpoint()));
    const log = new RecordingLogger();
    const task = await startSourceTask(
      new S3SourceTask(),
      {
        ...s3Props(bucket, proxy.url),
        'format.class': 'JsonFormat',
        'task.index': '0',
        'task.count': '1',
        's3.poll.interval.ms': '200',
        's3.retry.backoff.ms': '50',
      },
      new MemoryOffsets(),
      log,
    );
    try {
      const offsets = new MemoryOffsets();
      const cutAt = await readRecords(task, offsets, 0, 10_000, lineNumber);
      proxy.cut();
      // What was buffered before the cut may still come; then the failed read is logged.
      let next = cutAt;
      const deadline = Date.now() + 60_000;
      while (!log.messages('warn').some((m) => m.includes(`reading ${key}`))) {
        if (Date.now() > deadline) throw new Error('the dropped stream was not noticed');
        for (const r of (await task.poll()) ?? []) lineNumber(r, next++);
      }
      proxy.restore();
      await readRecords(task, offsets, next, TOTAL, lineNumber);
      expect((await task.poll()) ?? []).toEqual([]);
    } finally {
      task.stop();
      await proxy.close();
    }
  });
});
