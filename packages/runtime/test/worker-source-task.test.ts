import { type Converter, SourceRecord, SourceTask } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { SimpleHeaderConverter } from '../src/converters/simple-header-converter.js';
import { StringConverter } from '../src/converters/string-converter.js';
import {
  DEFAULT_ERROR_HANDLING,
  type ErrorHandlingConfig,
} from '../src/errors/error-handling-config.js';
import { RetryWithToleranceOperator } from '../src/errors/retry-with-tolerance-operator.js';
import type { KafkaProducer, ProducerRecord, RecordMetadata } from '../src/kafka/kafka-port.js';
import { silentLogger } from '../src/logging/logger.js';
import { TopicCreator } from '../src/source/topic-creation.js';
import { WorkerSourceTask } from '../src/source/worker-source-task.js';
import { MemoryOffsetStore, offsetKey } from '../src/storage/offset-store.js';
import { TransformationChain, TransformStep } from '../src/transforms/transformation-chain.js';
import type { ConnectorTaskId } from '../src/worker-task/task-status.js';
import { WhimsicalStringConverter, WhimsicalTransform } from './test-plugins.js';

/** A producer whose acknowledgements the test hands out, in any order. */
class ManualProducer implements KafkaProducer {
  readonly pending: Array<{ record: ProducerRecord; ack: () => void }> = [];
  private offset = 0n;
  async connect(): Promise<void> {}
  send(record: ProducerRecord): Promise<RecordMetadata> {
    return new Promise((resolve) => {
      const offset = this.offset++;
      this.pending.push({
        record,
        ack: () => resolve({ topic: record.topic, partition: 0, offset, timestamp: null }),
      });
    });
  }
  async flush(): Promise<void> {}
  async disconnect(): Promise<void> {}
}

const statuses: string[] = [];
const status = {
  onStartup: () => statuses.push('RUNNING'),
  onPause: () => statuses.push('PAUSED'),
  onResume: () => statuses.push('RUNNING'),
  onFailure: () => statuses.push('FAILED'),
  onShutdown: () => statuses.push('UNASSIGNED'),
};

function records(partition: string, from: number, n: number): SourceRecord[] {
  return Array.from(
    { length: n },
    (_, i) =>
      new SourceRecord({
        sourcePartition: { p: partition },
        sourceOffset: { n: from + i },
        topic: 't',
        value: `${partition}${from + i}`,
      }),
  );
}

function stringConverter(): StringConverter {
  const converter = new StringConverter();
  converter.configure({}, false);
  return converter;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

/**
 * The at-least-once runner around `task`: string converters, no transforms and Kafka's default
 * error handling unless given.
 */
function runnerFor(
  task: SourceTask,
  producer: KafkaProducer,
  store: MemoryOffsetStore,
  {
    value = stringConverter(),
    transforms = [],
    errorConfig = DEFAULT_ERROR_HANDLING,
  }: {
    value?: Converter;
    transforms?: TransformStep<SourceRecord>[];
    errorConfig?: ErrorHandlingConfig;
  } = {},
) {
  const log = silentLogger();
  const id: ConnectorTaskId = { connector: 'c', task: 0 };
  return new WorkerSourceTask({
    id,
    task,
    taskClass: 'TestTask',
    taskConfig: {},
    converters: {
      key: stringConverter(),
      keyClass: 'StringConverter',
      value,
      valueClass: value.constructor.name,
      header: new SimpleHeaderConverter(),
      headerClass: 'SimpleHeaderConverter',
    },
    transforms: new TransformationChain(transforms),
    producer,
    offsetStore: store,
    topicCreator: new TopicCreator(null, null, log),
    errorOperator: new RetryWithToleranceOperator(errorConfig, [], log),
    errorConfig,
    offsetFlushIntervalMs: 3_600_000,
    offsetFlushTimeoutMs: 1000,
    status,
    log,
  });
}

describe('WorkerSourceTask', () => {
  it('commits a source offset only once that record and every earlier one is acknowledged', async () => {
    const batches = [[...records('a', 0, 3), ...records('b', 0, 2)]];
    const committed: string[] = [];
    const task = new (class extends SourceTask {
      version = () => '1';
      start(): void {}
      poll = async () => batches.shift() ?? null;
      override commitRecord(r: SourceRecord): void {
        committed.push(String(r.value));
      }
      stop(): void {}
    })();
    const producer = new ManualProducer();
    const store = new MemoryOffsetStore();
    const runner = runnerFor(task, producer, store);
    runner.start();
    await until(() => producer.pending.length === 5);
    const stored = async (p: string) =>
      (await store.get([offsetKey('c', { p })])).get(offsetKey('c', { p })) ?? null;

    // a1 and b0 acknowledged, a0 not: nothing is committable yet.
    producer.pending[1]?.ack();
    producer.pending[3]?.ack();
    await until(() => committed.length === 2);
    await runner.commitOffsets();
    expect(await stored('a')).toBeNull();
    expect(await stored('b')).toBeNull();

    // a0 acknowledged: a0, a1 form the acknowledged prefix. b0 waits for a2, sent before it
    // (Sluice keeps the committed offsets a prefix of the task's output, across partitions).
    producer.pending[0]?.ack();
    await until(() => committed.length === 3);
    await runner.commitOffsets();
    expect(await stored('a')).toBe('{"n":1}');
    expect(await stored('b')).toBeNull();

    // The rest at stop: the final commit writes them.
    producer.pending[2]?.ack();
    producer.pending[4]?.ack();
    await runner.stop();
    expect(await stored('a')).toBe('{"n":2}');
    expect(await stored('b')).toBe('{"n":1}');
    expect(committed.sort()).toEqual(['a0', 'a1', 'a2', 'b0', 'b1']);
    expect(statuses).toEqual(['RUNNING', 'UNASSIGNED']);
    expect(runner.counters).toMatchObject({ recordsIn: 5, recordsOut: 5, recordsSkipped: 0 });
  });

  it('never commits offsets once abandoned, even when its stuck poll() returns later', async () => {
    // As after task.shutdown.graceful.timeout.ms: the worker gave up on the task, and the
    // offsets may since have been altered through the REST API.
    let release: (() => void) | undefined;
    const batches = [records('a', 0, 2)];
    const task = new (class extends SourceTask {
      version = () => '1';
      start(): void {}
      poll = async () =>
        batches.shift() ??
        new Promise<null>((resolve) => {
          release = () => resolve(null);
        });
      stop(): void {}
    })();
    const producer = new ManualProducer();
    const store = new MemoryOffsetStore();
    const runner = runnerFor(task, producer, store);
    runner.start();
    await until(() => producer.pending.length === 2 && release !== undefined);
    for (const p of producer.pending) p.ack();

    const stopped = runner.stop();
    runner.cancel();
    await runner.commitOffsets();
    release?.();
    await stopped;
    expect(await store.get([offsetKey('c', { p: 'a' })])).toEqual(new Map());
    expect(runner.counters.offsetCommits).toBe(0);
  });

  it('retries, awaits and skips records stage by stage, and keeps their order', async () => {
    // Each of the two transforms appends "!"; the converter and the transforms retry, answer
    // late or fail as each value asks (test-plugins.ts). One record carries a header.
    const texts = ['a', 'retry:b', 'async:c', 'fail:d', 'tx-retry:e', 'tx-async:f', 'g'];
    const polled = texts.map(
      (text, n) =>
        new SourceRecord({
          sourcePartition: { p: 'w' },
          sourceOffset: { n },
          topic: 't',
          key: `k${n}`,
          value: text,
          ...(text === 'g' ? { headers: [{ key: 'h', value: 'x', schema: null }] } : {}),
        }),
    );
    const batches = [polled];
    const task = new (class extends SourceTask {
      version = () => '1';
      start(): void {}
      poll = async () => batches.shift() ?? null;
      stop(): void {}
    })();
    const producer = new ManualProducer();
    const store = new MemoryOffsetStore();
    const runner = runnerFor(task, producer, store, {
      value: new WhimsicalStringConverter() as unknown as Converter,
      transforms: ['one', 'two'].map(
        (alias) =>
          new TransformStep(alias, 'WhimsicalTransform', new WhimsicalTransform(), null, false),
      ),
      errorConfig: { ...DEFAULT_ERROR_HANDLING, tolerance: 'all', retryTimeoutMs: 10_000 },
    });
    runner.start();
    await until(() => producer.pending.length === 6);
    const text = (bytes: Uint8Array | null) => Buffer.from(bytes ?? []).toString();
    expect(producer.pending.map((p) => text(p.record.value))).toEqual([
      'a!!',
      'retry:b!!',
      'async:c!!',
      'tx-retry:e!!',
      'tx-async:f!!',
      'g!!',
    ]);
    expect(producer.pending.map((p) => text(p.record.key))).toEqual([
      'k0',
      'k1',
      'k2',
      'k4',
      'k5',
      'k6',
    ]);
    expect(producer.pending[5]?.record.headers).toEqual([{ key: 'h', value: Buffer.from('x') }]);
    expect(runner.counters).toMatchObject({ recordsIn: 7, recordsSkipped: 1 });
    // retry:b once in the converter; tx-retry:e once in each transform.
    expect(runner.errorCounters.retries).toBe(3);

    // The skipped record's offset is committed with the records around it.
    for (const p of producer.pending) p.ack();
    await runner.stop();
    const stored = await store.get([offsetKey('c', { p: 'w' })]);
    expect(stored.get(offsetKey('c', { p: 'w' }))).toBe('{"n":6}');
  });
});
