import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CdcRun,
  cdcProps,
  dropReplicationObjects,
  fieldSchema,
  type JsonRecord,
} from './cdc-harness.js';
import { connect, freshSchema } from './harness.js';

/** Debezium 3.6.1's key/value schemas and payload of the row below (see its `about`). */
const DEBEZIUM = JSON.parse(
  readFileSync(new URL('./fixtures/debezium-all-types.json', import.meta.url), 'utf8'),
) as {
  keySchema: unknown;
  valueSchema: { fields: { field: string }[] };
  payload: Record<string, unknown>;
};

let admin: pg.Client;
let schema: string;
const running: CdcRun[] = [];

const COLUMNS = `(
  id serial PRIMARY KEY,
  b boolean, i2 smallint, i4 integer, i8 bigint, o oid, f4 real, f8 double precision,
  n_10_2 numeric(10,2), n_plain numeric, n_5_0 numeric(5,0), m money,
  c char(3), vc varchar(20), t text, nm name, bpc bpchar,
  ba bytea, d date, tm time, tm3 time(3), tmtz timetz, ts timestamp, ts3 timestamp(3), tstz timestamptz, iv interval,
  js json, jsb jsonb, x xml, u uuid, pt point, inet_ inet, cidr_ cidr, mac macaddr, mac8 macaddr8,
  r4 int4range, r8 int8range, rn numrange, rts tsrange, rtstz tstzrange, rd daterange,
  e mood, bit1 bit(1), bit8 bit(8), vb varbit(16), tsv tsvector, hs hstore, ct citext, lt ltree,
  a_i4 int4[], a_t text[], a_n numeric(6,2)[], a_d date[], a_ts timestamp[], a_tstz timestamptz[], a_u uuid[], a_e mood[], a_b bool[], a_f8 float8[], a_js jsonb[],
  dom posint, dom_m money2,
  dflt_i int DEFAULT 42, dflt_t text DEFAULT 'hello', dflt_now timestamptz DEFAULT now(), nn text NOT NULL DEFAULT 'x'
)`;

const ROW = `(b,i2,i4,i8,o,f4,f8,n_10_2,n_plain,n_5_0,m,c,vc,t,nm,bpc,ba,d,tm,tm3,tmtz,ts,ts3,tstz,iv,js,jsb,x,u,pt,inet_,cidr_,mac,mac8,r4,r8,rn,rts,rtstz,rd,e,bit1,bit8,vb,tsv,hs,ct,lt,a_i4,a_t,a_n,a_d,a_ts,a_tstz,a_u,a_e,a_b,a_f8,a_js,dom,dom_m)
VALUES (true, -32768, 2147483647, 9223372036854775807, 4294967295, 1.5, 3.141592653589793,
 12345678.91, 1.2300, 99999, 1234.56, 'ab', 'varchar', 'text é', 'nm', 'bp',
 '\\x00ff10', '2024-02-29', '13:45:59.123456', '13:45:59.123456', '13:45:59.5+02', '2024-02-29 13:45:59.123456', '2024-02-29 13:45:59.123456', '2024-02-29 13:45:59.123456+02', '1 year 2 mons 3 days 04:05:06.789',
 '{"a": 1}', '{"b": [1, 2]}', '<a>x</a>', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '(1.5,-2)', '192.168.0.1/24', '10.0.0.0/8', '08:00:2b:01:02:03', '08:00:2b:01:02:03:04:05',
 '[1,10)', '[5,)', '(1.5,2.5]', '[2024-01-01 00:00,2024-01-02 00:00)', '[2024-01-01 00:00+00,2024-01-02 00:00+00)', '[2024-01-01,2024-02-01)',
 'happy', B'1', B'10101010', B'1101', 'a fat cat', 'k1=>v1, k2=>NULL', 'CaSe', 'Top.Science.Astronomy',
 '{1,NULL,3}', '{"a b","c\\"d",NULL}', '{1.50,2.25}', '{2024-01-01,NULL}', '{"2024-01-01 10:00:00.5"}', '{"2024-01-01 10:00:00+03"}', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', '{sad,ok}', '{t,f,NULL}', '{1.5,NaN}', ARRAY['{"x":1}'::jsonb],
 7, 12.5)`;

beforeAll(async () => {
  admin = await connect();
  schema = await freshSchema(admin, 'cdctypes');
  for (const extension of ['hstore', 'citext', 'ltree']) {
    // Extensions are per database and the database is shared: another run may be creating it.
    await admin.query(`CREATE EXTENSION IF NOT EXISTS ${extension}`).catch(async () => {
      await new Promise((r) => setTimeout(r, 500));
      await admin.query(`CREATE EXTENSION IF NOT EXISTS ${extension}`);
    });
  }
  await admin.query(`SET search_path = "${schema}", public`);
  await admin.query(`CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')`);
  await admin.query('CREATE DOMAIN posint AS integer CHECK (VALUE > 0)');
  await admin.query('CREATE DOMAIN money2 AS numeric(10,2)');
});

afterEach(async () => {
  for (const run of running.splice(0)) await run.stop();
});

afterAll(async () => {
  await dropReplicationObjects(admin);
  await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
  await admin.end();
});

/** Debezium's names with this run's topic prefix and schema. */
function renamed(value: unknown, table: string): unknown {
  return JSON.parse(
    JSON.stringify(value).replaceAll('orc1.s1.all_types', `cdc.${schema}.${table}`),
  );
}

function afterSchema(record: JsonRecord): unknown {
  return { ...fieldSchema(record, 'after'), field: undefined };
}

describe('PostgreSQL CDC type mapping', () => {
  it('maps every built-in type (and hstore, citext, ltree, enums, domains, arrays) as Debezium 3.6.1 does, in snapshots and streams alike', async () => {
    await admin.query(`CREATE TABLE all_types ${COLUMNS}`);
    await admin.query(`INSERT INTO all_types ${ROW}`);
    const run = await CdcRun.start(
      cdcProps(schema, { 'table.include.list': `${schema}\\.all_types` }),
    );
    running.push(run);
    const [snapshot] = await run.take(1);
    await admin.query(`INSERT INTO all_types ${ROW}`);
    const [streamed] = await run.take(1);
    for (const record of [snapshot, streamed] as JsonRecord[]) {
      expect(record.key?.schema).toEqual(renamed(DEBEZIUM.keySchema, 'all_types'));
      expect(afterSchema(record)).toEqual(
        renamed({ ...DEBEZIUM.valueSchema, field: undefined }, 'all_types'),
      );
      const { dflt_now, id, ...payload } = (record.value?.payload.after ?? {}) as Record<
        string,
        unknown
      >;
      const { id: _id, ...expected } = DEBEZIUM.payload;
      expect(payload).toEqual(expected);
      expect(dflt_now).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    }
    // 2^63 - 1 survives exactly (the parsed payload above rounds it).
    expect(snapshot?.valueText).toContain('"i8":9223372036854775807,');
    expect(streamed?.valueText).toContain('"i8":9223372036854775807,');
  });

  it('maps NULLs to null, and the schema defaults of nullable columns stay in the schema', async () => {
    await admin.query(`CREATE TABLE nulls ${COLUMNS}`);
    const run = await CdcRun.start(
      cdcProps(schema, { 'table.include.list': `${schema}\\.nulls`, 'snapshot.mode': 'no_data' }),
    );
    running.push(run);
    await run.drain(200);
    await admin.query(`INSERT INTO nulls (nn) VALUES ('only')`);
    const [record] = await run.take(1);
    const after = record?.value?.payload.after as Record<string, unknown>;
    expect(after.nn).toBe('only');
    expect(after.dflt_i).toBe(42);
    expect(after.b).toBeNull();
    expect(after.a_i4).toBeNull();
    expect(Object.values(after).filter((v) => v !== null)).toHaveLength(5);
  });

  it('honours decimal, time precision, binary, interval and hstore modes', async () => {
    await admin.query(
      `CREATE TABLE modes (id int PRIMARY KEY, n numeric(6,2), nv numeric, m money, ba bytea, d date, tm time, ts timestamp, iv interval, hs hstore)`,
    );
    await admin.query(
      `INSERT INTO modes VALUES (1, 1234.5, 'NaN', -5.5, '\\xfbff', '2024-02-29', '13:45:59.123456', '2024-02-29 13:45:59.123456', '1 year 2 mons 3 days 04:05:06.78', 'a=>1')`,
    );
    const run = await CdcRun.start(
      cdcProps(schema, {
        'table.include.list': `${schema}\\.modes`,
        'decimal.handling.mode': 'string',
        'time.precision.mode': 'connect',
        'binary.handling.mode': 'base64-url-safe',
        'interval.handling.mode': 'string',
        'hstore.handling.mode': 'map',
      }),
    );
    running.push(run);
    const [record] = await run.take(1);
    expect(record?.value?.payload.after).toEqual({
      id: 1,
      n: '1234.50',
      nv: 'NAN',
      m: '-5.50',
      ba: '-_8=',
      d: 19782,
      tm: 49559123,
      ts: 1709214359123,
      iv: 'P1Y2M3DT4H5M6.78S',
      hs: { a: '1' },
    });
    const after = fieldSchema(record, 'after').fields ?? [];
    expect(after.find((f) => f.field === 'd')?.name).toBe('org.apache.kafka.connect.data.Date');
    expect(after.find((f) => f.field === 'tm')?.name).toBe('org.apache.kafka.connect.data.Time');
    expect(after.find((f) => f.field === 'ts')?.name).toBe(
      'org.apache.kafka.connect.data.Timestamp',
    );
    expect(after.find((f) => f.field === 'iv')?.name).toBe('io.debezium.time.Interval');
  });

  it('fails naming the column for a value Debezium cannot represent: NaN in a numeric(p,s) with precise decimals', async () => {
    await admin.query('CREATE TABLE nan (id int PRIMARY KEY, n numeric(6,2))');
    await admin.query(`INSERT INTO nan VALUES (1, 'NaN')`);
    const run = await CdcRun.start(cdcProps(schema, { 'table.include.list': `${schema}\\.nan` }));
    running.push(run);
    await expect(run.take(1)).rejects.toThrow(
      /Column "n" \(numeric\) of .*\.nan: .*NaN.*decimal.handling.mode/,
    );
  });
});
