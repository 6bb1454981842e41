import {
  ConfigException,
  type ConnectorProps,
  RetriableException,
  type SourceRecord,
  type Struct,
} from '@sluice/api';
import { postgresUrl, RecordingLogger } from '@sluice/test-fixtures';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PostgresSourceConnector, PostgresSourceTask } from '../src/index.js';
import { connect, drain, freshSchema, MemoryOffsets, pollRecords, startSource } from './harness.js';

let admin: pg.Client;
let schema: string;
const running: { stop(): unknown }[] = [];

beforeAll(async () => {
  admin = await connect();
  schema = await freshSchema(admin, 'source');
});

afterEach(async () => {
  for (const task of running.splice(0)) await task.stop();
});

afterAll(async () => {
  await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
  await admin.end();
});

function base(props: ConnectorProps): ConnectorProps {
  return {
    'connection.url': postgresUrl(),
    'topic.prefix': 'pg-',
    'poll.interval.ms': '50',
    ...props,
  };
}

async function source(
  props: ConnectorProps,
  offsets: MemoryOffsets,
  log?: RecordingLogger,
): Promise<PostgresSourceTask> {
  const task = await startSource(new PostgresSourceTask(), base(props), offsets, log);
  running.push(task);
  return task;
}

function field(record: SourceRecord, name: string): unknown {
  return (record.value as Struct).get(name);
}

function ids(records: readonly SourceRecord[]): unknown[] {
  return records.map((r) => field(r, 'id'));
}

/** A connection URL whose sessions carry `app` as application_name, so a test can end them. */
function urlNamed(app: string): string {
  const url = new URL(postgresUrl());
  url.searchParams.set('application_name', app);
  return url.toString();
}

/** Ends every server session of `app`, as a lost connection would. */
async function breakConnections(app: string): Promise<void> {
  await admin.query(
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
    [app],
  );
}

/**
 * Polls until `done(ids seen)` or a minute passes, committing through `offsets` when given;
 * each failed poll must be a RetriableException. Returns the ids seen and the failed polls.
 */
async function pollThroughBreak(
  task: PostgresSourceTask,
  done: (seen: readonly unknown[]) => boolean,
  offsets?: MemoryOffsets,
): Promise<{ seen: unknown[]; retriable: number }> {
  const seen: unknown[] = [];
  let retriable = 0;
  const deadline = Date.now() + 60_000;
  while (!done(seen) && Date.now() < deadline) {
    try {
      const records = (await task.poll()) ?? [];
      offsets?.commit(records);
      seen.push(...ids(records));
    } catch (error) {
      expect(error).toBeInstanceOf(RetriableException);
      retriable++;
    }
  }
  return { seen, retriable };
}

describe('PostgreSQL polling source', () => {
  it('bulk: copies the whole table every poll interval, batch.max.rows at a time, without offsets', async () => {
    await admin.query(`CREATE TABLE "${schema}".bulk_t (id int PRIMARY KEY, name text)`);
    await admin.query(
      `INSERT INTO "${schema}".bulk_t SELECT g, 'n' || g FROM generate_series(1, 5) g`,
    );
    const offsets = new MemoryOffsets();
    const task = await source(
      {
        mode: 'bulk',
        'table.whitelist': `${schema}.bulk_t`,
        tables: `${schema}.bulk_t`,
        'batch.max.rows': '2',
      },
      offsets,
    );
    const first = await task.poll();
    expect(first).toHaveLength(2);
    const records = [...(first ?? []), ...(await pollRecords(task, offsets, 3))];
    expect(ids(records)).toEqual([1, 2, 3, 4, 5]);
    expect(records[0]?.topic).toBe('pg-bulk_t');
    expect(records[0]?.sourceOffset).toBeNull();
    expect(records[0]?.valueSchema?.name).toBe('bulk_t');
    // The next poll interval copies the table again.
    const again = await pollRecords(task, offsets, 5);
    expect(ids(again).slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
  });

  it('incrementing: reads new rows only, with JDBC-shaped offsets, and resumes after a restart', async () => {
    const table = `${schema}.inc_t`;
    await admin.query(`CREATE TABLE ${table} (id bigserial PRIMARY KEY, name text NOT NULL)`);
    await admin.query(`INSERT INTO ${table} (name) SELECT 'n' || g FROM generate_series(1, 5) g`);
    const offsets = new MemoryOffsets();
    const props = { mode: 'incrementing', tables: table, 'batch.max.rows': '2' };
    const task = await source(props, offsets);
    const first = await pollRecords(task, offsets, 5);
    expect(ids(first)).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(first[4]?.sourcePartition).toEqual({ protocol: '1', table });
    expect(offsets.get({ protocol: '1', table })).toEqual({ incrementing: 5 });
    await admin.query(`INSERT INTO ${table} (name) VALUES ('six'), ('seven')`);
    expect(ids(await pollRecords(task, offsets, 2))).toEqual([6n, 7n]);
    await task.stop();

    await admin.query(`INSERT INTO ${table} (name) VALUES ('eight')`);
    const resumed = await source(props, offsets);
    const after = await drain(resumed, offsets);
    expect(ids(after)).toEqual([8n]);
  });

  it('incrementing: keeps int8 keys beyond 2^53 exact in values and offsets', async () => {
    const table = `${schema}.big_t`;
    await admin.query(`CREATE TABLE ${table} (id int8 PRIMARY KEY, v text)`);
    await admin.query(
      `INSERT INTO ${table} VALUES (9007199254740993, 'a'), (9007199254740995, 'b'), (9223372036854775807, 'max')`,
    );
    const offsets = new MemoryOffsets();
    const props = { mode: 'incrementing', 'incrementing.column.name': 'id', tables: table };
    const task = await source(props, offsets);
    const records = await pollRecords(task, offsets, 3);
    expect(ids(records)).toEqual([9007199254740993n, 9007199254740995n, 9223372036854775807n]);
    await task.stop();
    const resumed = await source(props, offsets);
    expect(await drain(resumed, offsets)).toEqual([]);
  });

  it('resumes from an offset the JDBC connector wrote under its older partition shape', async () => {
    const table = `${schema}.legacy_t`;
    await admin.query(`CREATE TABLE ${table} (id int PRIMARY KEY)`);
    await admin.query(`INSERT INTO ${table} SELECT generate_series(1, 4)`);
    const offsets = new MemoryOffsets();
    offsets.put({ table: 'legacy_t' }, { incrementing: 2 });
    const task = await source(
      { mode: 'incrementing', 'incrementing.column.name': 'id', tables: table },
      offsets,
    );
    expect(ids(await drain(task, offsets))).toEqual([3, 4]);
  });

  it('timestamp: never loses rows that share a timestamp across a batch boundary or a restart', async () => {
    const table = `${schema}.ts_t`;
    await admin.query(`CREATE TABLE ${table} (id int PRIMARY KEY, updated timestamptz NOT NULL)`);
    await admin.query(`INSERT INTO ${table} VALUES
      (1, '2024-01-01 00:00:00.000001+00'),
      (2, '2024-01-01 00:00:01+00'), (3, '2024-01-01 00:00:01+00'), (4, '2024-01-01 00:00:01+00'),
      (5, '2024-01-01 00:00:02+00'), (6, '2024-01-01 00:00:02+00')`);
    const offsets = new MemoryOffsets();
    const props = {
      mode: 'timestamp',
      'timestamp.column.name': 'updated',
      tables: table,
      'batch.max.rows': '2',
    };
    const task = await source(props, offsets);
    const all = await drain(task, offsets);
    expect(ids(all).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const partition = { protocol: '1', table };
    expect(offsets.get(partition)).toEqual({
      timestamp: Date.parse('2024-01-01T00:00:02Z'),
      timestamp_nanos: 0,
    });
    await task.stop();

    // Restart after only the first two records of the 00:00:01 group were committed: the group
    // is read again (duplicates, as at-least-once allows), its third row is not skipped.
    const partial = new MemoryOffsets();
    partial.commit(all.filter((r) => [1, 2].includes(field(r, 'id') as number)));
    expect(partial.get(partition)).toEqual({
      timestamp: Date.parse('2024-01-01T00:00:00Z'),
      timestamp_nanos: 1000,
    });
    const resumed = await source(props, partial);
    expect(ids(await drain(resumed, partial)).sort()).toEqual([2, 3, 4, 5, 6]);
  });

  it('timestamp+incrementing: picks up updated rows and breaks timestamp ties by id', async () => {
    const table = `${schema}.tsi_t`;
    await admin.query(
      `CREATE TABLE ${table} (id int PRIMARY KEY, v text, modified timestamp NOT NULL)`,
    );
    await admin.query(`INSERT INTO ${table} VALUES
      (1, 'a', '2024-01-01 10:00:00'), (2, 'b', '2024-01-01 10:00:00'), (3, 'c', '2024-01-01 10:00:00')`);
    const offsets = new MemoryOffsets();
    const props = {
      mode: 'timestamp+incrementing',
      'timestamp.column.name': 'modified',
      'incrementing.column.name': 'id',
      tables: table,
      'batch.max.rows': '2',
    };
    const task = await source(props, offsets);
    expect(ids(await drain(task, offsets))).toEqual([1, 2, 3]);
    expect(offsets.get({ protocol: '1', table })).toEqual({
      incrementing: 3,
      timestamp: Date.parse('2024-01-01T10:00:00Z'),
      timestamp_nanos: 0,
    });
    await admin.query(
      `UPDATE ${table} SET v = 'b2', modified = '2024-01-01 11:00:00.5' WHERE id = 2`,
    );
    const updated = await pollRecords(task, offsets, 1);
    expect(updated.map((r) => [field(r, 'id'), field(r, 'v')])).toEqual([[2, 'b2']]);
    expect(field(updated[0] as SourceRecord, 'modified')).toEqual(
      new Date('2024-01-01T11:00:00.500Z'),
    );
    await task.stop();

    // After a restart, only rows changed since the committed (timestamp, id) are read.
    await admin.query(
      `UPDATE ${table} SET v = 'c2', modified = '2024-01-01 12:00:00' WHERE id = 3`,
    );
    await admin.query(`INSERT INTO ${table} VALUES (4, 'd', '2024-01-01 11:00:00.5')`);
    const resumed = await source(props, offsets);
    expect((await drain(resumed, offsets)).map((r) => [field(r, 'id'), field(r, 'v')])).toEqual([
      [4, 'd'],
      [3, 'c2'],
    ]);
  });

  it('timestamp.delay.interval.ms: leaves rows newer than the database clock minus the delay for later', async () => {
    const table = `${schema}.delay_t`;
    await admin.query(`CREATE TABLE ${table} (id int PRIMARY KEY, at timestamptz NOT NULL)`);
    await admin.query(
      `INSERT INTO ${table} VALUES (1, now() - interval '2 hours'), (2, now()), (3, now() + interval '1 minute')`,
    );
    const offsets = new MemoryOffsets();
    const task = await source(
      {
        mode: 'timestamp',
        'timestamp.column.name': 'at',
        tables: table,
        'timestamp.delay.interval.ms': '3600000',
      },
      offsets,
    );
    expect(ids(await drain(task, offsets))).toEqual([1]);
    await task.stop();
    const noDelay = await source(
      { mode: 'timestamp', 'timestamp.column.name': 'at', tables: table },
      offsets,
    );
    // Without a delay, rows up to the database clock are read; the future one waits.
    expect(ids(await drain(noDelay, offsets))).toEqual([2]);
  });

  it('custom query: wraps the query, uses the query partition and topic.prefix as the topic', async () => {
    const table = `${schema}.q_t`;
    await admin.query(`CREATE TABLE ${table} (id int PRIMARY KEY, kind text)`);
    await admin.query(`INSERT INTO ${table} VALUES (1, 'keep'), (2, 'skip'), (3, 'keep')`);
    const offsets = new MemoryOffsets();
    const task = await source(
      {
        mode: 'incrementing',
        'incrementing.column.name': 'id',
        query: `SELECT id, upper(kind) AS kind FROM ${table} WHERE kind = 'keep'`,
        'topic.prefix': 'kept-rows',
      },
      offsets,
    );
    const records = await drain(task, offsets);
    expect(records.map((r) => [r.topic, field(r, 'id'), field(r, 'kind')])).toEqual([
      ['kept-rows', 1, 'KEEP'],
      ['kept-rows', 3, 'KEEP'],
    ]);
    expect(offsets.get({ query: 'query' })).toEqual({ incrementing: 3 });

    const bulkOffsets = new MemoryOffsets();
    const bulk = await source(
      { mode: 'bulk', query: `SELECT count(*) AS n FROM ${table}`, 'topic.prefix': 'counts' },
      bulkOffsets,
    );
    const [count] = await pollRecords(bulk, bulkOffsets, 1);
    expect([count?.topic, field(count as SourceRecord, 'n'), count?.sourceOffset]).toEqual([
      'counts',
      3n,
      null,
    ]);
  });

  it('accepts a JDBC URL and the JDBC connector config keys', async () => {
    const table = `${schema}.jdbc_t`;
    await admin.query(`CREATE TABLE ${table} (id serial PRIMARY KEY, v text)`);
    await admin.query(`INSERT INTO ${table} (v) VALUES ('x')`);
    const url = new URL(postgresUrl());
    const offsets = new MemoryOffsets();
    const task = await source(
      {
        'connection.url': `jdbc:postgresql://${url.host}${url.pathname}?reWriteBatchedInserts=true`,
        'connection.user': decodeURIComponent(url.username),
        'dialect.name': 'PostgreSqlDatabaseDialect',
        mode: 'incrementing',
        'table.whitelist': 'jdbc_t',
        tables: table,
      },
      offsets,
    );
    expect(ids(await pollRecords(task, offsets, 1))).toEqual([1]);
  });

  it('validate.non.null refuses a nullable incrementing column by name, and can be turned off', async () => {
    const table = `${schema}.nullable_t`;
    await admin.query(`CREATE TABLE ${table} (seq int, v text)`);
    await admin.query(`INSERT INTO ${table} VALUES (1, 'a')`);
    const props = { mode: 'incrementing', 'incrementing.column.name': 'seq', tables: table };
    await expect(source(props, new MemoryOffsets())).rejects.toThrow(
      /columns "seq" on t_source_.*\.nullable_t because they are nullable/,
    );
    const offsets = new MemoryOffsets();
    const task = await source({ ...props, 'validate.non.null': 'false' }, offsets);
    expect((await drain(task, offsets)).map((r) => field(r, 'seq'))).toEqual([1]);
  });

  it('fails at start naming the column whose type cannot be mapped', async () => {
    const table = `${schema}.unmappable_t`;
    await admin.query(`CREATE TABLE ${table} (id int PRIMARY KEY, spent interval, total numeric)`);
    await expect(source({ mode: 'bulk', tables: table }, new MemoryOffsets())).rejects.toThrow(
      /Column "spent" has type interval/,
    );
    await admin.query(`ALTER TABLE ${table} DROP COLUMN spent`);
    await expect(source({ mode: 'bulk', tables: table }, new MemoryOffsets())).rejects.toThrow(
      /Column "total" has type numeric.*unconstrained numeric/,
    );
  });

  it('keeps reading its other tables when one of them is dropped', async () => {
    const kept = `${schema}.kept_t`;
    const dropped = `${schema}.dropped_t`;
    const neverThere = `${schema}.never_there_t`;
    for (const t of [kept, dropped]) {
      await admin.query(`CREATE TABLE ${t} (id int PRIMARY KEY)`);
      await admin.query(`INSERT INTO ${t} VALUES (1)`);
    }
    const offsets = new MemoryOffsets();
    const log = new RecordingLogger();
    const task = await source(
      {
        mode: 'incrementing',
        'incrementing.column.name': 'id',
        tables: `${kept},${dropped},${neverThere}`,
      },
      offsets,
      log,
    );
    expect((await pollRecords(task, offsets, 2)).map((r) => r.topic).sort()).toEqual([
      'pg-dropped_t',
      'pg-kept_t',
    ]);
    await admin.query(`DROP TABLE ${dropped}`);
    await admin.query(`INSERT INTO ${kept} VALUES (2)`);
    const after = await pollRecords(task, offsets, 1);
    expect(after.map((r) => [r.topic, field(r, 'id')])).toEqual([['pg-kept_t', 2]]);
    // The table missing at start and the one dropped while running are both told, the dropped
    // one when its turn to be read comes.
    const deadline = Date.now() + 30_000;
    while (!log.messages('info').some((m) => m.includes(dropped)) && Date.now() < deadline) {
      expect(await task.poll()).toEqual([]);
    }
    const gone = (t: string) =>
      `Table ${t} no longer exists: not reading it any more (the connector drops it from the tasks at its next check for tables)`;
    expect(log.messages('info').sort()).toEqual([gone(neverThere), gone(dropped)].sort());
  });

  it('reports a lost connection as retriable and resumes on the next poll', async () => {
    const table = `${schema}.reconnect_t`;
    await admin.query(`CREATE TABLE ${table} (id int PRIMARY KEY)`);
    await admin.query(`INSERT INTO ${table} VALUES (1)`);
    const app = `sluice_source_retry_${process.pid}`;
    const offsets = new MemoryOffsets();
    const task = await source(
      {
        'connection.url': urlNamed(app),
        mode: 'incrementing',
        'incrementing.column.name': 'id',
        tables: table,
      },
      offsets,
    );
    expect(ids(await pollRecords(task, offsets, 1))).toEqual([1]);
    await breakConnections(app);
    await admin.query(`INSERT INTO ${table} VALUES (2)`);
    const { seen, retriable } = await pollThroughBreak(task, (ids) => ids.includes(2), offsets);
    expect(retriable).toBe(1);
    expect(seen).toEqual([2]);
  });

  it('incrementing: loses and repeats nothing when the connection breaks while the next batch is read ahead', async () => {
    const table = `${schema}.read_ahead_t`;
    await admin.query(`CREATE TABLE ${table} (id int PRIMARY KEY)`);
    await admin.query(`INSERT INTO ${table} SELECT generate_series(1, 5)`);
    const app = `sluice_source_ahead_${process.pid}`;
    const offsets = new MemoryOffsets();
    const task = await source(
      {
        'connection.url': urlNamed(app),
        mode: 'incrementing',
        'incrementing.column.name': 'id',
        tables: table,
        'batch.max.rows': '2',
      },
      offsets,
    );
    // A full batch: the query for the rows after it is already on its way.
    const first = (await task.poll()) ?? [];
    offsets.commit(first);
    expect(ids(first)).toEqual([1, 2]);
    await breakConnections(app);
    await admin.query(`INSERT INTO ${table} VALUES (6), (7)`);
    const { seen, retriable } = await pollThroughBreak(task, (ids) => ids.includes(7), offsets);
    expect(retriable).toBe(1);
    expect([...ids(first), ...seen]).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(offsets.get({ protocol: '1', table })).toEqual({ incrementing: 7 });
  });

  it('bulk: reads the table again from its start after the connection breaks during a read', async () => {
    const table = `${schema}.bulk_ahead_t`;
    await admin.query(`CREATE TABLE ${table} (id int PRIMARY KEY)`);
    await admin.query(`INSERT INTO ${table} SELECT generate_series(1, 5)`);
    const app = `sluice_source_bulk_ahead_${process.pid}`;
    const task = await source(
      { 'connection.url': urlNamed(app), mode: 'bulk', tables: table, 'batch.max.rows': '2' },
      new MemoryOffsets(),
    );
    expect(ids((await task.poll()) ?? [])).toEqual([1, 2]);
    await breakConnections(app);
    const { seen: after, retriable } = await pollThroughBreak(task, (ids) => ids.includes(5));
    expect(retriable).toBe(1);
    // The batch read ahead before the break may still be handed out; then a new cursor starts over.
    expect([
      [3, 4, 1, 2, 3, 4, 5],
      [1, 2, 3, 4, 5],
    ]).toContainEqual(after);
  });

  it('follows a column added while running: later records carry it in their schema', async () => {
    const table = `${schema}.evolving_t`;
    await admin.query(`CREATE TABLE ${table} (id int PRIMARY KEY)`);
    await admin.query(`INSERT INTO ${table} VALUES (1)`);
    const offsets = new MemoryOffsets();
    const task = await source(
      { mode: 'incrementing', 'incrementing.column.name': 'id', tables: table },
      offsets,
    );
    const [first] = await pollRecords(task, offsets, 1);
    expect(first?.valueSchema?.fields.map((f) => f.name)).toEqual(['id']);
    await admin.query(`ALTER TABLE ${table} ADD COLUMN label text NOT NULL DEFAULT 'x'`);
    await admin.query(`INSERT INTO ${table} VALUES (2, 'two')`);
    const [second] = await pollRecords(task, offsets, 1);
    expect(second?.valueSchema?.fields.map((f) => [f.name, f.schema.optional])).toEqual([
      ['id', false],
      ['label', false],
    ]);
    expect(field(second as SourceRecord, 'label')).toBe('two');
  });

  it('timestamp mode with several columns uses the first non-null one (COALESCE)', async () => {
    const table = `${schema}.coalesce_t`;
    await admin.query(
      `CREATE TABLE ${table} (id int PRIMARY KEY, updated timestamptz, created timestamptz NOT NULL)`,
    );
    await admin.query(`INSERT INTO ${table} VALUES
      (1, NULL, '2024-01-01 00:00:03+00'),
      (2, '2024-01-01 00:00:01+00', '2023-01-01 00:00:00+00'),
      (3, '2024-01-01 00:00:02+00', '2024-01-01 00:00:09+00')`);
    const offsets = new MemoryOffsets();
    const task = await source(
      { mode: 'timestamp', 'timestamp.column.name': 'updated,created', tables: table },
      offsets,
    );
    expect(ids(await drain(task, offsets))).toEqual([2, 3, 1]);
    expect(offsets.get({ protocol: '1', table })).toEqual({
      timestamp: Date.parse('2024-01-01T00:00:03Z'),
      timestamp_nanos: 0,
    });
  });

  it('stop makes a waiting poll return promptly', async () => {
    const table = `${schema}.idle_t`;
    await admin.query(`CREATE TABLE ${table} (id int GENERATED ALWAYS AS IDENTITY)`);
    const offsets = new MemoryOffsets();
    const task = await source(
      { mode: 'incrementing', tables: table, 'poll.interval.ms': '600000' },
      offsets,
    );
    expect(await task.poll()).toEqual([]);
    const pending = task.poll();
    await task.stop();
    expect(await pending).toBeNull();
  });
});

describe('PostgreSQL source connector', () => {
  async function connector(props: ConnectorProps) {
    const c = new PostgresSourceConnector();
    let reconfigured: () => void = () => {};
    const reconfiguration = new Promise<void>((resolve) => {
      reconfigured = resolve;
    });
    const errors: Error[] = [];
    const log = new RecordingLogger();
    c.initialize({
      requestTaskReconfiguration: () => reconfigured(),
      raiseError: (e) => errors.push(e),
      offsetStorageReader: () => new MemoryOffsets(),
      log,
    });
    await c.start(base(props));
    running.push(c);
    return { connector: c, reconfiguration, errors, log };
  }

  it('spreads the included tables over tasks.max tasks and honours include/exclude lists', async () => {
    const s = await freshSchema(admin, 'spread');
    for (const t of ['a', 'b', 'c', 'skip']) await admin.query(`CREATE TABLE "${s}".${t} (id int)`);
    const { connector: c } = await connector({
      mode: 'bulk',
      'schema.pattern': s,
      'table.blacklist': 'skip',
    });
    const configs = await c.taskConfigs(2);
    expect(configs.map((p) => p.tables)).toEqual([`${s}.a,${s}.b`, `${s}.c`]);
    expect(configs[0]?.mode).toBe('bulk');
    expect((await c.taskConfigs(10)).map((p) => p.tables)).toEqual([`${s}.a`, `${s}.b`, `${s}.c`]);
    const { connector: only } = await connector({
      mode: 'bulk',
      'table.include.list': `${s}.b,c`,
      'schema.pattern': s,
    });
    expect((await only.taskConfigs(1)).map((p) => p.tables)).toEqual([`${s}.b,${s}.c`]);
  });

  it('finds views with table.types=VIEW and plain tables by default', async () => {
    const s = await freshSchema(admin, 'kinds');
    await admin.query(`CREATE TABLE "${s}".base (id int)`);
    await admin.query(`CREATE VIEW "${s}".recent AS SELECT * FROM "${s}".base`);
    const { connector: tables } = await connector({ mode: 'bulk', 'schema.pattern': s });
    expect((await tables.taskConfigs(1)).map((p) => p.tables)).toEqual([`${s}.base`]);
    const { connector: views } = await connector({
      mode: 'bulk',
      'schema.pattern': s,
      'table.types': 'VIEW',
    });
    expect((await views.taskConfigs(1)).map((p) => p.tables)).toEqual([`${s}.recent`]);
  });

  it('asks for a task reconfiguration when a new table appears', async () => {
    const s = await freshSchema(admin, 'monitor');
    await admin.query(`CREATE TABLE "${s}".first (id int)`);
    const {
      connector: c,
      reconfiguration,
      errors,
      log,
    } = await connector({
      mode: 'bulk',
      'schema.pattern': s,
      'table.poll.interval.ms': '100',
    });
    expect((await c.taskConfigs(4)).map((p) => p.tables)).toEqual([`${s}.first`]);
    await admin.query(`CREATE TABLE "${s}".second (id int)`);
    await reconfiguration;
    expect((await c.taskConfigs(4)).map((p) => p.tables)).toEqual([`${s}.first`, `${s}.second`]);
    expect(errors).toEqual([]);
    expect(log.messages('info')).toEqual([
      `Tables changed (added: ${s}.second; removed: none): reconfiguring the tasks`,
    ]);
  });

  it('lists every problem of a bad config by key', async () => {
    const c = new PostgresSourceConnector();
    let error: unknown;
    try {
      await c.start({
        'connection.url': 'mysql://localhost/db',
        mode: 'timestamp',
        'table.whitelist': 'a',
        'table.blacklist': 'b',
        'poll.interval.ms': 'often',
        'incrementing.relaxed.monotonic': 'true',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigException);
    const keys = (error as ConfigException).problems.map((p) => p.key).sort();
    expect(keys).toEqual(
      [
        'connection.url',
        'incrementing.relaxed.monotonic',
        'poll.interval.ms',
        'table.blacklist',
        'timestamp.column.name',
        'topic.prefix',
      ].sort(),
    );
    const validated = c.validate({ 'connection.url': postgresUrl(), 'topic.prefix': 'x' });
    const mode = validated.configValues.find((v) => v.name === 'mode');
    expect(mode?.errorMessages.join()).toMatch(/Query mode must be specified/);
  });
});
