import {
  ConnectException,
  type ConnectorProps,
  Schema,
  SchemaBuilder,
  SinkRecord,
  Struct,
  TopicPartitionMap,
} from '@sluice/api';
import { postgresUrl } from '@sluice/test-fixtures';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresSinkConnector, PostgresSinkTask } from '../src/index.js';
import { connect, deliver, freshSchema, startSink } from './harness.js';

const KEY = SchemaBuilder.struct().name('Key').field('id', Schema.INT64_SCHEMA).build();
const VALUE = SchemaBuilder.struct()
  .name('Row')
  .field('id', Schema.INT64_SCHEMA)
  .field('n', Schema.STRING_SCHEMA)
  .build();

/** A record with a struct key and value (or a tombstone for a null `n`) at a Kafka position. */
function row(topic: string, partition: number, offset: number, id: number, n: string | null) {
  return new SinkRecord({
    topic,
    kafkaPartition: partition,
    kafkaOffset: offset,
    keySchema: KEY,
    key: new Struct(KEY).put('id', BigInt(id)),
    valueSchema: n === null ? null : VALUE,
    value: n === null ? null : new Struct(VALUE).put('id', BigInt(id)).put('n', n),
  });
}

let admin: pg.Client;
let schema: string;
const tasks: PostgresSinkTask[] = [];

beforeAll(async () => {
  admin = await connect();
  schema = await freshSchema(admin, 'eos');
});

afterAll(async () => {
  for (const task of tasks) await task.stop();
  await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
  await admin.end();
});

/** Props of an exactly-once sink writing to `<schema>.<topic>` with its offsets in `<schema>.offsets`. */
function eosProps(props: ConnectorProps = {}): ConnectorProps {
  return {
    name: 'eos-sink',
    'connection.url': postgresUrl(),
    'table.name.format': `${schema}.\${topic}`,
    'auto.create': 'true',
    'exactly.once.enabled': 'true',
    'exactly.once.offsets.table': `${schema}.offsets`,
    ...props,
  };
}

async function sink(props: ConnectorProps, options: { dlq?: boolean } = {}) {
  const started = await startSink(new PostgresSinkTask(), eosProps(props), options);
  tasks.push(started.task);
  return started;
}

async function rows(table: string): Promise<Record<string, unknown>[]> {
  return (await admin.query(`SELECT * FROM "${schema}"."${table}" ORDER BY id, n`)).rows;
}

async function stored(topic: string): Promise<Record<string, unknown>[]> {
  const result = await admin.query(
    `SELECT connector, "partition", next_offset FROM "${schema}".offsets WHERE topic = $1 ORDER BY connector, "partition"`,
    [topic],
  );
  return result.rows;
}

const tps = (...entries: Array<[string, number, number]>) =>
  new TopicPartitionMap(entries.map(([topic, partition, o]) => [{ topic, partition }, o] as const));

describe('PostgreSQL sink, exactly once', () => {
  it('stores the next offset of each partition with the rows, and a new task resumes every partition from it', async () => {
    const { task } = await sink({ 'pk.mode': 'record_key' });
    await deliver(task, [
      row('eos_resume', 0, 0, 1, 'a'),
      row('eos_resume', 1, 7, 2, 'b'),
      row('eos_resume', 0, 1, 3, 'c'),
    ]);
    await deliver(task, [row('eos_resume', 0, 5, 4, 'd')]);
    expect(await stored('eos_resume')).toEqual([
      { connector: 'eos-sink', partition: 0, next_offset: '6' },
      { connector: 'eos-sink', partition: 1, next_offset: '8' },
    ]);
    await task.stop();

    const { task: next, sought } = await sink({ 'pk.mode': 'record_key' });
    await next.open([
      { topic: 'eos_resume', partition: 0 },
      { topic: 'eos_resume', partition: 1 },
      { topic: 'eos_resume', partition: 2 },
    ]);
    // Partition 2 has nothing stored: it starts from the consumer group's offset.
    expect(sought).toEqual(tps(['eos_resume', 0, 6], ['eos_resume', 1, 8]));

    // Another connector name keeps its own positions in the same table.
    const { task: other, sought: otherSought } = await sink({
      name: 'other-sink',
      'pk.mode': 'record_key',
    });
    await other.open([{ topic: 'eos_resume', partition: 0 }]);
    expect(otherSought.size).toBe(0);
  });

  it('writes neither rows nor offsets when the transaction fails', async () => {
    const { task } = await sink({ 'pk.mode': 'record_key' });
    await deliver(task, [row('eos_rollback', 0, 0, 1, 'a')]);
    await expect(
      deliver(task, [row('eos_rollback', 0, 1, 2, 'b'), row('eos_rollback', 0, 2, 1, 'again')]),
    ).rejects.toThrow(ConnectException);
    expect(await rows('eos_rollback')).toEqual([{ id: '1', n: 'a' }]);
    expect(await stored('eos_rollback')).toEqual([
      { connector: 'eos-sink', partition: 0, next_offset: '1' },
    ]);
  });

  // Each case: the records of two batches, written in order; then the first batch is delivered
  // again, as after a crash between the database commit and the consumer offset commit (or by a
  // zombie task). Written again, it would change the table; exactly once, it must not.
  const modes: Array<{
    mode: string;
    props: ConnectorProps;
    setup?: (schema: string) => string;
    first: (topic: string) => SinkRecord[];
    second: (topic: string) => SinkRecord[];
    expected: Record<string, unknown>[];
  }> = [
    {
      mode: 'insert (no key)',
      props: { 'pk.mode': 'none' },
      first: (t) => [row(t, 0, 0, 1, 'a'), row(t, 0, 1, 2, 'b')],
      second: (t) => [row(t, 0, 2, 3, 'c')],
      expected: [
        { id: '1', n: 'a' },
        { id: '2', n: 'b' },
        { id: '3', n: 'c' },
      ],
    },
    {
      mode: 'upsert',
      props: { 'pk.mode': 'record_key', 'insert.mode': 'upsert' },
      first: (t) => [row(t, 0, 0, 1, 'old'), row(t, 0, 1, 2, 'b')],
      second: (t) => [row(t, 0, 2, 1, 'new')],
      expected: [
        { id: '1', n: 'new' },
        { id: '2', n: 'b' },
      ],
    },
    {
      mode: 'update',
      props: { 'pk.mode': 'record_key', 'insert.mode': 'update', 'auto.create': 'false' },
      setup: (s) =>
        `CREATE TABLE "${s}".eos_update (id bigint PRIMARY KEY, n text); INSERT INTO "${s}".eos_update VALUES (1, 'before')`,
      first: (t) => [row(t, 0, 0, 1, 'old')],
      second: (t) => [row(t, 0, 1, 1, 'new')],
      expected: [{ id: '1', n: 'new' }],
    },
    {
      mode: 'delete (tombstones)',
      props: { 'pk.mode': 'record_key', 'insert.mode': 'upsert', 'delete.enabled': 'true' },
      first: (t) => [row(t, 0, 0, 1, 'a'), row(t, 0, 1, 1, null)],
      second: (t) => [row(t, 0, 2, 1, 'back')],
      expected: [{ id: '1', n: 'back' }],
    },
  ];

  for (const c of modes) {
    it(`in ${c.mode} mode, a batch delivered again after it committed is not written twice, and the task is rewound past it`, async () => {
      const topic = `eos_${c.mode.split(' ')[0]}`;
      if (c.setup) await admin.query(c.setup(schema));
      const { task, sought, log } = await sink(c.props);
      await deliver(task, c.first(topic));
      await deliver(task, c.second(topic));
      expect(await rows(topic)).toEqual(c.expected);

      await deliver(task, c.first(topic));
      expect(await rows(topic)).toEqual(c.expected);
      const next = c.first(topic).length + c.second(topic).length;
      expect(sought).toEqual(tps([topic, 0, next]));
      expect(await stored(topic)).toEqual([
        { connector: 'eos-sink', partition: 0, next_offset: String(next) },
      ]);
      expect(log.messages('warn').join('\n')).toContain('another task wrote these records');
    });
  }

  it('a batch partly written already is skipped whole and the task rewound to the stored offset', async () => {
    const { task, sought } = await sink({ 'pk.mode': 'none' });
    await deliver(task, [row('eos_overlap', 0, 0, 1, 'a'), row('eos_overlap', 0, 1, 2, 'b')]);
    // Offsets 1 and 2: offset 1 is written, offset 2 must come again from offset 2.
    await deliver(task, [row('eos_overlap', 0, 1, 2, 'b'), row('eos_overlap', 0, 2, 3, 'c')]);
    expect(sought).toEqual(tps(['eos_overlap', 0, 2]));
    await deliver(task, [row('eos_overlap', 0, 2, 3, 'c')]);
    expect(await rows('eos_overlap')).toEqual([
      { id: '1', n: 'a' },
      { id: '2', n: 'b' },
      { id: '3', n: 'c' },
    ]);
  });

  it('moves the offsets past records sent to the error reporter, so they are not reported again', async () => {
    const { task, reported } = await sink({ 'pk.mode': 'record_key' }, { dlq: true });
    await admin.query(
      `CREATE TABLE "${schema}".eos_dlq (id bigint PRIMARY KEY, n text CHECK (n <> 'bad'))`,
    );
    await deliver(task, [row('eos_dlq', 0, 0, 1, 'a'), row('eos_dlq', 0, 1, 2, 'bad')]);
    expect(reported.map((r) => r.record.kafkaOffset)).toEqual([1]);
    expect(await rows('eos_dlq')).toEqual([{ id: '1', n: 'a' }]);
    expect(await stored('eos_dlq')).toEqual([
      { connector: 'eos-sink', partition: 0, next_offset: '2' },
    ]);
  });

  it('offsets altered or reset through the connector are written to the offsets table', async () => {
    const connector = new PostgresSinkConnector();
    const props = eosProps({ 'pk.mode': 'record_key', topics: 'eos_alter' });
    const { task } = await sink({ 'pk.mode': 'record_key' });
    await deliver(task, [row('eos_alter', 0, 0, 1, 'a'), row('eos_alter', 1, 0, 2, 'b')]);
    expect(
      await connector.alterOffsets(props, tps(['eos_alter', 0, 10], ['eos_alter', 2, 3])),
    ).toBe(true);
    expect(await stored('eos_alter')).toEqual([
      { connector: 'eos-sink', partition: 0, next_offset: '10' },
      { connector: 'eos-sink', partition: 1, next_offset: '1' },
      { connector: 'eos-sink', partition: 2, next_offset: '3' },
    ]);
    const reset = new TopicPartitionMap<number | null>([
      [{ topic: 'eos_alter', partition: 0 }, null],
      [{ topic: 'eos_alter', partition: 1 }, null],
    ]);
    await connector.alterOffsets(props, reset);
    expect(await stored('eos_alter')).toEqual([
      { connector: 'eos-sink', partition: 2, next_offset: '3' },
    ]);
  });

  it('without exactly.once.enabled, writes no offsets', async () => {
    const { task, sought } = await sink({
      'pk.mode': 'record_key',
      'exactly.once.enabled': 'false',
      'exactly.once.offsets.table': `${schema}.no_offsets`,
    });
    await deliver(task, [row('eos_off', 0, 0, 1, 'a')]);
    await task.open([{ topic: 'eos_off', partition: 0 }]);
    expect(sought.size).toBe(0);
    const table = await admin.query('SELECT to_regclass($1) AS t', [`"${schema}".no_offsets`]);
    expect(table.rows).toEqual([{ t: null }]);
  });
});
