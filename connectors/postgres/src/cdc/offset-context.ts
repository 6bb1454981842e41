import type { SourceOffset, SourcePartition } from '@sluice/api';
import { type Lsn, lsnFromOffset } from './lsn.js';

/** Debezium's replication message types, as stored in `messageType`. */
export type MessageType =
  | 'INSERT'
  | 'UPDATE'
  | 'DELETE'
  | 'TRUNCATE'
  | 'BEGIN'
  | 'COMMIT'
  | 'MESSAGE';

/** The source partition of a connector: Debezium's `{"server": "<topic.prefix>"}`. */
export function serverPartition(topicPrefix: string): SourcePartition {
  return { server: topicPrefix };
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A JSON number when exact, a bigint (written as a JSON integer) beyond 2^53. */
function jsonLong(value: bigint): number | bigint {
  return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value;
}

function optionalNumber(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  return null;
}

/** The per-transaction counters kept in offsets when `provide.transaction.metadata` is on. */
export interface TransactionState {
  id: string | null;
  total: number;
  readonly perTable: Map<string, number>;
}

/**
 * Where the connector is, in Debezium's offset shape (PostgresOffsetContext), so offsets carry
 * over between Debezium and Sluice: `lsn` (the last event), `lsn_proc` (last completely processed
 * message), `lsn_commit` (the last commit seen), `txId`, `ts_usec`, `messageType`, and while an
 * initial snapshot runs `snapshot`, `last_snapshot_record`, `snapshot_completed`. Transaction
 * counters and incremental snapshot state are added as Debezium stores them.
 */
export class OffsetContext {
  lsn: Lsn | null = null;
  lastCompletelyProcessedLsn: Lsn | null = null;
  lastCommitLsn: Lsn | null = null;
  txId: number | null = null;
  messageType: MessageType | null = null;
  timestampMicros = 0;
  /** The replication origin of the current transaction (not stored in offsets). */
  origin: string | null = null;
  originLsn: Lsn | null = null;
  /** `INITIAL` while an initial snapshot runs, null otherwise. */
  snapshot: 'INITIAL' | null = null;
  snapshotCompleted = false;
  lastSnapshotRecord = false;
  readonly transaction: TransactionState = { id: null, total: 0, perTable: new Map() };
  /** Incremental snapshot keys to store with streaming offsets (set by the incremental snapshot). */
  incrementalSnapshot: SourceOffset = {};

  /** Whether the stored offset says an initial snapshot was started but not finished. */
  get initialSnapshotRunning(): boolean {
    return this.snapshot === 'INITIAL' && !this.snapshotCompleted;
  }

  /** The offset a record made now carries. */
  toOffset(): SourceOffset {
    const o: Record<string, unknown> = { ts_usec: this.timestampMicros };
    if (this.txId !== null) o.txId = this.txId;
    if (this.lsn !== null) o.lsn = jsonLong(this.lsn);
    if (this.snapshot !== null) {
      o.snapshot = this.snapshot;
      o.last_snapshot_record = this.lastSnapshotRecord;
      o.snapshot_completed = this.snapshotCompleted;
    }
    if (this.lastCompletelyProcessedLsn !== null)
      o.lsn_proc = jsonLong(this.lastCompletelyProcessedLsn);
    if (this.lastCommitLsn !== null) o.lsn_commit = jsonLong(this.lastCommitLsn);
    if (this.messageType !== null) o.messageType = this.messageType;
    if (this.snapshot !== null) return o;
    if (this.transaction.id !== null) {
      o.transaction_id = this.transaction.id;
      for (const [table, count] of this.transaction.perTable) {
        o[`transaction_data_collection_order_${table}`] = count;
      }
    }
    return { ...o, ...this.incrementalSnapshot };
  }

  /** Reads a stored offset (Debezium's or Sluice's). */
  static load(offset: SourceOffset): OffsetContext {
    const c = new OffsetContext();
    c.lsn = lsnFromOffset(offset.lsn);
    c.lastCompletelyProcessedLsn = lsnFromOffset(offset.lsn_proc);
    c.lastCommitLsn = lsnFromOffset(offset.lsn_commit) ?? c.lastCompletelyProcessedLsn;
    c.txId = optionalNumber(offset.txId);
    c.timestampMicros = optionalNumber(offset.ts_usec) ?? 0;
    const type = offset.messageType;
    c.messageType = typeof type === 'string' ? (type as MessageType) : null;
    c.snapshot = offset.snapshot === 'INITIAL' || offset.snapshot === 'true' ? 'INITIAL' : null;
    c.snapshotCompleted = offset.snapshot_completed === true;
    c.lastSnapshotRecord = offset.last_snapshot_record === true;
    if (typeof offset.transaction_id === 'string') {
      c.transaction.id = offset.transaction_id;
      for (const [key, value] of Object.entries(offset)) {
        if (!key.startsWith('transaction_data_collection_order_')) continue;
        const count = optionalNumber(value) ?? 0;
        c.transaction.perTable.set(key.slice('transaction_data_collection_order_'.length), count);
        c.transaction.total += count;
      }
    }
    const incremental: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(offset)) {
      if (key.startsWith('incremental_snapshot_')) incremental[key] = value;
    }
    c.incrementalSnapshot = incremental;
    return c;
  }
}
