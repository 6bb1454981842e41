import { Schema, SchemaBuilder, SinkRecord, Struct, TIMESTAMP_LOGICAL_NAME } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { parseSinkConfig } from '../src/config.js';
import { createPartitioner, TimeBasedPartitioner } from '../src/partitioner.js';
import { createTimestampExtractor, recordFieldExtractor } from '../src/timestamp-extractor.js';

const address = SchemaBuilder.struct().field('city', Schema.STRING_SCHEMA).build();
const schema = SchemaBuilder.struct()
  .name('Order')
  .field('id', Schema.INT64_SCHEMA)
  .field('region', Schema.OPTIONAL_STRING_SCHEMA)
  .field('priority', Schema.INT32_SCHEMA)
  .field('express', Schema.BOOLEAN_SCHEMA)
  .field('amount', Schema.FLOAT64_SCHEMA)
  .field('address', address)
  .field('created', SchemaBuilder.int64().name(TIMESTAMP_LOGICAL_NAME).version(1).build())
  .build();

function order(region: string | null, created = '2024-05-06T07:08:09Z'): Struct {
  return new Struct(schema)
    .put('id', 1n)
    .put('region', region)
    .put('priority', 2)
    .put('express', true)
    .put('amount', 1.5)
    .put('address', new Struct(address).put('city', 'Lyon'))
    .put('created', new Date(created));
}

function record(value: unknown, timestamp: number | null = null, partition = 3): SinkRecord {
  return new SinkRecord({
    topic: 'orders',
    kafkaPartition: partition,
    kafkaOffset: 10,
    valueSchema: value instanceof Struct ? value.schema : null,
    value,
    timestamp,
  });
}

const base = {
  'connector.class': 'S3Sink',
  's3.bucket.name': 'b',
  'format.class': 'JsonFormat',
  'flush.size': '10',
};

function partitionerFor(props: Record<string, string>) {
  const config = parseSinkConfig({ ...base, ...props });
  return createPartitioner(config.partitioner, config.directoryDelim);
}

describe('partitioners', () => {
  it('DefaultPartitioner encodes the Kafka partition', () => {
    const p = partitionerFor({});
    expect(p.encodePartition(record(order('eu')), 0)).toBe('partition=3');
    expect(p.generatePartitionedPath('orders', 'partition=3')).toBe('orders/partition=3');
  });

  it('FieldPartitioner encodes each field, nested paths and nulls included, under its Confluent class name', () => {
    const p = partitionerFor({
      'partitioner.class': 'io.confluent.connect.storage.partitioner.FieldPartitioner',
      'partition.field.name': 'region,priority,express,address.city',
    });
    expect(p.encodePartition(record(order('eu')), 0)).toBe(
      'region=eu/priority=2/express=true/address.city=Lyon',
    );
    expect(p.encodePartition(record(order(null)), 0)).toBe(
      'region=null/priority=2/express=true/address.city=Lyon',
    );
  });

  it('FieldPartitioner refuses float fields, missing fields and schemaless values', () => {
    const float = partitionerFor({
      'partitioner.class': 'FieldPartitioner',
      'partition.field.name': 'amount',
    });
    expect(() => float.encodePartition(record(order('eu')), 0)).toThrow(/float64 is not supported/);
    const missing = partitionerFor({
      'partitioner.class': 'FieldPartitioner',
      'partition.field.name': 'nope',
    });
    expect(() => missing.encodePartition(record(order('eu')), 0)).toThrow(/'nope' is not present/);
    expect(() => missing.encodePartition(record(new Map([['nope', 1]])), 0)).toThrow(
      /not a Struct/,
    );
  });

  it('TimeBasedPartitioner formats the start of the record-time period in the time zone', () => {
    const p = partitionerFor({
      'partitioner.class': 'TimeBasedPartitioner',
      'partition.duration.ms': String(15 * 60_000),
      'path.format': "'dt'=YYYY-MM-dd/'t'=HHmm/",
      locale: 'en-US',
      timezone: 'Asia/Kolkata',
      'timestamp.extractor': 'Record',
    });
    // 07:08Z is 12:38 in Kolkata (+05:30): the 15-minute period starts at 12:30.
    expect(p.encodePartition(record(order('eu'), Date.parse('2024-05-06T07:08:09Z')), 0)).toBe(
      'dt=2024-05-06/t=1230',
    );
  });

  it('Daily and Hourly partitioners use their fixed layouts', () => {
    const props = {
      locale: 'en',
      timezone: 'UTC',
      'timestamp.extractor': 'RecordField',
      'timestamp.field': 'created',
    };
    const daily = partitionerFor({ ...props, 'partitioner.class': 'DailyPartitioner' });
    const hourly = partitionerFor({
      ...props,
      'partitioner.class': 'io.confluent.connect.storage.partitioner.HourlyPartitioner',
    });
    expect(daily.encodePartition(record(order('eu')), 0)).toBe('year=2024/month=05/day=06');
    expect(hourly.encodePartition(record(order('eu')), 0)).toBe(
      'year=2024/month=05/day=06/hour=07',
    );
  });

  it('Wallclock uses the processing time given to it', () => {
    const p = partitionerFor({
      'partitioner.class': 'HourlyPartitioner',
      locale: 'en',
      timezone: 'UTC',
    });
    expect(p.encodePartition(record(order('eu')), Date.parse('2030-01-02T03:04:05Z'))).toBe(
      'year=2030/month=01/day=02/hour=03',
    );
  });

  it('a time-based partitioner fails clearly when the record has no timestamp', () => {
    const p = partitionerFor({
      'partitioner.class': 'DailyPartitioner',
      locale: 'en',
      timezone: 'UTC',
      'timestamp.extractor': 'Record',
    });
    expect(() => p.encodePartition(record(order('eu'), null), 0)).toThrow(
      /Unable to determine timestamp/,
    );
  });

  it('partitions negative timestamps as Java does (truncating division)', () => {
    const p = new TimeBasedPartitioner(
      '/',
      3_600_000,
      'yyyy-MM-dd-HH',
      'en',
      'UTC',
      createTimestampExtractor('Record', 'x'),
    );
    expect(p.partitionStart(-1)).toBe(0);
  });
});

describe('RecordField timestamp extractor', () => {
  it('reads Timestamp, epoch numbers and ISO or numeric strings, in structs and maps', () => {
    const ts = SchemaBuilder.struct()
      .field('a', Schema.INT64_SCHEMA)
      .field('b', Schema.STRING_SCHEMA)
      .field('c', Schema.STRING_SCHEMA)
      .build();
    const value = new Struct(ts)
      .put('a', 1700000000000n)
      .put('b', '2024-01-02T03:04:05.678Z')
      .put('c', '42');
    const r = record(value);
    expect(recordFieldExtractor('a').extract(r, 0)).toBe(1700000000000);
    expect(recordFieldExtractor('b').extract(r, 0)).toBe(Date.parse('2024-01-02T03:04:05.678Z'));
    expect(recordFieldExtractor('c').extract(r, 0)).toBe(42);
    expect(recordFieldExtractor('created').extract(record(order('eu')), 0)).toBe(
      Date.parse('2024-05-06T07:08:09Z'),
    );
    expect(
      recordFieldExtractor('t.at').extract(record(new Map([['t', new Map([['at', 5]])]])), 0),
    ).toBe(5);
    expect(() => recordFieldExtractor('region').extract(record(order('eu')), 0)).toThrow(
      /Cannot parse 'eu'/,
    );
  });
});
