import type { ConnectorLogger, SourceRecord } from '@sluice/api';
import type pg from 'pg';
import { qualifiedName, quoteIdent, quoteTable, type TableId } from '../pg-connection.js';
import type { ChangeEventDispatcher } from './change-event-dispatcher.js';
import { type Lsn, parseLsn } from './lsn.js';
import type { OffsetContext } from './offset-context.js';
import type { PostgresSchema } from './postgres-schema.js';
import type { SnapshotMarker } from './source-info.js';
import { parseTimestampMicros } from './temporal-text.js';

/** A row read but not yet emitted: its marker depends on whether more rows follow. */
interface PendingRow {
  readonly tableIndex: number;
  readonly row: (string | null)[];
  readonly firstInTable: boolean;
}

/**
 * The initial snapshot (Debezium's PostgresSnapshotChangeEventSource): every captured table read
 * with `SELECT` through a cursor in one REPEATABLE READ transaction that imports the snapshot the
 * new slot exported, so the copy and the stream meet exactly at the slot's consistent point. Rows
 * become `r` events whose `source.snapshot` is `first`, `first_in_data_collection`, `true`,
 * `last_in_data_collection` or `last`, and whose offsets say the snapshot is running, so a restart
 * in the middle takes it again.
 */
export class PostgresSnapshotChangeEventSource {
  private tableIndex = -1;
  private cursorOpen = false;
  private pending: PendingRow | null = null;
  private rowsInTable = 0;
  private done = false;

  constructor(
    private readonly client: pg.Client,
    private readonly schema: PostgresSchema,
    private readonly tables: readonly TableId[],
    private readonly offset: OffsetContext,
    private readonly dispatcher: ChangeEventDispatcher,
    private readonly fetchSize: number,
    private readonly log: ConnectorLogger,
  ) {}

  /**
   * Opens the snapshot transaction (importing `exportedSnapshot` when the slot was just created)
   * and sets the snapshot offset: the slot's consistent point (or the current WAL position), the
   * transaction id and time.
   */
  async begin(exportedSnapshot: string | null, slotLsn: Lsn | null): Promise<Lsn> {
    await this.client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    if (exportedSnapshot !== null) {
      await this.client.query(`SET TRANSACTION SNAPSHOT '${exportedSnapshot}'`);
    }
    const { rows } = await this.client.query<{ xid: string; now: string; lsn: string }>(
      'SELECT txid_current() AS xid, CURRENT_TIMESTAMP AS now, pg_current_wal_lsn() AS lsn',
    );
    const row = rows[0] as { xid: string; now: string; lsn: string };
    const lsn = slotLsn ?? parseLsn(row.lsn);
    const ts = parseTimestampMicros(row.now);
    const o = this.offset;
    o.snapshot = 'INITIAL';
    o.snapshotCompleted = false;
    o.lastSnapshotRecord = false;
    o.lsn = lsn;
    o.txId = Number(row.xid);
    o.timestampMicros = typeof ts === 'bigint' ? Number(ts) : Date.now() * 1000;
    o.messageType = null;
    this.log.info(
      { tables: this.tables.map(qualifiedName), lsn: String(lsn) },
      `Snapshot of ${this.tables.length} tables started at LSN ${lsn}${exportedSnapshot === null ? '' : ` (exported snapshot ${exportedSnapshot})`}`,
    );
    return lsn;
  }

  get finished(): boolean {
    return this.done;
  }

  /** The next records (about `max`); an empty array once the snapshot is complete. */
  async next(max: number): Promise<SourceRecord[]> {
    const out: SourceRecord[] = [];
    while (!this.done && out.length < max) {
      if (!this.cursorOpen) {
        if (!(await this.openNextTable())) {
          await this.complete(out);
          break;
        }
      }
      const table = this.tables[this.tableIndex] as TableId;
      const { rows } = await this.client.query<{ [k: string]: string | null }>({
        text: `FETCH ${this.fetchSize} FROM sluice_snapshot`,
        rowMode: 'array',
      } as pg.QueryConfig);
      if (rows.length === 0) {
        await this.client.query('CLOSE sluice_snapshot');
        this.cursorOpen = false;
        this.log.info(
          { table: qualifiedName(table), rows: this.rowsInTable },
          `Snapshot of ${qualifiedName(table)}: ${this.rowsInTable} rows`,
        );
        continue;
      }
      for (const row of rows as unknown as (string | null)[][]) {
        this.push({ tableIndex: this.tableIndex, row, firstInTable: this.rowsInTable === 0 }, out);
        this.rowsInTable++;
      }
    }
    return out;
  }

  /** Emits the previous pending row, now that whether it ends its table is known. */
  private push(next: PendingRow, out: SourceRecord[]): void {
    const previous = this.pending;
    this.pending = next;
    if (previous === null) return;
    this.emit(previous, this.marker(previous, previous.tableIndex !== next.tableIndex), out);
  }

  /** Debezium's marker resolution, by position in the table and in the snapshot. */
  private marker(row: PendingRow, lastInTable: boolean): SnapshotMarker {
    if (lastInTable && row.tableIndex === this.tables.length - 1) return 'last';
    if (row.firstInTable && row.tableIndex === 0) return 'first';
    if (lastInTable) return 'last_in_data_collection';
    if (row.firstInTable) return 'first_in_data_collection';
    return 'true';
  }

  private emit(pending: PendingRow, marker: SnapshotMarker, out: SourceRecord[]): void {
    const table = this.schema.schemaFor(this.tables[pending.tableIndex] as TableId);
    if (table === undefined) return;
    this.dispatcher.dataChange(table, { op: 'r', oldRow: null, newRow: pending.row }, marker, out);
  }

  private async openNextTable(): Promise<boolean> {
    this.tableIndex++;
    const id = this.tables[this.tableIndex];
    if (id === undefined) return false;
    const table = this.schema.schemaFor(id);
    if (table === undefined) return this.openNextTable();
    const columns = table.definition.columns.map((c) => quoteIdent(c.name)).join(', ');
    await this.client.query(
      `DECLARE sluice_snapshot NO SCROLL CURSOR FOR SELECT ${columns} FROM ${quoteTable(id)}`,
    );
    this.cursorOpen = true;
    this.rowsInTable = 0;
    this.log.info(
      { table: qualifiedName(id) },
      `Snapshot of ${qualifiedName(id)} (${this.tableIndex + 1} of ${this.tables.length} tables)`,
    );
    return true;
  }

  /** The last row becomes `last` with the offset of a completed snapshot; the transaction ends. */
  private async complete(out: SourceRecord[]): Promise<void> {
    const o = this.offset;
    o.snapshotCompleted = true;
    o.lastSnapshotRecord = true;
    if (this.pending !== null) this.emit(this.pending, 'last', out);
    this.pending = null;
    await this.client.query('COMMIT');
    o.snapshot = null;
    o.lastSnapshotRecord = false;
    this.done = true;
    this.log.info('Snapshot completed');
  }
}
