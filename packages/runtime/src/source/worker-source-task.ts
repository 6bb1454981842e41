import { ConnectHeaders, isRetriable, type SourceRecord } from '@sluice/api';
import type { ErrorHandlingConfig } from '../errors/error-handling-config.js';
import type { FailedSourceRecord } from '../errors/processing-context.js';
import type {
  ErrorCounters,
  RetryWithToleranceOperator,
} from '../errors/retry-with-tolerance-operator.js';
import type { KafkaHeader, KafkaProducer, RecordMetadata } from '../kafka/kafka-port.js';
import type { Logger } from '../logging/logger.js';
import type { SourceTaskLike } from '../plugins/contracts.js';
import { stringifyOffsetJson } from '../storage/offset-json.js';
import { OffsetStorageReaderImpl } from '../storage/offset-storage-reader.js';
import { type OffsetBackingStore, offsetKey } from '../storage/offset-store.js';
import type { TransformationChain } from '../transforms/transformation-chain.js';
import { closeConverters, type TaskConverters } from '../worker-task/converters-set.js';
import {
  type ConnectorTaskId,
  newCounters,
  Signal,
  type TaskCounters,
  type TaskStatusListener,
} from '../worker-task/task-status.js';
import { SubmittedRecords } from './submitted-records.js';
import type { TopicCreator } from './topic-creation.js';

/** Pause after a poll() that threw a RetriableException, so a failing source does not spin. */
const RETRIABLE_POLL_BACKOFF_MS = 250;

export interface WorkerSourceTaskOptions {
  id: ConnectorTaskId;
  task: SourceTaskLike;
  taskClass: string;
  /** The task's config as given to start() (config provider references resolved). */
  taskConfig: Record<string, string>;
  converters: TaskConverters;
  transforms: TransformationChain<SourceRecord>;
  producer: KafkaProducer;
  offsetStore: OffsetBackingStore;
  topicCreator: TopicCreator;
  errorOperator: RetryWithToleranceOperator;
  errorConfig: ErrorHandlingConfig;
  offsetFlushIntervalMs: number;
  offsetFlushTimeoutMs: number;
  /** Records sent and not yet acknowledged before poll() waits (backpressure). */
  maxInFlightRecords?: number;
  status: TaskStatusListener;
  log: Logger;
}

/**
 * Runs one source task: poll → transforms → converters → producer, with backpressure;
 * offsets committed only for records acknowledged together with everything sent before
 * them, every `offset.flush.interval.ms` and at stop.
 */
export class WorkerSourceTask {
  readonly counters: TaskCounters = newCounters();
  private readonly submitted = new SubmittedRecords();
  private readonly acked = new Signal();
  private readonly resumed = new Signal();
  private stopping = false;
  private paused = false;
  private failure: Error | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private flushTimer: NodeJS.Timeout | null = null;
  private done: Promise<void> | null = null;
  private readonly maxInFlight: number;

  /** The error handler's counters: failures, retries, skipped records, DLQ writes (metrics). */
  get errorCounters(): ErrorCounters {
    return this.o.errorOperator.counters;
  }

  constructor(private readonly o: WorkerSourceTaskOptions) {
    this.maxInFlight = o.maxInFlightRecords ?? 10_000;
  }

  get id(): ConnectorTaskId {
    return this.o.id;
  }

  /** Records polled and not yet acknowledged by Kafka (source-record-active-count). */
  get activeRecords(): number {
    return this.submitted.inFlight;
  }

  /** Starts the task loop in the background; `stop()` ends it. */
  start(initialPaused = false): void {
    this.paused = initialPaused;
    this.done = this.run();
  }

  private async run(): Promise<void> {
    const { task, status, id, log } = this.o;
    let started = false;
    try {
      const reader = new OffsetStorageReaderImpl(this.o.offsetStore, id.connector);
      task.initialize?.({
        configs: () => this.o.taskConfig,
        offsetStorageReader: () => reader,
        log,
      });
      await task.start(this.o.taskConfig);
      started = true;
      await this.o.producer.connect();
      log.info('source task started');
      if (this.paused) status.onPause(id);
      else status.onStartup(id);
      this.flushTimer = setInterval(() => this.scheduleCommit(), this.o.offsetFlushIntervalMs);
      this.flushTimer.unref?.();
      await this.loop();
      await this.finalCommit();
      status.onShutdown(id);
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      log.error({ err }, 'source task failed; it will not run again until restarted');
      // Records acknowledged before the failure keep their offsets.
      await this.finalCommit().catch((e: unknown) =>
        log.error({ err: e }, 'final offset commit failed'),
      );
      status.onFailure(id, err);
    } finally {
      if (this.flushTimer) clearInterval(this.flushTimer);
      if (started) await this.callStop();
      await this.o.errorOperator
        .close()
        .catch((e: unknown) => log.warn({ err: e }, 'closing the error reporters failed'));
      await this.o.producer
        .disconnect()
        .catch((e: unknown) => log.warn({ err: e }, 'closing the producer failed'));
      await this.o.transforms.close(log);
      await closeConverters(this.o.converters, log);
    }
  }

  private stopCalled = false;
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
    while (!this.stopping) {
      if (this.failure) throw this.failure;
      if (this.paused) {
        await this.resumed.wait(1000);
        continue;
      }
      if (this.submitted.inFlight >= this.maxInFlight) {
        await this.acked.wait(1000);
        continue;
      }
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
        await this.sendRecord(record);
      }
    }
    if (this.failure) throw this.failure;
  }

  private async sendRecord(original: SourceRecord): Promise<void> {
    const { errorOperator, converters, transforms } = this.o;
    const entry = this.submitted.submit(original.sourcePartition, original.sourceOffset);
    const failed: FailedSourceRecord = {
      topic: original.topic,
      sourcePartition: original.sourcePartition,
      sourceOffset: original.sourceOffset,
      key: undefined,
      value: undefined,
      timestamp: original.timestamp,
      describe: () => original.toString(),
    };
    const origin = { sourceRecord: failed };
    const skip = async () => {
      this.counters.recordsSkipped++;
      this.submitted.ack(entry);
      await this.commitRecord(original, null);
    };
    let record: SourceRecord | null = original;
    for (const step of transforms.steps) {
      const current: SourceRecord = record;
      const result = await errorOperator.execute('TRANSFORMATION', step.className, origin, () =>
        step.apply(current),
      );
      if (!result.ok || result.value === null) {
        await skip();
        return;
      }
      record = result.value;
    }
    const r = record as SourceRecord;
    failed.topic = r.topic;
    const keyBytes = await errorOperator.execute('KEY_CONVERTER', converters.keyClass, origin, () =>
      converters.key.fromConnectData(r.topic, r.headers, r.keySchema, r.key),
    );
    if (!keyBytes.ok) return skip();
    failed.key = keyBytes.value;
    const valueBytes = await errorOperator.execute(
      'VALUE_CONVERTER',
      converters.valueClass,
      origin,
      () => converters.value.fromConnectData(r.topic, r.headers, r.valueSchema, r.value),
    );
    if (!valueBytes.ok) return skip();
    failed.value = valueBytes.value;
    const headers = await errorOperator.execute(
      'HEADER_CONVERTER',
      converters.headerClass,
      origin,
      () => this.convertHeaders(r),
    );
    if (!headers.ok) return skip();
    await this.o.topicCreator.ensure(r.topic);
    const send = this.o.producer.send({
      topic: r.topic,
      ...(r.kafkaPartition !== null ? { partition: r.kafkaPartition } : {}),
      key: keyBytes.value,
      value: valueBytes.value,
      headers: headers.value,
      ...(r.timestamp !== null ? { timestamp: r.timestamp } : {}),
    });
    send.then(
      (metadata) => this.onAck(entry, original, metadata),
      (error: unknown) => this.onSendError(entry, original, failed, error),
    );
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

  private onAck(
    entry: ReturnType<SubmittedRecords['submit']>,
    original: SourceRecord,
    metadata: RecordMetadata,
  ): void {
    this.submitted.ack(entry);
    this.counters.recordsOut++;
    this.counters.topics.add(metadata.topic);
    this.acked.notify();
    this.commitRecord(original, {
      topic: metadata.topic,
      partition: metadata.partition,
      offset: Number(metadata.offset),
      timestamp: metadata.timestamp,
    }).catch(() => {});
  }

  private onSendError(
    entry: ReturnType<SubmittedRecords['submit']>,
    original: SourceRecord,
    failed: FailedSourceRecord,
    error: unknown,
  ): void {
    // With errors.tolerance=all Kafka logs the failed send and moves on; otherwise the task fails.
    this.o.errorOperator
      .executeFailed(
        'KAFKA_PRODUCE',
        'KafkaProducer',
        { sourceRecord: failed },
        error,
        this.o.errorConfig.tolerance === 'all',
      )
      .then(
        () => {
          this.submitted.ack(entry);
          this.counters.recordsSkipped++;
          this.acked.notify();
          return this.commitRecord(original, null);
        },
        (fatal: unknown) => {
          this.failure ??= fatal instanceof Error ? fatal : new Error(String(fatal));
          this.acked.notify();
          this.resumed.notify();
        },
      )
      .catch(() => {});
  }

  private async commitRecord(
    record: SourceRecord,
    metadata: Parameters<NonNullable<SourceTaskLike['commitRecord']>>[1],
  ): Promise<void> {
    if (!this.o.task.commitRecord) return;
    try {
      await this.o.task.commitRecord(record, metadata);
    } catch (error) {
      this.o.log.warn({ err: error }, 'commitRecord() failed; ignored as Kafka does');
    }
  }

  private scheduleCommit(): void {
    this.flushing = this.flushing.then(async () => {
      await this.commitOffsets();
    });
  }

  /** Writes every committable offset to the store and calls the task's commit(). */
  async commitOffsets(): Promise<boolean> {
    const committable = this.submitted.takeCommittable();
    if (committable.size === 0) return true;
    const entries = new Map<string, string | null>();
    for (const { partition, offset } of committable.values()) {
      entries.set(
        offsetKey(this.o.id.connector, partition),
        offset === null ? null : stringifyOffsetJson(offset),
      );
    }
    const started = performance.now();
    try {
      await this.o.offsetStore.set(entries);
      this.counters.offsetCommitTimeMs.record(performance.now() - started);
      this.counters.offsetCommits++;
      this.o.log.debug({ partitions: entries.size }, 'committed source offsets');
    } catch (error) {
      this.submitted.restore(committable);
      this.counters.offsetCommitFailures++;
      this.o.log.error(
        { err: error },
        'failed to write source offsets; they are retried at the next flush',
      );
      return false;
    }
    try {
      await this.o.task.commit?.();
    } catch (error) {
      this.o.log.warn({ err: error }, 'task commit() failed');
    }
    return true;
  }

  /** At stop: wait (up to offset.flush.timeout.ms) for records in flight, then commit. */
  private async finalCommit(): Promise<void> {
    const deadline = Date.now() + this.o.offsetFlushTimeoutMs;
    const flushed = this.o.producer.flush().catch(() => {});
    while (!this.submitted.allAcked() && Date.now() < deadline && !this.failure) {
      await Promise.race([
        flushed,
        this.acked.wait(Math.max(1, Math.min(200, deadline - Date.now()))),
      ]);
    }
    if (!this.submitted.allAcked()) {
      this.o.log.warn(
        { inFlight: this.submitted.inFlight },
        `records still unacknowledged after offset.flush.timeout.ms=${this.o.offsetFlushTimeoutMs}; their offsets are not committed`,
      );
    }
    await this.flushing;
    await this.commitOffsets();
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
    this.resumed.notify();
    this.acked.notify();
    // Kafka calls the task's stop() right away so a blocking poll() can return.
    void this.callStop();
    await this.done;
  }

  /** Abandons the task without waiting (after task.shutdown.graceful.timeout.ms). */
  cancel(): void {
    this.stopping = true;
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
