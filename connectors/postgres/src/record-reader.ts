import { ConnectException, type SourceRecord } from '@sluice/api';

/**
 * The table a reader reads no longer exists (dropped since the connector listed it). The task
 * stops reading it; the connector notices the change and reconfigures the tasks.
 */
export class TableGoneException extends ConnectException {
  override name = 'TableGoneException';
}

/** True for "relation does not exist" (SQLSTATE 42P01) and {@link TableGoneException}. */
export function isTableGone(error: unknown): boolean {
  return error instanceof TableGoneException || (error as { code?: unknown }).code === '42P01';
}

/** What one read returned: records, and whether more are ready right now. */
export interface ReadResult {
  readonly records: SourceRecord[];
  /** True when the reader stopped at `batch.max.rows` and should be asked again at once. */
  readonly more: boolean;
}

/**
 * One source of records a source task drives: a polled table or query today; a logical
 * replication stream (CDC) can implement the same contract, so the task's scheduling, offsets
 * and lifecycle stay the same.
 */
export interface RecordReader {
  /** A name for messages: the table or `query`. */
  readonly name: string;
  /** Whether it reads a table the connector discovered (which may be dropped while running). */
  readonly readsDiscoveredTable: boolean;
  /** Checks the table and loads its columns; throws a ConfigException or DataException naming what is wrong. */
  prepare(): Promise<void>;
  /** Reads the next batch. */
  read(): Promise<ReadResult>;
  /** Forgets any open cursor (after the connection was lost or on stop). */
  reset(): void;
}
