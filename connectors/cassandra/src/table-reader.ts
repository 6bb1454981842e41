import {
  ConfigException,
  DataException,
  type Schema,
  SchemaBuilder,
  type SourceOffset,
  SourceRecord,
  Struct,
} from '@sluice/api';
import cassandra from 'cassandra-driver';
import { consistencyOf } from './cassandra-session.js';
import type { SourceConfig } from './config.js';
import { cqlTypeName, cqlTypeOf, quoteIdentifier } from './cql-type.js';
import type { KcqlStatement } from './kcql.js';
import { type ColumnReader, columnReader } from './schema-mapping.js';
import { offsetOf, type PagePosition, type ReadPosition, tablePartition } from './source-offset.js';

const { errors, types } = cassandra;

interface SelectedColumn {
  readonly name: string;
  readonly reader: ColumnReader;
}

/** Rows read from Cassandra, turned into records with the offset after each. */
export interface ReadResult {
  readonly records: SourceRecord[];
  /** True when more rows are ready now (the caller should not wait the poll interval). */
  readonly more: boolean;
}

/**
 * Reads one table for one KCQL statement.
 *
 * Incremental (timestamp or timeuuid column): the table is read in time windows (from, to],
 * `to` being `slice.delay.ms` before now (or `time.slice.ms` after `from`). A window is read
 * whole, page by page, before the next starts, and the stored offset only moves past it once
 * its last row was sent; inside a window the offset is the driver's paging state and the rows
 * of that page already sent. So rows sharing a timestamp can never be split by a poll
 * boundary (the trap of `WHERE ts > last LIMIT n` readers): every row with that timestamp lies
 * in the same window, and a restart resumes inside the window at the very row after the last
 * one committed.
 *
 * Bulk (no PK, or TOKEN): the whole table, in token order, every poll interval.
 */
export class TableReader {
  readonly name: string;
  private readonly query: string;
  private readonly columns: SelectedColumn[];
  private readonly value: Schema;
  private readonly keySchema: Schema | null;
  private readonly keyColumns: SelectedColumn[];
  private readonly partition;
  private buffer: SourceRecord[] = [];
  /** The next page, requested while the rows of the current one are converted and sent. */
  private prefetched: {
    readonly page: string;
    readonly result: Promise<cassandra.types.ResultSet>;
  } | null = null;

  private constructor(
    private readonly client: cassandra.Client,
    private readonly config: SourceConfig,
    readonly statement: KcqlStatement,
    table: cassandra.metadata.TableMetadata,
    private position: ReadPosition,
  ) {
    const { keyspace } = config;
    this.name = `${keyspace}.${statement.table}`;
    this.partition = tablePartition(keyspace, statement.table);
    const byName = new Map(table.columns.map((c) => [c.name, c]));
    const primary = [...table.partitionKeys, ...table.clusteringKeys].map((c) => c.name);
    const all = [
      ...primary,
      ...table.columns.map((c) => c.name).filter((n) => !primary.includes(n)),
    ];
    const selected = statement.columns.length === 0 ? all : [...statement.columns];
    const unknown = [
      ...selected,
      ...statement.keyColumns,
      ...(statement.incrementalColumn ? [statement.incrementalColumn] : []),
    ].filter((n) => !byName.has(n));
    if (unknown.length > 0) {
      throw ConfigException.invalid(
        'connect.cassandra.kcql',
        statement.text,
        `table ${this.name} has no column ${[...new Set(unknown)].join(', ')}`,
      );
    }
    const reader = (name: string) => ({
      name,
      reader: columnReader(cqlTypeOf(byName.get(name)?.type as never), !primary.includes(name)),
    });
    this.columns = selected.map(reader);
    const valueBuilder = SchemaBuilder.struct().name(`${this.name}.Value`);
    for (const c of this.columns) valueBuilder.field(c.name, c.reader.schema);
    this.value = valueBuilder.build();
    const keyNames = statement.keyColumns.length > 0 ? statement.keyColumns : primary;
    this.keyColumns = keyNames.map(reader);
    if (statement.keyColumns.length > 0) this.keySchema = SchemaBuilder.string().build();
    else {
      const kb = SchemaBuilder.struct().name(`${this.name}.Key`);
      for (const c of this.keyColumns) kb.field(c.name, c.reader.schema);
      this.keySchema = kb.build();
    }
    const fetched = [
      ...new Set([
        ...selected,
        ...keyNames,
        ...(statement.incrementalColumn ? [statement.incrementalColumn] : []),
      ]),
    ];
    let where = '';
    if (statement.incrementalColumn !== null) {
      const column = statement.incrementalColumn;
      const type = cqlTypeOf(byName.get(column)?.type as never);
      if (type.kind !== statement.mode) {
        throw ConfigException.invalid(
          'connect.cassandra.kcql',
          statement.text,
          `column ${column} of ${this.name} is a ${cqlTypeName(type)}; INCREMENTALMODE=${statement.mode.toUpperCase()} needs a ${statement.mode} column`,
        );
      }
      const c = quoteIdentifier(column);
      where =
        statement.mode === 'timeuuid'
          ? ` WHERE ${c} > maxTimeuuid(?) AND ${c} <= maxTimeuuid(?)`
          : ` WHERE ${c} > ? AND ${c} <= ?`;
      if (config.allowFiltering) where += ' ALLOW FILTERING';
    }
    this.query = `SELECT ${fetched.map(quoteIdentifier).join(', ')} FROM ${quoteIdentifier(keyspace)}.${quoteIdentifier(statement.table)}${where}`;
  }

  /** Reads the table's metadata and checks the statement against it. */
  static async create(
    client: cassandra.Client,
    config: SourceConfig,
    statement: KcqlStatement,
    position: ReadPosition,
  ): Promise<TableReader> {
    const table = await client.metadata.getTable(config.keyspace, statement.table);
    if (!table) {
      throw ConfigException.invalid(
        'connect.cassandra.kcql',
        statement.text,
        `table ${config.keyspace}.${statement.table} does not exist`,
      );
    }
    return new TableReader(client, config, statement, table, position);
  }

  /** Where the next read starts (for logs). */
  get resumeAt(): ReadPosition {
    return this.position;
  }

  /** Up to `batch.size` records, fetching the next page when the last one is used up. */
  async read(now: number): Promise<ReadResult> {
    while (this.buffer.length === 0) {
      const page = this.nextPage(now);
      if (page === null) return { records: [], more: false };
      await this.fetch(page.position, page.params);
    }
    const records = this.buffer.splice(0, this.config.batchSize);
    // nextPage opens the next window (or pass) when one is due: it is read at the next poll.
    return { records, more: this.buffer.length > 0 || this.nextPage(now) !== null };
  }

  /** Forgets rows read but not sent (after a failure, the next read starts from the position). */
  reset(): void {
    this.buffer = [];
    this.prefetched = null;
  }

  private execute(params: unknown[], page: string | null): Promise<cassandra.types.ResultSet> {
    return this.client.execute(this.query, params, {
      prepare: true,
      fetchSize: this.config.fetchSize,
      consistency: consistencyOf(this.config.consistency),
      ...(page === null ? {} : { pageState: page }),
    });
  }

  /** The page to read next and the query parameters, or null when there is nothing to read now. */
  private nextPage(now: number): { position: PagePosition; params: unknown[] } | null {
    const p = this.position;
    if (p.kind === 'bulk') {
      if (p.pass !== null) return { position: p.pass, params: [] };
      if (p.passEnd !== null && now < p.passEnd + this.config.pollIntervalMs) return null;
      this.position = { kind: 'bulk', pass: { page: null, skip: 0 }, passEnd: p.passEnd };
      return { position: { page: null, skip: 0 }, params: [] };
    }
    let window = p.window;
    if (window === null) {
      let to = now - this.config.sliceDelayMs;
      if (this.config.timeSliceMs > 0) to = Math.min(to, p.from + this.config.timeSliceMs);
      if (to <= p.from) return null;
      window = { to, page: null, skip: 0 };
      this.position = { kind: 'incremental', from: p.from, window };
    }
    return { position: window, params: [new Date(p.from), new Date(window.to)] };
  }

  private async fetch(at: PagePosition, params: unknown[]): Promise<void> {
    let result: cassandra.types.ResultSet;
    const prefetched = this.prefetched;
    this.prefetched = null;
    try {
      result = await (prefetched !== null && prefetched.page === at.page
        ? prefetched.result
        : this.execute(params, at.page));
    } catch (error) {
      if (
        at.page !== null &&
        error instanceof errors.ResponseError &&
        error.code === types.responseErrorCodes.invalid
      ) {
        // A paging state the server no longer takes: read this window (or pass) again from its start.
        this.position = this.withPage({ page: null, skip: 0 });
        throw new Error(
          `Cassandra refused the stored paging state of ${this.name} (${error.message}); reading the range again from its start`,
          { cause: error },
        );
      }
      throw error;
    }
    const nextPage: string | null = result.pageState ?? null;
    if (nextPage !== null) {
      // The server reads the next page while these rows are converted and sent.
      const next = this.execute(params, nextPage);
      next.catch(() => {}); // Seen (and thrown) when that page is read; never unhandled.
      this.prefetched = { page: nextPage, result: next };
    }
    const rows = result.rows.slice(at.skip);
    const done = nextPage === null;
    const after = done ? this.finished() : this.withPage({ page: nextPage, skip: 0 });
    // Each row's offset is the position right after it: inside this page, or `after`.
    const p = this.position;
    // offsetOf(this.withPage({ page: at.page, skip })), without the intermediate objects.
    const inPage = (skip: number): SourceOffset =>
      p.kind === 'bulk'
        ? { page: at.page, skip, 'pass.end': p.passEnd }
        : { timestamp: p.from, 'window.end': p.window?.to ?? p.from, page: at.page, skip };
    const last = rows.length - 1;
    rows.forEach((row, j) => {
      this.buffer.push(this.record(row, j === last ? offsetOf(after) : inPage(at.skip + j + 1)));
    });
    this.position = after;
  }

  /** The position with the current window (or pass) at `page`. */
  private withPage(page: PagePosition): ReadPosition {
    const p = this.position;
    if (p.kind === 'bulk') return { ...p, pass: page };
    return { ...p, window: { to: p.window?.to ?? p.from, ...page } };
  }

  /** The position once the current window (or pass) is read completely. */
  private finished(): ReadPosition {
    const p = this.position;
    if (p.kind === 'bulk') return { kind: 'bulk', pass: null, passEnd: Date.now() };
    return { kind: 'incremental', from: p.window?.to ?? p.from, window: null };
  }

  private record(row: cassandra.types.Row, offset: SourceOffset): SourceRecord {
    const values = new Array<unknown>(this.columns.length);
    this.columns.forEach((c, i) => {
      try {
        values[i] = c.reader.read(row.get(c.name));
      } catch (error) {
        const key = this.keyColumns.map((k) => `${k.name}=${String(row.get(k.name))}`).join(', ');
        throw new DataException(
          `Column ${c.name} of ${this.name} (row ${key}) cannot be read: ${(error as Error).message}`,
          { cause: error },
        );
      }
    });
    const value = Struct.fromTrustedValues(this.value, values);
    const key =
      this.statement.keyColumns.length > 0
        ? this.keyColumns.map((c) => String(row.get(c.name))).join(this.statement.keyDelimiter)
        : Struct.fromTrustedValues(
            this.keySchema as Schema,
            this.keyColumns.map((c) => c.reader.read(row.get(c.name))),
          );
    const tracked =
      this.statement.incrementalColumn === null ? null : row.get(this.statement.incrementalColumn);
    const timestamp =
      tracked instanceof Date
        ? tracked.getTime()
        : tracked instanceof types.TimeUuid
          ? tracked.getDate().getTime()
          : null;
    return new SourceRecord({
      sourcePartition: this.partition,
      sourceOffset: offset,
      topic: this.statement.topic,
      keySchema: this.keySchema,
      key,
      valueSchema: this.value,
      value,
      timestamp,
    });
  }
}
