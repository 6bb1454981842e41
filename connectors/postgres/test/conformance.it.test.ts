import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  testConnectorConfig,
  testSinkConnector,
  testSourceConnector,
} from '@sluice/connector-testkit';
import { kafkaBrokers, postgresUrl } from '@sluice/test-fixtures';
import { PostgresSinkConnector, PostgresSourceConnector } from '../src/index.js';
import { connect } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
/** This package and the JSON converter (for the sink's structs), as installed plugins. */
const pluginPath = [resolve(here, '..'), resolve(here, '../../../converters/json')];
const README = resolve(here, '../README.md');
const schemaOf = (id: string) => id.replaceAll('-', '_');

async function sql(
  text: string,
  values: unknown[] = [],
): Promise<{ rows: Array<Record<string, unknown>> }> {
  const client = await connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

const source = {
  connectorClass: 'PostgresSource',
  pluginPath,
  brokers: kafkaBrokers,
  validConfig: () => ({
    'connection.url': postgresUrl(),
    mode: 'incrementing',
    'incrementing.column.name': 'id',
    'topic.prefix': 'config-check-',
    'table.whitelist': 'public.none',
  }),
  configDef: new PostgresSourceConnector().config(),
  readme: README,
};

const sink = {
  connectorClass: 'PostgresSink',
  pluginPath,
  brokers: kafkaBrokers,
  validConfig: () => ({ 'connection.url': postgresUrl(), topics: 'config-check' }),
  configDef: new PostgresSinkConnector().config(),
  readme: README,
};

testConnectorConfig('PostgresSource', source);
testConnectorConfig('PostgresSink', sink);

testSourceConnector('PostgresSource', {
  ...source,
  setUp: async (run) => {
    await sql(`CREATE SCHEMA ${schemaOf(run.id)}`);
    await sql(`CREATE TABLE ${schemaOf(run.id)}.items (id serial PRIMARY KEY, name text NOT NULL)`);
  },
  tearDown: async (run) => {
    await sql(`DROP SCHEMA ${schemaOf(run.id)} CASCADE`);
  },
  config: (run) => ({
    topic: `${run.id}-items`,
    config: {
      'connection.url': postgresUrl(),
      mode: 'incrementing',
      'incrementing.column.name': 'id',
      'table.whitelist': `${schemaOf(run.id)}.items`,
      'topic.prefix': `${run.id}-`,
      'poll.interval.ms': '200',
      'topic.creation.default.replication.factor': '1',
      'topic.creation.default.partitions': '1',
    },
  }),
  append: async (run, markers) => {
    await sql(`INSERT INTO ${schemaOf(run.id)}.items (name) SELECT unnest($1::text[])`, [markers]);
  },
  stopDuringPoll: { records: 2000 },
  // One table: one task, whatever tasks.max.
  reconfigure: { tasks: () => 1 },
});

testSinkConnector('PostgresSink', {
  ...sink,
  setUp: async (run) => {
    await sql(`CREATE SCHEMA ${schemaOf(run.id)}`);
  },
  tearDown: async (run) => {
    await sql(`DROP SCHEMA ${schemaOf(run.id)} CASCADE`);
  },
  value: (marker) =>
    JSON.stringify({
      schema: { type: 'struct', name: 'item', fields: [{ field: 'name', type: 'string' }] },
      payload: { name: marker },
    }),
  // A string where the sink needs a struct: refused by the connector itself (a DataException).
  badValue: (marker) => JSON.stringify({ schema: { type: 'string' }, payload: marker }),
  stopDuringPut: { records: 10000 },
  reconfigure: {},
  config: (run) => ({
    'connection.url': postgresUrl(),
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'table.name.format': `${schemaOf(run.id)}.items`,
    'auto.create': 'true',
  }),
  read: async (run) => {
    const exists = await sql('SELECT to_regclass($1) AS t', [`${schemaOf(run.id)}.items`]);
    if (exists.rows[0]?.t === null) return [];
    return (await sql(`SELECT name FROM ${schemaOf(run.id)}.items`)).rows.map((r) =>
      String(r.name),
    );
  },
});
