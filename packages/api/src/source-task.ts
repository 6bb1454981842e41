import type { ConnectorProps, Task } from './connector.js';
import { type ConnectorLogger, SILENT_CONNECTOR_LOGGER } from './connector-logger.js';
import type { MaybePromise } from './maybe-promise.js';
import type { OffsetStorageReader } from './offset-storage-reader.js';
import type { SourceRecord } from './source-record.js';

/** Where Kafka wrote a record (Kafka's RecordMetadata). */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Milliseconds since the epoch, or `null`. */
  readonly timestamp: number | null;
}

/** How exactly-once source tasks group records into transactions (`transaction.boundary`). */
export type TransactionBoundary = 'poll' | 'interval' | 'connector';

/** Lets a task define transaction boundaries when `transaction.boundary=connector` (KIP-618). */
export interface TransactionContext {
  /** Commits the transaction after the next batch of records is sent, or after `record`. */
  commitTransaction(record?: SourceRecord): void;
  /** Aborts the transaction after the next batch, or after `record`. */
  abortTransaction(record?: SourceRecord): void;
}

/** What the runtime gives a source task. */
export interface SourceTaskContext {
  /** The task's configuration. */
  configs(): ConnectorProps;
  /** The task's logger: each line carries the connector name and the task id. */
  readonly log: ConnectorLogger;
  /** Reads committed offsets, to resume where the last run stopped. */
  offsetStorageReader(): OffsetStorageReader;
  /** The transaction context, or `null` unless exactly-once with connector-defined boundaries. */
  transactionContext(): TransactionContext | null;
}

/**
 * A task that reads records from an external system.
 *
 * Lifecycle: `initialize(context)` → `start(props)` → `poll()` repeatedly → `stop()`.
 * `stop()` may be called while a `poll()` is pending: it should make that poll return soon
 * (with `null` or what it has). `commit()` and `commitRecord()` tell the task which records Kafka
 * acknowledged, so it can acknowledge them upstream (e.g. a message queue).
 */
export abstract class SourceTask implements Task {
  /** Set by `initialize` before `start`. */
  protected context!: SourceTaskContext;

  /** Called by the runtime before `start`. */
  initialize(context: SourceTaskContext): void {
    this.context = context;
  }

  /** The context's logger; lines logged before `initialize` are dropped. */
  protected get log(): ConnectorLogger {
    return this.context?.log ?? SILENT_CONNECTOR_LOGGER;
  }

  abstract version(): string;

  abstract start(props: ConnectorProps): MaybePromise<void>;

  /**
   * The next records, `[]` or `null` when there are none for now. Wait a little (not forever)
   * when no data is available, so the runtime can commit offsets and handle stop requests.
   */
  abstract poll(): Promise<SourceRecord[] | null>;

  /**
   * Called after source offsets up to the last acknowledged record were committed. Optional.
   */
  commit(): MaybePromise<void> {}

  /**
   * Called for each record once Kafka acknowledged it (`metadata` is where it was written), or
   * once a transform dropped it (`metadata` is `null`). Optional.
   */
  commitRecord(_record: SourceRecord, _metadata: RecordMetadata | null): MaybePromise<void> {}

  abstract stop(): MaybePromise<void>;
}
