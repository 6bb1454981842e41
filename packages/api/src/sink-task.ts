import type { ConnectorProps, Task } from './connector.js';
import { type ConnectorLogger, SILENT_CONNECTOR_LOGGER } from './connector-logger.js';
import type { MaybePromise } from './maybe-promise.js';
import type { SinkRecord } from './sink-record.js';
import type { OffsetAndMetadata, TopicPartition, TopicPartitionMap } from './topic-partition.js';

/** Sends a failed record to the dead letter queue (KIP-610). */
export interface ErrantRecordReporter {
  /**
   * Reports `record` as failed with `error` (to the DLQ and/or the log, per `errors.*` settings).
   * The promise resolves once the report is durable (the DLQ write acknowledged); it rejects, and
   * the task should fail, when `errors.tolerance=none`.
   */
  report(record: SinkRecord, error: Error): Promise<void>;
}

/** What the runtime gives a sink task. */
export interface SinkTaskContext {
  /** The task's configuration. */
  configs(): ConnectorProps;
  /** The task's logger: each line carries the connector name and the task id. */
  readonly log: ConnectorLogger;
  /**
   * Rewinds (or skips) consumption: the next record read from each partition will be at this
   * offset. For tasks that store offsets themselves; call from `open()` or `put()`.
   */
  offset(offsets: TopicPartitionMap<number>): void;
  offset(tp: TopicPartition, offset: number): void;
  /** After `put` throws a RetriableException, wait this long before redelivering the batch. */
  timeout(timeoutMs: number): void;
  /** The partitions currently assigned to the task. */
  assignment(): TopicPartition[];
  /** Stops delivering records from these partitions until `resume`. */
  pause(...partitions: TopicPartition[]): void;
  resume(...partitions: TopicPartition[]): void;
  /** Asks for an offset commit (`preCommit`) as soon as possible. */
  requestCommit(): void;
  /** The DLQ reporter, or `null` when the connector has no error handling configured. */
  errantRecordReporter(): ErrantRecordReporter | null;
}

/**
 * A task that writes records to an external system.
 *
 * Lifecycle: `initialize(context)` → `start(props)` → `open(partitions)` → `put(records)`
 * repeatedly, with `preCommit(offsets)` on the commit interval → `close(partitions)` on
 * rebalance → `stop()`.
 *
 * Offsets: the runtime commits to Kafka only what `preCommit` returns. Return only offsets whose
 * records are durable in the external system. Offset maps hold the NEXT offset to consume.
 */
export abstract class SinkTask implements Task {
  /** The key naming the topics to consume, `topics`. */
  static readonly TOPICS_CONFIG = 'topics';
  /** The key naming a topic regex to consume, `topics.regex`. */
  static readonly TOPICS_REGEX_CONFIG = 'topics.regex';

  /** Set by `initialize` before `start`. */
  protected context!: SinkTaskContext;

  /** Called by the runtime before `start`. */
  initialize(context: SinkTaskContext): void {
    this.context = context;
  }

  /** The context's logger; lines logged before `initialize` are dropped. */
  protected get log(): ConnectorLogger {
    return this.context?.log ?? SILENT_CONNECTOR_LOGGER;
  }

  abstract version(): string;

  abstract start(props: ConnectorProps): MaybePromise<void>;

  /**
   * Writes (or buffers) records. Throw a RetriableException to have the same batch delivered
   * again after `context.timeout()`; any other error fails the task.
   */
  abstract put(records: SinkRecord[]): MaybePromise<void>;

  /** Makes everything given to `put` so far durable. Default: nothing to do. */
  flush(_currentOffsets: TopicPartitionMap<OffsetAndMetadata>): MaybePromise<void> {}

  /**
   * The offsets that are safe to commit. The default flushes, then returns `currentOffsets` (the
   * offsets after the last record given to `put`). Return fewer (or none) to commit less.
   */
  preCommit(
    currentOffsets: TopicPartitionMap<OffsetAndMetadata>,
  ): MaybePromise<TopicPartitionMap<OffsetAndMetadata>> {
    const flushed = this.flush(currentOffsets);
    return flushed instanceof Promise ? flushed.then(() => currentOffsets) : currentOffsets;
  }

  /** Partitions newly assigned to this task; set up writers here. */
  open(_partitions: TopicPartition[]): MaybePromise<void> {}

  /** Partitions taken away (rebalance or stop); flush and release their writers here. */
  close(_partitions: TopicPartition[]): MaybePromise<void> {}

  abstract stop(): MaybePromise<void>;
}
