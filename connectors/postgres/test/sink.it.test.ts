import {
  ConfigException,
  ConnectException,
  type ConnectorProps,
  Decimal,
  Schema,
  SchemaBuilder,
  SinkRecord,
  Struct,
} from '@sluice/api';
import { postgresUrl } from '@sluice/test-fixtures';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresSinkConnector, PostgresSinkTask } from '../src/index.js';
import { connect, deliver, freshSchema, startSink } from './harness.js';

const KEY = SchemaBuilder.struct().name('Key').field('id', Schema.INT64_SCHEMA).build();
const VALUE = SchemaBuilder.struct()
  .name('Order')
  .field('id', Schema.INT64_SCHEMA)
  .field('customer', Schema.STRING_SCHEMA)
  .field('amount', Decimal.builder(2).optional().build())
  .build();

let offset = 0;

function order(topic: string, id: bigint, customer: string, amount: string | null): SinkRecord {
  const value = new Struct(VALUE)
    .put('id', id)
    .put('customer', customer)
    .put('amount', amount === null ? null : Decimal.fromString(amount));
  return new SinkRecord({
    topic,
    kafkaPartition: 0,
    kafkaOffset: offset++,
    keySchema: KEY,
    key: new Struct(KEY).put('id', id),
    valueSchema: VALUE,
    value,
  });
}

function tombstone(topic: string, id: bigint): SinkRecord {
  return new SinkRecord({
    topic,
    kafkaPartition: 0,
    kafkaOffset: offset++,
    keySchema: KEY,
    key: new Struct(KEY).put('id', id),
    valueSchema: null,
    value: null,
  });
}

let admin: pg.Client;
let schema: string;
const tasks: PostgresSinkTask[] = [];

beforeAll(async () => {
  admin = await connect();
  schema = await freshSchema(admin, 'sink');
});

afterAll(async () => {
  for (const task of tasks) await task.stop();
  await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
  await admin.end();
});

async function sink(props: ConnectorProps, options: { dlq?: boolean } = {}) {
  const started = await startSink(
    new PostgresSinkTask(),
    { 'connection.url': postgresUrl(), ...props },
    options,
  );
  tasks.push(started.task);
  return started;
}

async function rows(table: string, orderBy = 'id'): Promise<Record<string, unknown>[]> {
  const result = await admin.query(`SELECT * FROM "${schema}"."${table}" ORDER BY ${orderBy}`);
  return result.rows;
}

describe('PostgreSQL sink', () => {
  it('creates the table from the record schema and inserts a batch in one transaction', async () => {
    const { task } = await sink({
      'table.name.format': `${schema}.\${topic}`,
      'auto.create': 'true',
      'pk.mode': 'record_value',
      'pk.fields': 'id',
    });
    await deliver(task, [
      order('orders_insert', 1n, 'ada', '10.50'),
      order('orders_insert', 2n, 'bob', null),
      order('orders_insert', 9007199254740993n, 'eve', '99999999999999999.99'),
    ]);
    expect(await rows('orders_insert')).toEqual([
      { id: '1', customer: 'ada', amount: '10.50' },
      { id: '2', customer: 'bob', amount: null },
      { id: '9007199254740993', customer: 'eve', amount: '99999999999999999.99' },
    ]);
    const columns = await admin.query(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns
        WHERE table_schema = $1 AND table_name = 'orders_insert' ORDER BY ordinal_position`,
      [schema],
    );
    expect(columns.rows).toEqual([
      { column_name: 'id', data_type: 'bigint', is_nullable: 'NO' },
      { column_name: 'customer', data_type: 'text', is_nullable: 'NO' },
      { column_name: 'amount', data_type: 'numeric', is_nullable: 'YES' },
    ]);
    const pk = await admin.query(
      `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
        WHERE i.indrelid = to_regclass($1) AND i.indisprimary`,
      [`"${schema}"."orders_insert"`],
    );
    expect(pk.rows).toEqual([{ attname: 'id' }]);
  });

  it('in insert mode, a duplicate key fails the batch and writes none of it', async () => {
    const { task } = await sink({
      'table.name.format': `${schema}.\${topic}`,
      'auto.create': 'true',
      'pk.mode': 'record_value',
      'pk.fields': 'id',
    });
    await deliver(task, [order('orders_dup', 1n, 'ada', '1.00')]);
    await expect(
      deliver(task, [
        order('orders_dup', 2n, 'bob', '2.00'),
        order('orders_dup', 1n, 'ada', '1.00'),
      ]),
    ).rejects.toThrow(/duplicate key value.*23505/);
    expect(await rows('orders_dup')).toEqual([{ id: '1', customer: 'ada', amount: '1.00' }]);
  });

  it('upserts idempotently: redelivering the same records leaves the same rows', async () => {
    const { task } = await sink({
      'table.name.format': `${schema}.\${topic}`,
      'auto.create': 'true',
      'insert.mode': 'upsert',
      'pk.mode': 'record_key',
    });
    const batch = [
      order('orders_upsert', 1n, 'ada', '1.00'),
      order('orders_upsert', 2n, 'bob', '2.00'),
      order('orders_upsert', 1n, 'ada', '1.50'),
    ];
    await deliver(task, batch);
    const once = await rows('orders_upsert');
    await deliver(task, batch);
    await deliver(task, batch.slice(1));
    expect(await rows('orders_upsert')).toEqual(once);
    expect(once).toEqual([
      { id: '1', customer: 'ada', amount: '1.50' },
      { id: '2', customer: 'bob', amount: '2.00' },
    ]);
  });

  it('updates existing rows by key in update mode and leaves unknown keys alone', async () => {
    await admin.query(
      `CREATE TABLE "${schema}".orders_update (id bigint PRIMARY KEY, customer text, amount numeric(10,2), note text DEFAULT 'kept')`,
    );
    await admin.query(
      `INSERT INTO "${schema}".orders_update (id, customer, amount) VALUES (1, 'ada', 1), (2, 'bob', 2)`,
    );
    const { task } = await sink({
      'table.name.format': `${schema}.\${topic}`,
      'insert.mode': 'update',
      'pk.mode': 'record_key',
    });
    await deliver(task, [
      order('orders_update', 2n, 'robert', '20.00'),
      order('orders_update', 3n, 'nobody', '3.00'),
    ]);
    expect(await rows('orders_update')).toEqual([
      { id: '1', customer: 'ada', amount: '1.00', note: 'kept' },
      { id: '2', customer: 'robert', amount: '20.00', note: 'kept' },
    ]);
  });

  it('deletes the row of a tombstone when delete.enabled, in record order', async () => {
    const { task } = await sink({
      'table.name.format': `${schema}.\${topic}`,
      'auto.create': 'true',
      'insert.mode': 'upsert',
      'pk.mode': 'record_key',
      'delete.enabled': 'true',
    });
    await deliver(task, [
      order('orders_delete', 1n, 'ada', '1.00'),
      order('orders_delete', 2n, 'bob', '2.00'),
      order('orders_delete', 3n, 'cy', '3.00'),
      tombstone('orders_delete', 2n),
      tombstone('orders_delete', 3n),
      order('orders_delete', 3n, 'cy again', '3.30'),
    ]);
    expect(await rows('orders_delete')).toEqual([
      { id: '1', customer: 'ada', amount: '1.00' },
      { id: '3', customer: 'cy again', amount: '3.30' },
    ]);
    await deliver(task, [tombstone('orders_delete', 1n)]);
    expect(await rows('orders_delete')).toEqual([
      { id: '3', customer: 'cy again', amount: '3.30' },
    ]);
  });

  it('ignores a tombstone for a table that does not exist instead of creating it', async () => {
    const { task } = await sink({
      'table.name.format': `${schema}.\${topic}`,
      'auto.create': 'true',
      'insert.mode': 'upsert',
      'pk.mode': 'record_key',
      'delete.enabled': 'true',
    });
    await deliver(task, [tombstone('never_written', 1n)]);
    const exists = await admin.query('SELECT to_regclass($1)::text AS t', [
      `"${schema}".never_written`,
    ]);
    expect(exists.rows[0].t).toBeNull();
  });

  it('refuses a tombstone when deletes are disabled, naming topic, partition and offset', async () => {
    const { task } = await sink({
      'table.name.format': `${schema}.\${topic}`,
      'auto.create': 'true',
      'pk.mode': 'record_key',
    });
    const record = tombstone('orders_nodelete', 7n);
    await expect(deliver(task, [record])).rejects.toThrow(
      `(topic='orders_nodelete', partition=0, offset=${record.kafkaOffset})`,
    );
  });

  it('adds missing columns as nullable with auto.evolve, and refuses them without it', async () => {
    const v1 = SchemaBuilder.struct().field('id', Schema.INT32_SCHEMA).build();
    const v2 = SchemaBuilder.struct()
      .field('id', Schema.INT32_SCHEMA)
      .field('label', Schema.STRING_SCHEMA)
      .field('seen', SchemaBuilder.array(Schema.OPTIONAL_INT64_SCHEMA).optional().build())
      .build();
    const rec = (s: typeof v1, value: Struct) =>
      new SinkRecord({
        topic: 'evolving',
        kafkaPartition: 0,
        kafkaOffset: offset++,
        valueSchema: s,
        value,
      });
    const strict = await sink({
      'table.name.format': `${schema}.\${topic}`,
      'auto.create': 'true',
    });
    await deliver(strict.task, [rec(v1, new Struct(v1).put('id', 1))]);
    const second = rec(v2, new Struct(v2).put('id', 2).put('label', 'two').put('seen', [1n, null]));
    await expect(deliver(strict.task, [second])).rejects.toThrow(
      /missing columns "label", "seen".*auto\.evolve is disabled/,
    );
    const evolving = await sink({
      'table.name.format': `${schema}.\${topic}`,
      'auto.create': 'true',
      'auto.evolve': 'true',
    });
    await deliver(evolving.task, [second]);
    expect(await rows('evolving')).toEqual([
      { id: 1, label: null, seen: null },
      { id: 2, label: 'two', seen: ['1', null] },
    ]);
    const columns = await admin.query(
      `SELECT column_name, is_nullable FROM information_schema.columns
        WHERE table_schema = $1 AND table_name = 'evolving' ORDER BY ordinal_position`,
      [schema],
    );
    expect(columns.rows.map((r) => r.is_nullable)).toEqual(['NO', 'YES', 'YES']);
  });

  it('uses Kafka coordinates as the key with pk.mode=kafka and writes only whitelisted fields', async () => {
    const { task } = await sink({
      'table.name.format': `${schema}.kafka_\${topic}`,
      'auto.create': 'true',
      'insert.mode': 'upsert',
      'pk.mode': 'kafka',
      'fields.whitelist': 'customer',
    });
    const a = order('coords', 1n, 'ada', '1.00');
    await deliver(task, [a, a]);
    expect(await rows('kafka_coords', '__connect_offset')).toEqual([
      {
        __connect_topic: 'coords',
        __connect_partition: 0,
        __connect_offset: String(a.kafkaOffset),
        customer: 'ada',
      },
    ]);
  });

  it('keys a primitive record key by the one pk.fields name', async () => {
    const { task } = await sink({
      'table.name.format': `${schema}.\${topic}`,
      'auto.create': 'true',
      'insert.mode': 'upsert',
      'pk.mode': 'record_key',
      'pk.fields': 'code',
    });
    const valueSchema = SchemaBuilder.struct().field('label', Schema.STRING_SCHEMA).build();
    const rec = (code: string, label: string) =>
      new SinkRecord({
        topic: 'primitive_key',
        kafkaPartition: 0,
        kafkaOffset: offset++,
        keySchema: Schema.STRING_SCHEMA,
        key: code,
        valueSchema,
        value: new Struct(valueSchema).put('label', label),
      });
    await deliver(task, [rec('a', 'first'), rec('b', 'bee'), rec('a', 'second')]);
    expect(await rows('primitive_key', 'code')).toEqual([
      { code: 'a', label: 'second' },
      { code: 'b', label: 'bee' },
    ]);
  });

  it('reports records it cannot turn into rows to the error reporter and writes the others', async () => {
    const { task, reported } = await sink(
      {
        'table.name.format': `${schema}.\${topic}`,
        'auto.create': 'true',
        'insert.mode': 'upsert',
        'pk.mode': 'record_key',
      },
      { dlq: true },
    );
    const good = order('unkeyed', 1n, 'ada', '1.00');
    const noKey = new SinkRecord({
      topic: 'unkeyed',
      kafkaPartition: 0,
      kafkaOffset: offset++,
      keySchema: KEY,
      key: null,
      valueSchema: VALUE,
      value: good.value,
    });
    const schemaless = new SinkRecord({
      topic: 'unkeyed',
      kafkaPartition: 0,
      kafkaOffset: offset++,
      keySchema: KEY,
      key: new Struct(KEY).put('id', 2n),
      value: new Map([['id', 2n]]),
    });
    await deliver(task, [noKey, good, schemaless]);
    expect(await rows('unkeyed')).toEqual([{ id: '1', customer: 'ada', amount: '1.00' }]);
    expect(reported.map((r) => [r.record, r.error.message.replace(/ \(topic=.*/, '')])).toEqual([
      [noKey, 'The record key is not a Struct (it is null or schemaless)'],
      [
        schemaless,
        'The record value must be a Struct with a schema for this pk.mode (it has no schema); use a converter with schemas.',
      ],
    ]);
  });

  it('reconnects and retries a batch after losing its connection', async () => {
    const app = `sluice_sink_retry_${process.pid}`;
    const url = new URL(postgresUrl());
    url.searchParams.set('application_name', app);
    const { task, log } = await sink({
      'connection.url': url.toString(),
      'table.name.format': `${schema}.\${topic}`,
      'auto.create': 'true',
      'pk.mode': 'record_value',
      'pk.fields': 'id',
      'retry.backoff.ms': '10',
    });
    await deliver(task, [order('retried', 1n, 'ada', '1.00')]);
    const killed = await admin.query(
      'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1',
      [app],
    );
    expect(killed.rows).toEqual([{ ok: true }]);
    await deliver(task, [order('retried', 2n, 'bob', '2.00')]);
    expect((await rows('retried')).map((r) => r.id)).toEqual(['1', '2']);
    expect(log.messages('info')).toEqual([
      `Created table "${schema}"."retried" from the schema of topic 'retried' (auto.create)`,
    ]);
    expect(log.messages('warn')).toEqual([
      expect.stringMatching(
        /^Writing 1 records failed \(attempt 1 of \d+\): .*; reconnecting and retrying in 10 ms$/,
      ),
    ]);
  });

  it('fails with a clear message when the table is missing and auto.create is off', async () => {
    const { task } = await sink({ 'table.name.format': `${schema}.\${topic}` });
    await expect(deliver(task, [order('absent', 1n, 'a', null)])).rejects.toThrow(ConnectException);
    await expect(deliver(task, [order('absent', 1n, 'a', null)])).rejects.toThrow(
      /Table "t_sink_.*"\."absent" is missing and auto\.create is disabled/,
    );
  });

  it('sends a record PostgreSQL refuses to the error reporter with the SQL error, and writes the rest', async () => {
    await admin.query(
      `CREATE TABLE "${schema}".strict_orders (id bigint PRIMARY KEY, customer varchar(3) NOT NULL, amount numeric(10,2))`,
    );
    const { task, reported } = await sink(
      { 'table.name.format': `${schema}.\${topic}`, 'pk.mode': 'record_value', 'pk.fields': 'id' },
      { dlq: true },
    );
    const bad = order('strict_orders', 2n, 'far too long', '2.00');
    await deliver(task, [
      order('strict_orders', 1n, 'ada', '1.00'),
      bad,
      order('strict_orders', 3n, 'cy', '3.00'),
    ]);
    expect((await rows('strict_orders')).map((r) => r.id)).toEqual(['1', '3']);
    expect(reported).toHaveLength(1);
    expect(reported[0]?.record).toBe(bad);
    expect(reported[0]?.error.message).toMatch(/value too long.*SQLSTATE 22001/);
  });

  it('writes text with tabs, newlines, backslashes, quotes and NUL-free control characters exactly, in every insert mode', async () => {
    const NOTE = SchemaBuilder.struct()
      .name('Note')
      .field('id', Schema.INT64_SCHEMA)
      .field('body', Schema.OPTIONAL_STRING_SCHEMA)
      .field('tags', SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional().build())
      .field('blobs', SchemaBuilder.array(Schema.OPTIONAL_BYTES_SCHEMA).optional().build())
      .field('raw', Schema.OPTIONAL_BYTES_SCHEMA)
      .build();
    const tricky = [
      'tab\there',
      'line\nbreak\r\nwindows',
      'back\\slash \\N \\. \\x41',
      '\\.',
      'quote " and \' and {braces}, commas',
      'NULL',
      '',
      ' padded ',
      'unicode ✓ \u{1F600} \u0001\u001f',
    ];
    const note = (id: number, body: string | null, o: number) =>
      new SinkRecord({
        topic: 'notes',
        kafkaPartition: 0,
        kafkaOffset: o,
        valueSchema: NOTE,
        value: new Struct(NOTE)
          .put('id', BigInt(id))
          .put('body', body)
          .put('tags', body === null ? null : [body, null, 'NULL', ''])
          .put('blobs', [new Uint8Array([0, 92, 9, 10]), null])
          .put('raw', new Uint8Array([92, 78, 0, 255])),
      });
    for (const mode of ['insert', 'upsert', 'update']) {
      const table = `notes_${mode}`;
      await admin.query(
        `CREATE TABLE "${schema}".${table} (id bigint PRIMARY KEY, body text, tags text[], blobs bytea[], raw bytea)`,
      );
      if (mode === 'update') {
        await admin.query(
          `INSERT INTO "${schema}".${table} (id) SELECT g FROM generate_series(0, ${tricky.length}) g`,
        );
      }
      // No error reporter: a batch COPY refused would fail here instead of being written again
      // record by record with statements.
      const { task } = await sink({
        'table.name.format': `${schema}.${table}`,
        'insert.mode': mode,
        'pk.mode': 'record_value',
        'pk.fields': 'id',
      });
      const batch = [...tricky.map((body, i) => note(i, body, i)), note(tricky.length, null, 99)];
      await deliver(task, batch);
      if (mode !== 'insert') await deliver(task, batch);
      const written = await rows(table);
      expect(written.map((r) => r.body)).toEqual([...tricky, null]);
      expect(written.map((r) => r.tags)).toEqual([
        ...tricky.map((body) => [body, null, 'NULL', '']),
        null,
      ]);
      for (const row of written) {
        expect(row.blobs).toEqual([Buffer.from([0, 92, 9, 10]), null]);
        expect(row.raw).toEqual(Buffer.from([92, 78, 0, 255]));
      }
    }
  });

  it('in upsert mode, sends a record refused when merging to the error reporter, writes the rest, and goes on with the next batch', async () => {
    await admin.query(
      `CREATE TABLE "${schema}".strict_upserts (id bigint PRIMARY KEY, customer varchar(3) NOT NULL, amount numeric(10,2) CHECK (amount >= 0))`,
    );
    const { task, reported } = await sink(
      {
        'table.name.format': `${schema}.\${topic}`,
        'insert.mode': 'upsert',
        'pk.mode': 'record_key',
      },
      { dlq: true },
    );
    const tooLong = order('strict_upserts', 2n, 'far too long', '2.00');
    const negative = order('strict_upserts', 4n, 'dan', '-4.00');
    await deliver(task, [
      order('strict_upserts', 1n, 'ada', '1.00'),
      tooLong,
      order('strict_upserts', 3n, 'cy', '3.00'),
      negative,
    ]);
    expect(await rows('strict_upserts')).toEqual([
      { id: '1', customer: 'ada', amount: '1.00' },
      { id: '3', customer: 'cy', amount: '3.00' },
    ]);
    expect(reported.map((r) => r.record)).toEqual([tooLong, negative]);
    expect(reported[0]?.error.message).toMatch(/value too long.*SQLSTATE 22001/);
    expect(reported[1]?.error.message).toMatch(/check constraint.*SQLSTATE 23514/);
    // The staging table created in the rolled-back transaction is made again.
    await deliver(task, [
      order('strict_upserts', 1n, 'ann', '1.10'),
      order('strict_upserts', 2n, 'bo', '2.00'),
    ]);
    expect(await rows('strict_upserts')).toEqual([
      { id: '1', customer: 'ann', amount: '1.10' },
      { id: '2', customer: 'bo', amount: '2.00' },
      { id: '3', customer: 'cy', amount: '3.00' },
    ]);
    expect(reported).toHaveLength(2);
  });

  it('writes through an updatable view (which COPY does not take) with INSERT statements', async () => {
    await admin.query(
      `CREATE TABLE "${schema}".orders_behind (id bigint PRIMARY KEY, customer text, amount numeric(10,2))`,
    );
    await admin.query(
      `CREATE VIEW "${schema}".orders_view AS SELECT id, customer, amount FROM "${schema}".orders_behind`,
    );
    const { task } = await sink({
      'table.name.format': `${schema}.orders_view`,
      'pk.mode': 'record_value',
      'pk.fields': 'id',
    });
    await deliver(task, [order('v', 1n, 'ada', '1.00'), order('v', 2n, 'bob', null)]);
    expect(await rows('orders_behind')).toEqual([
      { id: '1', customer: 'ada', amount: '1.00' },
      { id: '2', customer: 'bob', amount: null },
    ]);
  });

  it('over several batches, reports a record it cannot turn into a row once, and without a reporter fails only after the batches before it committed', async () => {
    const props = {
      'table.name.format': `${schema}.\${topic}`,
      'auto.create': 'true',
      'insert.mode': 'upsert',
      'pk.mode': 'record_key',
      'batch.size': '2',
    };
    const unkeyed = (topic: string) =>
      new SinkRecord({
        topic,
        kafkaPartition: 0,
        kafkaOffset: offset++,
        keySchema: KEY,
        key: null,
        valueSchema: VALUE,
        value: order(topic, 99n, 'nobody', null).value,
      });
    const withDlq = await sink(props, { dlq: true });
    const bad = unkeyed('batches_dlq');
    await deliver(withDlq.task, [
      order('batches_dlq', 1n, 'a', '1.00'),
      order('batches_dlq', 2n, 'b', '2.00'),
      order('batches_dlq', 3n, 'c', '3.00'),
      bad,
      order('batches_dlq', 5n, 'e', '5.00'),
    ]);
    expect((await rows('batches_dlq')).map((r) => r.id)).toEqual(['1', '2', '3', '5']);
    expect(withDlq.reported.map((r) => r.record)).toEqual([bad]);

    const { task } = await sink(props);
    await expect(
      deliver(task, [
        order('batches_fail', 1n, 'a', '1.00'),
        order('batches_fail', 2n, 'b', '2.00'),
        order('batches_fail', 3n, 'c', '3.00'),
        unkeyed('batches_fail'),
      ]),
    ).rejects.toThrow(/The record key is not a Struct/);
    expect((await rows('batches_fail')).map((r) => r.id)).toEqual(['1', '2']);
  });

  it('splits a batch larger than batch.size into several transactions and writes every record', async () => {
    const { task } = await sink({
      'table.name.format': `${schema}.\${topic}`,
      'auto.create': 'true',
      'pk.mode': 'record_value',
      'pk.fields': 'id',
      'batch.size': '7',
    });
    const batch = Array.from({ length: 50 }, (_, i) =>
      order('many', BigInt(i), `c${i}`, `${i}.00`),
    );
    await deliver(task, batch);
    const count = await admin.query(
      `SELECT count(*)::int AS n, sum(amount)::text AS total FROM "${schema}".many`,
    );
    expect(count.rows[0]).toEqual({ n: 50, total: '1225.00' });
  });
});

describe('PostgreSQL sink config', () => {
  it('lists every problem of a bad config by key', () => {
    const connector = new PostgresSinkConnector();
    let error: unknown;
    try {
      connector.start({
        'connection.url': 'jdbc:postgresql://db/x?loggerLevel=TRACE',
        'insert.mode': 'merge',
        'pk.mode': 'none',
        'delete.enabled': 'true',
        'batch.size': '0',
        'mssql.use.merge.holdlock': 'true',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigException);
    const keys = (error as ConfigException).problems.map((p) => p.key).sort();
    expect(keys).toEqual(
      [
        'batch.size',
        'connection.url',
        'delete.enabled',
        'insert.mode',
        'mssql.use.merge.holdlock',
      ].sort(),
    );
    expect((error as Error).message).toContain('unsupported connection parameters: loggerLevel');
  });

  it('refuses upsert without a primary key mode', () => {
    expect(() =>
      new PostgresSinkConnector().start({
        'connection.url': postgresUrl(),
        'insert.mode': 'upsert',
      }),
    ).toThrow(/insert\.mode=upsert needs a primary key/);
  });
});
