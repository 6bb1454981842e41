import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CounterSourceConnector, CounterSourceTask } from '../examples/counter-source.js';
import { FileSinkConnector, FileSinkTask } from '../examples/file-sink.js';
import {
  ConfigException,
  type ConnectorContext,
  type ConnectorLogger,
  missingPluginMethods,
  type OffsetAndMetadata,
  type OffsetStorageReader,
  SinkRecord,
  type SinkTaskContext,
  type SourceConnectorContext,
  type SourceOffset,
  type SourcePartition,
  type SourceTaskContext,
  type Struct,
  TopicPartitionMap,
  validateValue,
} from '../src/index.js';

/** What a connector or task logged, as `level message`. */
let logged: string[] = [];
const log = Object.fromEntries(
  (['error', 'warn', 'info', 'debug', 'trace'] as const).map((level) => [
    level,
    (first: string | Record<string, unknown>, message?: string) => {
      logged.push(`${level} ${typeof first === 'string' ? first : message}`);
    },
  ]),
) as unknown as ConnectorLogger;
beforeEach(() => {
  logged = [];
});

const connectorContext: ConnectorContext = {
  requestTaskReconfiguration: () => {},
  raiseError: (error) => {
    throw error;
  },
  log,
};

/** An offset reader holding one committed offset, as the runtime's would after a restart. */
function offsetReader(committed: SourceOffset | null): OffsetStorageReader {
  return {
    offset: async (_partition: SourcePartition) => committed,
    offsets: async (partitions) => new Map(partitions.map((p) => [p, committed])),
  };
}

function sourceTaskContext(props: Record<string, string>, committed: SourceOffset | null) {
  return {
    configs: () => props,
    offsetStorageReader: () => offsetReader(committed),
    transactionContext: () => null,
    log,
  } satisfies SourceTaskContext;
}

describe('example: counter source connector', () => {
  const props = { topic: 'ticks', 'batch.size': '3', 'poll.interval.ms': '0' };

  it('implements every method the plugin loader checks', () => {
    expect(missingPluginMethods('source', CounterSourceConnector)).toEqual([]);
    expect(missingPluginMethods('source-task', CounterSourceTask)).toEqual([]);
  });

  it('runs one poll: a batch of valid records that resumes after the committed offset', async () => {
    const connector = new CounterSourceConnector();
    connector.initialize({
      ...connectorContext,
      offsetStorageReader: () => offsetReader(null),
    } satisfies SourceConnectorContext);
    connector.start(props);
    const taskConfigs = connector.taskConfigs(4);
    expect(taskConfigs).toEqual([props]);

    const task = new (connector.taskClass())();
    const taskProps = taskConfigs[0] ?? {};
    task.initialize(sourceTaskContext(taskProps, { next: '9007199254740993' }));
    await task.start(taskProps);
    const records = (await task.poll()) ?? [];
    await task.stop();

    expect(logged).toEqual(['info resuming after the committed offset']);
    expect(records.map((r) => r.key)).toEqual([
      9007199254740993n,
      9007199254740994n,
      9007199254740995n,
    ]);
    expect(records.map((r) => r.sourceOffset)).toEqual([
      { next: '9007199254740994' },
      { next: '9007199254740995' },
      { next: '9007199254740996' },
    ]);
    for (const record of records) {
      expect(record.topic).toBe('ticks');
      expect(record.sourcePartition).toEqual({ counter: 'ticks' });
      const schema = record.valueSchema;
      if (schema === null) throw new Error('the record has no value schema');
      expect(() => validateValue(schema, record.value)).not.toThrow();
      expect((record.value as Struct).get('n')).toBe(record.key);
    }
  });

  it('starts from zero without a committed offset', async () => {
    const task = new CounterSourceTask();
    task.initialize(sourceTaskContext(props, null));
    await task.start(props);
    expect((await task.poll())?.map((r) => r.key)).toEqual([0n, 1n, 2n]);
    expect(logged).toEqual(['info no committed offset: counting from 0']);
  });

  it('returns from a pending poll as soon as it is stopped', async () => {
    const slow = { ...props, 'poll.interval.ms': '60000' };
    const task = new CounterSourceTask();
    task.initialize(sourceTaskContext(slow, null));
    await task.start(slow);
    const started = Date.now();
    const pending = task.poll();
    task.stop();
    expect(await pending).toBeNull();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses a bad config with every problem, through start and through validate', async () => {
    const connector = new CounterSourceConnector();
    expect(() => connector.start({ 'batch.size': '0' })).toThrow(ConfigException);
    const result = await connector.validate({ 'batch.size': '0' });
    const errors = Object.fromEntries(result.configValues.map((v) => [v.name, v.errorMessages]));
    expect(errors).toEqual({
      topic: ['Missing required configuration "topic" which has no default value.'],
      'batch.size': ['Invalid value 0 for configuration batch.size: Value must be at least 1'],
      'poll.interval.ms': [],
    });
  });
});

describe('example: file sink connector', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-api-example-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function sinkTaskContext(props: Record<string, string>): SinkTaskContext {
    return {
      configs: () => props,
      offset: () => {},
      timeout: () => {},
      assignment: () => [{ topic: 'ticks', partition: 0 }],
      pause: () => {},
      resume: () => {},
      requestCommit: () => {},
      errantRecordReporter: () => null,
      log,
    };
  }

  it('implements every method the plugin loader checks', () => {
    expect(missingPluginMethods('sink', FileSinkConnector)).toEqual([]);
    expect(missingPluginMethods('sink-task', FileSinkTask)).toEqual([]);
  });

  it('runs one put, then writes the lines when the runtime asks which offsets to commit', async () => {
    const file = join(dir, 'out.txt');
    const props = { topics: 'ticks', file };
    const connector = new FileSinkConnector();
    connector.initialize(connectorContext);
    connector.start(props);
    const [taskProps = {}] = connector.taskConfigs(2);

    const task = new (connector.taskClass())();
    task.initialize(sinkTaskContext(taskProps));
    task.start(taskProps);
    await task.open([{ topic: 'ticks', partition: 0 }]);
    task.put([
      new SinkRecord({ topic: 'ticks', kafkaPartition: 0, kafkaOffset: 7, value: 'first' }),
      new SinkRecord({ topic: 'ticks', kafkaPartition: 0, kafkaOffset: 8, value: 'second' }),
    ]);
    // Nothing is written before the commit: put only buffers.
    await expect(readFile(file, 'utf8')).rejects.toThrow(/ENOENT/);

    const current = new TopicPartitionMap<OffsetAndMetadata>([
      [{ topic: 'ticks', partition: 0 }, { offset: 9 }],
    ]);
    const committable = await task.preCommit(current);
    expect(committable.get({ topic: 'ticks', partition: 0 })).toEqual({ offset: 9 });
    expect(await readFile(file, 'utf8')).toBe('first\nsecond\n');
    expect(logged).toEqual(['debug lines written and synced']);

    await task.preCommit(current);
    expect(await readFile(file, 'utf8')).toBe('first\nsecond\n');
    await task.close([{ topic: 'ticks', partition: 0 }]);
    task.stop();
  });

  it('refuses an empty file name', async () => {
    const result = await new FileSinkConnector().validate({ file: '' });
    expect(result.configValues[0]?.errorMessages).toEqual([
      'Invalid value  for configuration file: String must be non-empty',
    ]);
  });
});
