import {
  ConfigException,
  ConnectHeaders,
  Decimal,
  Schema,
  SchemaBuilder,
  SinkRecord,
  Struct,
} from '@sluice/api';
import type cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CassandraSinkTask } from '../src/index.js';
import { cassandraClient, connectionProps, deliver, freshKeyspace, startSink } from './harness.js';

let client: cassandra.Client;
let ks: string;
const tasks: CassandraSinkTask[] = [];
let offset = 0;

beforeAll(async () => {
  client = await cassandraClient();
  ks = await freshKeyspace(client, 'sink');
});

afterAll(async () => {
  for (const task of tasks) await task.stop();
  await client?.execute(`DROP KEYSPACE IF EXISTS ${ks}`);
  await client?.shutdown();
});

async function sink(
  topic: string,
  settings: Record<string, string>,
  options: { dlq?: boolean } = {},
) {
  const props = { ...connectionProps(), topics: topic, ...settings };
  const started = await startSink(new CassandraSinkTask(), props, options);
  tasks.push(started.task);
  return started;
}

const PERSON = SchemaBuilder.struct()
  .name('Person')
  .field('region', Schema.STRING_SCHEMA)
  .field('name', Schema.OPTIONAL_STRING_SCHEMA)
  .field(
    'address',
    SchemaBuilder.struct()
      .field('city', Schema.STRING_SCHEMA)
      .field('zip', Schema.OPTIONAL_STRING_SCHEMA)
      .optional()
      .build(),
  )
  .field('ttl', Schema.OPTIONAL_INT64_SCHEMA)
  .field('written', Schema.OPTIONAL_INT64_SCHEMA)
  .build();

function person(
  topic: string,
  id: number,
  fields: {
    region?: string;
    name?: string | null;
    city?: string | null;
    ttl?: bigint;
    written?: bigint;
    trace?: string;
    timestamp?: number;
  },
): SinkRecord {
  const value = new Struct(PERSON)
    .put('region', fields.region ?? 'eu')
    .put('name', fields.name === undefined ? `person ${id}` : fields.name)
    .put(
      'address',
      fields.city === null
        ? null
        : new Struct(PERSON.field('address')?.schema as Schema).put('city', fields.city ?? 'Paris'),
    )
    .put('ttl', fields.ttl ?? null)
    .put('written', fields.written ?? null);
  return new SinkRecord({
    topic,
    kafkaPartition: 0,
    kafkaOffset: offset++,
    keySchema: Schema.INT32_SCHEMA,
    key: id,
    valueSchema: PERSON,
    value,
    timestamp: fields.timestamp ?? 1_700_000_000_000 + id,
    headers: new ConnectHeaders().addString('trace', fields.trace ?? `tr-${id}`),
  });
}

function tombstone(topic: string, id: number): SinkRecord {
  return new SinkRecord({
    topic,
    kafkaPartition: 0,
    kafkaOffset: offset++,
    keySchema: Schema.INT32_SCHEMA,
    key: id,
    valueSchema: null,
    value: null,
    timestamp: Date.now(),
  });
}

/** The one row a query returns. */
async function single(query: string): Promise<Record<string, unknown>> {
  const [row, ...more] = await rows(query);
  if (row === undefined || more.length > 0) throw new Error(`expected one row from ${query}`);
  return row;
}

async function rows(query: string): Promise<Record<string, unknown>[]> {
  return (await client.execute(query)).rows.map((r) =>
    Object.fromEntries(r.keys().map((k) => [k, r.get(k)])),
  );
}

describe('CassandraSinkTask', () => {
  it('writes every mapping form: key, nested value fields, headers, now(), __ttl and __timestamp', async () => {
    await client.execute(
      `CREATE TABLE ${ks}.people (region text, id int, name text, city text, trace text, made timeuuid, PRIMARY KEY ((region), id))`,
    );
    const topic = 'people';
    const { task } = await sink(topic, {
      [`topic.${topic}.${ks}.people.mapping`]:
        'id=key, region=value.region, name=value.name, city=value.address.city, trace=header.trace, made=now(), __ttl=value.ttl, __timestamp=value.written',
    });
    await deliver(task, [
      person(topic, 1, { ttl: 3600n, written: 1_600_000_000_000_123n }),
      person(topic, 2, { region: 'us', city: 'Boston', trace: 'abc' }),
    ]);
    const got = await rows(
      `SELECT region, id, name, city, trace, made, ttl(name) AS ttl, writetime(name) AS wt FROM ${ks}.people`,
    );
    const one = got.find((r) => r.id === 1);
    const two = got.find((r) => r.id === 2);
    expect(one).toMatchObject({
      region: 'eu',
      name: 'person 1',
      city: 'Paris',
      trace: 'tr-1',
      wt: 1_600_000_000_000_123n,
    });
    expect(one?.ttl).toBeGreaterThan(3500);
    expect(one?.ttl).toBeLessThanOrEqual(3600);
    // Without __timestamp the row is written at the record timestamp (ms → µs); no TTL.
    expect(two).toMatchObject({
      region: 'us',
      name: 'person 2',
      city: 'Boston',
      trace: 'abc',
      ttl: null,
      wt: 1_700_000_000_002_000n,
    });
    expect(String(one?.made)).toMatch(/^[0-9a-f-]{36}$/);
    expect(
      (one?.made as cassandra.types.TimeUuid | undefined)?.getDate().getTime(),
    ).toBeGreaterThan(Date.now() - 600_000);
  });

  it('applies the table ttl in ttlTimeUnit, and timestamps in timestampTimeUnit', async () => {
    await client.execute(`CREATE TABLE ${ks}.ttls (id int PRIMARY KEY, name text)`);
    const topic = 'ttls';
    const { task } = await sink(topic, {
      [`topic.${topic}.${ks}.ttls.mapping`]: 'id=key, name=value.name, __timestamp=value.written',
      [`topic.${topic}.${ks}.ttls.ttl`]: '2',
      [`topic.${topic}.${ks}.ttls.ttlTimeUnit`]: 'HOURS',
      [`topic.${topic}.${ks}.ttls.timestampTimeUnit`]: 'MILLISECONDS',
    });
    await deliver(task, [person(topic, 1, { written: 1_650_000_000_000n })]);
    const row = await single(
      `SELECT ttl(name) AS ttl, writetime(name) AS wt FROM ${ks}.ttls WHERE id = 1`,
    );
    expect(row.ttl).toBeGreaterThan(7000);
    expect(row.ttl).toBeLessThanOrEqual(7200);
    expect(row.wt).toBe(1_650_000_000_000_000n);
  });

  it('leaves columns of null fields as they are (nullToUnset), or writes null when asked', async () => {
    await client.execute(
      `CREATE TABLE ${ks}.unset (id int PRIMARY KEY, name text, city text, note text)`,
    );
    await client.execute(`INSERT INTO ${ks}.unset (id, name, city) VALUES (1, 'old', 'Lyon')`);
    await client.execute(`INSERT INTO ${ks}.unset (id, name, city) VALUES (2, 'old', 'Lyon')`);
    const a = await sink('unset-a', {
      [`topic.unset-a.${ks}.unset.mapping`]: 'id=key, name=value.name, city=value.address.city',
    });
    await deliver(a.task, [
      person('unset-a', 1, { name: 'new', city: null, timestamp: Date.now() }),
    ]);
    const b = await sink('unset-b', {
      [`topic.unset-b.${ks}.unset.mapping`]: 'id=key, name=value.name, city=value.address.city',
      [`topic.unset-b.${ks}.unset.nullToUnset`]: 'false',
    });
    await deliver(b.task, [
      person('unset-b', 2, { name: 'new', city: null, timestamp: Date.now() }),
    ]);
    expect(await rows(`SELECT id, name, city FROM ${ks}.unset WHERE id IN (1, 2)`)).toEqual([
      { id: 1, name: 'new', city: 'Lyon' },
      { id: 2, name: 'new', city: null },
    ]);
  });

  it('deletes rows for tombstones and for records whose non-key columns are all null, when every column is mapped', async () => {
    await client.execute(`CREATE TABLE ${ks}.deletes (id int PRIMARY KEY, name text, city text)`);
    await client.execute(`CREATE TABLE ${ks}.nodeletes (id int PRIMARY KEY, name text, city text)`);
    const mapping = 'id=key, name=value.name, city=value.address.city';
    const d = await sink('deletes', { [`topic.deletes.${ks}.deletes.mapping`]: mapping });
    const n = await sink('nodeletes', {
      [`topic.nodeletes.${ks}.nodeletes.mapping`]: mapping,
      [`topic.nodeletes.${ks}.nodeletes.deletesEnabled`]: 'false',
    });
    const now = Date.now();
    for (const [task, topic] of [
      [d.task, 'deletes'],
      [n.task, 'nodeletes'],
    ] as const) {
      await deliver(
        task,
        [1, 2, 3].map((id) => person(topic, id, { timestamp: now })),
      );
      await deliver(task, [
        tombstone(topic, 1),
        person(topic, 2, { name: null, city: null, timestamp: now + 1 }),
      ]);
    }
    expect(await rows(`SELECT id FROM ${ks}.deletes`)).toEqual([{ id: 3 }]);
    // Without deletes, the tombstone writes nothing but the key, and the all-null record unsets.
    expect(
      (await rows(`SELECT id, name FROM ${ks}.nodeletes`)).sort(
        (x, y) => Number(x.id) - Number(y.id),
      ),
    ).toEqual([
      { id: 1, name: 'person 1' },
      { id: 2, name: 'person 2' },
      { id: 3, name: 'person 3' },
    ]);
  });

  it('runs a custom query with named markers', async () => {
    await client.execute(`CREATE TABLE ${ks}.custom_names (id int PRIMARY KEY, name text)`);
    const { task } = await sink('custom', {
      [`topic.custom.${ks}.custom_names.mapping`]: 'id=key, name=value.name, __ttl=value.ttl',
      [`topic.custom.${ks}.custom_names.deletesEnabled`]: 'false',
      [`topic.custom.${ks}.custom_names.query`]: `UPDATE ${ks}.custom_names USING TTL :kafka_internal_ttl SET name = :name WHERE id = :id`,
    });
    await deliver(task, [person('custom', 7, { name: 'seven', ttl: 100n })]);
    const row = await single(`SELECT name, ttl(name) AS ttl FROM ${ks}.custom_names WHERE id = 7`);
    expect(row.name).toBe('seven');
    expect(row.ttl).toBeGreaterThan(50);
  });

  it('adds to counter columns with UPDATE', async () => {
    await client.execute(`CREATE TABLE ${ks}.hits (page text PRIMARY KEY, views counter)`);
    const { task } = await sink('hits', {
      [`topic.hits.${ks}.hits.mapping`]: 'page=value.page, views=value.n',
    });
    const records = [3, 4, 5].map(
      (n) =>
        new SinkRecord({
          topic: 'hits',
          kafkaPartition: 0,
          kafkaOffset: offset++,
          keySchema: null,
          key: null,
          valueSchema: null,
          value: { page: '/home', n },
        }),
    );
    await deliver(task, records);
    expect(await rows(`SELECT views FROM ${ks}.hits WHERE page = '/home'`)).toEqual([
      { views: 12n },
    ]);
  });

  it('reads JSON text values and converts text with the topic codec settings (locale, patterns, time zone)', async () => {
    await client.execute(
      `CREATE TABLE ${ks}.codecs (id int PRIMARY KEY, amount decimal, big bigint, at timestamp, day date, tm time, flag boolean, blob blob)`,
    );
    const topic = 'codecs';
    const { task } = await sink(topic, {
      [`topic.${topic}.${ks}.codecs.mapping`]:
        'id=value.id, amount=value.amount, big=value.big, at=value.at, day=value.day, tm=value.tm, flag=value.flag, blob=value.blob',
      [`topic.${topic}.codec.locale`]: 'de_DE',
      [`topic.${topic}.codec.timeZone`]: 'Europe/Paris',
      [`topic.${topic}.codec.timestamp`]: 'dd.MM.yyyy HH:mm:ss',
      [`topic.${topic}.codec.date`]: 'dd.MM.yyyy',
      [`topic.${topic}.codec.time`]: 'HH:mm',
    });
    const json =
      '{"id": 1, "amount": "1.234.567,890", "big": 9007199254740993, "at": "15.07.2024 14:30:00", "day": "29.02.2024", "tm": "07:45", "flag": "TRUE", "blob": "0xcafe"}';
    await deliver(task, [
      new SinkRecord({
        topic,
        kafkaPartition: 0,
        kafkaOffset: offset++,
        keySchema: null,
        key: null,
        valueSchema: Schema.STRING_SCHEMA,
        value: json,
      }),
    ]);
    const row = await single(
      `SELECT amount, big, at, day, tm, flag, blob FROM ${ks}.codecs WHERE id = 1`,
    );
    expect(String(row.amount)).toBe('1234567.890');
    expect(row.big).toBe(9007199254740993n);
    // 14:30 in Paris in summer is 12:30 UTC.
    expect((row.at as Date).toISOString()).toBe('2024-07-15T12:30:00.000Z');
    expect(String(row.day)).toBe('2024-02-29');
    expect(String(row.tm)).toBe('07:45:00');
    expect(row.flag).toBe(true);
    expect((row.blob as Buffer).toString('hex')).toBe('cafe');
  });

  it('groups records of one partition into unlogged batches and keeps their order', async () => {
    await client.execute(
      `CREATE TABLE ${ks}.events (region text, id int, name text, PRIMARY KEY ((region), id))`,
    );
    const topic = 'events';
    const { task } = await sink(topic, {
      [`topic.${topic}.${ks}.events.mapping`]: 'region=value.region, id=key, name=value.name',
      maxNumberOfRecordsInBatch: '4',
    });
    const base = Date.now();
    // 30 records over 3 partitions; id 0 of region eu is written five times, the last wins.
    const records = Array.from({ length: 30 }, (_, i) =>
      person(topic, i % 10 < 5 ? 0 : i, {
        region: ['eu', 'us', 'ap'][i % 3] as string,
        name: `v${i}`,
        timestamp: base + i,
      }),
    );
    await deliver(task, records);
    const got = await rows(`SELECT region, id, name FROM ${ks}.events`);
    const expected = new Map<string, string>();
    for (const r of records)
      expected.set(
        `${(r.value as Struct).get('region')}/${r.key}`,
        (r.value as Struct).get('name') as string,
      );
    expect(new Map(got.map((r) => [`${r.region}/${r.id}`, r.name]))).toEqual(expected);
  });

  it("sends the records Cassandra refuses to the error reporter with the server's message and writes the rest of their batch", async () => {
    await client.execute(
      `CREATE TABLE ${ks}.refused (region text, id int, name text, PRIMARY KEY ((region), id))`,
    );
    const topic = 'refused';
    const { task, reported } = await sink(
      topic,
      {
        [`topic.${topic}.${ks}.refused.mapping`]:
          'region=value.region, id=key, name=value.name, __ttl=value.ttl',
      },
      { dlq: true },
    );
    const records = [1, 2, 3, 4].map((id) =>
      person(topic, id, { ttl: id === 3 ? 999_999_999n : 60n }),
    );
    // One that does not fit the mapping: its key is not an int.
    const bad = new SinkRecord({
      topic,
      kafkaPartition: 0,
      kafkaOffset: offset++,
      keySchema: Schema.STRING_SCHEMA,
      key: 'x',
      valueSchema: PERSON,
      value: (records[0] as SinkRecord).value,
    });
    // And one whose struct has no field the mapping names.
    const partial = SchemaBuilder.struct()
      .field('region', Schema.STRING_SCHEMA)
      .field('ttl', Schema.OPTIONAL_INT64_SCHEMA)
      .build();
    const missing = new SinkRecord({
      topic,
      kafkaPartition: 0,
      kafkaOffset: offset++,
      keySchema: Schema.INT32_SCHEMA,
      key: 5,
      valueSchema: partial,
      value: new Struct(partial).put('region', 'eu'),
    });
    await deliver(task, [...records, bad, missing]);
    expect((await rows(`SELECT id FROM ${ks}.refused`)).map((r) => r.id)).toEqual([1, 2, 4]);
    expect(reported.map((r) => r.record.kafkaOffset)).toEqual([
      bad.kafkaOffset,
      missing.kafkaOffset,
      records[2]?.kafkaOffset,
    ]);
    expect(reported[0]?.error.message).toMatch(
      /Cannot write key to column "id": 'x' cannot be written to a int/,
    );
    expect(reported[1]?.error.message).toMatch(
      /Required field 'value\.name' \(mapped to column "?name"?\) was missing from the record/,
    );
    expect(reported[2]?.error.message).toMatch(
      /Cassandra refused the write of record refused-0@\d+ to t_sink_\w+\.refused: ttl is too large\. requested \(999999999\) maximum \(630720000\) \(server error invalid\)/,
    );
  });

  it('fails the task with the refusal when no error reporter is configured, and skips it with ignoreErrors', async () => {
    await client.execute(`CREATE TABLE ${ks}.strict (id int PRIMARY KEY, name text)`);
    const strict = await sink('strict', {
      [`topic.strict.${ks}.strict.mapping`]: 'id=key, name=value.name, __ttl=value.ttl',
    });
    await expect(
      deliver(strict.task, [person('strict', 1, { ttl: 999_999_999n })]),
    ).rejects.toThrow(/ttl is too large/);
    const lenient = await sink('strict', {
      [`topic.strict.${ks}.strict.mapping`]: 'id=key, name=value.name, __ttl=value.ttl',
      ignoreErrors: 'Driver',
    });
    await deliver(lenient.task, [
      person('strict', 1, { ttl: 999_999_999n }),
      person('strict', 2, {}),
    ]);
    expect(await rows(`SELECT id FROM ${ks}.strict`)).toEqual([{ id: 2 }]);
    expect(lenient.log.messages('warn').join('\n')).toMatch(
      /Skipping record strict-0@\d+ \(ignoreErrors=Driver\).*ttl is too large/,
    );
  });

  it('refuses to start when the mapping does not fit the table', async () => {
    await client.execute(
      `CREATE TABLE ${ks}.shape (region text, id int, name text, PRIMARY KEY ((region), id))`,
    );
    const start = (mapping: string) =>
      startSink(new CassandraSinkTask(), {
        ...connectionProps(),
        topics: 't',
        [`topic.t.${ks}.shape.mapping`]: mapping,
      });
    await expect(start('id=key, region=value.region, nope=value.name')).rejects.toThrow(
      /The following columns do not exist in table shape: "nope"/,
    );
    await expect(start('id=key, name=value.name')).rejects.toThrow(
      /The following columns are part of the primary key but are not mapped: region/,
    );
    await expect(start('id=key, name=value.name')).rejects.toBeInstanceOf(ConfigException);
    await expect(
      startSink(new CassandraSinkTask(), {
        ...connectionProps(),
        topics: 't',
        [`topic.t.${ks}.missing.mapping`]: 'id=key',
      }),
    ).rejects.toThrow(/Table t_sink_\w+\.missing does not exist/);
  });

  it('writes schemaless values (maps) and Connect decimals', async () => {
    await client.execute(
      `CREATE TABLE ${ks}.loose (id bigint PRIMARY KEY, price decimal, tags set<text>)`,
    );
    const { task } = await sink('loose', {
      [`topic.loose.${ks}.loose.mapping`]: 'id=value.id, price=value.price, tags=value.tags',
    });
    await deliver(task, [
      new SinkRecord({
        topic: 'loose',
        kafkaPartition: 0,
        kafkaOffset: offset++,
        keySchema: null,
        key: null,
        valueSchema: null,
        value: new Map<string, unknown>([
          ['id', 9007199254740993n],
          ['price', Decimal.fromString('-0.0100')],
          ['tags', ['b', 'a']],
        ]),
      }),
    ]);
    const row = await single(`SELECT id, price, tags FROM ${ks}.loose`);
    expect(row.id).toBe(9007199254740993n);
    expect(String(row.price)).toBe('-0.0100');
    expect([...(row.tags as Set<string>)]).toEqual(['a', 'b']);
  });
});
