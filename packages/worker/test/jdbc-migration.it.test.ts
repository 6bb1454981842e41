/**
 * A Confluent JDBC source connector moved from Kafka Connect to Sluice: its config names
 * `io.confluent.connect.jdbc.JdbcSourceConnector`, which Sluice runs as its PostgreSQL source (an
 * alias), and it resumes from the JDBC connector's offset. Confluent's connector is not on Maven
 * Central, so it cannot run here: the internal topics are written as Kafka Connect 4.1 writes them
 * (the shapes connect-records.ts writes, checked against a real Java worker in
 * kafka-connect-migration.it.test.ts) with the task config and offset the JDBC connector writes
 * (JdbcSourceConnector.taskConfigs; OffsetProtocols' partition; TimestampIncrementingOffset.toMap).
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { createTopicsAndWait, kafkaBrokers, postgresUrl } from '@sluice/test-fixtures';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest, TestCluster } from './cluster.js';
import {
  commitRecord,
  connectorConfigRecord,
  readTopic,
  sourceOffsetRecord,
  taskConfigRecord,
  writeRecords,
} from './connect-records.js';
import { waitFor } from './sluice-process.js';

/** The PostgreSQL connector package, found through plugin.path as an installed plugin would be. */
const POSTGRES_PLUGIN = dirname(
  createRequire(import.meta.url).resolve('@sluice/connector-postgres/package.json'),
);
const name = 'jdbc-orders';
/** Row n was last changed at 2024-01-01T00:00:00.123456Z + n seconds. */
const BASE_MS = Date.UTC(2024, 0, 1);
const changedAt = (n: number) =>
  new Date(BASE_MS + n * 1000 + 123).toISOString().replace('Z', '456');

let db: pg.Client;
let schema: string;
let cluster: TestCluster;
let topic: string;
let config: Record<string, string>;

async function insertRows(from: number, to: number): Promise<void> {
  for (let n = from; n <= to; n++) {
    await db.query(`INSERT INTO "${schema}".orders (id, item, updated_at) VALUES ($1, $2, $3)`, [
      n,
      `item-${n}`,
      changedAt(n),
    ]);
  }
}

/** The ids of the rows in the connector's topic, in order. */
async function idsInTopic(): Promise<number[]> {
  const records = await readTopic(kafkaBrokers(), topic).catch(() => []);
  return records.map((r) => (JSON.parse(r.value ?? 'null') as { id: number }).id);
}

beforeAll(async () => {
  db = new pg.Client({ connectionString: postgresUrl() });
  await db.connect();
  schema = `jdbc_migration_${process.pid}_${Date.now().toString(36)}`;
  await db.query(`CREATE SCHEMA "${schema}"`);
  await db.query(
    `CREATE TABLE "${schema}".orders (id integer PRIMARY KEY, item text NOT NULL, updated_at timestamp NOT NULL)`,
  );
  await insertRows(1, 10);
  cluster = await TestCluster.create(kafkaBrokers(), {
    'plugin.path': POSTGRES_PLUGIN,
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'false',
  });
  topic = `jdbc-${cluster.id}-orders`;
  const url = new URL(postgresUrl());
  config = {
    name,
    'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
    'tasks.max': '1',
    'connection.url': `jdbc:postgresql://${url.host}${url.pathname}`,
    'connection.user': decodeURIComponent(url.username),
    ...(url.password ? { 'connection.password': decodeURIComponent(url.password) } : {}),
    mode: 'timestamp+incrementing',
    'incrementing.column.name': 'id',
    'timestamp.column.name': 'updated_at',
    'table.whitelist': `${schema}.orders`,
    'topic.prefix': `jdbc-${cluster.id}-`,
    'poll.interval.ms': '500',
  };

  // The Java cluster's internal topics, as Kafka Connect creates them.
  const admin = new Kafka({
    brokers: kafkaBrokers(),
    clientId: 'jdbc-migration-test',
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const compact = { 'cleanup.policy': 'compact' };
    await createTopicsAndWait(admin, [
      { topic: cluster.props['config.storage.topic'] as string, configs: compact },
      {
        topic: cluster.props['offset.storage.topic'] as string,
        numPartitions: 5,
        configs: compact,
      },
      {
        topic: cluster.props['status.storage.topic'] as string,
        numPartitions: 3,
        configs: compact,
      },
    ]);
  } finally {
    await admin.disconnect();
  }
  await writeRecords(kafkaBrokers(), cluster.props['config.storage.topic'] as string, [
    connectorConfigRecord(name, config),
    taskConfigRecord(name, 0, {
      ...config,
      // What JdbcSourceConnector.taskConfigs adds (tables quoted by its PostgreSQL dialect),
      // then Kafka's worker (task.class).
      tables: `"${schema}"."orders"`,
      'tables.fetched': 'true',
      'task.id': '0',
      'task.class': 'io.confluent.connect.jdbc.source.JdbcSourceTask',
    }),
    commitRecord(name, 1),
  ]);
  // Rows 1-5 were copied: the offset of row 5, keys in the order Java's HashMap writes them.
  await writeRecords(kafkaBrokers(), cluster.props['offset.storage.topic'] as string, [
    sourceOffsetRecord(
      name,
      { protocol: '1', table: `${schema}.orders` },
      { timestamp_nanos: 123_456_000, incrementing: 5, timestamp: BASE_MS + 5_000 + 123 },
    ),
  ]);
}, 120_000);

afterAll(async () => {
  await cluster?.stopAll();
  await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await db?.end();
});

describe('a Confluent JDBC source connector taken over by Sluice', () => {
  it('runs it as the PostgreSQL source and resumes after the JDBC connector’s offset', async () => {
    const [worker] = await cluster.add(1);
    await cluster.settled();
    const url = worker?.url as string;
    expect((await rest(url, 'GET', '/connectors')).body).toEqual([name]);
    // GET answers passwords as [hidden], as Kafka Connect does.
    expect((await rest(url, 'GET', `/connectors/${name}/config`)).body).toEqual(
      config['connection.password'] ? { ...config, 'connection.password': '[hidden]' } : config,
    );
    await cluster.running(name, 1);

    // Rows 6-10 and no earlier one: the JDBC offset (with its nanoseconds) was honoured.
    let ids: number[] = [];
    await waitFor('rows 6-10 in the topic', async () => {
      ids = await idsInTopic();
      return ids.length >= 5;
    });
    await insertRows(11, 12);
    await waitFor('rows 11-12 in the topic', async () => {
      ids = await idsInTopic();
      return ids.length >= 7;
    });
    // A few more polls: nothing read twice.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await idsInTopic()).toEqual([6, 7, 8, 9, 10, 11, 12]);

    // Its own offsets go on in the JDBC connector's format, under the same partition.
    await waitFor('the offset of row 12', async () => {
      const answer = await rest(url, 'GET', `/connectors/${name}/offsets`);
      const { offsets } = answer.body as {
        offsets: Array<{ partition: unknown; offset: Record<string, unknown> }>;
      };
      return offsets.some(
        (o) =>
          JSON.stringify(o.partition) ===
            JSON.stringify({ protocol: '1', table: `${schema}.orders` }) &&
          o.offset.incrementing === 12 &&
          o.offset.timestamp === BASE_MS + 12_000 + 123 &&
          o.offset.timestamp_nanos === 123_456_000,
      );
    });
  });
});
