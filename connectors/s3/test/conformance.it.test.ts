import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  type SinkRun,
  type SourceRun,
  testConnectorConfig,
  testSinkConnector,
  testSourceConnector,
} from '@sluice/connector-testkit';
import { kafkaBrokers } from '@sluice/test-fixtures';
import { S3SinkConnector, S3SourceConnector } from '../src/index.js';
import { objects, s3, s3Props } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
/** This package and the JSON converter (for the sink's structs), as installed plugins. */
const pluginPath = [resolve(here, '..'), resolve(here, '../../../converters/json')];
const README = resolve(here, '../README.md');
const bucketOf = (run: SourceRun) => run.id.toLowerCase();
const createBucket = (run: SourceRun) =>
  s3()
    .send(new CreateBucketCommand({ Bucket: bucketOf(run) }))
    .then(() => {});
const JSON_FORMAT = 'io.confluent.connect.s3.format.json.JsonFormat';

/** Every line of every object of the run's bucket. */
async function lines(run: SourceRun): Promise<string[]> {
  const all = await objects(bucketOf(run));
  return [...all.values()].flatMap((o) => o.toString('utf8').split('\n')).filter((l) => l !== '');
}

const source = {
  connectorClass: 'S3Source',
  pluginPath,
  brokers: kafkaBrokers,
  configDef: new S3SourceConnector().config(),
  validConfig: () => ({ ...s3Props('config-check'), 'format.class': JSON_FORMAT }),
  readme: README,
};

const sink = {
  connectorClass: 'S3Sink',
  pluginPath,
  brokers: kafkaBrokers,
  configDef: new S3SinkConnector().config(),
  validConfig: () => ({
    ...s3Props('config-check'),
    'format.class': JSON_FORMAT,
    'flush.size': '3',
    topics: 'config-check',
  }),
  readme: README,
};

testConnectorConfig('S3Source', source);
testConnectorConfig('S3Sink', sink);

/** Objects written so far by `append`, per run: the next object starts at this offset. */
const appended = new Map<string, number>();

testSourceConnector('S3Source', {
  ...source,
  setUp: createBucket,
  config: (run) => ({
    topic: run.id,
    config: {
      ...s3Props(bucketOf(run)),
      'format.class': JSON_FORMAT,
      topics: run.id,
      's3.poll.interval.ms': '200',
      'topic.creation.default.replication.factor': '1',
      'topic.creation.default.partitions': '1',
    },
  }),
  // One object per call, named and laid out as the sink writes them (JSON lines).
  append: async (run, markers) => {
    const start = appended.get(run.id) ?? 0;
    appended.set(run.id, start + markers.length);
    const name = `${run.id}+0+${String(start).padStart(10, '0')}.json`;
    await s3().send(
      new PutObjectCommand({
        Bucket: bucketOf(run),
        Key: `topics/${run.id}/partition=0/${name}`,
        Body: markers.map((m) => `${JSON.stringify(m)}\n`).join(''),
      }),
    );
  },
  stopDuringPoll: { records: 5000 },
  reconfigure: { tasks: (max) => max },
});

const item = (fields: Array<{ field: string; type: string }>, payload: unknown) =>
  JSON.stringify({ schema: { type: 'struct', name: 'item', fields }, payload });

testSinkConnector('S3Sink', {
  ...sink,
  setUp: (run: SinkRun) => createBucket(run),
  value: (marker) =>
    item(
      [
        { field: 'name', type: 'string' },
        { field: 'group', type: 'string' },
      ],
      { name: marker, group: 'g' },
    ),
  config: (run) => ({
    ...s3Props(bucketOf(run)),
    'format.class': JSON_FORMAT,
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'partitioner.class': 'io.confluent.connect.storage.partitioner.FieldPartitioner',
    'partition.field.name': 'group',
    'flush.size': '100',
    // Wall-clock rotation: the last records of a test are written without waiting for 100.
    'rotate.schedule.interval.ms': '1000',
    timezone: 'UTC',
  }),
  read: lines,
  // A string, not a struct: FieldPartitioner refuses it (a DataException).
  badValue: (marker) => JSON.stringify({ schema: { type: 'string' }, payload: marker }),
  stopDuringPut: { records: 3000 },
  reconfigure: {},
});
