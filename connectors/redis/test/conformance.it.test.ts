import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  testConnectorConfig,
  testSinkConnector,
  testSourceConnector,
} from '@sluice/connector-testkit';
import { kafkaBrokers, redisUrl } from '@sluice/test-fixtures';
import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { RedisSinkConnector, RedisStreamSourceConnector } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
/** This package and the JSON converter (for the sink's maps), as installed plugins. */
const pluginPath = [resolve(here, '..'), resolve(here, '../../../converters/json')];
const README = resolve(here, '../README.md');

const redis = new Redis(redisUrl());
afterAll(() => redis.quit());
/** The `name` field of every entry of a stream. */
const names = async (stream: string) =>
  (await redis.xrange(stream, '-', '+')).map(([, fields]) => fields.join(' '));

const source = {
  connectorClass: 'RedisStreamSource',
  pluginPath,
  brokers: kafkaBrokers,
  configDef: new RedisStreamSourceConnector().config(),
  validConfig: () => ({ 'redis.uri': redisUrl(), 'redis.stream.name': 'config-check' }),
  readme: README,
};

const sink = {
  connectorClass: 'RedisSink',
  pluginPath,
  brokers: kafkaBrokers,
  configDef: new RedisSinkConnector().config(),
  validConfig: () => ({ 'redis.uri': redisUrl(), topics: 'config-check' }),
  readme: README,
};

testConnectorConfig('RedisStreamSource', source);
testConnectorConfig('RedisSink', sink);

testSourceConnector('RedisStreamSource', {
  ...source,
  tearDown: async (run) => {
    await redis.del(`${run.id}-in`);
  },
  config: (run) => ({
    topic: run.id,
    config: {
      'redis.uri': redisUrl(),
      'redis.stream.name': `${run.id}-in`,
      'redis.stream.offset': '0-0',
      'redis.stream.block': '200',
      topic: run.id,
      // JSON shows the entry's body; StringConverter shows a struct's map field as `Map(1)`.
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
      'topic.creation.default.replication.factor': '1',
      'topic.creation.default.partitions': '1',
    },
  }),
  append: async (run, markers) => {
    const pipeline = redis.pipeline();
    for (const name of markers) pipeline.xadd(`${run.id}-in`, '*', 'name', name);
    await pipeline.exec();
  },
  stopDuringPoll: { records: 2000 },
  // The tasks share the stream's consumer group: one per tasks.max.
  reconfigure: { tasks: (max) => max },
});

testSinkConnector('RedisSink', {
  ...sink,
  tearDown: async (run) => {
    await redis.del(run.id);
  },
  value: (marker) => JSON.stringify({ name: marker }),
  // XADD of each record's fields to the stream named after the run.
  config: (run) => ({
    'redis.uri': redisUrl(),
    'redis.type': 'STREAM',
    'redis.keyspace': run.id,
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'false',
  }),
  read: (run) => names(run.id),
  // A string, not a map: XADD has no fields to write (a DataException).
  badValue: (marker) => JSON.stringify(marker),
  stopDuringPut: { records: 5000 },
  reconfigure: {},
});
