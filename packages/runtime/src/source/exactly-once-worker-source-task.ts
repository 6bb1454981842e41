import {
  ConnectException,
  type SourceRecord,
  type TransactionBoundary,
  type TransactionContext,
} from '@sluice/api';
import type {
  KafkaClientException,
  KafkaTransactionalProducer,
  ProducerRecord,
} from '../kafka/kafka-port.js';
import { PartitionKeys, stringifyOffsetJson } from '../storage/offset-json.js';
import { type OffsetBackingStore, type OffsetMap, offsetKey } from '../storage/offset-store.js';
import { Signal } from '../worker-task/task-status.js';
import {
  AbstractWorkerSourceTask,
  type PreparedRecord,
  type SourceTaskRunnerOptions,
} from './abstract-worker-source-task.js';
import { taskMetadata } from './worker-source-task.js';
import { WorkerTransactionContext } from './worker-transaction-context.js';

/** The checks around a task's transactional producer start (zombie fencing, then ownership). */
export interface ExactlyOnceStartChecks {
  /** Before the producer registers its transactional id: older task generations are fenced. */
  beforeProducer(): Promise<void>;
  /** After: the task's generation is still the current one, and it is still assigned here. */
  afterProducer(): Promise<void>;
}

export interface ExactlyOnceWorkerSourceTaskOptions extends SourceTaskRunnerOptions {
  producer: KafkaTransactionalProducer;
  boundary: TransactionBoundary;
  /** `transaction.boundary.interval.ms` (else `offset.flush.interval.ms`), for `interval`. */
  boundaryIntervalMs: number;
  /** The offsets topic written in each transaction: the connector's own, else the worker's. */
  offsetsTopic: string;
  /** The worker's store, written after each commit when the connector has its own topic. */
  secondaryOffsetStore: OffsetBackingStore | null;
  checks: ExactlyOnceStartChecks;
  /** Records sent and not yet acknowledged before poll() waits (backpressure). */
  maxInFlightRecords?: number;
}

/**
 * Runs one source task exactly once (Kafka's ExactlyOnceWorkerSourceTask, KIP-618): its records
 * and their source offsets are written in one Kafka transaction, committed at the boundaries
 * `transaction.boundary` sets (each poll, an interval, or where the connector says). A crash
 * before a commit leaves nothing of the transaction visible to read_committed readers, and the
 * task resumes from the offsets of the last committed transaction. Its producer's
 * `transactional.id` is the task's, so a restarted task fences the one it replaces.
 */
export class ExactlyOnceWorkerSourceTask extends AbstractWorkerSourceTask {
  private readonly producer: KafkaTransactionalProducer;
  private readonly transactions: WorkerTransactionContext | null;
  /** Source offsets of the records in the open transaction, latest per source partition. */
  private pendingOffsets = new Map<string, { partition: OffsetMap; offset: OffsetMap | null }>();
  private readonly partitionKeys = new PartitionKeys();
  /** Records of the open transaction, with where Kafka wrote them (null: dropped or aborted). */
  private committable: Array<{
    record: SourceRecord;
    metadata: Parameters<AbstractWorkerSourceTask['commitTaskRecord']>[1];
  }> = [];
  private readonly acked = new Signal();
  private inFlight = 0;
  private transactionSize = 0;
  private lastCommitAt = 0;
  private readonly maxInFlight: number;
  /**
   * The commit of the last transaction while it is under way (`poll` and `interval` boundaries):
   * the task polls and converts its next batch meanwhile, holding its records (`held`) until the
   * commit succeeded; they then go out in the next transaction. Nothing of the next batch reaches
   * Kafka before the commit ended, so a fenced producer's failed commit loses nothing: the held
   * records' offsets were never written and the task that replaces it polls them again.
   */
  private committing: Promise<void> | null = null;
  private held: Array<{ original: SourceRecord; producerRecord: ProducerRecord | null }> = [];

  constructor(private readonly options: ExactlyOnceWorkerSourceTaskOptions) {
    super(options);
    this.producer = options.producer;
    this.transactions = options.boundary === 'connector' ? new WorkerTransactionContext() : null;
    this.maxInFlight = options.maxInFlightRecords ?? 10_000;
  }

  get activeRecords(): number {
    return this.inFlight;
  }

  protected override async prepareToInitialize(): Promise<void> {
    await this.options.checks.beforeProducer();
    // Registering the transactional id fences any later generation too: not once stopped.
    if (this.stopping) return;
    await this.producer.connect();
    await this.options.checks.afterProducer();
  }

  protected override transactionContext(): TransactionContext | null {
    return this.transactions;
  }

  protected override async prepareToPoll(): Promise<void> {
    this.lastCommitAt = Date.now();
  }

  protected override async readyToPoll(): Promise<boolean> {
    if (this.inFlight < this.maxInFlight) return true;
    await this.acked.wait(1000);
    return false;
  }

  protected override wake(): void {
    super.wake();
    this.acked.notify();
  }

  protected async recordDropped(original: SourceRecord): Promise<void> {
    await this.accept(original, null);
  }

  protected async dispatch({ original, producerRecord }: PreparedRecord): Promise<void> {
    if (producerRecord.topic === this.options.offsetsTopic) {
      // Its records would stay in an open transaction on the topic whose committed end the task
      // reads its offsets up to: the task would wait for itself.
      throw new ConnectException(
        'Source tasks may not produce to their own offsets topics when exactly-once support is enabled',
      );
    }
    await this.accept(original, producerRecord);
  }

  /** A record to send (`producerRecord`) or dropped (null), held while a commit is under way. */
  private async accept(original: SourceRecord, producerRecord: ProducerRecord | null) {
    if (this.committing !== null) {
      this.held.push({ original, producerRecord });
      return;
    }
    this.take(original, producerRecord);
    await this.afterRecord(original);
  }

  private take(original: SourceRecord, producerRecord: ProducerRecord | null): void {
    if (producerRecord === null) {
      // Its offset goes with the transaction, so the task does not see it again after a commit.
      this.committable.push({ record: original, metadata: null });
      this.trackOffset(original);
    } else this.send(original, producerRecord);
  }

  private send(original: SourceRecord, producerRecord: ProducerRecord): void {
    this.maybeBegin();
    this.inFlight++;
    const entry: (typeof this.committable)[number] = { record: original, metadata: null };
    this.committable.push(entry);
    this.producer.send(producerRecord).then(
      (metadata) => {
        this.inFlight--;
        entry.metadata = taskMetadata(metadata);
        this.counters.recordsOut++;
        this.counters.topics.add(metadata.topic);
        this.acked.notify();
      },
      (error: unknown) => {
        // As Kafka: a failed send fails the transaction's commit, whatever errors.tolerance
        // says (its records and offsets must stay together); the task fails at once.
        this.inFlight--;
        this.fail(
          new ConnectException(`Failed to send a record of task ${this.taskName}`, {
            cause: error,
          }),
        );
      },
    );
    this.trackOffset(original);
    this.transactionSize++;
  }

  private get taskName(): string {
    return `${this.o.id.connector}-${this.o.id.task}`;
  }

  private trackOffset(record: SourceRecord): void {
    const { sourcePartition: partition, sourceOffset: offset } = record;
    if (partition === null || offset === null) return;
    const key = this.partitionKeys.keyOf(partition);
    if (!this.pendingOffsets.has(key) && this.producer.inTransaction) {
      // The commit writes this partition's offset: its offsets topic partition can join the
      // transaction with the records' partitions rather than in a request of its own.
      this.producer.expectSend({
        topic: this.options.offsetsTopic,
        key: Buffer.from(offsetKey(this.o.id.connector, partition), 'utf8'),
      });
    }
    this.pendingOffsets.set(key, { partition, offset });
  }

  private maybeBegin(): void {
    if (!this.producer.inTransaction) this.producer.beginTransaction();
  }

  /** Connector-defined boundaries: a commit or abort the task asked for after this record. */
  private async afterRecord(record: SourceRecord): Promise<void> {
    const asked = this.transactions;
    if (asked === null) return;
    if (asked.shouldAbortOn(record)) {
      this.o.log.info(
        { topic: record.topic },
        'Aborting transaction for record as requested by connector',
      );
      await this.abort();
      // The aborted records' offsets are still committed: the task must not read them again.
      await this.commit();
    } else if (asked.shouldCommitOn(record)) await this.commit();
  }

  protected override async batchDispatched(): Promise<void> {
    await this.settled();
    if (!(await this.boundaryReached())) return;
    // Connector-defined boundaries commit where the connector said, before it polls again.
    if (this.options.boundary === 'connector') await this.commitIfAny();
    else this.commitInBackground();
  }

  /** Starts the commit and returns: the next batch is polled and converted meanwhile. */
  private commitInBackground(): void {
    if (!this.producer.inTransaction && this.pendingOffsets.size === 0) return;
    const committing = this.commit().then(() => {
      this.committing = null;
      for (const { original, producerRecord } of this.held.splice(0))
        this.take(original, producerRecord);
    });
    // A failed commit fails the task even while it waits in poll().
    committing.catch((error: unknown) => this.fail(error));
    this.committing = committing;
  }

  /** Waits for the commit under way, if any (rejects when it failed). */
  private async settled(): Promise<void> {
    if (this.committing !== null) await this.committing;
  }

  /** Whether the transaction ends after this batch (`transaction.boundary`). */
  private async boundaryReached(): Promise<boolean> {
    switch (this.options.boundary) {
      case 'poll':
        return true;
      case 'interval': {
        if (Date.now() < this.lastCommitAt + this.options.boundaryIntervalMs) return false;
        this.lastCommitAt = Date.now();
        return true;
      }
      case 'connector': {
        const asked = this.transactions as WorkerTransactionContext;
        if (asked.shouldAbortBatch()) {
          this.o.log.info('Aborting transaction for batch as requested by connector');
          await this.abort();
          return true;
        }
        return asked.shouldCommitBatch();
      }
    }
  }

  /** The transaction open when the task pauses is committed, so it cannot time out meanwhile. */
  protected override async onPause(): Promise<void> {
    await this.finalCommit(false);
  }

  protected async finalCommit(failed: boolean): Promise<void> {
    if (failed || this.cancelled) {
      // A commit under way ends first (its failure is the task's, reported already).
      await this.committing?.catch(() => {});
      this.held = [];
      // Nothing of a failed task is committed; aborting now spares read_committed readers the
      // wait for the transaction to time out.
      await this.producer
        .abortTransaction()
        .catch((e: unknown) => this.o.log.warn({ err: e }, 'aborting the open transaction failed'));
      return;
    }
    if (this.options.boundary === 'connector') {
      await this.batchDispatched();
      return;
    }
    await this.settled();
    await this.commitIfAny();
  }

  private async commitIfAny(): Promise<void> {
    if (this.producer.inTransaction || this.pendingOffsets.size > 0) await this.commit();
  }

  private async abort(): Promise<void> {
    await this.producer.abortTransaction();
    this.transactionSize = 0;
    for (const entry of this.committable) entry.metadata = null;
  }

  /**
   * Commits the open transaction with the source offsets of its records: offsets are sent to the
   * offsets topic in the transaction, then the transaction is committed (waiting for every record
   * to be acknowledged). Only then the worker's topic gets them too, and the task hears of its
   * committed records.
   */
  private async commit(): Promise<void> {
    const started = performance.now();
    // A transaction just aborted has none open: its offsets need one.
    this.maybeBegin();
    const offsets = this.pendingOffsets;
    this.pendingOffsets = new Map();
    const records = this.committable;
    this.committable = [];
    const entries = new Map<string, string | null>();
    for (const { partition, offset } of offsets.values()) {
      entries.set(
        offsetKey(this.o.id.connector, partition),
        offset === null ? null : stringifyOffsetJson(offset),
      );
    }
    const secondary = this.options.secondaryOffsetStore;
    const removed = new Map([...entries].filter(([, v]) => v === null));
    try {
      // As Kafka: removals reach the worker's topic first, so that it cannot bring an offset
      // back that the connector's own topic no longer has.
      if (secondary && removed.size > 0) await secondary.set(removed);
      for (const [key, value] of entries) {
        this.producer
          .send({
            topic: this.options.offsetsTopic,
            key: Buffer.from(key, 'utf8'),
            value: value === null ? null : Buffer.from(value, 'utf8'),
          })
          // A failed offset write fails the commit below.
          .catch(() => {});
      }
      await this.producer.commitTransaction();
    } catch (error) {
      this.counters.offsetCommitFailures++;
      throw this.commitFailure(error);
    }
    this.counters.offsetCommits++;
    this.counters.offsetCommitTimeMs.record(performance.now() - started);
    this.o.log.debug(
      { records: this.transactionSize, partitions: entries.size },
      'committed a transaction of records and their source offsets',
    );
    this.transactionSize = 0;
    const kept = new Map([...entries].filter(([, v]) => v !== null));
    if (secondary && kept.size > 0) {
      secondary
        .set(kept)
        .catch((e: unknown) =>
          this.o.log.warn({ err: e }, 'Failed to write offsets to secondary backing store'),
        );
    }
    for (const { record, metadata } of records) await this.commitTaskRecord(record, metadata);
    await this.commitTask();
  }

  /** Kafka's messages for a failed commit; an expired transaction says what to tune. */
  private commitFailure(error: unknown): ConnectException {
    const javaClass = (error as Partial<KafkaClientException>).javaClass ?? '';
    if (javaClass.endsWith('InvalidProducerEpochException')) {
      return new ConnectException(
        `The task ${this.taskName} was unable to finish writing records to Kafka before its producer transaction expired. It may be necessary to reconfigure this connector in order for it to run healthily with exactly-once support. Options for this include: tune the connector's producer configuration for higher throughput, increase the transaction timeout for the connector's producers, decrease the offset commit interval (if using interval-based transaction boundaries), or use the 'poll' transaction boundary (if the connector is not already configured to use it).`,
        { cause: error },
      );
    }
    return new ConnectException(
      `Failed to flush offsets and/or records for task ${this.taskName}`,
      {
        cause: error,
      },
    );
  }
}
