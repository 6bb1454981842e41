import type { SourceRecord, RecordMetadata as TaskRecordMetadata } from '@sluice/api';
import type { RecordMetadata } from '../kafka/kafka-port.js';
import { stringifyOffsetJson } from '../storage/offset-json.js';
import { offsetKey } from '../storage/offset-store.js';
import { Signal } from '../worker-task/task-status.js';
import {
  AbstractWorkerSourceTask,
  type PreparedRecord,
  type SourceTaskRunnerOptions,
} from './abstract-worker-source-task.js';
import { type SubmittedRecord, SubmittedRecords } from './submitted-records.js';

export interface WorkerSourceTaskOptions extends SourceTaskRunnerOptions {
  offsetFlushIntervalMs: number;
  offsetFlushTimeoutMs: number;
  /** Records sent and not yet acknowledged before poll() waits (backpressure). */
  maxInFlightRecords?: number;
}

/**
 * Runs one source task at least once: poll → transforms → converters → producer, with
 * backpressure; offsets committed only for records acknowledged together with everything sent
 * before them, every `offset.flush.interval.ms` and at stop.
 */
export class WorkerSourceTask extends AbstractWorkerSourceTask {
  private readonly submitted = new SubmittedRecords();
  private readonly acked = new Signal();
  private flushing: Promise<void> = Promise.resolve();
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly maxInFlight: number;

  constructor(private readonly options: WorkerSourceTaskOptions) {
    super(options);
    this.maxInFlight = options.maxInFlightRecords ?? 10_000;
  }

  get activeRecords(): number {
    return this.submitted.inFlight;
  }

  protected override async prepareToPoll(): Promise<void> {
    await this.o.producer.connect();
    this.flushTimer = setInterval(() => this.scheduleCommit(), this.options.offsetFlushIntervalMs);
    this.flushTimer.unref?.();
  }

  protected override async readyToPoll(): Promise<boolean> {
    if (this.submitted.inFlight < this.maxInFlight) return true;
    await this.acked.wait(1000);
    return false;
  }

  protected override wake(): void {
    super.wake();
    this.acked.notify();
  }

  protected async recordDropped(original: SourceRecord): Promise<void> {
    // Its offset is committed with the records around it: the task need not see it again.
    const entry = this.submitted.submit(original.sourcePartition, original.sourceOffset);
    this.submitted.ack(entry);
    await this.commitTaskRecord(original, null);
  }

  protected dispatch({ original, producerRecord, failed }: PreparedRecord): undefined {
    const entry = this.submitted.submit(original.sourcePartition, original.sourceOffset);
    this.o.producer.send(producerRecord).then(
      (metadata) => this.onAck(entry, original, metadata),
      (error: unknown) => this.onSendError(entry, original, failed, error),
    );
  }

  private onAck(entry: SubmittedRecord, original: SourceRecord, metadata: RecordMetadata): void {
    this.submitted.ack(entry);
    this.counters.recordsOut++;
    this.counters.topics.add(metadata.topic);
    this.acked.notify();
    this.commitTaskRecord(original, taskMetadata(metadata)).catch(() => {});
  }

  private onSendError(
    entry: SubmittedRecord,
    original: SourceRecord,
    failed: PreparedRecord['failed'],
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
          return this.commitTaskRecord(original, null);
        },
        (fatal: unknown) => this.fail(fatal),
      )
      .catch(() => {});
  }

  private scheduleCommit(): void {
    this.flushing = this.flushing.then(async () => {
      await this.commitOffsets();
    });
  }

  /** Writes every committable offset to the store and calls the task's commit(). */
  async commitOffsets(): Promise<boolean> {
    if (this.cancelled) {
      // The worker gave up on this task; its offsets may since have been altered or reset.
      this.o.log.debug('skipping the offset commit: the task was abandoned');
      return false;
    }
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
    await this.commitTask();
    return true;
  }

  /**
   * At stop: wait (up to offset.flush.timeout.ms) for records in flight, then commit. After a
   * failure, records acknowledged before it keep their offsets.
   */
  protected async finalCommit(_failed: boolean): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    const deadline = Date.now() + this.options.offsetFlushTimeoutMs;
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
        `records still unacknowledged after offset.flush.timeout.ms=${this.options.offsetFlushTimeoutMs}; their offsets are not committed`,
      );
    }
    await this.flushing;
    await this.commitOffsets();
  }

  protected override async cleanUp(started: boolean): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    await super.cleanUp(started);
  }
}

/** Where Kafka wrote a record, as the task's commitRecord() gets it. */
export function taskMetadata(metadata: RecordMetadata): TaskRecordMetadata {
  return {
    topic: metadata.topic,
    partition: metadata.partition,
    offset: Number(metadata.offset),
    timestamp: metadata.timestamp,
  };
}
