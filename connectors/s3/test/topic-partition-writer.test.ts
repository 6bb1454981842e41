import {
  DataException,
  type ErrantRecordReporter,
  Schema,
  SchemaBuilder,
  SinkRecord,
  Struct,
} from '@sluice/api';
import { RecordingLogger } from '@sluice/test-fixtures';
import { describe, expect, it } from 'vitest';
import { parseSinkConfig } from '../src/config.js';
import { JsonFormat } from '../src/json-format.js';
import { sinkFormatOptions, viewFormats } from '../src/object-formats.js';
import { createPartitioner } from '../src/partitioner.js';
import { HEADERS_SCHEMA, headersFromView, viewOf } from '../src/record-view.js';
import { TimeZone } from '../src/time-zone.js';
import { nextScheduledRotation, TopicPartitionWriter } from '../src/topic-partition-writer.js';
import { MemoryStorage } from './memory-storage.js';
import { readAll } from './read-all.js';

const tp = { topic: 'events', partition: 0 };
const base = { 's3.bucket.name': 'b', 'format.class': 'JsonFormat', 'flush.size': '3' };

function setup(props: Record<string, string> = {}, reporter: ErrantRecordReporter | null = null) {
  const config = parseSinkConfig({ ...base, ...props });
  const storage = new MemoryStorage();
  const log = new RecordingLogger();
  let clock = Date.parse('2024-01-01T00:00:00Z');
  const writer = new TopicPartitionWriter(tp, {
    config,
    storage: storage.asS3(),
    partitioner: createPartitioner(config.partitioner, config.directoryDelim),
    formats: viewFormats(config, sinkFormatOptions(config)),
    reporter,
    now: () => clock,
    log,
  });
  return {
    writer,
    storage,
    log,
    advance: (ms: number) => {
      clock += ms;
    },
    text: (key: string) => storage.objects.get(key)?.toString('utf8'),
  };
}

function rec(
  offset: number,
  value: unknown,
  timestamp: number | null = null,
  extra: Partial<ConstructorParameters<typeof SinkRecord>[0]> = {},
) {
  return new SinkRecord({
    topic: tp.topic,
    kafkaPartition: 0,
    kafkaOffset: offset,
    value,
    timestamp,
    ...extra,
  });
}

const range = (from: number, to: number, value = (i: number) => `v${i}` as unknown) =>
  Array.from({ length: to - from }, (_, i) => rec(from + i, value(from + i)));

describe('TopicPartitionWriter', () => {
  it('commits an object every flush.size records, named by its first offset, and only then makes offsets committable', async () => {
    const { writer, storage, text, log } = setup();
    await writer.write(range(0, 2));
    expect(storage.writes).toEqual([]);
    expect(writer.takeOffsetToCommit()).toBeNull();
    expect(writer.firstUncommittedOffset()).toBe(0);
    await writer.write(range(2, 7));
    expect(storage.writes).toEqual([
      'topics/events/partition=0/events+0+0000000000.json',
      'topics/events/partition=0/events+0+0000000003.json',
    ]);
    expect(text('topics/events/partition=0/events+0+0000000003.json')).toBe('"v3"\n"v4"\n"v5"\n');
    expect(writer.takeOffsetToCommit()).toBe(6);
    expect(writer.takeOffsetToCommit()).toBeNull();
    expect(writer.firstUncommittedOffset()).toBe(6);
    expect(log.messages('debug')).toEqual([
      'Committed topics/events/partition=0/events+0+0000000000.json (3 records of events-0); offset 3 is committable',
      'Committed topics/events/partition=0/events+0+0000000003.json (3 records of events-0); offset 6 is committable',
    ]);
  });

  it('writes the same objects again after a crash when the records are delivered again from the committed offset', async () => {
    const first = setup();
    await first.writer.write(range(0, 5));
    const committed = first.writer.takeOffsetToCommit();
    expect(committed).toBe(3);
    // Crash: the open object (offsets 3, 4) is lost; the consumer restarts at 3 and gets more.
    const second = setup();
    await second.writer.write(range(3, 9));
    const again = setup();
    await again.writer.write(range(0, 9));
    expect([...second.storage.objects]).toEqual([...again.storage.objects].slice(1));
  });

  it('rotates on record time (rotate.interval.ms) and on an encoded partition change, deterministically', async () => {
    const { writer, storage } = setup({
      'flush.size': '100',
      'partitioner.class': 'TimeBasedPartitioner',
      'partition.duration.ms': '3600000',
      'path.format': "'h'=HH",
      locale: 'en',
      timezone: 'UTC',
      'timestamp.extractor': 'Record',
      'rotate.interval.ms': '60000',
    });
    const t0 = Date.parse('2024-01-01T10:58:00Z');
    const at = (offset: number, plusMs: number) => rec(offset, `v${offset}`, t0 + plusMs);
    await writer.write([at(0, 0), at(1, 30_000), at(2, 60_000), at(3, 90_000), at(4, 150_000)]);
    // 2 is a minute after 0 (time rotation); 4 is at 11:00:30, another hour (partition change).
    expect(storage.writes).toEqual([
      'topics/events/h=10/events+0+0000000000.json',
      'topics/events/h=10/events+0+0000000002.json',
    ]);
    expect(writer.firstUncommittedOffset()).toBe(4);
  });

  it('rotates when the value schema changes (schema.compatibility=NONE)', async () => {
    const { writer, storage } = setup({ 'flush.size': '100' });
    const s1 = SchemaBuilder.struct().name('A').field('x', Schema.INT32_SCHEMA).build();
    const s2 = SchemaBuilder.struct()
      .name('A')
      .field('x', Schema.INT32_SCHEMA)
      .field('y', Schema.OPTIONAL_STRING_SCHEMA)
      .build();
    const v = (s: typeof s1, x: number) => new Struct(s).put('x', x);
    await writer.write([
      rec(0, v(s1, 0), null, { valueSchema: s1 }),
      rec(1, v(s1, 1), null, { valueSchema: s1 }),
      rec(2, v(s2, 2), null, { valueSchema: s2 }),
    ]);
    expect(storage.writes).toEqual(['topics/events/partition=0/events+0+0000000000.json']);
    expect(writer.firstUncommittedOffset()).toBe(2);
  });

  it('rotates on the wall clock schedule even without new records', async () => {
    const { writer, storage, advance } = setup({
      'flush.size': '100',
      'rotate.schedule.interval.ms': '60000',
      timezone: 'UTC',
    });
    await writer.write(range(0, 2));
    await writer.tick();
    expect(storage.writes).toEqual([]);
    advance(61_000);
    await writer.tick();
    expect(storage.writes).toEqual(['topics/events/partition=0/events+0+0000000000.json']);
    expect(writer.takeOffsetToCommit()).toBe(2);
  });

  it('keeps objects open and offsets uncommitted when S3 fails, so the task can rewind to the first record', async () => {
    const { writer, storage } = setup();
    storage.failNext = 1;
    await expect(writer.write(range(0, 3))).rejects.toThrow(/S3 is unavailable/);
    expect(writer.takeOffsetToCommit()).toBeNull();
    expect(writer.firstUncommittedOffset()).toBe(0);
    await writer.discard();
    expect(writer.firstUncommittedOffset()).toBeNull();
  });

  it('ignores, fails on, or writes tombstones per behavior.on.null.values', async () => {
    const ignore = setup({ 'behavior.on.null.values': 'ignore' });
    await ignore.writer.write([rec(0, null), rec(1, null)]);
    expect(ignore.writer.takeOffsetToCommit()).toBe(2);
    const fail = setup();
    await expect(fail.writer.write([rec(0, null)])).rejects.toThrow(
      /Null valued records are not writeable/,
    );
    const write = setup({
      'behavior.on.null.values': 'write',
      'store.kafka.keys': 'true',
      'keys.format.class': 'JsonFormat',
      'flush.size': '2',
    });
    await write.writer.write([
      rec(0, null, null, { key: 'k0', keySchema: Schema.STRING_SCHEMA }),
      rec(1, null, null, { key: 'k1', keySchema: Schema.STRING_SCHEMA }),
    ]);
    expect(write.storage.writes).toEqual(['topics/events/tombstone/events+0+0000000000.keys.json']);
    expect(write.text('topics/events/tombstone/events+0+0000000000.keys.json')).toBe(
      '"k0"\n"k1"\n',
    );
  });

  it('writes keys and headers objects beside the value object', async () => {
    const { writer, text } = setup({
      'store.kafka.keys': 'true',
      'store.kafka.headers': 'true',
      'keys.format.class': 'JsonFormat',
      'headers.format.class': 'JsonFormat',
      'flush.size': '1',
    });
    const r = rec(0, 'v', null, { key: 'k', keySchema: Schema.STRING_SCHEMA });
    r.headers.addString('h', 'x').addInt('n', 7);
    await writer.write([r]);
    expect(text('topics/events/partition=0/events+0+0000000000.json')).toBe('"v"\n');
    expect(text('topics/events/partition=0/events+0+0000000000.keys.json')).toBe('"k"\n');
    expect(text('topics/events/partition=0/events+0+0000000000.headers.json')).toBe(
      '{"headers":[{"key":"h","value":"x"},{"key":"n","value":"7"}]}\n',
    );
  });

  it('reports a record that cannot be written to the DLQ and goes on', async () => {
    const reported: string[] = [];
    const reporter: ErrantRecordReporter = {
      report: async (record, error) => {
        reported.push(`${record.kafkaOffset}: ${error.message}`);
      },
    };
    const { writer, storage } = setup(
      { 'format.class': 'ByteArrayFormat', 'flush.size': '2' },
      reporter,
    );
    await writer.write([
      rec(0, new Uint8Array([1])),
      rec(1, 'not bytes'),
      rec(2, new Uint8Array([2])),
    ]);
    expect(reported).toEqual([expect.stringMatching(/^1: ByteArrayFormat is not compatible/)]);
    expect(storage.objects.get('topics/events/partition=0/events+0+0000000000.bin')).toEqual(
      Buffer.from([1, 10, 2, 10]),
    );
    expect(writer.takeOffsetToCommit()).toBe(3);
  });

  it('fails the task on a record that cannot be written without a DLQ', async () => {
    const { writer } = setup({ 'format.class': 'ByteArrayFormat' });
    await expect(writer.write([rec(0, 'text')])).rejects.toThrow(
      /Could not write the record at offset 0/,
    );
    expect(new DataException('x')).toBeInstanceOf(DataException);
  });

  it('uploads parts of s3.part.size while an object is being written', async () => {
    const { writer, storage } = setup({
      'flush.size': '100',
      's3.part.size': String(5 * 1024 * 1024),
    });
    const big = 'x'.repeat(1024 * 1024);
    await writer.write(range(0, 7, () => big));
    expect(storage.parts).toBe(1);
    expect(storage.writes).toEqual([]);
  });
});

describe('nextScheduledRotation', () => {
  it('is the next multiple of the period since midnight in the zone, capped at the next midnight', () => {
    const utc = TimeZone.UTC;
    expect(nextScheduledRotation(Date.parse('2024-01-01T10:20:00Z'), 3_600_000, utc)).toBe(
      Date.parse('2024-01-01T11:00:00Z'),
    );
    expect(nextScheduledRotation(Date.parse('2024-01-01T23:30:00Z'), 7 * 3_600_000, utc)).toBe(
      Date.parse('2024-01-02T00:00:00Z'),
    );
    const tokyo = TimeZone.forId('Asia/Tokyo');
    expect(nextScheduledRotation(Date.parse('2024-01-01T10:20:00Z'), 86_400_000, tokyo)).toBe(
      Date.parse('2024-01-01T15:00:00Z'),
    );
  });
});

describe('headers objects', () => {
  it('read back from JSON (enveloped, schemaless) and Avro (array of structs) alike', async () => {
    const { writer, storage } = setup({
      'store.kafka.headers': 'true',
      'headers.format.class': 'JsonFormat',
      'flush.size': '1',
    });
    const r = rec(0, 'v');
    r.headers.addString('a', 'x').addString('b', 'y');
    await writer.write([r]);
    const object = storage.objects.get(
      'topics/events/partition=0/events+0+0000000000.headers.json',
    );
    const [row] = await readAll(
      new JsonFormat({ gzipLevel: null, decimalFormat: 'BASE64' }),
      object as Buffer,
    );
    expect([...headersFromView(row?.value)].map((h) => `${h.key}=${h.value}`)).toEqual([
      'a=x',
      'b=y',
    ]);
    const { schema, value } = viewOf('headers', r, false);
    expect(schema).toBe(HEADERS_SCHEMA);
    expect([...headersFromView(value)].map((h) => `${h.key}=${h.value}`)).toEqual(['a=x', 'b=y']);
  });
});
