import { type ConnectorLogger, DataException, type SourceRecord } from '@sluice/api';
import type pg from 'pg';
import { qualifiedName } from '../pg-connection.js';
import type { ChangeEventDispatcher, RowChange } from './change-event-dispatcher.js';
import type { Lsn } from './lsn.js';
import type { MessageType, OffsetContext } from './offset-context.js';
import type { PgOutputMessage, TupleValue } from './pgoutput/pgoutput-message.js';
import { decodePgOutputMessage } from './pgoutput/pgoutput-message-decoder.js';
import type { PostgresSchema } from './postgres-schema.js';
import type { ReplicationStream, WalMessage } from './replication-stream.js';
import type { TableFilters } from './table-filters.js';
import type { TableSchema } from './table-schema.js';
import type { TransactionMonitor } from './transaction-monitor.js';

/** Changes already delivered before a restart: events of `xid` up to `lsn` are skipped. */
export interface ResumeFilter {
  readonly xid: number;
  readonly lsn: Lsn;
}

const CHANGE_TYPES = { r: 'INSERT', c: 'INSERT', u: 'UPDATE', d: 'DELETE' } as const;

/** What the incremental snapshot hears from the stream. */
export interface StreamListener {
  /** A row inserted into the signal table (never emitted as an event). */
  signal(
    sql: pg.Client,
    row: readonly TupleValue[],
    table: TableSchema,
    out: SourceRecord[],
  ): Promise<void>;
  /** A change of a captured table. */
  changed(
    table: TableSchema,
    oldRow: readonly TupleValue[] | null,
    newRow: readonly TupleValue[] | null,
  ): void;
}

/**
 * Streams the slot (Debezium's PostgresStreamingChangeEventSource): pgoutput messages, decoded,
 * become change events in commit order; the offset follows every message as Debezium's does.
 * Tables left out by the filters (a publication for all tables sends them too) are skipped.
 */
export class PostgresStreamingChangeEventSource {
  private backlog: WalMessage[] = [];
  private next = 0;
  private inTransaction = false;
  private commitTimeMicros = 0;
  private xid = 0;

  constructor(
    private readonly client: pg.Client,
    private readonly stream: ReplicationStream,
    private readonly schema: PostgresSchema,
    private readonly filters: TableFilters,
    private readonly offset: OffsetContext,
    private readonly dispatcher: ChangeEventDispatcher,
    private readonly transactions: TransactionMonitor | null,
    private readonly log: ConnectorLogger,
    private resume: ResumeFilter | null,
    private readonly signalTable: string | null,
    private readonly listener: StreamListener | null,
  ) {}

  /** Whether every message received so far has been turned into records. */
  get drained(): boolean {
    return this.next >= this.backlog.length;
  }

  /** Whether a transaction has begun and not yet committed. */
  get transactionOpen(): boolean {
    return this.inTransaction;
  }

  /**
   * The records of the messages received (about `max`); waits up to `waitMs` for messages when
   * there are none. Throws when the stream failed.
   */
  async poll(max: number, waitMs: number): Promise<SourceRecord[]> {
    const out: SourceRecord[] = [];
    if (this.drained) {
      await this.stream.waitForData(waitMs);
      this.backlog = this.stream.take();
      this.next = 0;
    }
    while (out.length < max && this.next < this.backlog.length) {
      const message = this.backlog[this.next++] as WalMessage;
      await this.handle(message, out);
    }
    if (this.drained && this.stream.closed) {
      throw this.stream.error ?? new DataException('The server ended the replication stream');
    }
    return out;
  }

  /**
   * When idle between transactions, moves the offset to the server's WAL end from its last
   * keepalive: nothing before it concerns the captured tables any more, so a heartbeat carrying
   * this offset lets the slot move on even when the database has no changes of its own.
   */
  advanceWhileIdle(): boolean {
    const walEnd = this.stream.lastServerWalEnd;
    const o = this.offset;
    if (
      this.inTransaction ||
      !this.drained ||
      walEnd <= (o.lastCommitLsn ?? 0n) ||
      walEnd <= (o.lsn ?? 0n)
    ) {
      return false;
    }
    o.lsn = walEnd;
    o.lastCompletelyProcessedLsn = walEnd;
    o.lastCommitLsn = walEnd;
    o.messageType = 'COMMIT';
    return true;
  }

  private position(lsn: Lsn, type: MessageType): void {
    const o = this.offset;
    o.lsn = lsn;
    o.lastCompletelyProcessedLsn = lsn;
    o.timestampMicros = this.commitTimeMicros;
    o.txId = this.xid;
    o.messageType = type;
  }

  private async handle(wal: WalMessage, out: SourceRecord[]): Promise<void> {
    let message: PgOutputMessage;
    try {
      message = decodePgOutputMessage(wal.payload);
    } catch (error) {
      throw new DataException(
        `Cannot decode the replication message at LSN ${wal.lsn}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    switch (message.tag) {
      case 'begin': {
        this.inTransaction = true;
        this.xid = message.xid;
        this.commitTimeMicros = message.commitTimeMicros;
        this.offset.origin = null;
        this.offset.originLsn = null;
        this.position(wal.lsn, 'BEGIN');
        if (this.transactions !== null && this.offset.transaction.id !== String(message.xid)) {
          out.push(this.dispatcher.emitted(this.transactions.begin(message.commitTimeMicros)));
        }
        return;
      }
      case 'commit': {
        this.position(wal.lsn, 'COMMIT');
        this.offset.lastCommitLsn = wal.lsn;
        this.inTransaction = false;
        this.resume = null;
        if (this.transactions !== null) {
          out.push(this.dispatcher.emitted(this.transactions.end(message.commitTimeMicros)));
        }
        return;
      }
      case 'origin':
        this.offset.origin = message.name;
        this.offset.originLsn = message.originLsn;
        return;
      case 'relation':
        await this.schema.applyRelation(this.client, message);
        return;
      case 'type':
      case 'message':
        return;
      case 'truncate': {
        for (const relationId of message.relationIds) {
          const table = this.captured(relationId, wal.lsn);
          if (table === null) continue;
          this.position(wal.lsn, 'TRUNCATE');
          this.dispatcher.truncate(table, out);
        }
        return;
      }
      case 'insert':
      case 'update':
      case 'delete': {
        const table = this.schema.tableOfRelation(message.relationId);
        if (table === undefined) {
          throw new DataException(
            `Change at LSN ${wal.lsn} for relation ${message.relationId}, which no relation message described`,
          );
        }
        const name = qualifiedName(table.definition.id);
        if (name === this.signalTable) {
          this.position(wal.lsn, 'INSERT');
          if (message.tag === 'insert')
            await this.listener?.signal(this.client, message.newTuple, table, out);
          return;
        }
        if (!this.filters.isIncluded(table.definition.id)) return;
        if (this.resume !== null && this.xid === this.resume.xid && wal.lsn <= this.resume.lsn)
          return;
        const change: RowChange =
          message.tag === 'insert'
            ? { op: 'c', oldRow: null, newRow: message.newTuple }
            : message.tag === 'update'
              ? { op: 'u', oldRow: message.oldTuple, newRow: message.newTuple }
              : { op: 'd', oldRow: message.oldTuple, newRow: null };
        this.position(wal.lsn, CHANGE_TYPES[change.op]);
        this.listener?.changed(table, change.oldRow, change.newRow);
        this.dispatcher.dataChange(table, change, 'false', out);
        return;
      }
    }
  }

  private captured(relationId: number, lsn: Lsn): TableSchema | null {
    const table = this.schema.tableOfRelation(relationId);
    if (table === undefined) {
      this.log.warn(
        { relationId, lsn: String(lsn) },
        `Truncate of unknown relation ${relationId} ignored`,
      );
      return null;
    }
    return this.filters.isIncluded(table.definition.id) ? table : null;
  }
}
