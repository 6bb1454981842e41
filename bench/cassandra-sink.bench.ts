/**
 * CassandraSinkTask write throughput next to the raw `cassandra-driver` executing the very same
 * prepared statements (the INSERT the sink generates, bound to the same values already in the
 * driver's types), grouped the same way (unlogged batches of up to 32 rows of one partition) with
 * the same number of requests in flight (500) over the same number of connections (POOL, the
 * sink's `connectionPoolLocalSize`), in the same run against the same server. Two
 * tables: one partition per customer (977 customers, so rows go in batches) and one partition
 * per row (single statements). The sink gets the records in put() calls of 500, as a worker's
 * consumer hands them over (each put waits for its writes), and in one put() of every record.
 * Contenders run interleaved, round by round; each ratio is taken per round, then the median.
 *
 * Uses SLUICE_CASSANDRA_CONTACT_POINTS, or starts (or reuses) the test Cassandra with
 * `sluice-services up`. ROWS (default 50000), ROUNDS (default 5) and POOL (connections to the
 * node, default 4: the sink's default `connectionPoolLocalSize`) tune it.
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
import { CassandraSinkTask } from '@sluice/connector-cassandra';
import cassandra from 'cassandra-driver';
import { cassandraContactPoint, cassandraOptions } from './cassandra-bench.js';
import { type Contender, interleavedRounds, provenance, ratioTable } from './rounds.js';

const ROWS = Number(process.env.ROWS ?? 50_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const CONCURRENCY = 500;
const BATCH = 32;
const PUT = 500;
const POOL = Number(process.env.POOL ?? 4);
const KS = `bench_sink_${process.pid}`;

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

const TIMESTAMP = 1_732_000_000_000;

function records(): SinkRecord[] {
  return Array.from({ length: ROWS }, (_, i) => {
    const value = new Struct(valueSchema)
      .put('id', BigInt(i))
      .put('customer', `customer ${i % 977}`)
      .put('amount', Decimal.of(BigInt(i * 37 + 1), 2))
      .put('created', new Date(TIMESTAMP + i * 1000))
      .put('note', i % 3 === 0 ? null : 'leave it with the neighbour');
    return new SinkRecord({
      topic: 'orders',
      kafkaPartition: 0,
      kafkaOffset: i,
      valueSchema,
      value,
      timestamp: TIMESTAMP + i,
    });
  });
}

/** The statement the sink prepares for `table` (read from its log line), and each row's values. */
function rawStatements(table: string): {
  query: string;
  rows: { key: string; params: unknown[] }[];
} {
  const query = `INSERT INTO "${KS}"."${table}" ("id", "customer", "amount", "created", "note") VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?`;
  const rows = Array.from({ length: ROWS }, (_, i) => {
    const customer = `customer ${i % 977}`;
    return {
      key: table === 'by_customer' ? customer : String(i),
      params: [
        BigInt(i),
        customer,
        cassandra.types.BigDecimal.fromString(Decimal.of(BigInt(i * 37 + 1), 2).toString()),
        new Date(TIMESTAMP + i * 1000),
        i % 3 === 0 ? cassandra.types.unset : 'leave it with the neighbour',
        BigInt(TIMESTAMP + i) * 1000n,
      ],
    };
  });
  return { query, rows };
}

/**
 * The raw driver: same statements, same partition batches, same requests in flight; `chunk`
 * rows at a time (grouped within the chunk, all written before the next), as the sink's puts.
 */
async function rawWrite(
  client: cassandra.Client,
  statements: ReturnType<typeof rawStatements>,
  chunk = ROWS,
): Promise<number> {
  for (let i = 0; i < statements.rows.length; i += chunk)
    await rawChunk(client, statements.query, statements.rows.slice(i, i + chunk));
  return ROWS;
}

async function rawChunk(
  client: cassandra.Client,
  query: string,
  rows: { key: string; params: unknown[] }[],
): Promise<void> {
  const groups = new Map<string, unknown[][]>();
  for (const row of rows) {
    const group = groups.get(row.key);
    if (group === undefined) groups.set(row.key, [row.params]);
    else group.push(row.params);
  }
  const requests: unknown[][][] = [];
  for (const group of groups.values())
    for (let i = 0; i < group.length; i += BATCH) requests.push(group.slice(i, i + BATCH));
  const options = {
    prepare: true,
    consistency: cassandra.types.consistencies.localOne,
    isIdempotent: true,
  };
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const chunk = requests[next++] as unknown[][];
      if (chunk.length === 1) await client.execute(query, chunk[0], options);
      else
        await client.batch(
          chunk.map((params) => ({ query, params })),
          { ...options, logged: false },
        );
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, requests.length) }, worker));
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

async function sinkTask(contactPoint: string, table: string): Promise<CassandraSinkTask> {
  const task = new CassandraSinkTask();
  task.initialize(context);
  await task.start({
    contactPoints: contactPoint,
    'loadBalancing.localDc': 'datacenter1',
    topics: 'orders',
    maxConcurrentRequests: String(CONCURRENCY),
    connectionPoolLocalSize: String(POOL),
    maxNumberOfRecordsInBatch: String(BATCH),
    [`topic.orders.${KS}.${table}.mapping`]:
      'id=value.id, customer=value.customer, amount=value.amount, created=value.created, note=value.note',
  });
  return task;
}

async function main(): Promise<void> {
  const contactPoint = cassandraContactPoint();
  // The sink's connections: the driver's default is 1 per node, the sink's 4 (as the DataStax
  // connector's), and more connections cost the client more per request.
  const admin = new cassandra.Client({
    ...cassandraOptions(contactPoint),
    pooling: { coreConnectionsPerHost: { [cassandra.types.distance.local]: POOL } },
  });
  await admin.connect();
  await admin.execute(
    `CREATE KEYSPACE ${KS} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
  );
  await admin.execute(
    `CREATE TABLE ${KS}.by_customer (customer text, id bigint, amount decimal, created timestamp, note text, PRIMARY KEY ((customer), id))`,
  );
  await admin.execute(
    `CREATE TABLE ${KS}.by_id (id bigint PRIMARY KEY, customer text, amount decimal, created timestamp, note text)`,
  );
  const input = records();
  const startedAt = provenance();
  const tables = ['by_customer', 'by_id'];
  const tasks = new Map<string, CassandraSinkTask>();
  for (const table of tables) tasks.set(table, await sinkTask(contactPoint, table));
  try {
    for (const table of tables) {
      const statements = rawStatements(table);
      const task = tasks.get(table) as CassandraSinkTask;
      const truncate = async () => {
        await admin.execute(`TRUNCATE ${KS}.${table}`);
      };
      const contenders: Contender[] = [
        { name: 'raw driver (baseline)', before: truncate, run: () => rawWrite(admin, statements) },
        {
          name: `raw driver, ${PUT} rows at a time`,
          before: truncate,
          run: () => rawWrite(admin, statements, PUT),
        },
        {
          name: `CassandraSinkTask, put() of ${PUT}`,
          before: truncate,
          run: async () => {
            for (let i = 0; i < input.length; i += PUT) await task.put(input.slice(i, i + PUT));
            return ROWS;
          },
        },
        {
          name: 'CassandraSinkTask, one put()',
          before: truncate,
          run: async () => {
            await task.put(input);
            return ROWS;
          },
        },
      ];
      const results = await interleavedRounds(contenders, ROUNDS, ROWS);
      const count = Number(
        (await admin.execute(`SELECT count(*) FROM ${KS}.${table}`)).first().get('count'),
      );
      if (count !== ROWS) throw new Error(`${table} holds ${count} rows, expected ${ROWS}`);
      console.log(
        `\n${table === 'by_customer' ? 'One partition per customer (977): batches of up to 32 rows' : 'One partition per row: single statements'}; ${ROWS} rows, ${ROUNDS} rounds, ${POOL} connections (rows/s)\n`,
      );
      console.log(ratioTable(results, 'raw driver (baseline)', 'rows', { cpu: true }));
      console.log(
        `\nThe same rounds against the raw driver writing ${PUT} rows at a time (the put() size):\n`,
      );
      console.log(ratioTable(results, `raw driver, ${PUT} rows at a time`, 'rows', { cpu: true }));
    }
    console.log(`\nStarted ${startedAt}; ended ${provenance()}.`);
  } finally {
    for (const task of tasks.values()) await task.stop();
    await admin.execute(`DROP KEYSPACE ${KS}`);
    await admin.shutdown();
  }
}

await main();
