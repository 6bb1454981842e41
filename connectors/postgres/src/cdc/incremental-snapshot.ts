import { randomUUID } from 'node:crypto';
import type { ConnectorLogger, SourceRecord } from '@sluice/api';
import type pg from 'pg';
import { qualifiedName, quoteIdent, quoteTable, type TableId } from '../pg-connection.js';
import type { ChangeEventDispatcher } from './change-event-dispatcher.js';
import { deserializeKey, type JavaValue, serializeKey } from './java-serialization.js';
import type { OffsetContext } from './offset-context.js';
import type { TupleValue } from './pgoutput/pgoutput-message.js';
import type { PostgresSchema } from './postgres-schema.js';
import type { StreamListener } from './streaming-change-event-source.js';
import type { TableFilters } from './table-filters.js';
import type { TableSchema } from './table-schema.js';
import type { TypeRegistry } from './type-registry.js';

const PRIMARY_KEY = 'incremental_snapshot_primary_key';
const MAXIMUM_KEY = 'incremental_snapshot_maximum_key';
const COLLECTIONS = 'incremental_snapshot_collections';
const CORRELATION_ID = 'incremental_snapshot_correlation_id';

/** A signal row: the signal table's `id`, `type` and `data` columns. */
interface Signal {
  readonly id: string;
  readonly type: string;
  readonly data: string | null;
}

/** Key column types Debezium's offsets can carry (its Java serialization of the key values). */
const JAVA_TYPES: Readonly<Record<string, JavaValue['type']>> = {
  int2: 'short',
  int4: 'int',
  int8: 'long',
  text: 'string',
  varchar: 'string',
  bpchar: 'string',
  name: 'string',
  uuid: 'uuid',
};

/**
 * Incremental snapshots triggered through the signal table (Debezium's
 * SignalBasedIncrementalSnapshotChangeEventSource, the DBLog watermark algorithm): a table is read
 * by primary key in chunks of `incremental.snapshot.chunk.size`, each between an "open" and a
 * "close" row the connector inserts into the signal table. Between the two watermarks, as the
 * stream delivers them, any streamed change of a key of the chunk removes that key from the chunk
 * (the stream has the newer row); at the close watermark the rest of the chunk is emitted as `r`
 * events with `source.snapshot=incremental`. So snapshot rows never overtake changes of the same
 * key, and streaming continues meanwhile. The position is kept in the offsets under Debezium's
 * keys, so a restart resumes with the next chunk.
 */
export class IncrementalSnapshot implements StreamListener {
  private collections: string[] = [];
  private correlationId: string | null = null;
  private lastKey: JavaValue[] | null = null;
  private maximumKey: JavaValue[] | null = null;
  private chunkId: string | null = null;
  private windowOpen = false;
  private readonly window = new Map<string, readonly TupleValue[]>();
  private chunkLastKey: JavaValue[] | null = null;

  constructor(
    private readonly signalTable: TableId,
    private readonly chunkSize: number,
    private readonly schema: PostgresSchema,
    private readonly filters: TableFilters,
    private readonly types: TypeRegistry,
    private readonly offset: OffsetContext,
    private readonly dispatcher: ChangeEventDispatcher,
    private readonly log: ConnectorLogger,
  ) {
    this.restore();
  }

  get running(): boolean {
    return this.collections.length > 0;
  }

  /** Picks up a snapshot the stored offset says is running: its next chunk is read. */
  async resume(sql: pg.Client): Promise<void> {
    if (!this.running) return;
    this.log.info(
      { tables: this.collections },
      `Resuming the incremental snapshot of ${this.collections.join(', ')}`,
    );
    await this.readChunk(sql);
  }

  /** A row inserted into the signal table, as the stream delivers it. */
  async signal(
    sql: pg.Client,
    row: readonly TupleValue[],
    table: TableSchema,
    out: SourceRecord[],
  ): Promise<void> {
    const column = (name: string) => {
      const index = table.definition.columns.findIndex((c) => c.name === name);
      const value = index < 0 ? null : row[index];
      return typeof value === 'string' ? value : null;
    };
    const signal: Signal = {
      id: column('id') ?? '',
      type: column('type') ?? '',
      data: column('data'),
    };
    switch (signal.type) {
      case 'execute-snapshot':
        await this.execute(sql, signal);
        return;
      case 'stop-snapshot':
        await this.stop(sql, signal);
        return;
      case 'snapshot-window-open':
        if (signal.id === `${this.chunkId}-open`) this.windowOpen = true;
        return;
      case 'snapshot-window-close':
        if (signal.id === `${this.chunkId}-close`) await this.closeWindow(sql, out);
        return;
      default:
        this.log.warn(
          { signal: signal.id, type: signal.type },
          `Signal ${signal.id} of type ${signal.type} ignored: Sluice handles execute-snapshot and stop-snapshot`,
        );
    }
  }

  /** A streamed change: a key of the open window is dropped from the chunk (the stream is newer). */
  changed(
    table: TableSchema,
    oldRow: readonly TupleValue[] | null,
    newRow: readonly TupleValue[] | null,
  ): void {
    if (!this.windowOpen || this.window.size === 0) return;
    if (qualifiedName(table.definition.id) !== this.collections[0]) return;
    for (const row of [oldRow, newRow]) {
      if (row !== null) this.window.delete(keyText(table, row));
    }
  }

  private async execute(sql: pg.Client, signal: Signal): Promise<void> {
    let data: { 'data-collections'?: unknown; type?: unknown; 'additional-conditions'?: unknown };
    try {
      data = JSON.parse(signal.data ?? '{}');
    } catch {
      this.log.warn({ signal: signal.id }, `Signal ${signal.id}: data is not JSON: ${signal.data}`);
      return;
    }
    const type = String(data.type ?? 'incremental').toLowerCase();
    if (type !== 'incremental') {
      this.log.warn(
        { signal: signal.id },
        `Signal ${signal.id} asks for a ${type} snapshot: only incremental snapshots are supported`,
      );
      return;
    }
    if (Array.isArray(data['additional-conditions']) && data['additional-conditions'].length > 0) {
      this.log.warn(
        { signal: signal.id },
        `Signal ${signal.id}: additional-conditions are not supported; the whole tables are read`,
      );
    }
    const requested = Array.isArray(data['data-collections'])
      ? data['data-collections'].map(String)
      : [];
    const tables = this.expand(requested);
    const fresh = tables.filter((t) => !this.collections.includes(t));
    if (fresh.length === 0) {
      this.log.warn(
        { signal: signal.id, requested },
        `Signal ${signal.id}: no captured table with a key matches ${requested.join(', ')}`,
      );
      return;
    }
    const wasRunning = this.running;
    this.collections.push(...fresh);
    this.correlationId ??= signal.id;
    this.log.info(
      { signal: signal.id, tables: fresh },
      `Incremental snapshot of ${fresh.join(', ')} requested by signal ${signal.id}`,
    );
    if (!wasRunning) await this.readChunk(sql);
    else this.store();
  }

  private async stop(sql: pg.Client, signal: Signal): Promise<void> {
    let requested: string[] = [];
    try {
      const data = JSON.parse(signal.data ?? '{}') as { 'data-collections'?: unknown };
      requested = Array.isArray(data['data-collections'])
        ? data['data-collections'].map(String)
        : [];
    } catch {
      // No data: stop everything.
    }
    const stopped = requested.length === 0 ? [...this.collections] : this.expand(requested);
    const current = this.collections[0];
    this.collections = this.collections.filter((t) => !stopped.includes(t));
    this.log.info(
      { signal: signal.id, tables: stopped },
      `Incremental snapshot of ${stopped.join(', ') || 'nothing'} stopped by signal ${signal.id}`,
    );
    if (current !== undefined && stopped.includes(current)) {
      this.window.clear();
      this.windowOpen = false;
      this.chunkId = null;
      this.lastKey = null;
      this.maximumKey = null;
      if (this.running) await this.readChunk(sql);
    }
    this.store();
  }

  /** Table names and patterns (matched whole, as Debezium does) to captured tables with keys. */
  private expand(requested: readonly string[]): string[] {
    const out: string[] = [];
    for (const name of requested) {
      let pattern: RegExp | null = null;
      try {
        pattern = new RegExp(`^(?:${name})$`);
      } catch {
        pattern = null;
      }
      for (const id of this.schema.knownTables()) {
        const qualified = qualifiedName(id);
        if (qualified !== name && !pattern?.test(qualified)) continue;
        if (!this.filters.isIncluded(id) || out.includes(qualified)) continue;
        if ((this.schema.schemaFor(id)?.keyIndexes.length ?? 0) === 0) {
          this.log.warn(
            { table: qualified },
            `Incremental snapshot of ${qualified} skipped: the table has no primary key (or message.key.columns)`,
          );
          continue;
        }
        out.push(qualified);
      }
    }
    return out;
  }

  /** Opens a window, reads the next chunk of the current table (moving on when one is done) and closes the window. */
  private async readChunk(sql: pg.Client): Promise<void> {
    this.window.clear();
    this.windowOpen = false;
    this.chunkId = randomUUID();
    await this.insertSignal(sql, `${this.chunkId}-open`, 'snapshot-window-open', {
      openWindowTimestamp: new Date().toISOString(),
    });
    while (this.running) {
      const name = this.collections[0] as string;
      const table = this.schema.schemaFor(splitName(name));
      if (table === undefined) {
        this.log.warn(
          { table: name },
          `Incremental snapshot of ${name} skipped: the table no longer exists`,
        );
        this.nextTable();
        continue;
      }
      if (this.maximumKey === null) {
        this.maximumKey = await this.readMaximumKey(sql, table);
        if (this.maximumKey === null) {
          this.log.info(
            { table: name },
            `Incremental snapshot of ${name} finished: the table is empty`,
          );
          this.nextTable();
          continue;
        }
      }
      const rows = await this.readRows(sql, table);
      if (rows.length === 0) {
        this.log.info({ table: name }, `Incremental snapshot of ${name} finished`);
        this.nextTable();
        continue;
      }
      for (const row of rows) this.window.set(keyText(table, row), row);
      this.chunkLastKey = this.javaKey(table, rows[rows.length - 1] as TupleValue[]);
      break;
    }
    await this.insertSignal(sql, `${this.chunkId}-close`, 'snapshot-window-close', {
      openWindowTimestamp: new Date().toISOString(),
      closeWindowTimestamp: new Date().toISOString(),
    });
    this.store();
  }

  private async closeWindow(sql: pg.Client, out: SourceRecord[]): Promise<void> {
    this.windowOpen = false;
    const name = this.collections[0];
    const table = name === undefined ? undefined : this.schema.schemaFor(splitName(name));
    if (table !== undefined && this.window.size > 0) {
      const saved = this.offset.timestampMicros;
      this.offset.timestampMicros = Date.now() * 1000;
      for (const row of this.window.values()) {
        this.lastKey = this.javaKey(table, row);
        this.store();
        this.dispatcher.dataChange(
          table,
          { op: 'r', oldRow: null, newRow: row },
          'incremental',
          out,
        );
      }
      this.offset.timestampMicros = saved;
    }
    this.window.clear();
    if (this.chunkLastKey !== null) this.lastKey = this.chunkLastKey;
    this.chunkLastKey = null;
    this.store();
    if (this.running) await this.readChunk(sql);
  }

  private nextTable(): void {
    this.collections.shift();
    this.lastKey = null;
    this.maximumKey = null;
    if (!this.running) {
      this.correlationId = null;
      this.log.info('Incremental snapshot completed');
    }
  }

  private keyColumns(table: TableSchema): { list: string; casts: string[] } {
    const columns = table.keyIndexes.map(
      (i) => table.definition.columns[i] as { name: string; typeOid: number },
    );
    return {
      list: columns.map((c) => quoteIdent(c.name)).join(', '),
      casts: columns.map((c) => this.types.get(c.typeOid).name),
    };
  }

  private async readMaximumKey(sql: pg.Client, table: TableSchema): Promise<JavaValue[] | null> {
    const { list } = this.keyColumns(table);
    const desc = list
      .split(', ')
      .map((c) => `${c} DESC`)
      .join(', ');
    const { rows } = await sql.query({
      text: `SELECT ${list} FROM ${quoteTable(table.definition.id)} ORDER BY ${desc} LIMIT 1`,
      rowMode: 'array',
    });
    const row = rows[0] as (string | null)[] | undefined;
    return row === undefined ? null : row.map((v, i) => this.java(table, i, v));
  }

  private async readRows(sql: pg.Client, table: TableSchema): Promise<TupleValue[][]> {
    const { list, casts } = this.keyColumns(table);
    const columns = table.definition.columns.map((c) => quoteIdent(c.name)).join(', ');
    const params: string[] = [];
    const bound = (key: JavaValue[]) =>
      `(${key
        .map((v, i) => {
          params.push(String(v.value));
          return `$${params.length}::${quoteIdent(casts[i] as string)}`;
        })
        .join(', ')})`;
    const where = [`(${list}) <= ${bound(this.maximumKey as JavaValue[])}`];
    if (this.lastKey !== null) where.push(`(${list}) > ${bound(this.lastKey)}`);
    const { rows } = await sql.query({
      text: `SELECT ${columns} FROM ${quoteTable(table.definition.id)} WHERE ${where.join(' AND ')} ORDER BY ${list} LIMIT ${this.chunkSize}`,
      values: params,
      rowMode: 'array',
    });
    return rows as TupleValue[][];
  }

  private java(table: TableSchema, keyIndex: number, text: string | null): JavaValue {
    const column = table.definition.columns[table.keyIndexes[keyIndex] as number] as {
      name: string;
      typeOid: number;
    };
    const typeName = this.types.root(this.types.get(column.typeOid)).name;
    const type = JAVA_TYPES[typeName];
    if (type === undefined || text === null) {
      throw new Error(
        `Incremental snapshots need key columns of type smallint, integer, bigint, text, varchar, char or uuid; ${column.name} of ${qualifiedName(table.definition.id)} is ${typeName}`,
      );
    }
    if (type === 'long') return { type, value: BigInt(text) };
    if (type === 'short' || type === 'int') return { type, value: Number(text) };
    return { type, value: text };
  }

  private javaKey(table: TableSchema, row: readonly TupleValue[]): JavaValue[] {
    return table.keyIndexes.map((column, i) => this.java(table, i, row[column] as string | null));
  }

  private async insertSignal(
    sql: pg.Client,
    id: string,
    type: string,
    data: Record<string, string>,
  ): Promise<void> {
    await sql.query(`INSERT INTO ${quoteTable(this.signalTable)} VALUES ($1, $2, $3)`, [
      id,
      type,
      JSON.stringify(data),
    ]);
  }

  /** Writes the state into the offset, as Debezium stores it (nothing once no snapshot runs). */
  private store(): void {
    if (!this.running) {
      this.offset.incrementalSnapshot = {};
      return;
    }
    this.offset.incrementalSnapshot = {
      [PRIMARY_KEY]: this.lastKey === null ? null : serializeKey(this.lastKey),
      [MAXIMUM_KEY]: this.maximumKey === null ? null : serializeKey(this.maximumKey),
      [COLLECTIONS]: JSON.stringify(
        this.collections.map((id) => ({
          [`${COLLECTIONS}_id`]: id,
          [`${COLLECTIONS}_additional_condition`]: null,
          [`${COLLECTIONS}_surrogate_key`]: null,
        })),
      ),
      [CORRELATION_ID]: this.correlationId,
    };
  }

  private restore(): void {
    const stored = this.offset.incrementalSnapshot;
    const collections = stored[COLLECTIONS];
    if (typeof collections !== 'string' || collections === '') return;
    const parsed = JSON.parse(collections) as Record<string, unknown>[];
    this.collections = parsed.map((c) => String(c[`${COLLECTIONS}_id`]));
    const primary = stored[PRIMARY_KEY];
    const maximum = stored[MAXIMUM_KEY];
    this.lastKey = typeof primary === 'string' ? deserializeKey(primary) : null;
    this.maximumKey = typeof maximum === 'string' ? deserializeKey(maximum) : null;
    this.correlationId =
      typeof stored[CORRELATION_ID] === 'string' ? (stored[CORRELATION_ID] as string) : null;
  }
}

/** The key of a row as text, to match chunk rows with streamed ones. */
function keyText(table: TableSchema, row: readonly TupleValue[]): string {
  return JSON.stringify(table.keyIndexes.map((i) => row[i] ?? null));
}

function splitName(name: string): TableId {
  const dot = name.indexOf('.');
  return { schema: name.slice(0, dot), table: name.slice(dot + 1) };
}
