/**
 * The exactly-once source task's commit pipeline against the real broker: with the `poll`
 * boundary the next batch is polled and converted while the last transaction commits, and its
 * records reach the producer only once that commit succeeded.
 */
import { SourceRecord, SourceTask } from '@sluice/api';
import { afterAll, describe, expect, it } from 'vitest';
import { SimpleHeaderConverter } from '../src/converters/simple-header-converter.js';
import { StringConverter } from '../src/converters/string-converter.js';
import { DEFAULT_ERROR_HANDLING } from '../src/errors/error-handling-config.js';
import { RetryWithToleranceOperator } from '../src/errors/retry-with-tolerance-operator.js';
import type {
  KafkaTransactionalProducer,
  ProducerRecord,
  RecordMetadata,
} from '../src/kafka/kafka-port.js';
import { ExactlyOnceWorkerSourceTask } from '../src/source/exactly-once-worker-source-task.js';
import { TopicCreator } from '../src/source/topic-creation.js';
import { MemoryOffsetStore } from '../src/storage/offset-store.js';
import { TransformationChain } from '../src/transforms/transformation-chain.js';
import {
  clients,
  closeClients,
  committedValues,
  createTopic,
  testLog,
  text,
  uniqueName,
  waitFor,
} from './harness.js';

afterAll(async () => {
  await closeClients();
});

/** The real transactional producer, telling `events` when a commit starts and ends and what is sent. */
class WatchedProducer implements KafkaTransactionalProducer {
  /** Called as a commit starts (before the real one): a test may fence the producer there. */
  beforeCommit: (n: number) => Promise<void> = async () => {};
  private commits = 0;

  constructor(
    private readonly real: KafkaTransactionalProducer,
    private readonly events: string[],
  ) {}

  get inTransaction(): boolean {
    return this.real.inTransaction;
  }
  connect(): Promise<void> {
    return this.real.connect();
  }
  beginTransaction(): void {
    this.real.beginTransaction();
  }
  expectSend(record: { topic: string; key: Uint8Array }): void {
    this.real.expectSend(record);
  }
  send(record: ProducerRecord): Promise<RecordMetadata> {
    if (record.value !== null) this.events.push(`send ${text(record.value)}`);
    return this.real.send(record);
  }
  async commitTransaction(): Promise<void> {
    const n = ++this.commits;
    this.events.push(`commit ${n} start`);
    try {
      await this.beforeCommit(n);
      await this.real.commitTransaction();
      this.events.push(`commit ${n} end`);
    } catch (error) {
      this.events.push(`commit ${n} failed`);
      throw error;
    }
  }
  abortTransaction(): Promise<void> {
    return this.real.abortTransaction();
  }
  flush(): Promise<void> {
    return this.real.flush();
  }
  disconnect(): Promise<void> {
    return this.real.disconnect();
  }
}

/** Runs a source task of `batches` batches of 3 records (values `b<batch>r<record>`) exactly once. */
function runTask(batches: number) {
  const topic = uniqueName('eos-task');
  const offsetsTopic = uniqueName('eos-task-offsets');
  const transactionalId = uniqueName('eos-task-id');
  const events: string[] = [];
  let polled = 0;
  const task = new (class extends SourceTask {
    version = () => '1';
    start(): void {}
    poll = async () => {
      if (polled === batches) return null;
      const batch = ++polled;
      events.push(`poll ${batch}`);
      return Array.from(
        { length: 3 },
        (_, r) =>
          new SourceRecord({
            sourcePartition: { file: 'input' },
            sourceOffset: { batch, record: r },
            topic,
            value: `b${batch}r${r}`,
          }),
      );
    };
    stop(): void {}
  })();
  const producer = new WatchedProducer(
    clients.transactionalProducer({ clientId: 'eos-task', overrides: {}, transactionalId }),
    events,
  );
  const converter = new StringConverter();
  converter.configure({}, false);
  const statuses: string[] = [];
  const runner = new ExactlyOnceWorkerSourceTask({
    id: { connector: 'eos', task: 0 },
    task,
    taskClass: 'TestTask',
    taskConfig: {},
    converters: {
      key: converter,
      keyClass: 'StringConverter',
      value: converter,
      valueClass: 'StringConverter',
      header: new SimpleHeaderConverter(),
      headerClass: 'SimpleHeaderConverter',
    },
    transforms: new TransformationChain([]),
    producer,
    offsetStore: new MemoryOffsetStore(),
    topicCreator: new TopicCreator(null, null, testLog),
    errorOperator: new RetryWithToleranceOperator(DEFAULT_ERROR_HANDLING, [], testLog),
    errorConfig: DEFAULT_ERROR_HANDLING,
    status: {
      onStartup: () => statuses.push('RUNNING'),
      onPause: () => statuses.push('PAUSED'),
      onResume: () => statuses.push('RUNNING'),
      onFailure: () => statuses.push('FAILED'),
      onShutdown: () => statuses.push('UNASSIGNED'),
    },
    log: testLog,
    boundary: 'poll',
    boundaryIntervalMs: 60_000,
    offsetsTopic,
    secondaryOffsetStore: null,
    checks: { beforeProducer: async () => {}, afterProducer: async () => {} },
  });
  return { runner, producer, events, statuses, topic, offsetsTopic, transactionalId };
}

describe('the exactly-once source task’s commits (transaction.boundary=poll)', () => {
  it('polls the next batch while a transaction commits, and sends its records only in the next transaction', async () => {
    const { runner, events, topic, offsetsTopic } = runTask(4);
    await createTopic(topic);
    await createTopic(offsetsTopic);
    runner.start();
    await waitFor('4 commits', async () => events.includes('commit 4 end'));
    await runner.stop();
    for (let n = 1; n <= 3; n++) {
      const start = events.indexOf(`commit ${n} start`);
      const end = events.indexOf(`commit ${n} end`);
      const during = events.slice(start + 1, end);
      // The next batch was polled while the commit was under way (before this change the task
      // polled only after it) ...
      expect(during).toContain(`poll ${n + 1}`);
      // ... and none of its records went to the producer before the commit ended.
      expect(during.filter((e) => e.startsWith('send '))).toEqual([]);
      // They went out right after it, in the next transaction.
      expect(events.slice(end + 1, end + 4)).toEqual([0, 1, 2].map((r) => `send b${n + 1}r${r}`));
    }
    expect(await committedValues(topic, 12)).toEqual(
      [1, 2, 3, 4].flatMap((b) => [0, 1, 2].map((r) => `b${b}r${r}`)),
    );
    // One offsets record per transaction, each the last record's of its batch.
    expect(await committedValues(offsetsTopic, 4)).toEqual(
      [1, 2, 3, 4].map((b) => `{"batch":${b},"record":2}`),
    );
  });

  it('sends nothing of the batch polled while a fenced producer’s commit fails, nor commits its offsets', async () => {
    const { runner, producer, events, statuses, topic, offsetsTopic, transactionalId } = runTask(4);
    await createTopic(topic);
    await createTopic(offsetsTopic);
    const admin = clients.admin({ clientId: 'eos-task-fencer', overrides: {} });
    await admin.connect();
    // A newer generation of the task fences this one while its second transaction commits.
    producer.beforeCommit = async (n) => {
      if (n === 2) await admin.fenceProducers([transactionalId]);
    };
    try {
      runner.start();
      await waitFor('the task failed', async () => statuses.includes('FAILED'));
      await runner.whenDone();
    } finally {
      await admin.disconnect();
    }
    expect(events).toContain('commit 2 failed');
    // Batch 3, polled while commit 2 was under way, never reached the producer.
    expect(events.filter((e) => e.startsWith('send b3') || e.startsWith('send b4'))).toEqual([]);
    expect(await committedValues(topic, 3)).toEqual(['b1r0', 'b1r1', 'b1r2']);
    expect(await committedValues(offsetsTopic, 1)).toEqual(['{"batch":1,"record":2}']);
  });
});
