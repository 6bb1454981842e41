import type { SourceRecord, Struct } from '@sluice/api';
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CassandraSourceConnector, CassandraSourceTask } from '../src/index.js';
import {
  cassandraClient,
  connectionProps,
  drain,
  freshKeyspace,
  MemoryOffsets,
  pollRecords,
  startSource,
} from './harness.js';

let client: cassandra.Client;
let ks: string;
const tasks: CassandraSourceTask[] = [];

beforeAll(async () => {
  client = await cassandraClient();
  ks = await freshKeyspace(client, 'source');
});

afterAll(async () => {
  for (const task of tasks) await task.stop();
  await client?.execute(`DROP KEYSPACE IF EXISTS ${ks}`);
  await client?.shutdown();
});

async function source(kcql: string, offsets: MemoryOffsets, extra: Record<string, string> = {}) {
  const task = await startSource(
    new CassandraSourceTask(),
    {
      ...connectionProps(),
      'connect.cassandra.key.space': ks,
      'connect.cassandra.kcql': kcql,
      'connect.cassandra.slice.delay.ms': '0',
      'connect.cassandra.import.poll.interval': '100',
      ...extra,
    },
    offsets,
  );
  tasks.push(task);
  return task;
}

const ids = (records: readonly SourceRecord[]) => records.map((r) => (r.value as Struct).get('id'));

async function insertEvents(table: string, from: number, count: number, at: (i: number) => Date) {
  for (let i = from; i < from + count; i++) {
    await client.execute(
      `INSERT INTO ${ks}.${table} (bucket, id, at, body) VALUES (?, ?, ?, ?)`,
      [i % 4, i, at(i), `event ${i}`],
      {
        prepare: true,
      },
    );
  }
}

describe('CassandraSourceTask, incremental', () => {
  it('reads new rows by a timestamp column, each once, with the column as record timestamp', async () => {
    await client.execute(
      `CREATE TABLE ${ks}.events (bucket int, id int, at timestamp, body text, PRIMARY KEY ((bucket), id))`,
    );
    const base = Date.now() - 60_000;
    await insertEvents('events', 0, 20, (i) => new Date(base + i * 10));
    const offsets = new MemoryOffsets();
    const task = await source('INSERT INTO events-topic SELECT * FROM events PK at', offsets, {
      'connect.cassandra.batch.size': '7',
      'connect.cassandra.fetch.size': '5',
    });
    const first = await drain(task, offsets);
    expect(ids(first).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
    expect(first[0]?.topic).toBe('events-topic');
    const byId = new Map(first.map((r) => [(r.value as Struct).get('id'), r]));
    expect(byId.get(3)?.timestamp).toBe(base + 30);
    expect((byId.get(3)?.key as Struct | undefined)?.get('bucket')).toBe(3);
    // Rows written later follow; nothing is read twice.
    await insertEvents('events', 20, 5, () => new Date());
    const second = await pollRecords(task, offsets, 5);
    expect(ids(second).sort()).toEqual([20, 21, 22, 23, 24]);
    expect(await drain(task, offsets)).toEqual([]);
  });

  it('never splits rows sharing a timestamp across a poll boundary, and a restart resumes at the next row', async () => {
    await client.execute(
      `CREATE TABLE ${ks}.same (bucket int, id int, at timestamp, body text, PRIMARY KEY ((bucket), id))`,
    );
    const at = new Date(Date.now() - 10_000);
    // Eleven rows with one timestamp, then four a millisecond later.
    await insertEvents('same', 0, 11, () => at);
    await insertEvents('same', 11, 4, () => new Date(at.getTime() + 1));
    const offsets = new MemoryOffsets();
    const kcql = 'INSERT INTO same SELECT id, at FROM same PK at';
    const settings = { 'connect.cassandra.batch.size': '3', 'connect.cassandra.fetch.size': '4' };
    const first = await source(kcql, offsets, settings);
    // Three polls (9 records) are committed, the fourth is returned but not committed: a crash.
    const committed = await pollRecords(first, offsets, 9);
    const lost = (await first.poll()) ?? [];
    expect(lost.length).toBeGreaterThan(0);
    await first.stop();
    const second = await source(kcql, offsets, settings);
    const rest = await drain(second, offsets);
    const all = [...committed, ...rest];
    expect(ids(all).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 15 }, (_, i) => i),
    );
    // Exactly the uncommitted records came again, nothing else.
    expect(ids(rest).slice(0, lost.length)).toEqual(ids(lost));
    expect(new Set(ids(all)).size).toBe(15);
  });

  it('leaves the last slice.delay.ms unread, so late writes with older timestamps are not skipped', async () => {
    await client.execute(
      `CREATE TABLE ${ks}.late (bucket int, id int, at timestamp, body text, PRIMARY KEY ((bucket), id))`,
    );
    const offsets = new MemoryOffsets();
    const task = await source('INSERT INTO late SELECT * FROM late PK at', offsets, {
      'connect.cassandra.slice.delay.ms': '3000',
    });
    const now = Date.now();
    await insertEvents('late', 0, 1, () => new Date(now));
    expect(await drain(task, offsets)).toEqual([]);
    // Written "late": its timestamp is older than the first row's, yet within the delay.
    await insertEvents('late', 1, 1, () => new Date(now - 1000));
    const got = await pollRecords(task, offsets, 2, 30_000);
    expect(ids(got).sort()).toEqual([0, 1]);
  });

  it('reads by a timeuuid column and keys records with WITHKEY', async () => {
    await client.execute(
      `CREATE TABLE ${ks}.uuids (bucket int, id int, made timeuuid, body text, PRIMARY KEY ((bucket), made))`,
    );
    const base = Date.now() - 30_000;
    for (let i = 0; i < 12; i++) {
      await client.execute(
        `INSERT INTO ${ks}.uuids (bucket, id, made, body) VALUES (?, ?, ?, ?)`,
        [i % 2, i, cassandra.types.TimeUuid.fromDate(new Date(base + Math.floor(i / 3))), `b${i}`],
        { prepare: true },
      );
    }
    const offsets = new MemoryOffsets();
    const kcql =
      "INSERT INTO uuids SELECT id, made, body FROM uuids PK made INCREMENTALMODE=TIMEUUID WITHKEY(bucket, id) KEYDELIMITER='/'";
    const first = await source(kcql, offsets, {
      'connect.cassandra.batch.size': '5',
      'connect.cassandra.fetch.size': '5',
    });
    const got = await pollRecords(first, offsets, 5);
    await first.stop();
    const second = await source(kcql, offsets);
    const rest = await drain(second, offsets);
    const all = [...got, ...rest];
    expect(ids(all).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 12 }, (_, i) => i),
    );
    expect(all.find((r) => (r.value as Struct).get('id') === 7)?.key).toBe('1/7');
    expect(all[0]?.keySchema?.type).toBe('STRING');
    expect(all.find((r) => (r.value as Struct).get('id') === 7)?.timestamp).toBe(base + 2);
  });
});

describe('CassandraSourceTask, bulk', () => {
  it('reads the whole table in token order each poll interval, resuming a pass after a restart', async () => {
    await client.execute(`CREATE TABLE ${ks}.things (id int PRIMARY KEY, name text)`);
    for (let i = 0; i < 30; i++)
      await client.execute(`INSERT INTO ${ks}.things (id, name) VALUES (${i}, 'n${i}')`);
    const offsets = new MemoryOffsets();
    const kcql = 'INSERT INTO things SELECT * FROM things PK id INCREMENTALMODE=TOKEN';
    const settings = {
      'connect.cassandra.batch.size': '4',
      'connect.cassandra.fetch.size': '7',
      'connect.cassandra.import.poll.interval': '1500',
    };
    const first = await source(kcql, offsets, settings);
    const part = await pollRecords(first, offsets, 12);
    await first.stop();
    const second = await source(kcql, offsets, settings);
    const pass = [...part];
    while (pass.length < 30) {
      const records = (await second.poll()) ?? [];
      offsets.commit(records);
      pass.push(...records);
    }
    expect(pass).toHaveLength(30);
    expect(new Set(ids(pass)).size).toBe(30);
    // Token order: the order Cassandra scans the table in.
    const scan = (await client.execute(`SELECT id FROM ${ks}.things`)).rows.map((r) => r.get('id'));
    expect(ids(pass)).toEqual(scan);
    // The next pass starts after the poll interval and reads everything again.
    const started = Date.now();
    const again = await pollRecords(second, offsets, 30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(ids(again)).toEqual(scan);
  });
});

describe('CassandraSourceConnector', () => {
  it('spreads the statements over the tasks and refuses a column that is not there', async () => {
    const connector = new CassandraSourceConnector();
    connector.start({
      ...connectionProps(),
      'connect.cassandra.key.space': ks,
      'connect.cassandra.kcql':
        'INSERT INTO a SELECT * FROM t1; INSERT INTO b SELECT * FROM t2; INSERT INTO c SELECT * FROM t3',
    });
    expect(connector.taskConfigs(2).map((c) => c['connect.cassandra.assigned.tables'])).toEqual([
      'INSERT INTO a SELECT * FROM t1;INSERT INTO b SELECT * FROM t2',
      'INSERT INTO c SELECT * FROM t3',
    ]);
    await client.execute(`CREATE TABLE ${ks}.typed (id int PRIMARY KEY, at date)`);
    await expect(
      source('INSERT INTO x SELECT * FROM typed PK at', new MemoryOffsets()),
    ).rejects.toThrow(
      /column at of t_source_\w+\.typed is a date; INCREMENTALMODE=TIMESTAMP needs a timestamp column/,
    );
    await expect(
      source('INSERT INTO x SELECT id, nope FROM typed', new MemoryOffsets()),
    ).rejects.toThrow(/has no column nope/);
  });
});
