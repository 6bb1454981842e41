import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type SourceRun,
  testConnectorConfig,
  testSinkConnector,
  testSourceConnector,
} from '@sluice/connector-testkit';
import { kafkaBrokers, mongodbUrl } from '@sluice/test-fixtures';
import { type MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { MongoSinkConnector, MongoSourceConnector } from '../src/index.js';
import { mongoClient } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const pluginPath = [resolve(here, '..')];
const README = resolve(here, '../README.md');
/** A database of its own per run (FerretDB keeps it as a PostgreSQL schema: no dashes). */
const dbOf = (run: SourceRun) => `t_${run.id.replaceAll('-', '_')}`;

let client: MongoClient;
beforeAll(async () => {
  client = await mongoClient();
});
afterAll(async () => {
  await client?.close();
});
const items = (run: SourceRun) => client.db(dbOf(run)).collection('items');
const dropDb = async (run: SourceRun) => {
  await client.db(dbOf(run)).dropDatabase();
};

const source = {
  connectorClass: 'MongoSource',
  pluginPath,
  brokers: kafkaBrokers,
  configDef: new MongoSourceConnector().config(),
  validConfig: () => ({ 'connection.uri': mongodbUrl(), database: 'config_check' }),
  readme: README,
};

const sink = {
  connectorClass: 'MongoSink',
  pluginPath,
  brokers: kafkaBrokers,
  configDef: new MongoSinkConnector().config(),
  validConfig: () => ({
    'connection.uri': mongodbUrl(),
    database: 'config_check',
    topics: 'config-check',
  }),
  readme: README,
};

testConnectorConfig('MongoSource', source);
testConnectorConfig('MongoSink', sink);

// FerretDB has no change streams: the source runs in its polling mode, in _id order.
testSourceConnector('MongoSource', {
  ...source,
  tearDown: dropDb,
  config: (run) => ({
    topic: `${dbOf(run)}.items`,
    config: {
      'connection.uri': mongodbUrl(),
      database: dbOf(run),
      collection: 'items',
      'polling.mode': 'incrementing',
      'startup.mode': 'copy_existing',
      'polling.interval.ms': '200',
      'topic.creation.default.replication.factor': '1',
      'topic.creation.default.partitions': '1',
    },
  }),
  append: async (run, markers) => {
    await items(run).insertMany(markers.map((name) => ({ _id: new ObjectId(), name })));
  },
  stopDuringPoll: { records: 2000 },
  // One collection, one task.
  reconfigure: { tasks: () => 1 },
});

testSinkConnector('MongoSink', {
  ...sink,
  tearDown: dropDb,
  // Extended JSON text, as the worker's StringConverter hands it over.
  value: (marker) => JSON.stringify({ name: marker }),
  config: (run) => ({
    'connection.uri': mongodbUrl(),
    database: dbOf(run),
    collection: 'items',
  }),
  read: async (run) => (await items(run).find({}).toArray()).map((d) => String(d.name)),
  // Not a document: the sink cannot turn it into one (a DataException).
  badValue: (marker) => `not a document ${marker}`,
  stopDuringPut: { records: 2000 },
  reconfigure: {},
});
