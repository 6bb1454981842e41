/**
 * PostgresSinkTask write throughput (insert and upsert, batch.size rows per transaction) next to
 * raw `pg` writing the same rows in one transaction per batch, in the same run against the same
 * server: multi-row INSERT ... VALUES (the baseline), and INSERT ... SELECT FROM unnest of one
 * array per column (the statement shape the sink uses, hand-written: the ceiling of the
 * technique).
 *
 * Uses SLUICE_POSTGRES_URL, or starts (or reuses) the test PostgreSQL with `sluice-services up`.
 * ROWS (default 100000), BATCH (default 3000) and ROUNDS (default 3) tune it.
 */

import { execFileSync } from 'node:child_process';
import {
  Decimal,
  Schema,
  SchemaBuilder,
  SinkRecord,
  type SinkTaskContext,
  Struct,
} from '@sluice/api';
import { PostgresSinkTask } from '@sluice/connector-postgres';
import pg from 'pg';
import { type Measurement, table } from './measure.js';

const ROWS = Number(process.env.ROWS ?? 100_000);
const BATCH = Number(process.env.BATCH ?? 3000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SCHEMA = `bench_${process.pid}`;

const valueSchema = SchemaBuilder.struct()
  .name('shop.Order')
  .field('id', Schema.INT64_SCHEMA)
  .field('customer', Schema.STRING_SCHEMA)
  .field('amount', Decimal.schema(2))
  .field(
    'created',
    SchemaBuilder.int64().name('org.apache.kafka.connect.data.Timestamp').version(1).build(),
  )
  .field('note', Schema.OPTIONAL_STRING_SCHEMA)
  .build();

const DDL = (name: string) =>
  `CREATE TABLE ${SCHEMA}.${name} (id bigint PRIMARY KEY, customer text NOT NULL, amount numeric NOT NULL, created timestamp NOT NULL, note text)`;

function records(): SinkRecord[] {
  return Array.from({ length: ROWS }, (_, i) => {
    const value = new Struct(valueSchema)
      .put('id', BigInt(i))
      .put('customer', `customer ${i % 977}`)
      .put('amount', Decimal.of(BigInt(i * 37 + 1), 2))
      .put('created', new Date(1_732_000_000_000 + i * 1000))
      .put('note', i % 3 === 0 ? null : 'leave it with the neighbour');
    return new SinkRecord({
      topic: 'orders',
      kafkaPartition: 0,
      kafkaOffset: i,
      valueSchema,
      value,
    });
  });
}

/** The same rows as raw parameter arrays, as a hand-written pg loader would hold them. */
function rawRows(): unknown[][] {
  return Array.from({ length: ROWS }, (_, i) => [
    String(i),
    `customer ${i % 977}`,
    Decimal.of(BigInt(i * 37 + 1), 2).toString(),
    new Date(1_732_000_000_000 + i * 1000).toISOString(),
    i % 3 === 0 ? null : 'leave it with the neighbour',
  ]);
}

async function rawInsert(
  client: pg.Client,
  name: string,
  rows: unknown[][],
  suffix = '',
): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    const chunk = rows.slice(i, i + BATCH);
    const tuples = chunk.map(
      (_, r) => `(${[1, 2, 3, 4, 5].map((c) => `$${r * 5 + c}`).join(', ')})`,
    );
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO ${SCHEMA}.${name} (id, customer, amount, created, note) VALUES ${tuples.join(', ')}${suffix}`,
      chunk.flat(),
    );
    await client.query('COMMIT');
  }
}

/** The same rows with one array parameter per column, the technique the sink uses. */
async function rawUnnest(client: pg.Client, name: string, rows: unknown[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    const chunk = rows.slice(i, i + BATCH);
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO ${SCHEMA}.${name} (id, customer, amount, created, note) SELECT * FROM unnest($1::bigint[], $2::text[], $3::numeric[], $4::timestamp[], $5::text[])`,
      [0, 1, 2, 3, 4].map((c) => chunk.map((row) => row[c])),
    );
    await client.query('COMMIT');
  }
}

const context: SinkTaskContext = {
  configs: () => ({}),
  offset: () => {},
  timeout: () => {},
  assignment: () => [],
  pause: () => {},
  resume: () => {},
  requestCommit: () => {},
  errantRecordReporter: () => null,
};

async function sluiceTask(url: string, name: string, mode: string): Promise<PostgresSinkTask> {
  const task = new PostgresSinkTask();
  task.initialize(context);
  await task.start({
    'connection.url': url,
    'table.name.format': `${SCHEMA}.${name}`,
    'insert.mode': mode,
    'pk.mode': 'record_value',
    'pk.fields': 'id',
    'batch.size': String(BATCH),
  });
  return task;
}

async function rounds(
  name: string,
  admin: pg.Client,
  table: string,
  write: () => Promise<void>,
): Promise<Measurement> {
  const rates: number[] = [];
  for (let round = -1; round < ROUNDS; round++) {
    await admin.query(`TRUNCATE ${SCHEMA}.${table}`);
    const start = process.hrtime.bigint();
    await write();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (round >= 0) rates.push(ROWS / seconds);
  }
  rates.sort((a, b) => a - b);
  return {
    name,
    opsPerSecond: rates[Math.floor(rates.length / 2)] ?? 0,
    min: rates[0] ?? 0,
    max: rates[rates.length - 1] ?? 0,
  };
}

/** The test PostgreSQL's URL, from the services CLI (which prints VAR=value lines). */
function startPostgres(): string {
  const bin = new URL('node_modules/.bin/sluice-services', import.meta.url).pathname;
  const out = execFileSync(bin, ['up', 'postgres'], { encoding: 'utf8' });
  const line = out.split('\n').find((l) => l.startsWith('SLUICE_POSTGRES_URL='));
  if (line === undefined) throw new Error('sluice-services did not print SLUICE_POSTGRES_URL');
  return line.slice('SLUICE_POSTGRES_URL='.length).trim();
}

async function main(): Promise<void> {
  const url = process.env.SLUICE_POSTGRES_URL ?? startPostgres();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; CREATE SCHEMA ${SCHEMA}`);
  for (const name of ['raw', 'raw_unnest', 'raw_upsert', 'sluice_insert', 'sluice_upsert']) {
    await admin.query(DDL(name));
  }
  const sinkRecords = records();
  const raw = rawRows();
  const rawClient = new pg.Client({ connectionString: url });
  await rawClient.connect();
  const insertTask = await sluiceTask(url, 'sluice_insert', 'insert');
  const upsertTask = await sluiceTask(url, 'sluice_upsert', 'upsert');
  try {
    const baseline = await rounds('raw pg multi-row INSERT (baseline)', admin, 'raw', () =>
      rawInsert(rawClient, 'raw', raw),
    );
    const unnest = await rounds('raw pg INSERT ... SELECT FROM unnest', admin, 'raw_unnest', () =>
      rawUnnest(rawClient, 'raw_unnest', raw),
    );
    const insert = await rounds('PostgresSinkTask insert', admin, 'sluice_insert', () =>
      insertTask.put(sinkRecords),
    );
    const upsert = await rounds(
      'PostgresSinkTask upsert (ON CONFLICT)',
      admin,
      'sluice_upsert',
      () => upsertTask.put(sinkRecords),
    );
    const rawUpsert = await rounds('raw pg INSERT ... ON CONFLICT', admin, 'raw_upsert', () =>
      rawInsert(
        rawClient,
        'raw_upsert',
        raw,
        ' ON CONFLICT (id) DO UPDATE SET customer = EXCLUDED.customer, amount = EXCLUDED.amount, created = EXCLUDED.created, note = EXCLUDED.note',
      ),
    );
    console.log(`\n${ROWS} rows, ${BATCH} rows per transaction, ${ROUNDS} rounds (rows/s)\n`);
    console.log(table([baseline, unnest, insert], baseline));
    console.log('');
    console.log(table([rawUpsert, upsert], rawUpsert));
  } finally {
    await insertTask.stop();
    await upsertTask.stop();
    await rawClient.end();
    await admin.query(`DROP SCHEMA ${SCHEMA} CASCADE`);
    await admin.end();
  }
}

await main();
