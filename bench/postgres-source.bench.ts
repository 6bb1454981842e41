/**
 * PostgresSourceTask read throughput (bulk and incrementing modes, records fully decoded to
 * Connect structs) next to raw `pg` reading the same rows through a cursor with its default
 * type parsing, in the same run against the same server.
 *
 * Uses SLUICE_POSTGRES_URL, or starts (or reuses) the test PostgreSQL with `sluice-services up`.
 * ROWS (default 200000), BATCH (batch.max.rows and cursor fetch size, default 10000) and ROUNDS
 * (default 3) tune it.
 */
import { execFileSync } from 'node:child_process';
import type { OffsetStorageReader, SourcePartition } from '@sluice/api';
import { PostgresSourceTask } from '@sluice/connector-postgres';
import pg from 'pg';
import { type Measurement, table } from './measure.js';

const ROWS = Number(process.env.ROWS ?? 200_000);
const BATCH = Number(process.env.BATCH ?? 10_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SCHEMA = `bench_source_${process.pid}`;

/** The test PostgreSQL's URL, from the services CLI (which prints VAR=value lines). */
function startPostgres(): string {
  const bin = new URL('node_modules/.bin/sluice-services', import.meta.url).pathname;
  const out = execFileSync(bin, ['up', 'postgres'], { encoding: 'utf8' });
  const line = out.split('\n').find((l) => l.startsWith('SLUICE_POSTGRES_URL='));
  if (line === undefined) throw new Error('sluice-services did not print SLUICE_POSTGRES_URL');
  return line.slice('SLUICE_POSTGRES_URL='.length).trim();
}

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

async function rounds(name: string, read: () => Promise<number>): Promise<Measurement> {
  const rates: number[] = [];
  for (let round = -1; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    const count = await read();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (count !== ROWS) throw new Error(`${name} read ${count} rows, expected ${ROWS}`);
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

async function main(): Promise<void> {
  const url = process.env.SLUICE_POSTGRES_URL ?? startPostgres();
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
  try {
    const baseline = await rounds('raw pg cursor read (baseline)', () => rawCursorRead(url));
    const bulk = await rounds('PostgresSourceTask bulk', () => sluiceRead(url, 'bulk'));
    const incrementing = await rounds('PostgresSourceTask incrementing', () =>
      sluiceRead(url, 'incrementing'),
    );
    console.log(`\n${ROWS} rows, ${BATCH} rows per fetch/poll, ${ROUNDS} rounds (rows/s)\n`);
    console.log(table([baseline, bulk, incrementing], baseline));
  } finally {
    await admin.query(`DROP SCHEMA ${SCHEMA} CASCADE`);
    await admin.end();
  }
}

await main();
