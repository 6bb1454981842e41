import {
  ConnectDate,
  ConnectTimestamp,
  Decimal,
  Schema,
  SchemaBuilder,
  SinkRecord,
  type SourceRecord,
  Struct,
} from '@sluice/api';
import type cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CassandraSinkTask,
  CassandraSourceTask,
  DURATION,
  NANO_TIME,
  VARIABLE_SCALE_DECIMAL,
} from '../src/index.js';
import {
  cassandraClient,
  connectionProps,
  deliver,
  drain,
  freshKeyspace,
  MemoryOffsets,
  startSink,
  startSource,
} from './harness.js';

let client: cassandra.Client;
let ks: string;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  client = await cassandraClient();
  ks = await freshKeyspace(client, 'types');
  await client.execute(`CREATE TYPE ${ks}.addr (street text, zip int, tags frozen<list<text>>)`);
  await client.execute(`CREATE TABLE ${ks}.alltypes (
    id int PRIMARY KEY, a ascii, t text, ti tinyint, si smallint, i int, b bigint, vi varint, f float, d double,
    bo boolean, de decimal, bl blob, u uuid, tu timeuuid, ine inet, dt date, tm time, ts timestamp, du duration,
    l list<int>, s set<text>, m map<text, int>, fl frozen<list<frozen<map<int, text>>>>, tup tuple<int, text, date>,
    ad addr, fad frozen<addr>, v vector<float, 3>, mm map<int, frozen<set<bigint>>>)`);
});

afterAll(async () => {
  for (const stop of stops) await stop();
  await client?.execute(`DROP KEYSPACE IF EXISTS ${ks}`);
  await client?.shutdown();
});

const opt = (b: SchemaBuilder) => b.optional().build();
const TAGS = SchemaBuilder.array(Schema.STRING_SCHEMA).build();
const ADDR = SchemaBuilder.struct()
  .name('addr')
  .field('street', Schema.OPTIONAL_STRING_SCHEMA)
  .field('zip', Schema.OPTIONAL_INT32_SCHEMA)
  .field('tags', opt(SchemaBuilder.array(Schema.STRING_SCHEMA)))
  .optional()
  .build();
const TUPLE = SchemaBuilder.struct()
  .field('field1', Schema.OPTIONAL_INT32_SCHEMA)
  .field('field2', Schema.OPTIONAL_STRING_SCHEMA)
  .field('field3', opt(ConnectDate.builder()))
  .optional()
  .build();
const VSD = SchemaBuilder.struct()
  .name(VARIABLE_SCALE_DECIMAL)
  .field('scale', Schema.INT32_SCHEMA)
  .field('value', Schema.BYTES_SCHEMA)
  .optional()
  .build();
const DUR = SchemaBuilder.struct()
  .name(DURATION)
  .field('months', Schema.INT32_SCHEMA)
  .field('days', Schema.INT32_SCHEMA)
  .field('nanoseconds', Schema.INT64_SCHEMA)
  .optional()
  .build();
const VALUE = SchemaBuilder.struct()
  .field('id', Schema.INT32_SCHEMA)
  .field('a', Schema.OPTIONAL_STRING_SCHEMA)
  .field('t', Schema.OPTIONAL_STRING_SCHEMA)
  .field('ti', Schema.OPTIONAL_INT8_SCHEMA)
  .field('si', Schema.OPTIONAL_INT16_SCHEMA)
  .field('i', Schema.OPTIONAL_INT32_SCHEMA)
  .field('b', Schema.OPTIONAL_INT64_SCHEMA)
  .field('vi', opt(Decimal.builder(0)))
  .field('f', Schema.OPTIONAL_FLOAT32_SCHEMA)
  .field('d', Schema.OPTIONAL_FLOAT64_SCHEMA)
  .field('bo', Schema.OPTIONAL_BOOLEAN_SCHEMA)
  .field('de', VSD)
  .field('bl', Schema.OPTIONAL_BYTES_SCHEMA)
  .field('u', Schema.OPTIONAL_STRING_SCHEMA)
  .field('tu', Schema.OPTIONAL_STRING_SCHEMA)
  .field('ine', Schema.OPTIONAL_STRING_SCHEMA)
  .field('dt', opt(ConnectDate.builder()))
  .field('tm', opt(SchemaBuilder.int64().name(NANO_TIME)))
  .field('ts', opt(ConnectTimestamp.builder()))
  .field('du', DUR)
  .field('l', opt(SchemaBuilder.array(Schema.INT32_SCHEMA)))
  .field('s', opt(SchemaBuilder.array(Schema.STRING_SCHEMA)))
  .field('m', opt(SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA)))
  .field(
    'fl',
    opt(SchemaBuilder.array(SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).build())),
  )
  .field('tup', TUPLE)
  .field('ad', ADDR)
  .field('fad', ADDR)
  .field('v', opt(SchemaBuilder.array(Schema.FLOAT32_SCHEMA)))
  .field(
    'mm',
    opt(SchemaBuilder.map(Schema.INT32_SCHEMA, SchemaBuilder.array(Schema.INT64_SCHEMA).build())),
  )
  .build();
void TAGS;

const day = (year: number, month: number, date: number) => {
  const d = new Date(Date.UTC(2000, month - 1, date));
  d.setUTCFullYear(year);
  return d;
};

function fullRow(id: number): Struct {
  const decimal = Decimal.fromString('-12.3400');
  return new Struct(VALUE)
    .put('id', id)
    .put('a', 'plain ascii ~')
    .put('t', 'héllo ✓ 𝄞')
    .put('ti', -128)
    .put('si', 32767)
    .put('i', -2147483648)
    .put('b', 9223372036854775807n)
    .put('vi', new Decimal(-123456789012345678901234567890123n, 0))
    .put('f', 1.5)
    .put('d', 0.1)
    .put('bo', true)
    .put('de', new Struct(VSD).put('scale', decimal.scale).put('value', decimal.toBytes()))
    .put('bl', new Uint8Array([0, 1, 254, 255]))
    .put('u', '6f1c2a8e-93a4-4c55-9b21-6c1f0c3d2e10')
    .put('tu', '50554d6e-29bb-11e5-b345-feff819cdc9f')
    .put('ine', '2001:db8::ff00:42:8329')
    .put('dt', day(-4712, 1, 1))
    .put('tm', 45_296_123_456_789n)
    .put('ts', new Date('2024-02-29T23:59:59.999Z'))
    .put(
      'du',
      new Struct(DUR).put('months', 14).put('days', 3).put('nanoseconds', 3_600_000_000_001n),
    )
    .put('l', [3, 1, 2])
    .put('s', ['b', 'a'])
    .put(
      'm',
      new Map([
        ['x', 1],
        ['y', -1],
      ]),
    )
    .put('fl', [new Map([[1, 'one']]), new Map([[2, 'two']])])
    .put(
      'tup',
      new Struct(TUPLE)
        .put('field1', 7)
        .put('field2', null)
        .put('field3', day(2020, 2, 29)),
    )
    .put('ad', new Struct(ADDR).put('street', 'Main').put('zip', 12345).put('tags', ['home']))
    .put('fad', new Struct(ADDR).put('street', null).put('zip', 0).put('tags', null))
    .put('v', [0.5, -2, 3.25])
    .put('mm', new Map([[1, [5n, 9223372036854775807n]]]));
}

/** A comparable plain form of a Connect value (schemas aside). */
function plain(value: unknown): unknown {
  if (value instanceof Struct)
    return Object.fromEntries(value.schema.fields.map((f) => [f.name, plain(value.get(f.name))]));
  if (value instanceof Map) return [...value].map(([k, v]) => [plain(k), plain(v)]);
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Decimal) return `decimal ${value.unscaled} e-${value.scale}`;
  if (value instanceof Date) return `date ${value.toISOString()}`;
  if (value instanceof Uint8Array) return `bytes ${Buffer.from(value).toString('hex')}`;
  if (typeof value === 'bigint') return `${value}n`;
  return value;
}

async function readAll(table: string, extra: Record<string, string> = {}): Promise<SourceRecord[]> {
  const offsets = new MemoryOffsets();
  const task = await startSource(
    new CassandraSourceTask(),
    {
      ...connectionProps(),
      'connect.cassandra.key.space': ks,
      'connect.cassandra.kcql': `INSERT INTO out SELECT * FROM ${table}`,
      // One pass is enough: the next would start only after ten minutes.
      'connect.cassandra.import.poll.interval': '600000',
      ...extra,
    },
    offsets,
  );
  stops.push(() => task.stop());
  const records = await drain(task, offsets);
  await task.stop();
  return records;
}

describe('CQL types', () => {
  it('writes every CQL type from Connect values and reads the very same values back', async () => {
    const { task } = await startSink(new CassandraSinkTask(), {
      ...connectionProps(),
      topics: 'types',
      [`topic.types.${ks}.alltypes.mapping`]: VALUE.fields
        .map((f) => `${f.name}=value.${f.name}`)
        .join(', '),
      // Row 2 has only its key: written as a row, not taken for a delete.
      [`topic.types.${ks}.alltypes.deletesEnabled`]: 'false',
    });
    stops.push(() => task.stop());
    const written = [fullRow(1), new Struct(VALUE).put('id', 2)];
    await deliver(
      task,
      written.map(
        (value, i) =>
          new SinkRecord({
            topic: 'types',
            kafkaPartition: 0,
            kafkaOffset: i,
            keySchema: null,
            key: null,
            valueSchema: VALUE,
            value,
          }),
      ),
    );

    // What Cassandra holds, read with the driver.
    const raw = (
      await client.execute(
        `SELECT vi, de, tm, dt, du, tu, writetime(t) AS wt FROM ${ks}.alltypes WHERE id = 1`,
      )
    ).first();
    expect(raw.get('vi')).toBe(-123456789012345678901234567890123n);
    expect(String(raw.get('de'))).toBe('-12.3400');
    expect(String(raw.get('tm'))).toBe('12:34:56.123456789');
    expect(String(raw.get('dt'))).toBe('-4712-01-01');
    expect(String(raw.get('du'))).toBe('1y2mo3d1h1ns');
    expect(String(raw.get('tu'))).toBe('50554d6e-29bb-11e5-b345-feff819cdc9f');

    const read = await readAll('alltypes');
    const byId = new Map(read.map((r) => [(r.value as Struct).get('id'), r]));
    expect(byId.size).toBe(2);
    // Sets come back sorted, as Cassandra keeps them.
    const expected = plain(written[0]) as Record<string, unknown>;
    expected.s = ['a', 'b'];
    expect(plain(byId.get(1)?.value)).toEqual(expected);
    // Empty (never set) columns read as null, non-frozen empty collections too.
    expect(plain(byId.get(2)?.value)).toEqual(
      Object.fromEntries(VALUE.fields.map((f) => [f.name, f.name === 'id' ? 2 : null])),
    );
    // The key is the primary key.
    expect(plain(byId.get(1)?.key)).toEqual({ id: 1 });
    // The source's schema: exact types, non-key columns optional.
    const schema = byId.get(1)?.valueSchema;
    expect(schema?.field('vi')?.schema.name).toBe('org.apache.kafka.connect.data.Decimal');
    expect(schema?.field('de')?.schema.name).toBe(VARIABLE_SCALE_DECIMAL);
    expect(schema?.field('tm')?.schema.name).toBe(NANO_TIME);
    expect(schema?.field('dt')?.schema.name).toBe('org.apache.kafka.connect.data.Date');
    expect(schema?.field('ts')?.schema.name).toBe('org.apache.kafka.connect.data.Timestamp');
    expect(schema?.field('ad')?.schema.name).toBe(`${ks}.addr`);
    expect(schema?.field('id')?.schema.optional).toBe(false);
    expect(schema?.field('t')?.schema.optional).toBe(true);
    expect(schema?.field('fl')?.schema.valueSchema?.type).toBe('MAP');
  });

  it('reads extreme values exactly and refuses a date a Connect Date cannot hold, naming it', async () => {
    await client.execute(
      `CREATE TABLE ${ks}.edges (id int PRIMARY KEY, f float, d double, t text, dt date)`,
    );
    await client.execute(`INSERT INTO ${ks}.edges (id, f, d, t) VALUES (1, NaN, -Infinity, '')`);
    await client.execute(`INSERT INTO ${ks}.edges (id, f, d) VALUES (2, 3.4028235E38, 4.9E-324)`);
    const read = await readAll('edges');
    const values = new Map(read.map((r) => [(r.value as Struct).get('id'), r.value as Struct]));
    expect(values.get(1)?.get('f')).toBeNaN();
    expect(values.get(1)?.get('d')).toBe(Number.NEGATIVE_INFINITY);
    expect(values.get(1)?.get('t')).toBe('');
    expect(values.get(2)?.get('f')).toBe(Math.fround(3.4028235e38));
    expect(values.get(2)?.get('d')).toBe(5e-324);
    await client.execute(`INSERT INTO ${ks}.edges (id, dt) VALUES (3, '-5877641-06-23')`);
    await expect(readAll('edges')).rejects.toThrow(
      /Column dt of t_types_\w+\.edges \(row id=3\) cannot be read: The date -2147483648 is outside what a Connect Date/,
    );
  });
});
