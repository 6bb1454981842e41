import {
  ConnectDate,
  ConnectTime,
  ConnectTimestamp,
  Decimal,
  SinkRecord,
  type SourceRecord,
  type Struct,
} from '@sluice/api';
import { postgresUrl } from '@sluice/test-fixtures';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresSinkTask, PostgresSourceTask } from '../src/index.js';
import {
  connect,
  deliver,
  drain,
  freshSchema,
  MemoryOffsets,
  startSink,
  startSource,
} from './harness.js';

let admin: pg.Client;
let schema: string;

beforeAll(async () => {
  admin = await connect();
  schema = await freshSchema(admin, 'types');
  await admin.query(`CREATE TYPE "${schema}".mood AS ENUM ('sad', 'ok', 'happy')`);
  await admin.query(`CREATE TABLE "${schema}".all_types (
    id int PRIMARY KEY,
    b bool, i2 int2, i4 int4, i8 int8, f4 float4, f8 float8,
    n numeric(40,20), n0 numeric(30,0),
    t text, vc varchar(10), c char(3),
    u uuid, j json, jb jsonb, by bytea,
    d date, tm time, ts timestamp, tstz timestamptz,
    m "${schema}".mood,
    ai int4[], at text[], an numeric(10,2)[], au uuid[], ab bytea[]
  )`);
  await admin.query(`INSERT INTO "${schema}".all_types VALUES
    (1, true, 32767, 2147483647, 9223372036854775807, 0.1, 0.1,
     '12345678901234567890.12345678901234567890', '123456789012345678901234567890',
     'text ✓ "quoted"', 'varchar', 'ab',
     'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": [1, 2.50]}', '{"b": {"c": null}}', '\\x00ff10',
     '2024-02-29', '23:59:59.999', '1999-12-31 23:59:59.999', '2024-02-29 12:34:56.789+00',
     'happy',
     '{1,NULL,3}', '{"a,b","c\\"d",NULL,""}', '{1.50,-2.25}', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', '{"\\\\x0102",NULL}'),
    (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (3, false, -32768, -2147483648, -9223372036854775808, -3.5, -1e308,
     '-0.00000000000000000001', '-999999999999999999999999999999',
     '', '', '   ',
     '00000000-0000-0000-0000-000000000000', '[]', '[]', '\\x',
     '1969-12-31', '00:00:00', '1900-01-01 00:00:00', '1969-12-31 23:59:59.999+00',
     'sad',
     '{}', '{}', '{}', '{}', '{}')`);
  await admin.query(
    `CREATE TABLE "${schema}".all_types_copy (LIKE "${schema}".all_types INCLUDING ALL)`,
  );
});

afterAll(async () => {
  await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
  await admin.end();
});

function byId(records: readonly SourceRecord[], id: number): Struct {
  const record = records.find((r) => (r.value as Struct).get('id') === id);
  if (record === undefined) throw new Error(`no record ${id}`);
  return record.value as Struct;
}

describe('type mapping', () => {
  it('maps every supported column type exactly, and round-trips it through the sink', async () => {
    const offsets = new MemoryOffsets();
    const source = await startSource(
      new PostgresSourceTask(),
      {
        'connection.url': postgresUrl(),
        mode: 'bulk',
        tables: `${schema}.all_types`,
        'topic.prefix': '',
        'poll.interval.ms': '600000',
      },
      offsets,
    );
    let records: SourceRecord[];
    try {
      records = await drain(source, offsets, 1);
    } finally {
      await source.stop();
    }
    expect(records).toHaveLength(3);
    const schemaOf = (name: string) => records[0]?.valueSchema?.field(name)?.schema;
    expect(schemaOf('id')?.optional).toBe(false);
    expect(schemaOf('i8')?.type).toBe('INT64');
    expect(schemaOf('n')?.name).toBe(Decimal.LOGICAL_NAME);
    expect(schemaOf('n')?.parameters).toEqual({ scale: '20' });
    expect(schemaOf('d')?.name).toBe(ConnectDate.LOGICAL_NAME);
    expect(schemaOf('tm')?.name).toBe(ConnectTime.LOGICAL_NAME);
    expect(schemaOf('ts')?.name).toBe(ConnectTimestamp.LOGICAL_NAME);
    expect(schemaOf('tstz')?.name).toBe(ConnectTimestamp.LOGICAL_NAME);
    expect(schemaOf('f4')?.type).toBe('FLOAT32');
    expect(schemaOf('by')?.type).toBe('BYTES');
    expect(schemaOf('u')?.type).toBe('STRING');
    expect(schemaOf('m')?.type).toBe('STRING');
    expect(schemaOf('ai')?.type).toBe('ARRAY');
    expect(schemaOf('ai')?.valueSchema?.type).toBe('INT32');
    expect(schemaOf('an')?.valueSchema?.name).toBe(Decimal.LOGICAL_NAME);

    const one = byId(records, 1);
    expect(one.get('i8')).toBe(9223372036854775807n);
    expect(one.get('i4')).toBe(2147483647);
    expect(one.get('b')).toBe(true);
    expect(one.get('f8')).toBe(0.1);
    expect(one.get('f4')).toBe(Math.fround(0.1));
    expect((one.get('n') as Decimal).toString()).toBe('12345678901234567890.12345678901234567890');
    expect((one.get('n0') as Decimal).unscaled).toBe(123456789012345678901234567890n);
    expect(one.get('t')).toBe('text ✓ "quoted"');
    expect(one.get('c')).toBe('ab ');
    expect(one.get('u')).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
    expect(one.get('j')).toBe('{"a": [1, 2.50]}');
    expect(one.get('jb')).toBe('{"b": {"c": null}}');
    expect(one.get('by')).toEqual(new Uint8Array([0, 255, 16]));
    expect(one.get('d')).toEqual(new Date('2024-02-29T00:00:00Z'));
    expect(one.get('tm')).toEqual(new Date(86_399_999));
    expect(one.get('ts')).toEqual(new Date('1999-12-31T23:59:59.999Z'));
    expect(one.get('tstz')).toEqual(new Date('2024-02-29T12:34:56.789Z'));
    expect(one.get('m')).toBe('happy');
    expect(one.get('ai')).toEqual([1, null, 3]);
    expect(one.get('at')).toEqual(['a,b', 'c"d', null, '']);
    expect((one.get('an') as Decimal[]).map(String)).toEqual(['1.50', '-2.25']);
    expect(one.get('ab')).toEqual([new Uint8Array([1, 2]), null]);

    const two = byId(records, 2);
    for (const f of two.schema.fields) if (f.name !== 'id') expect(two.get(f.name)).toBeNull();

    const three = byId(records, 3);
    expect(three.get('i8')).toBe(-9223372036854775808n);
    expect((three.get('n') as Decimal).toString()).toBe('-0.00000000000000000001');
    expect(three.get('f8')).toBe(-1e308);
    expect(three.get('d')).toEqual(new Date('1969-12-31T00:00:00Z'));
    expect(three.get('tstz')).toEqual(new Date('1969-12-31T23:59:59.999Z'));
    expect(three.get('ts')).toEqual(new Date('1900-01-01T00:00:00Z'));

    // Source records → sink, as they would come out of Kafka with a schema-keeping converter.
    const sinkRecords = records.map(
      (r, i) =>
        new SinkRecord({
          topic: r.topic,
          kafkaPartition: 0,
          kafkaOffset: i,
          valueSchema: r.valueSchema,
          value: r.value,
        }),
    );
    const text = async (table: string) =>
      (await admin.query(`SELECT x::text AS row FROM "${schema}".${table} x ORDER BY id`)).rows;
    const sinkInto = async (
      table: string,
      props: Record<string, string>,
      batches: SinkRecord[][],
      dlq = false,
    ) => {
      const { task, reported } = await startSink(
        new PostgresSinkTask(),
        {
          'connection.url': postgresUrl(),
          'table.name.format': `${schema}.${table}`,
          'pk.mode': 'record_value',
          'pk.fields': 'id',
          ...props,
        },
        // Without an error reporter a batch COPY refused fails here (it is not written again
        // record by record with statements).
        { dlq },
      );
      try {
        for (const batch of batches) await deliver(task, batch);
      } finally {
        await task.stop();
      }
      return reported;
    };

    // Upsert: COPY into a staging table, merged with INSERT ... ON CONFLICT; redelivered.
    expect(
      await sinkInto('all_types_copy', { 'insert.mode': 'upsert' }, [sinkRecords, sinkRecords]),
    ).toEqual([]);
    expect(await text('all_types_copy')).toEqual(await text('all_types'));

    // Insert: COPY straight into the table.
    await admin.query(
      `CREATE TABLE "${schema}".all_types_insert (LIKE "${schema}".all_types INCLUDING ALL)`,
    );
    expect(await sinkInto('all_types_insert', { 'insert.mode': 'insert' }, [sinkRecords])).toEqual(
      [],
    );
    expect(await text('all_types_insert')).toEqual(await text('all_types'));

    // A refused record (a duplicate key) sends the batch down the record-by-record path, one
    // statement per record: multi-row VALUES with array columns, unnest without them.
    const duplicate = new SinkRecord({
      topic: 'dup',
      kafkaPartition: 0,
      kafkaOffset: 99,
      valueSchema: sinkRecords[0]?.valueSchema ?? null,
      value: sinkRecords[0]?.value ?? null,
    });
    await admin.query(
      `CREATE TABLE "${schema}".all_types_one_by_one (LIKE "${schema}".all_types INCLUDING ALL)`,
    );
    const refused = await sinkInto('all_types_one_by_one', {}, [[...sinkRecords, duplicate]], true);
    expect(refused.map((r) => r.record)).toEqual([duplicate]);
    expect(await text('all_types_one_by_one')).toEqual(await text('all_types'));

    const scalars = 'id, b, i2, i4, i8, f4, f8, n, n0, t, vc, c, u, j, jb, by, d, tm, ts, tstz, m';
    await admin.query(
      `CREATE TABLE "${schema}".scalars_copy AS SELECT ${scalars} FROM "${schema}".all_types WITH NO DATA`,
    );
    await admin.query(`ALTER TABLE "${schema}".scalars_copy ADD PRIMARY KEY (id)`);
    const refusedScalar = await sinkInto(
      'scalars_copy',
      { 'fields.whitelist': scalars },
      [[...sinkRecords, duplicate]],
      true,
    );
    expect(refusedScalar.map((r) => r.record)).toEqual([duplicate]);
    const projected = async (table: string) =>
      (await admin.query(`SELECT (${scalars})::text AS row FROM "${schema}".${table} ORDER BY id`))
        .rows;
    expect(await projected('scalars_copy')).toEqual(await projected('all_types'));
  });

  it('maps numeric by precision with numeric.mapping=best_fit', async () => {
    await admin.query(
      `CREATE TABLE "${schema}".fit (id int PRIMARY KEY, small numeric(2,0), mid numeric(9,0), big numeric(18,0), money numeric(10,2), wide numeric(30,2))`,
    );
    await admin.query(
      `INSERT INTO "${schema}".fit VALUES (1, 99, 999999999, 999999999999999999, 12345678.91, 1.5)`,
    );
    const offsets = new MemoryOffsets();
    const source = await startSource(
      new PostgresSourceTask(),
      {
        'connection.url': postgresUrl(),
        mode: 'bulk',
        tables: `${schema}.fit`,
        'topic.prefix': '',
        'numeric.mapping': 'best_fit',
      },
      offsets,
    );
    try {
      const [record] = await drain(source, offsets, 1);
      const value = record?.value as Struct;
      expect(value.schema.fields.map((f) => f.schema.type)).toEqual([
        'INT32',
        'INT8',
        'INT32',
        'INT64',
        'FLOAT64',
        'BYTES',
      ]);
      expect([value.get('small'), value.get('mid'), value.get('big'), value.get('money')]).toEqual([
        99,
        999999999,
        999999999999999999n,
        12345678.91,
      ]);
      expect(String(value.get('wide'))).toBe('1.50');
    } finally {
      await source.stop();
    }
  });
});
