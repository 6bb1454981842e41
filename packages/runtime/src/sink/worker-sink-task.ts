import {
  ConnectException,
  ConnectHeaders,
  type ErrantRecordReporter,
  isRetriable,
  type OffsetAndMetadata,
  type SchemaAndValue,
  SinkRecord,
  type SinkTask,
  type SinkTaskContext,
  type TopicPartition,
  TopicPartitionMap,
} from '@sluice/api';
import type {
  ErrorCounters,
  RecordOrigin,
  RetryWithToleranceOperator,
} from '../errors/retry-with-tolerance-operator.js';
import type { BatchControl, ConsumerRecord, KafkaConsumer } from '../kafka/kafka-port.js';
import type { Logger } from '../logging/logger.js';
import type { TransformationChain, TransformStep } from '../transforms/transformation-chain.js';
import { closeConverters, type TaskConverters } from '../worker-task/converters-set.js';
import {
  type ConnectorTaskId,
  newCounters,
  Signal,
  type TaskCounters,
  type TaskStatusListener,
} from '../worker-task/task-status.js';

export interface WorkerSinkTaskOptions {
  id: ConnectorTaskId;
  task: SinkTask;
  taskClass: string;
  /** The task's config as given to start() (config provider references resolved). */
  taskConfig: Record<string, string>;
  converters: TaskConverters;
  transforms: TransformationChain<SinkRecord>;
  /** A consumer of group `connect-<connector>`, not yet connected. */
  consumer: KafkaConsumer;
  topics: string[];
  topicsRegex: RegExp | null;
  errorOperator: RetryWithToleranceOperator;
  /** Whether the task gets an errant record reporter (a DLQ or error log is configured). */
  errantRecordReporter: boolean;
  /** `offset.flush.interval.ms`: how often preCommit is called and offsets committed. */
  offsetCommitIntervalMs: number;
  /** Most records per put() (`consumer.max.poll.records`, 500). */
  maxBatchRecords?: number;
  /** Upper bound of the backoff between put() retries after a RetriableException. */
  retryBackoffMaxMs?: number;
  status: TaskStatusListener;
  log: Logger;
}

/** The sink record of a converted consumer record (before the transforms). */
function sinkRecord(
  raw: ConsumerRecord,
  headers: ConnectHeaders,
  key: SchemaAndValue,
  value: SchemaAndValue,
): SinkRecord {
  return new SinkRecord({
    topic: raw.topic,
    kafkaPartition: raw.partition,
    kafkaOffset: Number(raw.offset),
    keySchema: key.schema,
    key: key.value,
    valueSchema: value.schema,
    value: value.value,
    timestamp: raw.timestamp >= 0 ? raw.timestamp : null,
    timestampType: raw.timestampType,
    headers,
  });
}

/** A promise-chain mutex: the task's methods are never called concurrently. */
class SerialExecutor {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => {});
    return result;
  }
}

/**
 * Runs one sink task: consumer (group `connect-<name>`) → converters → transforms → `put` in
 * batches; every `offset.flush.interval.ms` (and on rebalance and stop) `preCommit` says which
 * offsets are durable and only those are committed. `open`/`close` follow the assignment; the
 * task may pause/resume partitions, rewind them (`context.offset`), and report errant records.
 * A RetriableException from `put` redelivers the same batch after a backoff.
 */
export class WorkerSinkTask {
  readonly counters: TaskCounters = newCounters();
  private readonly serial = new SerialExecutor();
  private readonly assigned = new TopicPartitionMap<true>();
  /** Next offset after the last record given to put (or skipped), per partition. */
  private readonly currentOffsets = new TopicPartitionMap<number>();
  private readonly lastCommitted = new TopicPartitionMap<number>();
  private readonly taskPaused = new TopicPartitionMap<true>();
  private readonly pendingSeeks = new TopicPartitionMap<number>();
  /** Records behind the high watermark, per partition, as of the last delivered batch. */
  private readonly lag = new TopicPartitionMap<number>();
  private readonly pendingReports = new Set<Promise<void>>();
  /** Raw records of the chunk being delivered, for the errant record reporter. */
  private inFlight: ConsumerRecord[] = [];
  private readonly wake = new Signal();
  private readonly ended = new Signal();
  private timeoutMs = -1;
  private commitRequested = false;
  private stopping = false;
  private paused = false;
  private failure: Error | null = null;
  private done: Promise<void> | null = null;
  private commitTimer: NodeJS.Timeout | null = null;
  private nextCommitAt = 0;

  constructor(private readonly o: WorkerSinkTaskOptions) {}

  /** The error handler's counters: failures, retries, skipped records, DLQ writes (metrics). */
  get errorCounters(): ErrorCounters {
    return this.o.errorOperator.counters;
  }

  get id(): ConnectorTaskId {
    return this.o.id;
  }

  /** Topic partitions assigned to the task (partition-count). */
  get partitionCount(): number {
    return this.assigned.size;
  }

  /** Starts the task in the background; `stop()` ends it. */
  start(initialPaused = false): void {
    this.paused = initialPaused;
    this.done = this.run();
  }

  private context(): SinkTaskContext {
    const self = this;
    const reporter: ErrantRecordReporter = {
      report: (record, error) => self.reportErrant(record, error),
    };
    function offset(a: TopicPartition | TopicPartitionMap<number>, b?: number): void {
      if (b !== undefined) self.pendingSeeks.set(a as TopicPartition, b);
      else for (const [tp, o] of a as TopicPartitionMap<number>) self.pendingSeeks.set(tp, o);
    }
    return {
      configs: () => this.o.taskConfig,
      offset,
      timeout: (ms: number) => {
        this.timeoutMs = ms;
      },
      assignment: () => this.assigned.keys(),
      pause: (...tps: TopicPartition[]) => {
        for (const tp of tps) this.taskPaused.set(tp, true);
        this.o.consumer.pause(tps.filter((tp) => this.assigned.has(tp)));
      },
      resume: (...tps: TopicPartition[]) => {
        for (const tp of tps) this.taskPaused.delete(tp);
        if (!this.paused) this.o.consumer.resume(tps.filter((tp) => this.assigned.has(tp)));
      },
      requestCommit: () => {
        this.commitRequested = true;
      },
      errantRecordReporter: () => (this.o.errantRecordReporter ? reporter : null),
      log: this.o.log,
    } as SinkTaskContext;
  }

  private async run(): Promise<void> {
    const { task, status, id, log, consumer } = this.o;
    let started = false;
    try {
      task.initialize?.(this.context());
      await task.start(this.o.taskConfig);
      started = true;
      // As Kafka Connect: a started task is RUNNING, even while its consumer waits for its
      // topics to exist (it just has no partitions yet).
      log.info({ topics: this.o.topics, regex: this.o.topicsRegex?.source }, 'sink task started');
      if (this.paused) status.onPause(id);
      else status.onStartup(id);
      await consumer.connect();
      try {
        await consumer.subscribe({
          ...(this.o.topics.length > 0 ? { topics: this.o.topics } : {}),
          ...(this.o.topicsRegex ? { topicsRegex: this.o.topicsRegex } : {}),
          // Where a partition without a committed offset starts comes from
          // consumer.auto.offset.reset (earliest by default, as Kafka Connect).
          cancelled: () => this.halted,
        });
      } catch (error) {
        // Stopped while waiting for the topics: a shutdown, not a failure.
        if (!this.stopping || this.failure) throw error;
      }
      if (!this.stopping) {
        await consumer.run({
          onBatch: (records, control) => this.onBatch(records, control),
          onAssignment: (tps) => this.serial.run(() => this.onAssignment(tps)),
          onCrash: (error) => this.fail(error),
        });
      }
      this.nextCommitAt = Date.now() + this.o.offsetCommitIntervalMs;
      this.commitTimer = setInterval(
        () => {
          this.serial.run(() => this.commitIfDue()).catch((e: unknown) => this.fail(e));
        },
        Math.min(1000, this.o.offsetCommitIntervalMs),
      );
      this.commitTimer.unref?.();
      while (!this.stopping && !this.failure) await this.ended.wait();
      if (this.failure) throw this.failure;
      await this.serial.run(() => this.closePartitions(this.assigned.keys()));
      status.onShutdown(id);
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      log.error({ err }, 'sink task failed; it will not run again until restarted');
      // Offsets the task already reported durable are still committed.
      if (started) {
        await this.serial
          .run(() => this.closePartitions(this.assigned.keys()))
          .catch((e: unknown) =>
            log.warn({ err: e }, 'closing partitions after the failure failed'),
          );
      }
      status.onFailure(id, err);
    } finally {
      if (this.commitTimer) clearInterval(this.commitTimer);
      await consumer
        .disconnect()
        .catch((e: unknown) => log.warn({ err: e }, 'closing the consumer failed'));
      if (started) {
        try {
          await task.stop();
        } catch (error) {
          log.warn({ err: error }, 'task stop() failed');
        }
      }
      await this.o.errorOperator
        .close()
        .catch((e: unknown) => log.warn({ err: e }, 'closing the error reporters failed'));
      await this.o.transforms.close(log);
      await closeConverters(this.o.converters, log);
    }
  }

  private fail(error: unknown): void {
    this.failure ??= error instanceof Error ? error : new Error(String(error));
    this.wake.notify();
    this.ended.notify();
  }

  private get halted(): boolean {
    return this.stopping || this.failure !== null;
  }

  private async onAssignment(tps: TopicPartition[]): Promise<void> {
    if (this.halted) return;
    const next = new TopicPartitionMap(tps.map((tp) => [tp, true] as const));
    const revoked = this.assigned.keys().filter((tp) => !next.has(tp));
    const added = tps.filter((tp) => !this.assigned.has(tp));
    if (revoked.length > 0) await this.closePartitions(revoked);
    if (added.length === 0) return;
    const committed = await this.o.consumer.committed([...new Set(added.map((tp) => tp.topic))]);
    for (const tp of added) {
      this.assigned.set(tp, true);
      const c = committed.find((x) => x.topic === tp.topic && x.partition === tp.partition);
      if (c && c.offset >= 0n) {
        this.lastCommitted.set(tp, Number(c.offset));
        this.currentOffsets.set(tp, Number(c.offset));
      }
    }
    this.o.log.info(
      { partitions: added.map((tp) => `${tp.topic}-${tp.partition}`) },
      'partitions assigned',
    );
    await this.o.task.open?.(added);
    this.applySeeks();
    const toPause = added.filter((tp) => this.paused || this.taskPaused.has(tp));
    if (toPause.length > 0) this.o.consumer.pause(toPause);
  }

  /** Commits what the task reports durable for `tps`, then closes them in the task. */
  private async closePartitions(tps: TopicPartition[]): Promise<void> {
    if (tps.length === 0) return;
    await this.commitOffsets(tps);
    try {
      await this.o.task.close?.(tps);
    } finally {
      for (const tp of tps) {
        this.assigned.delete(tp);
        this.lag.delete(tp);
        this.currentOffsets.delete(tp);
        this.lastCommitted.delete(tp);
      }
    }
  }

  private applySeeks(): TopicPartition[] {
    const sought: TopicPartition[] = [];
    for (const [tp, offset] of this.pendingSeeks) {
      if (!this.assigned.has(tp)) {
        this.o.log.warn(
          { topic: tp.topic, partition: tp.partition },
          'context.offset() for a partition not assigned to the task; ignored',
        );
        continue;
      }
      this.o.consumer.seek(tp, BigInt(offset));
      this.currentOffsets.set(tp, offset);
      sought.push(tp);
      this.o.log.info(
        { topic: tp.topic, partition: tp.partition, offset },
        'task reset the consumer position',
      );
    }
    this.pendingSeeks.clear();
    return sought;
  }

  private async onBatch(records: ConsumerRecord[], control: BatchControl): Promise<void> {
    try {
      await this.processBatch(records, control);
    } catch (error) {
      // Thrown back into the client, the error would make it fetch the batch again; the task fails instead.
      if (!this.stopping) this.fail(error);
    }
  }

  private async processBatch(records: ConsumerRecord[], control: BatchControl): Promise<void> {
    const chunk = this.o.maxBatchRecords ?? 500;
    for (let i = 0; i < records.length; i += chunk) {
      if (this.halted || this.paused || !control.isActive()) return;
      const first = records[i] as ConsumerRecord;
      const tp = { topic: first.topic, partition: first.partition };
      if (!this.assigned.has(tp) || this.taskPaused.has(tp)) return;
      const slice = records.slice(i, i + chunk);
      const delivered = await this.serial.run(() => this.deliver(slice, control));
      if (!delivered) return;
      await control.heartbeat();
      await this.serial.run(() => this.commitIfDue());
    }
  }

  /** Converts, transforms and puts one chunk; false when the rest of the batch must not be processed. */
  private async deliver(records: ConsumerRecord[], control: BatchControl): Promise<boolean> {
    if (this.halted || this.paused || !control.isActive()) return false;
    const batch: SinkRecord[] = [];
    this.inFlight = records;
    const last = records[records.length - 1] as ConsumerRecord;
    this.counters.recordsIn += records.length;
    this.counters.topics.add(last.topic);
    try {
      for (const raw of records) {
        let record = this.convertAndTransform(raw);
        if (record instanceof Promise) record = await record;
        if (record === null) this.counters.recordsSkipped++;
        else batch.push(record);
      }
    } catch (error) {
      if (this.stopping) return false;
      throw error;
    }
    if (!(await this.put(batch, control))) return false;
    this.counters.recordsOut += batch.length;
    const tp = { topic: last.topic, partition: last.partition };
    this.currentOffsets.set(tp, Number(last.offset) + 1);
    control.markProcessed(last.offset);
    if (control.highWatermark !== null) {
      this.lag.set(tp, Math.max(0, Number(control.highWatermark) - Number(last.offset) - 1));
      this.counters.lag = this.lag.values().reduce((a, b) => a + b, 0);
    }
    this.inFlight = [];
    // A rewind asked from put() makes the rest of this fetched batch stale.
    return this.applySeeks().length === 0;
  }

  /**
   * Converts and transforms one record; null when a tolerated failure or a transform dropped it.
   * Each stage is called directly and, when it answers synchronously, followed at once: the
   * error operator takes a stage over (retries, reports, skips) only when it throws or answers
   * with a promise, so the common record costs no closure, promise or stage result per stage.
   */
  private convertAndTransform(raw: ConsumerRecord): SinkRecord | null | Promise<SinkRecord | null> {
    const origin: RecordOrigin = { consumerRecord: raw };
    const headers = new ConnectHeaders();
    let key: SchemaAndValue | Promise<SchemaAndValue>;
    try {
      key = this.o.converters.key.toConnectData(raw.topic, headers, raw.key);
    } catch (error) {
      return this.convertFrom(raw, origin, headers, null, true, error);
    }
    if (key instanceof Promise) {
      return this.convertFrom(raw, origin, headers, null, false, key);
    }
    return this.convertValue(raw, origin, headers, key);
  }

  // The key's and the value's first attempts stay two methods: merged into one, the call site
  // saw both converters and the chain cost 3-4% more per record (measured in process).
  private convertValue(
    raw: ConsumerRecord,
    origin: RecordOrigin,
    headers: ConnectHeaders,
    key: SchemaAndValue,
  ): SinkRecord | null | Promise<SinkRecord | null> {
    let value: SchemaAndValue | Promise<SchemaAndValue>;
    try {
      value = this.o.converters.value.toConnectData(raw.topic, headers, raw.value);
    } catch (error) {
      return this.convertFrom(raw, origin, headers, key, true, error);
    }
    if (value instanceof Promise) {
      return this.convertFrom(raw, origin, headers, key, false, value);
    }
    return this.withValue(raw, origin, headers, key, value);
  }

  /**
   * Goes on from the key's converter (`key` null) or the value's, whose first attempt threw
   * (`threw`) or answered with a promise.
   */
  private async convertFrom(
    raw: ConsumerRecord,
    origin: RecordOrigin,
    headers: ConnectHeaders,
    key: SchemaAndValue | null,
    threw: boolean,
    attempt: unknown,
  ): Promise<SinkRecord | null> {
    const { converters, errorOperator } = this.o;
    const isKey = key === null;
    const converter = isKey ? converters.key : converters.value;
    const operation = () =>
      converter.toConnectData(raw.topic, headers, isKey ? raw.key : raw.value);
    const result = await errorOperator.afterAttempt(
      isKey ? 'KEY_CONVERTER' : 'VALUE_CONVERTER',
      isKey ? converters.keyClass : converters.valueClass,
      origin,
      operation,
      threw,
      attempt,
    );
    if (!result.ok) return null;
    return isKey
      ? this.convertValue(raw, origin, headers, result.value)
      : this.withValue(raw, origin, headers, key, result.value);
  }

  private withValue(
    raw: ConsumerRecord,
    origin: RecordOrigin,
    headers: ConnectHeaders,
    key: SchemaAndValue,
    value: SchemaAndValue,
  ): SinkRecord | null | Promise<SinkRecord | null> {
    // Without headers there is nothing to convert, and nothing that can fail.
    if (raw.headers.length === 0) {
      return this.transform(sinkRecord(raw, headers, key, value), origin, 0);
    }
    const { converters, errorOperator } = this.o;
    const converted = errorOperator.execute(
      'HEADER_CONVERTER',
      converters.headerClass,
      origin,
      async () => {
        for (const h of raw.headers) {
          const r = converters.header.toConnectHeader(raw.topic, h.key, h.value);
          const sv = r instanceof Promise ? await r : r;
          headers.add(h.key, sv.value, sv.schema);
        }
        return headers;
      },
    );
    return Promise.resolve(converted).then((c) =>
      c.ok ? this.transform(sinkRecord(raw, headers, key, value), origin, 0) : null,
    );
  }

  /**
   * Applies the transforms from `from` on. Each is called directly: the error operator takes a
   * step over (retries, reports, skips) only when it throws or answers with a promise, so a
   * step that succeeds at once costs no closure or stage result per record.
   */
  private transform(
    input: SinkRecord,
    origin: RecordOrigin,
    from: number,
  ): SinkRecord | null | Promise<SinkRecord | null> {
    const { steps } = this.o.transforms;
    let record = input;
    for (let i = from; i < steps.length; i++) {
      let result: SinkRecord | null | Promise<SinkRecord | null>;
      try {
        result = (steps[i] as TransformStep<SinkRecord>).apply(record);
      } catch (error) {
        return this.transformFrom(i, record, origin, true, error);
      }
      if (result instanceof Promise) return this.transformFrom(i, record, origin, false, result);
      if (result === null) return null;
      record = result;
    }
    return record;
  }

  /** Goes on from step `i`, whose first attempt on `record` threw (`threw`) or answered with a promise. */
  private async transformFrom(
    i: number,
    record: SinkRecord,
    origin: RecordOrigin,
    threw: boolean,
    attempt: unknown,
  ): Promise<SinkRecord | null> {
    const step = this.o.transforms.steps[i] as TransformStep<SinkRecord>;
    const operation = () => step.apply(record);
    const result = await this.o.errorOperator.afterAttempt(
      'TRANSFORMATION',
      step.className,
      origin,
      operation,
      threw,
      attempt,
    );
    return result.ok && result.value !== null ? this.transform(result.value, origin, i + 1) : null;
  }

  /** put() with redelivery after a RetriableException; false when stopped while retrying. */
  private async put(batch: SinkRecord[], control: BatchControl): Promise<boolean> {
    let delay = 300;
    const maxDelay = this.o.retryBackoffMaxMs ?? 10_000;
    for (let attempt = 1; ; attempt++) {
      if (this.halted) return false;
      const started = performance.now();
      try {
        await this.o.task.put(batch);
        if (this.failure) throw this.failure;
        // As Kafka: a successful put() is a batch (its size and time); a failed one is not.
        this.counters.batchTimeMs.record(performance.now() - started);
        this.counters.batchSize.record(batch.length);
        return true;
      } catch (error) {
        if (this.failure) throw this.failure;
        if (!isRetriable(error)) {
          throw new ConnectException('Exiting WorkerSinkTask due to unrecoverable exception.', {
            cause: error,
          });
        }
        const wait = this.timeoutMs >= 0 ? this.timeoutMs : delay;
        this.timeoutMs = -1;
        delay = Math.min(delay * 2, maxDelay);
        this.o.errorOperator.counters.retries++;
        this.o.log.warn(
          { err: error, attempt, retryInMs: wait, records: batch.length },
          'put() failed with a retriable error; the same records are delivered again after the backoff',
        );
        const until = Date.now() + wait;
        while (!this.halted && Date.now() < until) {
          await this.wake.wait(Math.min(1000, until - Date.now()));
          await control.heartbeat().catch(() => {});
        }
      }
    }
  }

  private reportErrant(record: SinkRecord, error: Error): Promise<void> {
    const find = (topic: string, partition: number, offset: number) =>
      this.inFlight.find(
        (r) => r.topic === topic && r.partition === partition && Number(r.offset) === offset,
      );
    const raw =
      find(record.originalTopic, record.originalKafkaPartition, record.originalKafkaOffset) ??
      find(record.topic, record.kafkaPartition, record.kafkaOffset);
    const consumerRecord: ConsumerRecord = raw ?? {
      topic: record.originalTopic,
      partition: record.originalKafkaPartition,
      offset: BigInt(record.originalKafkaOffset),
      timestamp: record.timestamp ?? -1,
      timestampType: record.timestampType,
      key: null,
      value: null,
      headers: [],
    };
    const p = this.o.errorOperator
      .executeFailed('TASK_PUT', this.o.taskClass, { consumerRecord }, error, true)
      .catch((fatal: unknown) => {
        // errors.tolerance=none: the task fails even if it ignores the rejection.
        this.fail(fatal);
        throw fatal;
      });
    this.counters.recordsSkipped++;
    const tracked = p.catch(() => {});
    this.pendingReports.add(tracked);
    void tracked.finally(() => this.pendingReports.delete(tracked));
    return p;
  }

  private async commitIfDue(): Promise<void> {
    if (this.halted) return;
    if (!this.commitRequested && Date.now() < this.nextCommitAt) return;
    this.commitRequested = false;
    this.nextCommitAt = Date.now() + this.o.offsetCommitIntervalMs;
    await this.commitOffsets(this.assigned.keys());
  }

  /**
   * Asks the task (preCommit) which of the current offsets are durable and commits those of
   * `tps` that moved. A preCommit failure rewinds the partitions to their last committed
   * offsets, so nothing the task did not confirm is skipped.
   */
  private async commitOffsets(tps: TopicPartition[]): Promise<void> {
    if (tps.length === 0) return;
    // Kafka times a commit from before preCommit() to the broker's answer.
    const started = performance.now();
    await Promise.all(this.pendingReports);
    const current = new TopicPartitionMap<OffsetAndMetadata>();
    for (const tp of tps) {
      const offset = this.currentOffsets.get(tp);
      if (offset !== undefined) current.set(tp, { offset });
    }
    if (current.size === 0) return;
    let reported: Iterable<[TopicPartition, OffsetAndMetadata]>;
    try {
      const { task } = this.o;
      if (task.preCommit) {
        const r = (await task.preCommit(current.copy())) as Iterable<
          [TopicPartition, OffsetAndMetadata]
        > | null;
        reported = r ?? [];
      } else {
        await task.flush?.(current.copy());
        reported = current;
      }
    } catch (error) {
      this.counters.offsetCommitFailures++;
      this.o.log.error(
        { err: error },
        'preCommit() failed; rewinding to the last committed offsets so the records are delivered again',
      );
      for (const tp of tps) {
        const committed = this.lastCommitted.get(tp);
        if (committed !== undefined) {
          this.o.consumer.seek(tp, BigInt(committed));
          this.currentOffsets.set(tp, committed);
        }
      }
      return;
    }
    const toCommit: Array<TopicPartition & { offset: bigint }> = [];
    for (const [tp, om] of reported) {
      const cur = this.currentOffsets.get(tp);
      if (!tps.some((t) => t.topic === tp.topic && t.partition === tp.partition)) continue;
      if (cur === undefined || om.offset > cur) {
        this.o.log.warn(
          { topic: tp.topic, partition: tp.partition, offset: om.offset, current: cur },
          'preCommit() returned an offset beyond what was delivered or for a partition not assigned; ignored',
        );
        continue;
      }
      if (this.lastCommitted.get(tp) === om.offset) continue;
      toCommit.push({ topic: tp.topic, partition: tp.partition, offset: BigInt(om.offset) });
    }
    if (toCommit.length === 0) return;
    try {
      await this.o.consumer.commit(toCommit);
      for (const c of toCommit) this.lastCommitted.set(c, Number(c.offset));
      this.counters.offsetCommitTimeMs.record(performance.now() - started);
      this.counters.offsetCommits++;
      this.o.log.debug({ partitions: toCommit.length }, 'committed sink offsets');
    } catch (error) {
      this.counters.offsetCommitFailures++;
      this.o.log.warn({ err: error }, 'offset commit failed; retried at the next interval');
    }
  }

  /** The offsets committed so far (next offset to consume), per partition. */
  committedOffsets(): TopicPartitionMap<number> {
    return this.lastCommitted.copy();
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.o.consumer.pause(this.assigned.keys());
    this.o.status.onPause(this.o.id);
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.o.consumer.resume(this.assigned.keys().filter((tp) => !this.taskPaused.has(tp)));
    this.o.status.onResume(this.o.id);
  }

  /** Stops consuming, commits what the task reports durable, closes the task. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake.notify();
    this.ended.notify();
    await this.done;
  }

  /** Abandons the task without waiting (after task.shutdown.graceful.timeout.ms). */
  cancel(): void {
    this.stopping = true;
    this.o.errorOperator.stop();
    this.wake.notify();
    this.ended.notify();
  }

  whenDone(): Promise<void> {
    return this.done ?? Promise.resolve();
  }
}
