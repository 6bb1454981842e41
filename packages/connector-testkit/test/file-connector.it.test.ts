import { appendFile, readFile, writeFile } from 'node:fs/promises';
/**
 * The file connectors run the kit's conformance suite here, not from their own tests: the
 * runtime's tests use @sluice/connector-file, and the kit depends on the runtime, so a test
 * dependency of the file connector on the kit would make a build cycle.
 */
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  ALLOWED_PATHS_ENV,
  FileStreamSinkConnector,
  FileStreamSourceConnector,
} from '@sluice/connector-file';
import { kafkaBrokers } from '@sluice/test-fixtures';
import { testConnectorConfig, testSinkConnector, testSourceConnector } from '../src/index.js';

/** The installed @sluice/connector-file package, as the worker's plugin.path finds it. */
const fileConnector = dirname(
  createRequire(import.meta.url).resolve('@sluice/connector-file/package.json'),
);
const pluginPath = [fileConnector];
const README = join(fileConnector, 'README.md');
// The kit's runs live in the temporary folder: the connectors may use files there only.
process.env[ALLOWED_PATHS_ENV] = tmpdir();

const source = {
  connectorClass: 'FileStreamSource',
  pluginPath,
  brokers: kafkaBrokers,
  configDef: new FileStreamSourceConnector().config(),
  validConfig: () => ({ file: join(tmpdir(), 'config-check.txt'), topic: 'config-check' }),
  readme: README,
};

const sink = {
  connectorClass: 'FileStreamSink',
  pluginPath,
  brokers: kafkaBrokers,
  configDef: new FileStreamSinkConnector().config(),
  validConfig: () => ({ file: join(tmpdir(), 'config-check.txt'), topics: 'config-check' }),
  readme: README,
};

testConnectorConfig('FileStreamSource', source);
testConnectorConfig('FileStreamSink', sink);

testSourceConnector('FileStreamSource', {
  ...source,
  setUp: (run) => writeFile(join(run.dir, 'in.txt'), ''),
  config: (run) => ({
    topic: run.id,
    config: {
      file: join(run.dir, 'in.txt'),
      topic: run.id,
      'topic.creation.default.replication.factor': '1',
      'topic.creation.default.partitions': '1',
    },
  }),
  append: (run, markers) =>
    appendFile(join(run.dir, 'in.txt'), markers.map((m) => `${m}\n`).join('')),
  stopDuringPoll: { records: 20_000 },
  // One file, one task.
  reconfigure: { tasks: () => 1 },
});

testSinkConnector('FileStreamSink', {
  ...sink,
  config: (run) => ({ file: join(run.dir, 'out.txt') }),
  read: async (run) => {
    const text = await readFile(join(run.dir, 'out.txt'), 'utf8').catch(() => '');
    return text.split('\n').filter((line) => line !== '');
  },
  stopDuringPut: { records: 20_000 },
  reconfigure: {},
});
