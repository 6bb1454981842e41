import { ConnectException, type SourceRecord, type TransactionContext } from '@sluice/api';

/**
 * The transaction context of a task with `transaction.boundary=connector` (Kafka's
 * WorkerTransactionContext): the task asks to commit or abort after the current batch or after a
 * given record; the runner asks, batch by batch and record by record, what was requested.
 */
export class WorkerTransactionContext implements TransactionContext {
  private readonly commitOn = new Set<SourceRecord>();
  private readonly abortOn = new Set<SourceRecord>();
  private batchCommit = false;
  private batchAbort = false;

  commitTransaction(record?: SourceRecord): void {
    if (record === undefined) this.batchCommit = true;
    else this.commitOn.add(record);
  }

  abortTransaction(record?: SourceRecord): void {
    if (record === undefined) this.batchAbort = true;
    else this.abortOn.add(record);
  }

  /** Whether the task asked to commit after the current batch (the request is consumed). */
  shouldCommitBatch(): boolean {
    this.checkBatch();
    const asked = this.batchCommit;
    this.batchCommit = false;
    return asked;
  }

  /** Whether the task asked to abort after the current batch (the request is consumed). */
  shouldAbortBatch(): boolean {
    this.checkBatch();
    const asked = this.batchAbort;
    this.batchAbort = false;
    return asked;
  }

  /** Whether the task asked to commit after `record` (the request is consumed). */
  shouldCommitOn(record: SourceRecord): boolean {
    this.checkRecord(record);
    return this.commitOn.delete(record);
  }

  /** Whether the task asked to abort after `record` (the request is consumed). */
  shouldAbortOn(record: SourceRecord): boolean {
    this.checkRecord(record);
    return this.abortOn.delete(record);
  }

  // A task asking for both fails, rather than be trusted to pick one (data could be lost).
  private checkBatch(): void {
    if (this.batchCommit && this.batchAbort)
      throw new ConnectException('Connector requested both commit and abort of same transaction');
  }

  private checkRecord(record: SourceRecord): void {
    if (this.commitOn.has(record) && this.abortOn.has(record))
      throw new ConnectException(
        `Connector requested both commit and abort of same record against topic/partition ${record.topic}/${record.kafkaPartition ?? 'null'}`,
      );
  }
}
