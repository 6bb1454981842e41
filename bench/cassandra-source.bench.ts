/**
 * CassandraSourceTask read throughput (records fully converted to Connect structs) next to the
 * raw `cassandra-driver` paging through the same query with the same page size, in the same run
 * against the same server: a bulk pass (`SELECT ... FROM t`, token order) and an incremental
 * read of one time window (`WHERE created > ? AND created <= ? ALLOW FILTERING`), each against
 * the raw read of the same query. Contenders run interleaved, round by round; each ratio is
 * taken per round, then the median.
 *
 * Uses SLUICE_CASSANDRA_CONTACT_POINTS, or starts (or reuses) the test Cassandra with
 * `sluice-services up`. ROWS (default 200000), FETCH (page size and batch.size, default 5000)
 * and ROUNDS (default 5) tune it.
 */
import {
  type OffsetStorageReader,
  SILENT_CONNECTOR_LOGGER,
  type SourcePartition,
} from '@sluice/api';
import { CassandraSourceTask } from '@sluice/connector-cassandra';
import cassandra from 'cassandra-driver';
import { cassandraContactPoint, cassandraOptions } from './cassandra-bench.js';
import { interleavedRounds, provenance, ratioTable } from './rounds.js';

const ROWS = Number(process.env.ROWS ?? 200_000);
const FETCH = Number(process.env.FETCH ?? 5000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const KS = `bench_source_${process.pid}`;
const COLUMNS = '"id", "customer", "amount", "created", "note"';
const BASE = Date.now() - 86_400_000;

const noOffsets: OffsetStorageReader = {
  offset: async () => null,
  offsets: async (partitions: readonly SourcePartition[]) =>
    new Map(partitions.map((p) => [p, null])),
};

/** Pages through `query` as the source does (prepared, `FETCH` rows a page), counting rows. */
async function rawRead(
  client: cassandra.Client,
  query: string,
  params: unknown[],
): Promise<number> {
  let count = 0;
  let pageState: string | undefined;
  do {
    const result = await client.execute(query, params, {
      prepare: true,
      fetchSize: FETCH,
      ...(pageState ? { pageState } : {}),
    });
    count += result.rows.length;
    pageState = result.pageState ?? undefined;
  } while (pageState);
  return count;
}

/** A started source task (untimed), and the timed read of every row by it. */
function sourceContender(name: string, contactPoint: string, kcql: string) {
  let task: CassandraSourceTask | null = null;
  return {
    name,
    before: async () => {
      task = await startSource(contactPoint, kcql);
    },
    run: async () => {
      const started = task as CassandraSourceTask;
      let count = 0;
      try {
        while (count < ROWS) count += (await started.poll())?.length ?? 0;
      } finally {
        await started.stop();
      }
      return count;
    },
  };
}

async function startSource(contactPoint: string, kcql: string): Promise<CassandraSourceTask> {
  const task = new CassandraSourceTask();
  const props = {
    contactPoints: contactPoint,
    'loadBalancing.localDc': 'datacenter1',
    'connect.cassandra.key.space': KS,
    'connect.cassandra.kcql': kcql,
    'connect.cassandra.batch.size': String(FETCH),
    'connect.cassandra.fetch.size': String(FETCH),
    'connect.cassandra.slice.delay.ms': '0',
    'connect.cassandra.import.poll.interval': '600000',
  };
  task.initialize({
    configs: () => props,
    offsetStorageReader: () => noOffsets,
    transactionContext: () => null,
    log: SILENT_CONNECTOR_LOGGER,
  });
  await task.start(props);
  return task;
}

async function main(): Promise<void> {
  const contactPoint = cassandraContactPoint();
  const client = new cassandra.Client(cassandraOptions(contactPoint));
  await client.connect();
  await client.execute(
    `CREATE KEYSPACE ${KS} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
  );
  await client.execute(
    `CREATE TABLE ${KS}.orders (id bigint PRIMARY KEY, customer text, amount decimal, created timestamp, note text)`,
  );
  const insert = `INSERT INTO ${KS}.orders (id, customer, amount, created, note) VALUES (?, ?, ?, ?, ?)`;
  let next = 0;
  const loader = async () => {
    while (next < ROWS) {
      const i = next++;
      await client.execute(
        insert,
        [
          BigInt(i),
          `customer ${i % 977}`,
          cassandra.types.BigDecimal.fromString(`${i}.37`),
          new Date(BASE + i),
          i % 3 === 0 ? null : 'leave it with the neighbour',
        ],
        { prepare: true },
      );
    }
  };
  await Promise.all(Array.from({ length: 256 }, loader));
  const startedAt = provenance();
  const window = [new Date(BASE - 1), new Date(Date.now())];
  try {
    const results = await interleavedRounds(
      [
        {
          name: 'raw driver paged read (baseline)',
          run: () => rawRead(client, `SELECT ${COLUMNS} FROM "${KS}"."orders"`, []),
        },
        sourceContender(
          'CassandraSourceTask bulk',
          contactPoint,
          'INSERT INTO bench SELECT * FROM orders',
        ),
        {
          name: 'raw driver paged read of the window',
          run: () =>
            rawRead(
              client,
              `SELECT ${COLUMNS} FROM "${KS}"."orders" WHERE "created" > ? AND "created" <= ? ALLOW FILTERING`,
              window,
            ),
        },
        sourceContender(
          'CassandraSourceTask incremental',
          contactPoint,
          'INSERT INTO bench SELECT * FROM orders PK created',
        ),
      ],
      ROUNDS,
      ROWS,
    );
    console.log(`Started ${startedAt}; ended ${provenance()}.`);
    console.log(`\n${ROWS} rows, ${FETCH} rows per page and per poll, ${ROUNDS} rounds (rows/s)\n`);
    console.log(ratioTable(results, 'raw driver paged read (baseline)', 'rows', { cpu: true }));
    // The incremental read's own baseline: the raw driver reading the same window.
    console.log('\nThe same rounds against the raw driver reading the window:\n');
    console.log(ratioTable(results, 'raw driver paged read of the window', 'rows', { cpu: true }));
  } finally {
    await client.execute(`DROP KEYSPACE ${KS}`);
    await client.shutdown();
  }
}

await main();
