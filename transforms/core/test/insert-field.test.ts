import {
  ConfigException,
  ConnectTimestamp,
  DataException,
  Schema,
  SchemaBuilder,
  SourceRecord,
  Struct,
} from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { InsertFieldKey, InsertFieldValue } from '../src/index.js';
import { sinkRecord, sourceRecord, TIMESTAMP } from './records.js';

const schema = SchemaBuilder.struct()
  .name('com.example.Order')
  .version(3)
  .field('id', Schema.INT32_SCHEMA)
  .field('note', SchemaBuilder.string().optional().defaultValue('none').build())
  .build();

function configured(props: Record<string, unknown>, key = false) {
  const transform = key ? new InsertFieldKey() : new InsertFieldValue();
  transform.configure(props);
  return transform;
}

const ALL = {
  'topic.field': 'topic!',
  'partition.field': 'partition',
  'offset.field': 'offset?',
  'timestamp.field': 'ts',
  'static.field': 'source',
  'static.value': 'db1',
};

describe('InsertField', () => {
  it('adds metadata and static fields to a struct, keeping name and version', () => {
    const value = new Struct(schema).put('id', 7);
    const out = configured(ALL).apply(sinkRecord({ valueSchema: schema, value }));
    const s = out.valueSchema as Schema;
    expect(s.name).toBe('com.example.Order');
    expect(s.version).toBe(3);
    expect(s.fields.map((f) => f.name)).toEqual([
      'id',
      'note',
      'topic',
      'partition',
      'offset',
      'ts',
      'source',
    ]);
    expect(s.field('topic')?.schema.optional).toBe(false);
    expect(s.field('offset')?.schema).toBe(Schema.OPTIONAL_INT64_SCHEMA);
    expect(s.field('ts')?.schema.name).toBe(ConnectTimestamp.LOGICAL_NAME);
    const struct = out.value as Struct;
    expect(struct.get('topic')).toBe('orders');
    expect(struct.get('partition')).toBe(1);
    expect(struct.get('offset')).toBe(42n);
    expect(struct.get('ts')).toEqual(new Date(TIMESTAMP));
    expect(struct.get('source')).toBe('db1');
    expect(struct.getWithoutDefault('note')).toBe('none');
  });

  it('keeps null with replace.null.with.default=false', () => {
    const value = new Struct(schema).put('id', 7);
    const out = configured({ ...ALL, 'replace.null.with.default': 'false' }).apply(
      sinkRecord({ valueSchema: schema, value }),
    );
    expect((out.value as Struct).getWithoutDefault('note')).toBeNull();
  });

  it('caches the derived schema for the same input schema', () => {
    const transform = configured({ 'topic.field': 'topic' });
    const a = transform.apply(
      sinkRecord({ valueSchema: schema, value: new Struct(schema).put('id', 1) }),
    );
    const b = transform.apply(
      sinkRecord({ valueSchema: schema, value: new Struct(schema).put('id', 2) }),
    );
    expect(a.valueSchema).toBe(b.valueSchema);
  });

  it('adds entries to a schemaless map of the same kind', () => {
    const out = configured(ALL).apply(sinkRecord({ value: { id: 7 } }));
    expect(out.value).toEqual({
      id: 7,
      topic: 'orders',
      partition: 1,
      offset: 42,
      ts: TIMESTAMP,
      source: 'db1',
    });
    const fromMap = configured({ 'topic.field': 't' }).apply(
      sinkRecord({ value: new Map([['id', 7]]) }),
    );
    expect(fromMap.value).toEqual(
      new Map<string, unknown>([
        ['id', 7],
        ['t', 'orders'],
      ]),
    );
  });

  it('copies a schemaless map without changing the input, undefined as null and `__proto__` as data', () => {
    const input = { id: 7, gone: undefined };
    const out = configured({ 'static.field': 's', 'static.value': 'v' }).apply(
      sinkRecord({ value: input }),
    );
    expect(out.value).toEqual({ id: 7, gone: null, s: 'v' });
    expect(Object.getPrototypeOf(out.value)).toBe(Object.prototype);
    expect(input).toEqual({ id: 7, gone: undefined });

    const parsed = JSON.parse('{"__proto__": {"x": 1}, "a": 2}');
    const value = configured({ 'static.field': 's', 'static.value': 'v' }).apply(
      sinkRecord({ value: parsed }),
    ).value as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__', 'a', 's']);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ x: 1 });
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it('works on the key', () => {
    const out = configured({ 'topic.field': 't' }, true).apply(sinkRecord({ key: { id: 1 } }));
    expect(out.key).toEqual({ id: 1, t: 'orders' });
  });

  it('passes tombstones through untouched', () => {
    const record = sinkRecord({ valueSchema: schema, value: null });
    expect(configured(ALL).apply(record)).toBe(record);
  });

  it('skips partition and timestamp when the record has none', () => {
    const out = configured({ 'partition.field': 'p', 'timestamp.field': 't' }).apply(
      new SourceRecord({
        topic: 'x',
        sourcePartition: null,
        sourceOffset: null,
        value: { a: 1 },
      }),
    );
    expect(out.value).toEqual({ a: 1 });
  });

  it('refuses an offset field on a source record with a DataException', () => {
    expect(() =>
      configured({ 'offset.field': 'o' }).apply(sourceRecord({ value: { a: 1 } })),
    ).toThrow(DataException);
  });

  it('refuses a value that is neither a map nor a struct', () => {
    expect(() => configured(ALL).apply(sinkRecord({ value: 'text' }))).toThrow(
      /Only Map objects supported in absence of schema for \[field insertion\], found: string/,
    );
    expect(() =>
      configured(ALL).apply(sinkRecord({ valueSchema: Schema.STRING_SCHEMA, value: 'text' })),
    ).toThrow(/Only Struct objects supported for \[field insertion\]/);
  });

  it('refuses a config with nothing to insert or a static field without a value', () => {
    expect(() => configured({})).toThrow(/No field insertion configured/);
    let error: unknown;
    try {
      configured({ 'static.field': 'x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigException);
    expect((error as ConfigException).key).toBe('static.value');
  });

  it('refuses a bad boolean naming the key', () => {
    expect(() => configured({ ...ALL, 'replace.null.with.default': 'maybe' })).toThrow(
      /replace\.null\.with\.default/,
    );
  });
});
