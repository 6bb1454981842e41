import { randomUUID } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type SourceRun,
  testConnectorConfig,
  testSinkConnector,
  testSourceConnector,
} from '@sluice/connector-testkit';
import { kafkaBrokers } from '@sluice/test-fixtures';
import type cassandra from 'cassandra-driver';
import { afterAll, beforeAll } from 'vitest';
import { CassandraSinkConnector, CassandraSourceConnector } from '../src/index.js';
import { cassandraClient, connectionProps, freshKeyspace } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
/** This package and the JSON converter (for the sink's maps), as installed plugins. */
const pluginPath = [resolve(here, '..'), resolve(here, '../../../converters/json')];
const README = resolve(here, '../README.md');

// One keyspace for the file (creating one waits for schema agreement), a table per run.
let client: cassandra.Client;
let ks: string;
beforeAll(async () => {
  client = await cassandraClient();
  ks = await freshKeyspace(client, 'kit');
});
afterAll(async () => {
  await client?.execute(`DROP KEYSPACE IF EXISTS ${ks}`);
  await client?.shutdown();
});
const tableOf = (run: SourceRun) => `items_${run.id.replace(/^kit-/, '').replaceAll('-', '_')}`;
const dropTable = async (run: SourceRun) => {
  await client.execute(`DROP TABLE IF EXISTS ${ks}.${tableOf(run)}`);
};

const source = {
  connectorClass: 'CassandraSource',
  pluginPath,
  brokers: kafkaBrokers,
  configDef: new CassandraSourceConnector().config(),
  validConfig: () => ({
    ...connectionProps(),
    'connect.cassandra.key.space': ks,
    'connect.cassandra.kcql': 'INSERT INTO config-check SELECT * FROM none PK at',
  }),
  readme: README,
};

const sink = {
  connectorClass: 'CassandraSink',
  pluginPath,
  brokers: kafkaBrokers,
  configDef: new CassandraSinkConnector().config(),
  validConfig: () => ({
    ...connectionProps(),
    topics: 'config-check',
    [`topic.config-check.${ks}.none.mapping`]: 'id=value.id',
  }),
  readme: README,
};

testConnectorConfig('CassandraSource', source);
testConnectorConfig('CassandraSink', sink);

testSourceConnector('CassandraSource', {
  ...source,
  setUp: async (run) => {
    await client.execute(
      `CREATE TABLE ${ks}.${tableOf(run)} (id text PRIMARY KEY, name text, at timestamp)`,
    );
  },
  tearDown: dropTable,
  config: (run) => ({
    topic: run.id,
    config: {
      ...connectionProps(),
      'connect.cassandra.key.space': ks,
      'connect.cassandra.kcql': `INSERT INTO ${run.id} SELECT * FROM ${tableOf(run)} PK at`,
      'connect.cassandra.slice.delay.ms': '500',
      'connect.cassandra.import.poll.interval': '200',
      'topic.creation.default.replication.factor': '1',
      'topic.creation.default.partitions': '1',
    },
  }),
  append: async (run, markers) => {
    const insert = `INSERT INTO ${ks}.${tableOf(run)} (id, name, at) VALUES (?, ?, ?)`;
    const at = Date.now();
    for (let i = 0; i < markers.length; i += 100) {
      await client.batch(
        markers.slice(i, i + 100).map((m, j) => ({
          query: insert,
          params: [randomUUID(), m, new Date(at + i + j)],
        })),
        { prepare: true, logged: false },
      );
    }
  },
  stopDuringPoll: { records: 2000 },
  // One table, one task.
  reconfigure: { tasks: () => 1 },
});

testSinkConnector('CassandraSink', {
  ...sink,
  setUp: async (run) => {
    await client.execute(`CREATE TABLE ${ks}.${tableOf(run)} (id text PRIMARY KEY, name text)`);
  },
  tearDown: dropTable,
  value: (marker) => JSON.stringify({ id: marker, name: marker }),
  config: (run) => ({
    ...connectionProps(),
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'false',
    [`topic.${run.topic}.${ks}.${tableOf(run)}.mapping`]: 'id=value.id, name=value.name',
  }),
  read: async (run) =>
    (
      await client.execute(`SELECT name FROM ${ks}.${tableOf(run)}`, [], { fetchSize: 100_000 })
    ).rows.map((r) => String(r.get('name'))),
  // No primary key: Cassandra cannot write the row.
  badValue: (marker) => JSON.stringify({ name: marker }),
  stopDuringPut: { records: 2000 },
  reconfigure: {},
});
