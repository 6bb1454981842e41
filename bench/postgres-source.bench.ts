/**
 * PostgresSourceTask read throughput (bulk and incrementing modes, records fully decoded to
 * Connect structs) next to raw `pg` reading the same rows through a cursor with its default
 * type parsing, in the same run against the same server. Contenders run interleaved, round by
 * round; each ratio is taken per round, then the median.
 *
 * Uses SLUICE_POSTGRES_URL, or starts (or reuses) the test PostgreSQL with `sluice-services up`.
 * ROWS (default 1000000), BATCH (batch.max.rows and cursor fetch size, default 10000) and ROUNDS
 * (default 5) tune it.
 */
import {
  type OffsetStorageReader,
  SILENT_CONNECTOR_LOGGER,
  type SourcePartition,
} from '@sluice/api';
import { PostgresSourceTask } from '@sluice/connector-postgres';
import pg from 'pg';
import { interleavedRounds, postgresUrl, provenance, ratioTable } from './rounds.js';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const BATCH = Number(process.env.BATCH ?? 10_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SCHEMA = `bench_source_${process.pid}`;

const noOffsets: OffsetStorageReader = {
  offset: async () => null,
  offsets: async (partitions: readonly SourcePartition[]) =>
    new Map(partitions.map((p) => [p, null])),
};

async function rawCursorRead(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let count = 0;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`DECLARE c NO SCROLL CURSOR FOR SELECT * FROM ${SCHEMA}.orders`);
    for (;;) {
      const result = await client.query({ text: `FETCH ${BATCH} FROM c`, rowMode: 'array' });
      count += result.rows.length;
      if (result.rows.length < BATCH) break;
    }
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
  return count;
}

async function sluiceRead(url: string, mode: string): Promise<number> {
  const task = new PostgresSourceTask();
  const props = {
    'connection.url': url,
    mode,
    'incrementing.column.name': 'id',
    tables: `${SCHEMA}.orders`,
    'topic.prefix': 'bench-',
    'batch.max.rows': String(BATCH),
    'poll.interval.ms': '600000',
  };
  task.initialize({
    configs: () => props,
    offsetStorageReader: () => noOffsets,
    transactionContext: () => null,
    log: SILENT_CONNECTOR_LOGGER,
  });
  await task.start(props);
  let count = 0;
  try {
    while (count < ROWS) count += (await task.poll())?.length ?? 0;
  } finally {
    await task.stop();
  }
  return count;
}

async function main(): Promise<void> {
  const url = postgresUrl();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; CREATE SCHEMA ${SCHEMA}`);
  await admin.query(
    `CREATE TABLE ${SCHEMA}.orders (id bigint PRIMARY KEY, customer text NOT NULL, amount numeric(12,2) NOT NULL, created timestamptz NOT NULL, note text)`,
  );
  await admin.query(
    `INSERT INTO ${SCHEMA}.orders SELECT g, 'customer ' || (g % 977), g * 0.37, timestamptz '2024-01-01' + g * interval '1 second', CASE WHEN g % 3 = 0 THEN NULL ELSE 'leave it with the neighbour' END FROM generate_series(1, ${ROWS}) g`,
  );
  await admin.query(`ANALYZE ${SCHEMA}.orders`);
  const startedAt = provenance();
  try {
    const results = await interleavedRounds(
      [
        { name: 'raw pg cursor read (baseline)', run: () => rawCursorRead(url) },
        { name: 'PostgresSourceTask bulk', run: () => sluiceRead(url, 'bulk') },
        { name: 'PostgresSourceTask incrementing', run: () => sluiceRead(url, 'incrementing') },
      ],
      ROUNDS,
      ROWS,
    );
    console.log(`Started ${startedAt}; ended ${provenance()}.`);
    console.log(`\n${ROWS} rows, ${BATCH} rows per fetch/poll, ${ROUNDS} rounds (rows/s)\n`);
    console.log(ratioTable(results, 'raw pg cursor read (baseline)'));
  } finally {
    await admin.query(`DROP SCHEMA ${SCHEMA} CASCADE`);
    await admin.end();
  }
}

await main();
