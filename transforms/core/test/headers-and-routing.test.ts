import {
  ConfigException,
  ConnectDate,
  ConnectHeaders,
  DataException,
  Decimal,
  Schema,
} from '@sluice/api';
import { describe, expect, it } from 'vitest';
import {
  DropHeaders,
  Filter,
  InsertHeader,
  parseLiteral,
  RegexRouter,
  TimestampRouter,
} from '../src/index.js';
import { sinkRecord } from './records.js';

function headers(...keys: string[]): ConnectHeaders {
  const h = new ConnectHeaders();
  for (const key of keys) h.addString(key, `v-${key}`);
  return h;
}

describe('DropHeaders', () => {
  it('removes every header with a listed name and keeps the others in order', () => {
    const t = new DropHeaders();
    t.configure({ headers: 'a, c' });
    const out = t.apply(sinkRecord({ headers: headers('a', 'b', 'a', 'c', 'd').toArray() }));
    expect(out.headers.toArray().map((h) => h.key)).toEqual(['b', 'd']);
  });

  it('refuses an empty list naming headers', () => {
    expect(() => new DropHeaders().configure({ headers: '' })).toThrow(/headers: Empty list/);
  });
});

describe('InsertHeader', () => {
  it('adds a header whose type is inferred from the literal', () => {
    const t = new InsertHeader();
    t.configure({ header: 'h', 'value.literal': '42' });
    const record = sinkRecord({ value: null, headers: headers('x').toArray() });
    const out = t.apply(record);
    expect(out.headers.toArray().map((h) => [h.key, h.value, h.schema])).toEqual([
      ['x', 'v-x', Schema.STRING_SCHEMA],
      ['h', 42, Schema.INT8_SCHEMA],
    ]);
    expect(record.headers.size).toBe(1);
  });

  it('parses literals as Kafka Values.parseString does', () => {
    expect(parseLiteral('true')).toEqual({ schema: Schema.BOOLEAN_SCHEMA, value: true });
    expect(parseLiteral('40000')).toEqual({ schema: Schema.INT32_SCHEMA, value: 40000 });
    expect(parseLiteral('9999999999')).toEqual({ schema: Schema.INT64_SCHEMA, value: 9999999999n });
    expect(parseLiteral('1.5').schema).toBe(Schema.FLOAT32_SCHEMA);
    expect(parseLiteral('hello world')).toEqual({
      schema: Schema.STRING_SCHEMA,
      value: 'hello world',
    });
    expect(parseLiteral('2024-01-02')).toEqual({
      schema: ConnectDate.SCHEMA,
      value: new Date(Date.UTC(2024, 0, 2)),
    });
    const list = parseLiteral('[1, 2, 300]');
    expect(list.schema?.type).toBe('ARRAY');
    expect(list.schema?.valueSchema?.type).toBe('INT16');
    expect(list.value).toEqual([1, 2, 300]);
    expect(parseLiteral('12345678901234567890123').value).toEqual(
      new Decimal(12345678901234567890123n, 0),
    );
    expect(parseLiteral('[1,').value).toBe('[1,');
  });

  it('requires both keys', () => {
    expect(() => new InsertHeader().configure({ header: 'h' })).toThrow(/value\.literal/);
  });
});

describe('Filter', () => {
  it('drops every record', () => {
    const t = new Filter();
    t.configure({});
    expect(t.apply(sinkRecord({ value: 'x' }))).toBeNull();
  });
});

describe('RegexRouter', () => {
  it('renames topics that match the whole regex, with group references', () => {
    const t = new RegexRouter();
    t.configure({ regex: '(.*)-(\\d+)', replacement: '$2_$1' });
    expect(t.apply(sinkRecord({ topic: 'orders-7' })).topic).toBe('7_orders');
    const record = sinkRecord({ topic: 'orders' });
    expect(t.apply(record)).toBe(record);
    const named = new RegexRouter();
    named.configure({ regex: '(?<name>[a-z]+)\\.raw', replacement: '${name}\\$' });
    expect(named.apply(sinkRecord({ topic: 'db.raw' })).topic).toBe('db$');
    expect(named.apply(sinkRecord({ topic: 'DB.raw' })).topic).toBe('DB.raw');
  });

  it('refuses an invalid regex naming regex', () => {
    try {
      new RegexRouter().configure({ regex: '(', replacement: 'x' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigException);
      expect((error as ConfigException).key).toBe('regex');
    }
  });
});

describe('TimestampRouter', () => {
  it('formats the topic from the record timestamp in UTC', () => {
    const t = new TimestampRouter();
    t.configure({});
    expect(t.apply(sinkRecord({})).topic).toBe('orders-20240305');
    const custom = new TimestampRouter();
    custom.configure({
      'topic.format': 'x_${topic}_${timestamp}',
      'timestamp.format': 'yyyy-MM-dd HH',
    });
    expect(custom.apply(sinkRecord({})).topic).toBe('x_orders_2024-03-05 10');
  });

  it('raises DataException for a record without timestamp', () => {
    const t = new TimestampRouter();
    t.configure({});
    expect(() => t.apply(sinkRecord({ timestamp: null }))).toThrow(DataException);
  });

  it('refuses a bad timestamp.format naming the key', () => {
    expect(() => new TimestampRouter().configure({ 'timestamp.format': 'yyyy-qq' })).toThrow(
      /timestamp\.format/,
    );
  });
});
