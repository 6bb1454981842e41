/**
 * PostgresSinkTask write throughput (insert and upsert, batch.size rows per transaction) next to
 * raw `pg` writing the same rows in one transaction per batch, in the same run against the same
 * server. Baselines: `COPY ... FROM STDIN` (pg-copy-streams, text format built from the rows'
 * values) for inserts, and COPY into a temporary table followed by one INSERT ... SELECT ... ON
 * CONFLICT for upserts. References: multi-row INSERT ... VALUES, INSERT ... SELECT FROM unnest
 * of one array per column, and multi-row INSERT ... ON CONFLICT. The sink gets all rows in one
 * put() (it encodes the next batch while the server copies the current one), and, for inserts,
 * also one put() per batch, as a worker whose consumer hands it batch.size records at a time
 * would call it (no overlap between batches then). Contenders run interleaved, round by round;
 * each ratio is taken per round, then the median.
 *
 * Uses SLUICE_POSTGRES_URL, or starts (or reuses) the test PostgreSQL with `sluice-services up`.
 * ROWS (default 100000), BATCH (default 3000) and ROUNDS (default 5) tune it.
 */

import {
  Decimal,
  Schema,
  SchemaBuilder,
  SILENT_CONNECTOR_LOGGER,
  SinkRecord,
  type SinkTaskContext,
  Struct,
} from '@sluice/api';
import { PostgresSinkTask } from '@sluice/connector-postgres';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  type Contender,
  interleavedRounds,
  postgresUrl,
  provenance,
  ratioTable,
} from './rounds.js';

const ROWS = Number(process.env.ROWS ?? 100_000);
const BATCH = Number(process.env.BATCH ?? 3000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
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
  log: SILENT_CONNECTOR_LOGGER,
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

const COPY_SPECIAL = /[\\\n\r\t]/g;
const COPY_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** One raw row as a line of COPY's text format (tab-separated, \N for NULL, escaped). */
function copyLine(row: readonly unknown[]): string {
  return `${row
    .map((v) =>
      v === null ? '\\N' : String(v).replace(COPY_SPECIAL, (c) => COPY_ESCAPES[c] as string),
    )
    .join('\t')}\n`;
}

/** COPY of `rows` into `target`; resolves when the server has taken them. */
function copyInto(client: pg.Client, target: string, rows: readonly unknown[][]): Promise<void> {
  const stream = client.query(
    copyFrom(`COPY ${target} (id, customer, amount, created, note) FROM STDIN`),
  );
  return new Promise((resolve, reject) => {
    stream.on('error', reject);
    stream.on('finish', resolve);
    stream.end(rows.map(copyLine).join(''));
  });
}

/** The same rows through COPY, one transaction per batch: the insert baseline. */
async function rawCopy(client: pg.Client, name: string, rows: unknown[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    await client.query('BEGIN');
    await copyInto(client, `${SCHEMA}.${name}`, rows.slice(i, i + BATCH));
    await client.query('COMMIT');
  }
}

const UPDATE_ALL =
  ' ON CONFLICT (id) DO UPDATE SET customer = EXCLUDED.customer, amount = EXCLUDED.amount, created = EXCLUDED.created, note = EXCLUDED.note';

/** COPY into a temporary table, then one INSERT ... SELECT ... ON CONFLICT: the upsert baseline. */
async function rawCopyUpsert(client: pg.Client, name: string, rows: unknown[][]): Promise<void> {
  await client.query(
    `CREATE TEMPORARY TABLE IF NOT EXISTS stage (id bigint, customer text, amount numeric, created timestamp, note text) ON COMMIT DELETE ROWS`,
  );
  for (let i = 0; i < rows.length; i += BATCH) {
    await client.query('BEGIN');
    await copyInto(client, 'pg_temp.stage', rows.slice(i, i + BATCH));
    await client.query(
      `INSERT INTO ${SCHEMA}.${name} (id, customer, amount, created, note) SELECT id, customer, amount, created, note FROM pg_temp.stage${UPDATE_ALL}`,
    );
    await client.query('COMMIT');
  }
}

async function main(): Promise<void> {
  const url = postgresUrl();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; CREATE SCHEMA ${SCHEMA}`);
  const tables = [
    'raw_copy',
    'raw',
    'raw_unnest',
    'raw_copy_upsert',
    'raw_upsert',
    'sluice_insert',
    'sluice_insert_per_put',
    'sluice_upsert',
  ];
  for (const name of tables) await admin.query(DDL(name));
  const sinkRecords = records();
  const raw = rawRows();
  const rawClient = new pg.Client({ connectionString: url });
  await rawClient.connect();
  const insertTask = await sluiceTask(url, 'sluice_insert', 'insert');
  const perPutTask = await sluiceTask(url, 'sluice_insert_per_put', 'insert');
  // As a worker calls put: with at most max.poll.records records (raised here to batch.size).
  const perPut = async () => {
    for (let i = 0; i < ROWS; i += BATCH) await perPutTask.put(sinkRecords.slice(i, i + BATCH));
  };
  const upsertTask = await sluiceTask(url, 'sluice_upsert', 'upsert');
  const truncate = (name: string) => async () => {
    await admin.query(`TRUNCATE ${SCHEMA}.${name}`);
  };
  const contender = (name: string, table: string, write: () => Promise<void>): Contender => ({
    name,
    before: truncate(table),
    run: async () => {
      await write();
      return ROWS;
    },
  });
  const startedAt = provenance();
  try {
    const inserts = await interleavedRounds(
      [
        contender('raw pg COPY FROM STDIN (baseline)', 'raw_copy', () =>
          rawCopy(rawClient, 'raw_copy', raw),
        ),
        contender('raw pg multi-row INSERT ... VALUES', 'raw', () =>
          rawInsert(rawClient, 'raw', raw),
        ),
        contender('raw pg INSERT ... SELECT FROM unnest', 'raw_unnest', () =>
          rawUnnest(rawClient, 'raw_unnest', raw),
        ),
        contender('PostgresSinkTask insert', 'sluice_insert', () => insertTask.put(sinkRecords)),
        contender('PostgresSinkTask insert, one put() per batch', 'sluice_insert_per_put', perPut),
      ],
      ROUNDS,
      ROWS,
    );
    const upserts = await interleavedRounds(
      [
        contender('raw pg COPY + INSERT ... ON CONFLICT (baseline)', 'raw_copy_upsert', () =>
          rawCopyUpsert(rawClient, 'raw_copy_upsert', raw),
        ),
        contender('raw pg multi-row INSERT ... ON CONFLICT', 'raw_upsert', () =>
          rawInsert(rawClient, 'raw_upsert', raw, UPDATE_ALL),
        ),
        contender('PostgresSinkTask upsert', 'sluice_upsert', () => upsertTask.put(sinkRecords)),
      ],
      ROUNDS,
      ROWS,
    );
    console.log(`Started ${startedAt}; ended ${provenance()}.`);
    console.log(`\n${ROWS} rows, ${BATCH} rows per transaction, ${ROUNDS} rounds (rows/s)\n`);
    console.log(ratioTable(inserts, 'raw pg COPY FROM STDIN (baseline)'));
    console.log('');
    console.log(ratioTable(upserts, 'raw pg COPY + INSERT ... ON CONFLICT (baseline)'));
  } finally {
    await insertTask.stop();
    await perPutTask.stop();
    await upsertTask.stop();
    await rawClient.end();
    await admin.query(`DROP SCHEMA ${SCHEMA} CASCADE`);
    await admin.end();
  }
}

await main();
