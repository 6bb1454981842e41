import { describe, expect, it } from 'vitest';
import {
  ConnectHeaders,
  Schema,
  SchemaBuilder,
  SinkRecord,
  SourceRecord,
  Struct,
  TopicPartitionMap,
  topicPartitionKey,
} from '../src/index.js';

const valueSchema = SchemaBuilder.struct().name('V').field('id', Schema.INT64_SCHEMA).build();

function sourceRecord(): SourceRecord {
  return new SourceRecord({
    sourcePartition: { table: 'orders' },
    sourceOffset: { id: 9 },
    topic: 'db.orders',
    keySchema: Schema.INT64_SCHEMA,
    key: 9n,
    valueSchema,
    value: new Struct(valueSchema).put('id', 9n),
    timestamp: 1700000000000,
    headers: new ConnectHeaders().addString('op', 'c'),
  });
}

function sinkRecord(): SinkRecord {
  return new SinkRecord({
    topic: 'orders',
    kafkaPartition: 2,
    kafkaOffset: 100,
    key: 'k',
    value: { schemaless: true },
    timestamp: 5,
    timestampType: 'CreateTime',
  });
}

describe('SourceRecord', () => {
  it('keeps its source partition and offset and fills unset fields with null', () => {
    const record = new SourceRecord({
      topic: 't',
      sourcePartition: { file: 'a.txt' },
      sourceOffset: { position: 10 },
    });
    expect(record).toMatchObject({
      topic: 't',
      kafkaPartition: null,
      keySchema: null,
      key: null,
      valueSchema: null,
      value: null,
      timestamp: null,
      sourcePartition: { file: 'a.txt' },
      sourceOffset: { position: 10 },
    });
    expect(record.headers.isEmpty()).toBe(true);
  });

  it('newRecord changes only what is given, keeps its kind, position and a copy of headers', () => {
    const original = sourceRecord();
    const renamed = original.newRecord({ topic: 'renamed', value: null, valueSchema: null });
    expect(renamed).toBeInstanceOf(SourceRecord);
    expect(renamed.topic).toBe('renamed');
    expect(renamed.value).toBeNull();
    expect(renamed.valueSchema).toBeNull();
    expect(renamed.key).toBe(9n);
    expect(renamed.timestamp).toBe(1700000000000);
    expect(renamed.sourcePartition).toEqual({ table: 'orders' });
    expect(renamed.sourceOffset).toEqual({ id: 9 });
    renamed.headers.addString('extra', 'x');
    expect(original.headers.size).toBe(1);
    expect(renamed.headers.size).toBe(2);
  });

  it('equals a record with the same fields, compared deeply', () => {
    expect(sourceRecord().equals(sourceRecord())).toBe(true);
    expect(sourceRecord().equals(sourceRecord().newRecord({ key: 10n }))).toBe(false);
    const otherOffset = new SourceRecord({
      ...sourceRecord(),
      sourcePartition: { table: 'orders' },
      sourceOffset: { id: 10 },
    });
    expect(sourceRecord().equals(otherOffset)).toBe(false);
    expect(sourceRecord().equals(sinkRecord())).toBe(false);
  });
});

describe('SinkRecord', () => {
  it('keeps its Kafka position, timestamp type, and original position by default', () => {
    const record = sinkRecord();
    expect(record).toMatchObject({
      kafkaPartition: 2,
      kafkaOffset: 100,
      timestampType: 'CreateTime',
      originalTopic: 'orders',
      originalKafkaPartition: 2,
      originalKafkaOffset: 100,
    });
    expect(new SinkRecord({ topic: 't', kafkaPartition: 0, kafkaOffset: 0 }).timestampType).toBe(
      'NoTimestampType',
    );
  });

  it('keeps the original position through a transform that renames the topic', () => {
    const routed = sinkRecord().newRecord({ topic: 'archive.orders', kafkaPartition: 0 });
    expect(routed).toBeInstanceOf(SinkRecord);
    expect(routed.topic).toBe('archive.orders');
    expect(routed.kafkaPartition).toBe(0);
    expect(routed.originalTopic).toBe('orders');
    expect(routed.originalKafkaPartition).toBe(2);
    expect(routed.originalKafkaOffset).toBe(100);
    expect(routed.kafkaOffset).toBe(100);
    expect(routed.timestampType).toBe('CreateTime');
  });

  it('keeps its partition when a transform clears it', () => {
    expect(sinkRecord().newRecord({ kafkaPartition: null }).kafkaPartition).toBe(2);
  });

  it('equals only a sink record at the same offset', () => {
    expect(sinkRecord().equals(sinkRecord())).toBe(true);
    expect(sinkRecord().equals(new SinkRecord({ ...sinkRecord(), kafkaOffset: 101 }))).toBe(false);
  });

  it('prints its fields', () => {
    expect(String(sinkRecord())).toMatch(/^SinkRecord\{topic='orders', kafkaPartition=2, key=k/);
  });
});

describe('TopicPartitionMap', () => {
  it('keys by topic and partition value, not object identity', () => {
    const offsets = new TopicPartitionMap<number>();
    offsets.set({ topic: 'a', partition: 0 }, 10);
    offsets.set({ topic: 'a', partition: 0 }, 11);
    offsets.set({ topic: 'a', partition: 1 }, 20);
    expect(offsets.size).toBe(2);
    expect(offsets.get({ topic: 'a', partition: 0 })).toBe(11);
    expect(offsets.has({ topic: 'b', partition: 0 })).toBe(false);
    expect(offsets.keys()).toEqual([
      { topic: 'a', partition: 0 },
      { topic: 'a', partition: 1 },
    ]);
    expect(offsets.delete({ topic: 'a', partition: 1 })).toBe(true);
    expect(offsets.values()).toEqual([11]);
  });

  it('does not confuse topics whose names end in a dash and a number', () => {
    const offsets = new TopicPartitionMap<string>([
      [{ topic: 'a-1', partition: 2 }, 'x'],
      [{ topic: 'a', partition: 12 }, 'y'],
    ]);
    expect(offsets.size).toBe(2);
    expect(topicPartitionKey({ topic: 'orders', partition: 3 })).toBe('orders-3');
  });

  it('copies, iterates and serializes', () => {
    const offsets = new TopicPartitionMap<number>([[{ topic: 't', partition: 0 }, 1]]);
    const copy = offsets.copy();
    copy.set({ topic: 't', partition: 1 }, 2);
    expect(offsets.size).toBe(1);
    expect([...copy].map(([tp, v]) => `${tp.topic}/${tp.partition}=${v}`)).toEqual([
      't/0=1',
      't/1=2',
    ]);
    expect(JSON.stringify(offsets)).toBe('[{"topic":"t","partition":0,"value":1}]');
    const seen: number[] = [];
    copy.forEach((v) => {
      seen.push(v);
    });
    expect(seen).toEqual([1, 2]);
    copy.clear();
    expect(copy.size).toBe(0);
  });
});
