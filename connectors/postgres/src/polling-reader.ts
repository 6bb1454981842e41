import {
  ConfigException,
  DataException,
  type SourceOffset,
  type SourcePartition,
  SourceRecord,
} from '@sluice/api';
import type pg from 'pg';
import type { SourceMode } from './config.js';
import { quoteIdent, quoteTable, type TableId } from './pg-connection.js';
import { formatInstant, type PgInstant, parseTimestamp } from './pg-text.js';
import { type ReadResult, type RecordReader, TableGoneException } from './record-reader.js';
import {
  type ColumnDescription,
  mapRow,
  type NumericMapping,
  type RowMapping,
} from './schema-mapping.js';
import { offsetFromPosition, type ReadPosition } from './source-offset.js';
import type { TypeCatalog } from './type-catalog.js';

/** The connection a reader queries through; the task replaces it after a reconnect. */
export interface ReaderConnection {
  client: pg.Client;
  catalog: TypeCatalog;
}

/** What a polling reader reads and how. */
export interface PollingReaderSpec {
  /** The table, or null for a custom query. */
  readonly table: TableId | null;
  readonly query: string;
  readonly querySuffix: string;
  readonly mode: SourceMode;
  /** Empty: detect the identity/serial column (tables only). */
  readonly incrementingColumn: string;
  readonly timestampColumns: readonly string[];
  readonly validateNonNull: boolean;
  readonly topic: string;
  readonly partition: SourcePartition;
  readonly batchMaxRows: number;
  readonly timestampDelayMs: number;
  readonly numericMapping: NumericMapping;
}

interface TableColumn {
  attname: string;
  attnotnull: boolean;
  identity: boolean;
}

const BULK_CURSOR = 'sluice_bulk_cursor';

type TextRows = pg.QueryArrayResult<(string | null)[]>;

/** The next batch, asked for while the current one is being converted. */
interface Prefetch {
  readonly client: pg.Client;
  /** The incrementing value the query reads after (unused in bulk mode). */
  readonly after: bigint;
  readonly result: Promise<TextRows>;
}

/** Whether `text` is an optionally negative run of decimal digits. */
function isIntegerText(text: string): boolean {
  const start = text.charCodeAt(0) === 45 ? 1 : 0;
  if (text.length <= start) return false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function instantsEqual(a: PgInstant, b: PgInstant): boolean {
  return a.epochSecond === b.epochSecond && a.micros === b.micros;
}

/**
 * Reads a table or custom query by polling, in one of the JDBC connector's modes:
 *
 * - bulk: the whole table through a cursor in a REPEATABLE READ transaction, `batch.max.rows` at
 *   a time, records without offsets;
 * - incrementing: `WHERE inc > last ORDER BY inc LIMIT n`;
 * - timestamp+incrementing: `WHERE ts < now - delay AND (ts > last_ts OR (ts = last_ts AND inc >
 *   last_inc)) ORDER BY ts, inc LIMIT n`: every row has a unique position, nothing is skipped;
 * - timestamp: `WHERE ts > last AND ts < now - delay ORDER BY ts LIMIT n`. Timestamps need not be
 *   unique, so a batch never ends inside a group of equal timestamps (the group is completed or
 *   left for the next read), and a record's offset only moves to its timestamp on the last record
 *   of its group: a restart in the middle of a group reads the whole group again instead of
 *   skipping its rest.
 */
export class PollingReader implements RecordReader {
  readonly name: string;
  readonly readsDiscoveredTable: boolean;
  private position: ReadPosition;
  private mapping: RowMapping | null = null;
  private mappedFields = '';
  private notNull = new Set<string>();
  private incrementingColumn: string;
  private bulkOpen = false;
  private prefetch: Prefetch | null = null;

  constructor(
    private readonly connection: ReaderConnection,
    private readonly spec: PollingReaderSpec,
    start: ReadPosition,
  ) {
    this.name = spec.table ? `${spec.table.schema}.${spec.table.table}` : 'query';
    this.readsDiscoveredTable = spec.table !== null;
    this.position = start;
    this.incrementingColumn = spec.incrementingColumn;
  }

  private get usesIncrementing(): boolean {
    return this.spec.mode === 'incrementing' || this.spec.mode === 'timestamp+incrementing';
  }

  private get usesTimestamp(): boolean {
    return this.spec.mode === 'timestamp' || this.spec.mode === 'timestamp+incrementing';
  }

  private get source(): string {
    return this.spec.table ? quoteTable(this.spec.table) : `(${this.spec.query}) AS sluice_query`;
  }

  private get suffix(): string {
    return this.spec.querySuffix ? ` ${this.spec.querySuffix}` : '';
  }

  private get timestampExpression(): string {
    const cols = this.spec.timestampColumns.map(quoteIdent);
    return cols.length === 1 ? (cols[0] as string) : `COALESCE(${cols.join(', ')})`;
  }

  async prepare(): Promise<void> {
    if (this.spec.table !== null) await this.loadTableColumns(this.spec.table);
    // Describe the result once, so unmappable columns fail at start, naming the column.
    const result = await this.connection.client.query({
      text: `SELECT * FROM ${this.source} LIMIT 0`,
      rowMode: 'array',
    });
    await this.remap(result.fields);
    const names = new Set(result.fields.map((f) => f.name));
    const missing: string[] = [];
    if (this.usesIncrementing && !names.has(this.incrementingColumn)) {
      missing.push(`incrementing column "${this.incrementingColumn}"`);
    }
    if (this.usesTimestamp) {
      for (const c of this.spec.timestampColumns) {
        if (!names.has(c)) missing.push(`timestamp column "${c}"`);
      }
    }
    if (missing.length > 0) {
      throw new ConfigException(`${this.name} has no ${missing.join(' and no ')}`, {
        key: missing[0]?.startsWith('incrementing')
          ? 'incrementing.column.name'
          : 'timestamp.column.name',
      });
    }
    if (this.spec.validateNonNull && this.spec.table !== null) {
      const nullable: string[] = [];
      if (this.usesIncrementing && !this.notNull.has(this.incrementingColumn)) {
        nullable.push(this.incrementingColumn);
      }
      if (this.usesTimestamp && !this.spec.timestampColumns.some((c) => this.notNull.has(c))) {
        nullable.push(...this.spec.timestampColumns);
      }
      if (nullable.length > 0) {
        throw new ConfigException(
          `Cannot make incremental queries using columns ${nullable.map((c) => `"${c}"`).join(', ')} on ${this.name} because they are nullable; declare them NOT NULL or set validate.non.null=false`,
          { key: 'validate.non.null' },
        );
      }
    }
  }

  private async loadTableColumns(table: TableId): Promise<void> {
    const { rows } = await this.connection.client.query<TableColumn>(
      `SELECT a.attname, a.attnotnull,
              (a.attidentity <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%') AS identity
         FROM pg_attribute a
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum`,
      [quoteTable(table)],
      // pg gives booleans as text here (raw parsers); 't' is true.
    );
    if (rows.length === 0) {
      throw new TableGoneException(`Table ${this.name} does not exist (any more)`);
    }
    const isTrue = (v: unknown) => v === true || v === 't';
    this.notNull = new Set(rows.filter((r) => isTrue(r.attnotnull)).map((r) => r.attname));
    if (this.usesIncrementing && this.incrementingColumn === '') {
      const identity = rows.filter((r) => isTrue(r.identity));
      if (identity.length !== 1 || identity[0] === undefined) {
        throw new ConfigException(
          `Cannot find the incrementing column of ${this.name}: ${identity.length === 0 ? 'it has no identity or serial column' : `it has several (${identity.map((r) => r.attname).join(', ')})`}; set incrementing.column.name`,
          { key: 'incrementing.column.name' },
        );
      }
      this.incrementingColumn = identity[0].attname;
    }
  }

  /** Rebuilds the row mapping when the result's columns changed (first read, ALTER TABLE). */
  private async remap(fields: readonly pg.FieldDef[]): Promise<RowMapping> {
    const key = fields.map((f) => `${f.name}:${f.dataTypeID}:${f.dataTypeModifier}`).join(',');
    if (this.mapping !== null && key === this.mappedFields) return this.mapping;
    if (this.mapping !== null && this.spec.table !== null) {
      await this.loadTableColumns(this.spec.table);
    }
    const types = await this.connection.catalog.resolve(fields.map((f) => f.dataTypeID));
    const columns: ColumnDescription[] = fields.map((f) => ({
      name: f.name,
      type: types.get(f.dataTypeID) as ColumnDescription['type'],
      typmod: f.dataTypeModifier,
      // A query's columns may always be null; a table's as declared.
      nullable: this.spec.table === null || !this.notNull.has(f.name),
    }));
    this.mapping = mapRow(columns, this.spec.table?.table ?? null, this.spec.numericMapping);
    this.mappedFields = key;
    return this.mapping;
  }

  reset(): void {
    this.bulkOpen = false;
    this.prefetch = null;
  }

  async read(): Promise<ReadResult> {
    switch (this.spec.mode) {
      case 'bulk':
        return this.readBulk();
      case 'incrementing':
        return this.readIncrementing();
      case 'timestamp':
        return this.readTimestamp();
      case 'timestamp+incrementing':
        return this.readTimestampIncrementing();
    }
  }

  private record(mapping: RowMapping, row: (string | null)[], offset: SourceOffset | null) {
    return new SourceRecord({
      sourcePartition: offset === null ? null : this.spec.partition,
      sourceOffset: offset,
      topic: this.spec.topic,
      valueSchema: mapping.schema,
      value: mapping.toStruct(row),
    });
  }

  private fetchBulk(client: pg.Client): Promise<TextRows> {
    return client.query({
      text: `FETCH ${this.spec.batchMaxRows} FROM ${BULK_CURSOR}`,
      rowMode: 'array',
    });
  }

  /**
   * One FETCH from the cursor. When a batch comes back full, the next FETCH is sent at once, so
   * the server reads on while this batch is converted and handed on.
   */
  private async readBulk(): Promise<ReadResult> {
    const client = this.connection.client;
    // A prefetched FETCH belongs to the cursor that is still open on this connection.
    const pending = this.bulkOpen && this.prefetch?.client === client ? this.prefetch : null;
    this.prefetch = null;
    if (!this.bulkOpen) {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      this.bulkOpen = true;
      try {
        await client.query(
          `DECLARE ${BULK_CURSOR} NO SCROLL CURSOR FOR SELECT * FROM ${this.source}${this.suffix}`,
        );
      } catch (error) {
        await this.closeBulk();
        throw error;
      }
    }
    let result: TextRows;
    try {
      result = pending !== null ? await pending.result : await this.fetchBulk(client);
    } catch (error) {
      await this.closeBulk();
      throw error;
    }
    const mapping = await this.remap(result.fields);
    const done = result.rows.length < this.spec.batchMaxRows;
    if (done) await this.closeBulk();
    else {
      const result = this.fetchBulk(client);
      // Awaited by the next read; a failure nobody reads (after a reset) is not unhandled.
      result.catch(() => {});
      this.prefetch = { client, after: -1n, result };
    }
    const rows = result.rows;
    const records: SourceRecord[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      records[i] = this.record(mapping, rows[i] as (string | null)[], null);
    }
    return { records, more: !done };
  }

  private async closeBulk(): Promise<void> {
    this.bulkOpen = false;
    await this.connection.client.query('ROLLBACK').catch(() => {});
  }

  private incrementingText(row: readonly (string | null)[], index: number): bigint {
    const text = row[index];
    if (text === null || text === undefined || !isIntegerText(text)) {
      throw new DataException(
        `Incrementing column "${this.incrementingColumn}" of ${this.name} has a value that is not an integer: ${String(text)}`,
      );
    }
    return BigInt(text);
  }

  private timestampOf(row: readonly (string | null)[], indexes: readonly number[]): PgInstant {
    for (const i of indexes) {
      const text = row[i];
      if (text === null || text === undefined) continue;
      const instant = parseTimestamp(text);
      if (instant === null) {
        throw new DataException(
          `Timestamp column of ${this.name} has a value that cannot be an offset: ${text}`,
        );
      }
      return instant;
    }
    throw new DataException(`Every timestamp column of ${this.name} is NULL in a row`);
  }

  private indexOf(fields: readonly pg.FieldDef[], name: string): number {
    const index = fields.findIndex((f) => f.name === name);
    if (index < 0) throw new DataException(`${this.name} no longer has column "${name}"`);
    return index;
  }

  private get upperBound(): string {
    return `CURRENT_TIMESTAMP - ${Number(this.spec.timestampDelayMs)} * interval '1 millisecond'`;
  }

  private get timestampCast(): string {
    return '::timestamptz';
  }

  private queryIncrementing(client: pg.Client, after: bigint): Promise<TextRows> {
    const inc = quoteIdent(this.incrementingColumn);
    return client.query({
      text: `SELECT * FROM ${this.source} WHERE ${inc} > $1 ORDER BY ${inc} ASC LIMIT ${this.spec.batchMaxRows}${this.suffix}`,
      values: [after.toString()],
      rowMode: 'array',
    });
  }

  /**
   * `WHERE inc > last ORDER BY inc LIMIT n`. When a batch comes back full, the query for the
   * next one (the same query the next read would send) is sent at once, so the server runs it
   * while this batch is converted and handed on.
   */
  private async readIncrementing(): Promise<ReadResult> {
    const client = this.connection.client;
    const last = this.position.incrementing ?? -1n;
    const pending = this.prefetch;
    this.prefetch = null;
    const result =
      pending !== null && pending.client === client && pending.after === last
        ? await pending.result
        : await this.queryIncrementing(client, last);
    const mapping = await this.remap(result.fields);
    const index = this.indexOf(result.fields, this.incrementingColumn);
    const rows = result.rows;
    const more = rows.length === this.spec.batchMaxRows;
    if (more) {
      const next = this.incrementingText(rows[rows.length - 1] as (string | null)[], index);
      const prefetch = { client, after: next, result: this.queryIncrementing(client, next) };
      // Awaited by the next read; a failure nobody reads (after a reset) is not unhandled.
      prefetch.result.catch(() => {});
      this.prefetch = prefetch;
    }
    const records: SourceRecord[] = new Array(rows.length);
    const timestamp = this.position.timestamp;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as (string | null)[];
      const text = row[index];
      let offset: SourceOffset;
      if (timestamp === null && text != null && text.length < 16 && isIntegerText(text)) {
        // Fewer than 16 characters: a safe integer, stored as a JSON number either way.
        offset = { incrementing: Number(text) };
      } else {
        offset = offsetFromPosition({ timestamp, incrementing: this.incrementingText(row, index) });
      }
      records[i] = this.record(mapping, row, offset);
    }
    if (rows.length > 0) {
      this.position = {
        ...this.position,
        incrementing: this.incrementingText(rows[rows.length - 1] as (string | null)[], index),
      };
    }
    return { records, more };
  }

  private async readTimestampIncrementing(): Promise<ReadResult> {
    const ts = this.timestampExpression;
    const inc = quoteIdent(this.incrementingColumn);
    const lastTs = this.position.timestamp ? formatInstant(this.position.timestamp) : '-infinity';
    const lastInc = (this.position.incrementing ?? -1n).toString();
    const result = await this.connection.client.query({
      text: `SELECT * FROM ${this.source} WHERE ${ts} < ${this.upperBound} AND (${ts} > $1${this.timestampCast} OR (${ts} = $1${this.timestampCast} AND ${inc} > $2)) ORDER BY ${ts} ASC, ${inc} ASC LIMIT ${this.spec.batchMaxRows}${this.suffix}`,
      values: [lastTs, lastInc],
      rowMode: 'array',
    });
    const mapping = await this.remap(result.fields);
    const tsIndexes = this.spec.timestampColumns.map((c) => this.indexOf(result.fields, c));
    const incIndex = this.indexOf(result.fields, this.incrementingColumn);
    const records = result.rows.map((row) => {
      this.position = {
        incrementing: this.incrementingText(row, incIndex),
        timestamp: this.timestampOf(row, tsIndexes),
      };
      return this.record(mapping, row, offsetFromPosition(this.position));
    });
    return { records, more: result.rows.length === this.spec.batchMaxRows };
  }

  private async readTimestamp(): Promise<ReadResult> {
    const ts = this.timestampExpression;
    const lastTs = this.position.timestamp ? formatInstant(this.position.timestamp) : '-infinity';
    const client = this.connection.client;
    const limit = this.spec.batchMaxRows;
    const result = await client.query({
      text: `SELECT * FROM ${this.source} WHERE ${ts} > $1${this.timestampCast} AND ${ts} < ${this.upperBound} ORDER BY ${ts} ASC LIMIT ${limit}${this.suffix}`,
      values: [lastTs],
      rowMode: 'array',
    });
    const tsIndexes = this.spec.timestampColumns.map((c) => this.indexOf(result.fields, c));
    let rows = result.rows;
    let fields = result.fields;
    let more = false;
    if (rows.length === limit) {
      more = true;
      const lastRow = rows[rows.length - 1] as (string | null)[];
      const lastInstant = this.timestampOf(lastRow, tsIndexes);
      const firstInstant = this.timestampOf(rows[0] as (string | null)[], tsIndexes);
      if (instantsEqual(firstInstant, lastInstant)) {
        // One group fills the batch: read the whole group, so the next read can start after it.
        const group = await client.query({
          text: `SELECT * FROM ${this.source} WHERE ${ts} = $1${this.timestampCast}${this.suffix}`,
          values: [formatInstant(lastInstant)],
          rowMode: 'array',
        });
        rows = group.rows;
        fields = group.fields;
      } else {
        // Leave the last, maybe incomplete, group for the next read.
        rows = rows.filter((row) => !instantsEqual(this.timestampOf(row, tsIndexes), lastInstant));
      }
    }
    const mapping = await this.remap(fields);
    const instants = rows.map((row) => this.timestampOf(row, tsIndexes));
    const records = rows.map((row, i) => {
      const instant = instants[i] as PgInstant;
      const next = instants[i + 1];
      // Only the last record of a group of equal timestamps moves the offset past the group.
      if (next === undefined || !instantsEqual(next, instant)) {
        this.position = { ...this.position, timestamp: instant };
      }
      return this.record(mapping, row, offsetFromPosition(this.position));
    });
    return { records, more };
  }
}
