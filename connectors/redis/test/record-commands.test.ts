import {
  ConnectDate,
  ConnectHeaders,
  ConnectTimestamp,
  DataException,
  Decimal,
  Schema,
  SchemaBuilder,
  SinkRecord,
  Struct,
} from '@sluice/api';
import { describe, expect, it } from 'vitest';
import type { RedisCommand } from '../src/command-pipeline.js';
import { parseSinkConfig } from '../src/config.js';
import { RecordCommands } from '../src/record-commands.js';
import { isoText } from '../src/schema-mapping.js';

let offset = 0;
function record(fields: Partial<ConstructorParameters<typeof SinkRecord>[0]>): SinkRecord {
  return new SinkRecord({ topic: 'orders', kafkaPartition: 0, kafkaOffset: offset++, ...fields });
}

/** The commands of one record, arguments as text. */
function plan(props: Record<string, string>, r: SinkRecord): string[][] {
  const out: RedisCommand[] = [];
  new RecordCommands(parseSinkConfig(props)).plan(r, out);
  return out.map((c) => [
    c.name,
    ...c.args.map((a) => (Buffer.isBuffer(a) ? `<${a.toString('hex')}>` : String(a))),
  ]);
}

const ORDER = SchemaBuilder.struct()
  .name('shop.Order')
  .field('id', Schema.INT64_SCHEMA)
  .field('total', Decimal.schema(2))
  .field('placed', ConnectTimestamp.SCHEMA)
  .field('day', ConnectDate.SCHEMA)
  .field('paid', Schema.BOOLEAN_SCHEMA)
  .field('note', Schema.OPTIONAL_STRING_SCHEMA)
  .field('photo', Schema.OPTIONAL_BYTES_SCHEMA)
  .field('tags', SchemaBuilder.array(Schema.STRING_SCHEMA).build())
  .build();

const order = new Struct(ORDER)
  .put('id', 9007199254740993n)
  .put('total', Decimal.fromString('19.99'))
  .put('placed', new Date('2024-05-01T13:45:00.250Z'))
  .put('day', new Date('2024-05-01T00:00:00Z'))
  .put('paid', true)
  .put('photo', new Uint8Array([1, 2]))
  .put('tags', ['a', 'b']);

describe('RecordCommands', () => {
  it('HSET: one field per struct field, values as text, nested values as JSON, nulls left out', () => {
    expect(
      plan({ 'redis.command': 'HSET' }, record({ key: '42', valueSchema: ORDER, value: order })),
    ).toEqual([
      [
        'HSET',
        'orders:42',
        'id',
        '9007199254740993',
        'total',
        '19.99',
        'placed',
        '2024-05-01T13:45:00.250Z',
        'day',
        '2024-05-01',
        'paid',
        'true',
        'photo',
        '<0102>',
        'tags',
        '<5b2261222c2262225d>',
      ],
    ]);
  });

  it('HSET and XADD take maps and schemaless objects too; XADD writes to the keyspace with an auto id', () => {
    const map = new Map<string, unknown>([
      ['a', 1],
      ['b', null],
      ['c', 'x'],
    ]);
    expect(
      plan(
        { 'redis.type': 'HASH', 'redis.keyspace': 'h', 'redis.separator': '/' },
        record({ key: 7, value: map }),
      ),
    ).toEqual([['HSET', 'h/7', 'a', '1', 'c', 'x']]);
    expect(plan({}, record({ key: null, value: { event: 'paid', n: 3 } }))).toEqual([
      ['XADD', 'orders', '*', 'event', 'paid', 'n', '3'],
    ]);
  });

  it('SET, JSONSET: the key is keyspace + separator + record key, or the record key alone', () => {
    expect(plan({ 'redis.command': 'SET' }, record({ key: 'a', value: 'hello' }))).toEqual([
      ['SET', 'orders:a', 'hello'],
    ]);
    expect(
      plan(
        { 'redis.command': 'SET', 'redis.keyspace': '' },
        record({ key: 'raw', value: new Uint8Array([0xff]) }),
      ),
    ).toEqual([['SET', 'raw', '<ff>']]);
    expect(
      plan(
        { 'redis.command': 'JSONSET', 'redis.keyspace': 'doc:${topic}' },
        record({ key: 1, valueSchema: ORDER, value: order }),
      )[0]?.slice(0, 3),
    ).toEqual(['JSON.SET', 'doc:orders:1', '$']);
    const json = plan(
      { 'redis.command': 'JSONSET' },
      record({ key: 1, value: { a: [1, 2] } }),
    )[0]?.[3];
    expect(Buffer.from(json?.slice(1, -1) ?? '', 'hex').toString()).toBe('{"a":[1,2]}');
  });

  it('bytes keys are appended to the keyspace as bytes', () => {
    expect(
      plan({ 'redis.command': 'SET' }, record({ key: new Uint8Array([0x00, 0xfe]), value: 'v' })),
    ).toEqual([['SET', '<6f72646572733a00fe>', 'v']]);
  });

  it('lists, sets and sorted sets take the record key as member and the value as score', () => {
    expect(plan({ 'redis.command': 'LPUSH' }, record({ key: 'm', value: 'any' }))).toEqual([
      ['LPUSH', 'orders', 'm'],
    ]);
    expect(plan({ 'redis.type': 'LIST' }, record({ key: 'm', value: 'any' }))).toEqual([
      ['RPUSH', 'orders', 'm'],
    ]);
    expect(plan({ 'redis.type': 'SET' }, record({ key: 'm', value: 1 }))).toEqual([
      ['SADD', 'orders', 'm'],
    ]);
    expect(plan({ 'redis.type': 'ZSET' }, record({ key: 'm', value: 2.5 }))).toEqual([
      ['ZADD', 'orders', '2.5', 'm'],
    ]);
    expect(
      plan({ 'redis.type': 'ZSET' }, record({ key: 'm', value: Number.NEGATIVE_INFINITY })),
    ).toEqual([['ZADD', 'orders', '-inf', 'm']]);
  });

  it('TSADD takes the sample time from the key and the sample value from the value', () => {
    expect(
      plan(
        { 'redis.type': 'TIMESERIES', 'redis.keyspace': 'temp' },
        record({ key: 1714571100000n, value: 21.5 }),
      ),
    ).toEqual([['TS.ADD', 'temp', '1714571100000', '21.5']]);
  });

  it('a tombstone deletes what the record would have written', () => {
    expect(plan({ 'redis.type': 'HASH' }, record({ key: 'a', value: null }))).toEqual([
      ['DEL', 'orders:a'],
    ]);
    expect(plan({ 'redis.command': 'RPUSH' }, record({ key: 'm', value: null }))).toEqual([
      ['LREM', 'orders', '0', 'm'],
    ]);
    expect(plan({ 'redis.command': 'SADD' }, record({ key: 'm', value: null }))).toEqual([
      ['SREM', 'orders', 'm'],
    ]);
    expect(plan({ 'redis.command': 'ZADD' }, record({ key: 'm', value: null }))).toEqual([
      ['ZREM', 'orders', 'm'],
    ]);
    expect(plan({ 'redis.command': 'DEL' }, record({ key: 'a', value: 'ignored' }))).toEqual([
      ['DEL', 'orders:a'],
    ]);
  });

  it('adds an EXPIRE for redis.key.ttl, overridden by a positive redis.key.ttl header', () => {
    expect(
      plan({ 'redis.command': 'SET', 'redis.key.ttl': '60' }, record({ key: 'a', value: 'v' })),
    ).toEqual([
      ['SET', 'orders:a', 'v'],
      ['EXPIRE', 'orders:a', '60'],
    ]);
    const headers = new ConnectHeaders().addString('redis.key.ttl', '5');
    expect(
      plan(
        { 'redis.command': 'SADD', 'redis.key.ttl': '60' },
        record({ key: 'm', value: 1, headers }),
      ),
    ).toEqual([
      ['SADD', 'orders', 'm'],
      ['EXPIRE', 'orders', '5'],
    ]);
    // No expiry for deletes.
    expect(
      plan({ 'redis.command': 'SET', 'redis.key.ttl': '60' }, record({ key: 'a', value: null })),
    ).toEqual([['DEL', 'orders:a']]);
  });

  it('refuses records it cannot write with a DataException naming the record and the reason', () => {
    const cases: [Record<string, string>, SinkRecord, RegExp][] = [
      [
        { 'redis.command': 'HSET' },
        record({ key: 'k', value: 'text' }),
        /HSET needs a Struct or map value .* not a string/,
      ],
      [
        { 'redis.command': 'HSET' },
        record({ key: 'k', value: { only: null } }),
        /without any non-null field/,
      ],
      [
        { 'redis.command': 'HSET' },
        record({ key: null, value: { a: 1 } }),
        /needs the record key .* not null/,
      ],
      [
        { 'redis.command': 'SET' },
        record({ key: 'k', value: { a: 1 } }),
        /SET writes a string or bytes value, not an object/,
      ],
      [
        { 'redis.command': 'ZADD' },
        record({ key: 'm', value: 'high' }),
        /must be a number, not a string/,
      ],
      [
        { 'redis.command': 'SADD' },
        record({ key: new Map(), value: 1 }),
        /adds the record key as a member, .* not a map/,
      ],
      [
        { 'redis.command': 'TSADD' },
        record({ key: 'yesterday', value: 1 }),
        /sample time from the record key/,
      ],
      [
        { 'redis.command': 'XADD' },
        record({ key: null, value: null }),
        /XADD needs a Struct or map value/,
      ],
      [
        { 'redis.command': 'SET' },
        record({
          key: 'k',
          value: 'v',
          headers: new ConnectHeaders().addString('redis.key.ttl', 'soon'),
        }),
        /redis\.key\.ttl header must be a whole number of seconds/,
      ],
    ];
    for (const [props, r, message] of cases) {
      let error: unknown;
      try {
        plan(props, r);
      } catch (e) {
        error = e;
      }
      expect(error, String(message)).toBeInstanceOf(DataException);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain(
        `(topic='orders', partition=0, offset=${r.kafkaOffset})`,
      );
    }
  });

  it('encodes keys and text as ISO-8859-1 when redis.charset says so', () => {
    expect(
      plan(
        { 'redis.command': 'SET', 'redis.charset': 'ISO-8859-1' },
        record({ key: 'é', value: 'ü' }),
      ),
    ).toEqual([['SET', '<6f72646572733ae9>', '<fc>']]);
  });
});

describe('isoText', () => {
  it('writes what Date.toISOString writes, across centuries, leap days and the range ends', () => {
    const samples = [
      0,
      -1,
      951_782_400_000, // 2000-02-29
      4_107_542_399_999, // 2100-02-28T23:59:59.999
      253_402_300_799_999, // 9999-12-31T23:59:59.999
      253_402_300_800_000,
      -62_135_596_800_000, // 0001-01-01
      1_714_571_100_250,
    ];
    for (let i = 0; i < 2000; i++)
      samples.push(Math.floor((i * 7_919_999_993_337) % 253_402_300_800_000));
    for (const ms of samples)
      expect(isoText(new Date(ms)), String(ms)).toBe(new Date(ms).toISOString());
  });
});
