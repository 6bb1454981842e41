import {
  ConnectHeaders,
  isRetriable,
  type RecordMetadata,
  type SourceRecord,
  type SourceTask,
  type SourceTaskContext,
  type TransactionContext,
} from '@sluice/api';
import type { ErrorHandlingConfig } from '../errors/error-handling-config.js';
import type { FailedSourceRecord } from '../errors/processing-context.js';
import type {
  ErrorCounters,
  RecordOrigin,
  RetryWithToleranceOperator,
} from '../errors/retry-with-tolerance-operator.js';
import type { KafkaHeader, KafkaProducer, ProducerRecord } from '../kafka/kafka-port.js';
import type { Logger } from '../logging/logger.js';
import { OffsetStorageReaderImpl } from '../storage/offset-storage-reader.js';
import type { OffsetBackingStore } from '../storage/offset-store.js';
import type { TransformationChain, TransformStep } from '../transforms/transformation-chain.js';
import { closeConverters, type TaskConverters } from '../worker-task/converters-set.js';
import {
  type ConnectorTaskId,
  newCounters,
  Signal,
  type TaskCounters,
  type TaskStatusListener,
} from '../worker-task/task-status.js';
import type { TopicCreator } from './topic-creation.js';

/** Pause after a poll() that threw a RetriableException, so a failing source does not spin. */
const RETRIABLE_POLL_BACKOFF_MS = 250;

export interface SourceTaskRunnerOptions {
  id: ConnectorTaskId;
  task: SourceTask;
  taskClass: string;
  /** The task's config as given to start() (config provider references resolved). */
  taskConfig: Record<string, string>;
  converters: TaskConverters;
  transforms: TransformationChain<SourceRecord>;
  producer: KafkaProducer;
  /** Where the task's committed offsets are read (and, at least once, written). */
  offsetStore: OffsetBackingStore;
  /** Gives the offset store back once the task ended (a connector's own topic is shared). */
  releaseOffsets?: () => Promise<void>;
  topicCreator: TopicCreator;
  errorOperator: RetryWithToleranceOperator;
  errorConfig: ErrorHandlingConfig;
  status: TaskStatusListener;
  log: Logger;
}

/** A record the runner is about to hand to the producer, and what the error handler knows of it. */
export interface PreparedRecord {
  readonly original: SourceRecord;
  readonly producerRecord: ProducerRecord;
  readonly failed: FailedSourceRecord;
}

/**
 * What both source task runners share (Kafka's AbstractWorkerSourceTask): the task's lifecycle,
 * and the loop poll → transforms → converters → producer. The at-least-once runner and the
 * exactly-once runner decide when offsets are committed through the hooks below.
 */
export abstract class AbstractWorkerSourceTask {
  readonly counters: TaskCounters = newCounters();
  protected readonly resumed = new Signal();
  protected stopping = false;
  protected paused = false;
  protected failure: Error | null = null;
  protected cancelled = false;
  private done: Promise<void> | null = null;
  private stopCalled = false;

  constructor(protected readonly o: SourceTaskRunnerOptions) {}

  /** The error handler's counters: failures, retries, skipped records, DLQ writes (metrics). */
  get errorCounters(): ErrorCounters {
    return this.o.errorOperator.counters;
  }

  get id(): ConnectorTaskId {
    return this.o.id;
  }

  /** Records polled and not yet acknowledged by Kafka (source-record-active-count). */
  abstract get activeRecords(): number;

  /** Starts the task loop in the background; `stop()` ends it. */
  start(initialPaused = false): void {
    this.paused = initialPaused;
    this.done = this.run();
  }

  /** Before the task is initialized and started (exactly once: the transactional producer). */
  protected async prepareToInitialize(): Promise<void> {}

  /** After the task started, before the loop. */
  protected async prepareToPoll(): Promise<void> {}

  /** The transaction context the task gets, if any. */
  protected transactionContext(): TransactionContext | null {
    return null;
  }

  /** Before the next poll: false when the runner must wait (too many records in flight). */
  protected async readyToPoll(): Promise<boolean> {
    return true;
  }

  /** A polled record that transforms dropped or errors.tolerance=all skipped. */
  protected abstract recordDropped(original: SourceRecord): Promise<void>;

  /** Hands a converted record to the producer (a promise when the loop must wait for it). */
  protected abstract dispatch(record: PreparedRecord): Promise<void> | undefined;

  /** After every record of a poll was dispatched, and after an empty poll. */
  protected async batchDispatched(): Promise<void> {}

  /** The task paused: what was sent must not be left uncommitted. */
  protected async onPause(): Promise<void> {}

  /** At stop (`failed`: the loop ended with an error): commit what may be committed. */
  protected abstract finalCommit(failed: boolean): Promise<void>;

  private async run(): Promise<void> {
    const { task, status, id, log } = this.o;
    let started = false;
    try {
      await this.prepareToInitialize();
      if (this.stopping) return;
      const reader = new OffsetStorageReaderImpl(this.o.offsetStore, id.connector);
      const transactionContext = this.transactionContext();
      const context: SourceTaskContext = {
        configs: () => this.o.taskConfig,
        offsetStorageReader: () => reader,
        transactionContext: () => transactionContext,
        log,
      };
      task.initialize(context);
      await task.start(this.o.taskConfig);
      started = true;
      await this.prepareToPoll();
      log.info('source task started');
      if (this.paused) status.onPause(id);
      else status.onStartup(id);
      await this.loop();
      await this.finalCommit(false);
      status.onShutdown(id);
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      log.error({ err }, 'source task failed; it will not run again until restarted');
      await this.finalCommit(true).catch((e: unknown) =>
        log.error({ err: e }, 'final offset commit failed'),
      );
      status.onFailure(id, err);
    } finally {
      await this.cleanUp(started);
    }
  }

  /** Releases the task's resources once the loop ended. */
  protected async cleanUp(started: boolean): Promise<void> {
    const { log } = this.o;
    if (started) await this.callStop();
    await this.o.errorOperator
      .close()
      .catch((e: unknown) => log.warn({ err: e }, 'closing the error reporters failed'));
    await this.o.producer
      .disconnect()
      .catch((e: unknown) => log.warn({ err: e }, 'closing the producer failed'));
    await this.o.transforms.close(log);
    await closeConverters(this.o.converters, log);
    await this.o
      .releaseOffsets?.()
      .catch((e: unknown) => log.warn({ err: e }, 'releasing the offsets store failed'));
  }

  private async callStop(): Promise<void> {
    if (this.stopCalled) return;
    this.stopCalled = true;
    try {
      await this.o.task.stop();
    } catch (error) {
      this.o.log.warn({ err: error }, 'task stop() failed');
    }
  }

  private async loop(): Promise<void> {
    const { task } = this.o;
    let pausedBefore = false;
    while (!this.stopping) {
      if (this.failure) throw this.failure;
      if (this.paused) {
        if (!pausedBefore) await this.onPause();
        pausedBefore = true;
        await this.resumed.wait(1000);
        continue;
      }
      pausedBefore = false;
      if (!(await this.readyToPoll())) continue;
      let records: SourceRecord[];
      const pollStart = performance.now();
      try {
        records = (await task.poll()) ?? [];
      } catch (error) {
        // As Kafka: a retriable poll failure is logged and poll is called again; any other
        // error fails the task.
        if (!isRetriable(error)) throw error;
        this.o.log.warn({ err: error }, 'poll() failed with a retriable error; polling again');
        await this.resumed.wait(RETRIABLE_POLL_BACKOFF_MS);
        continue;
      }
      if (records.length === 0) {
        await this.batchDispatched();
        // A task that returns nothing without blocking must not spin the event loop.
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      // Per batch, as Kafka's recordPollReturned; an empty poll (`[]` means the same as `null`
      // in Sluice's API) is not a batch, so idle polling does not drag the averages down.
      this.counters.batchTimeMs.record(performance.now() - pollStart);
      this.counters.batchSize.record(records.length);
      this.counters.recordsIn += records.length;
      for (const record of records) {
        if (this.failure) throw this.failure;
        const sending = this.sendRecord(record);
        if (sending !== undefined) await sending;
      }
      await this.batchDispatched();
    }
    if (this.failure) throw this.failure;
  }

  /**
   * Transforms and converts a record, then dispatches it (or reports it dropped). A stage that
   * answers synchronously is followed at once, so the common record costs no promise per stage:
   * undefined when the record was dispatched without waiting, else a promise to await.
   */
  private sendRecord(original: SourceRecord): Promise<void> | undefined {
    const failed = new RecordInProgress(original);
    return this.transformFrom(original, { sourceRecord: failed }, failed, 0);
  }

  private skip(failed: RecordInProgress): Promise<void> {
    this.counters.recordsSkipped++;
    return this.recordDropped(failed.original);
  }

  /** Applies the transforms from step `from` on, then converts. */
  private transformFrom(
    input: SourceRecord,
    origin: RecordOrigin,
    failed: RecordInProgress,
    from: number,
  ): Promise<void> | undefined {
    const { errorOperator, transforms } = this.o;
    let record = input;
    for (let i = from; i < transforms.steps.length; i++) {
      const step = transforms.steps[i] as TransformStep<SourceRecord>;
      const current = record;
      const result = errorOperator.execute('TRANSFORMATION', step.className, origin, () =>
        step.apply(current),
      );
      if (result instanceof Promise) {
        return result.then((r) =>
          r.ok && r.value !== null
            ? this.transformFrom(r.value, origin, failed, i + 1)
            : this.skip(failed),
        );
      }
      if (!result.ok || result.value === null) return this.skip(failed);
      record = result.value;
    }
    return this.convertKey(record, origin, failed);
  }

  private convertKey(
    r: SourceRecord,
    origin: RecordOrigin,
    failed: RecordInProgress,
  ): Promise<void> | undefined {
    const { errorOperator, converters } = this.o;
    failed.topic = r.topic;
    const key = errorOperator.execute('KEY_CONVERTER', converters.keyClass, origin, () =>
      converters.key.fromConnectData(r.topic, r.headers, r.keySchema, r.key),
    );
    if (key instanceof Promise) {
      return key.then((k) =>
        k.ok ? this.convertValue(r, origin, failed, k.value) : this.skip(failed),
      );
    }
    if (!key.ok) return this.skip(failed);
    return this.convertValue(r, origin, failed, key.value);
  }

  private convertValue(
    r: SourceRecord,
    origin: RecordOrigin,
    failed: RecordInProgress,
    key: Uint8Array | null,
  ): Promise<void> | undefined {
    const { errorOperator, converters } = this.o;
    failed.key = key;
    const value = errorOperator.execute('VALUE_CONVERTER', converters.valueClass, origin, () =>
      converters.value.fromConnectData(r.topic, r.headers, r.valueSchema, r.value),
    );
    if (value instanceof Promise) {
      return value.then((v) =>
        v.ok ? this.convertHeadersThenDispatch(r, origin, failed, key, v.value) : this.skip(failed),
      );
    }
    if (!value.ok) return this.skip(failed);
    return this.convertHeadersThenDispatch(r, origin, failed, key, value.value);
  }

  private convertHeadersThenDispatch(
    r: SourceRecord,
    origin: RecordOrigin,
    failed: RecordInProgress,
    key: Uint8Array | null,
    value: Uint8Array | null,
  ): Promise<void> | undefined {
    failed.value = value;
    // Without headers there is nothing to convert, and nothing that can fail.
    if (!(r.headers instanceof ConnectHeaders) || r.headers.isEmpty()) {
      return this.topicThenDispatch(r, failed, key, value, []);
    }
    const { errorOperator, converters } = this.o;
    const headers = errorOperator.execute('HEADER_CONVERTER', converters.headerClass, origin, () =>
      this.convertHeaders(r),
    );
    return Promise.resolve(headers).then((h) =>
      h.ok ? this.topicThenDispatch(r, failed, key, value, h.value) : this.skip(failed),
    );
  }

  private topicThenDispatch(
    r: SourceRecord,
    failed: RecordInProgress,
    key: Uint8Array | null,
    value: Uint8Array | null,
    headers: KafkaHeader[],
  ): Promise<void> | undefined {
    const producerRecord: ProducerRecord = { topic: r.topic, key, value, headers };
    if (r.kafkaPartition !== null) producerRecord.partition = r.kafkaPartition;
    if (r.timestamp !== null) producerRecord.timestamp = r.timestamp;
    const prepared: PreparedRecord = { original: failed.original, failed, producerRecord };
    const creating = this.o.topicCreator.ensure(r.topic);
    if (creating !== undefined) return creating.then(() => this.dispatch(prepared));
    return this.dispatch(prepared);
  }

  private async convertHeaders(r: SourceRecord): Promise<KafkaHeader[]> {
    const out: KafkaHeader[] = [];
    const headers = r.headers instanceof ConnectHeaders ? r.headers : new ConnectHeaders();
    for (const h of headers) {
      const result = this.o.converters.header.fromConnectHeader(r.topic, h.key, h.schema, h.value);
      out.push({ key: h.key, value: result instanceof Promise ? await result : result });
    }
    return out;
  }

  /** The task's commitRecord(), whose failures are only logged (as Kafka does). */
  protected async commitTaskRecord(
    record: SourceRecord,
    metadata: RecordMetadata | null,
  ): Promise<void> {
    const { task } = this.o;
    // Plugins that do not extend SourceTask may leave out the optional methods.
    if (typeof task.commitRecord !== 'function') return;
    try {
      await task.commitRecord(record, metadata);
    } catch (error) {
      this.o.log.warn({ err: error }, 'commitRecord() failed; ignored as Kafka does');
    }
  }

  /** The task's commit(), whose failures are only logged. */
  protected async commitTask(): Promise<void> {
    const { task } = this.o;
    if (typeof task.commit !== 'function') return;
    try {
      await task.commit();
    } catch (error) {
      this.o.log.warn({ err: error }, 'task commit() failed');
    }
  }

  /** Fails the loop with `error` (the first failure wins). */
  protected fail(error: unknown): void {
    this.failure ??= error instanceof Error ? error : new Error(String(error));
    this.wake();
  }

  /** Wakes the loop from any wait (stop, failure, resume). */
  protected wake(): void {
    this.resumed.notify();
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.o.status.onPause(this.o.id);
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.resumed.notify();
    this.o.status.onResume(this.o.id);
  }

  /** Stops polling, drains what is in flight, commits offsets. Resolves when the task is closed. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    // Kafka calls the task's stop() right away so a blocking poll() can return.
    void this.callStop();
    await this.done;
  }

  /** Abandons the task without waiting (after task.shutdown.graceful.timeout.ms). */
  cancel(): void {
    this.stopping = true;
    this.cancelled = true;
    this.o.errorOperator.stop();
    // As Kafka closes an abandoned task's producer: whatever the stuck task does later cannot
    // reach Kafka (records already queued go out; their offsets are never committed).
    this.o.producer
      .disconnect()
      .catch((e: unknown) =>
        this.o.log.warn({ err: e }, 'closing the abandoned task’s producer failed'),
      );
  }

  /** Resolves when the task loop has ended. */
  whenDone(): Promise<void> {
    return this.done ?? Promise.resolve();
  }
}

/** What the error handler knows of a source record, filled in as its stages succeed. */
class RecordInProgress implements FailedSourceRecord {
  topic: string;
  readonly sourcePartition: SourceRecord['sourcePartition'];
  readonly sourceOffset: SourceRecord['sourceOffset'];
  key: Uint8Array | null | undefined = undefined;
  value: Uint8Array | null | undefined = undefined;
  readonly timestamp: number | null;

  constructor(readonly original: SourceRecord) {
    this.topic = original.topic;
    this.sourcePartition = original.sourcePartition;
    this.sourceOffset = original.sourceOffset;
    this.timestamp = original.timestamp;
  }

  describe(): string {
    return this.original.toString();
  }
}
