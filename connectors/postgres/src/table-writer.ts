import { DataException } from '@sluice/api';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ColumnPlan, PlannedColumn } from './column-plan.js';
import type { InsertMode } from './config.js';
import { copyChunks } from './copy-text.js';
import { quoteIdent, quoteTable, type TableId } from './pg-connection.js';
import { sqlTypeOf } from './schema-mapping.js';

/** PostgreSQL accepts at most 65535 parameters in one statement. */
const MAX_PARAMS = 65535;

/**
 * A table's columns: name → SQL type without its modifier (`varchar`, not `varchar(10)`), for
 * casting parameters: an explicit cast to `varchar(10)` would truncate silently, while the
 * assignment to the column refuses an over-long value.
 */
export interface TableColumns extends ReadonlyMap<string, string> {
  /**
   * Whether rows may be written with COPY: plain and partitioned tables. A view (written
   * through its rules or INSTEAD OF triggers) or a foreign table gets INSERT statements.
   */
  readonly acceptsCopy: boolean;
}

/** Loads a table's columns, or null when the table does not exist. */
export async function loadTableColumns(
  client: pg.Client,
  table: TableId,
): Promise<TableColumns | null> {
  const { rows } = await client.query<{
    exists: string | null;
    relkind: string | null;
    attname: string | null;
    type: string | null;
  }>(
    `SELECT to_regclass($1)::text AS exists, c.relkind::text AS relkind, a.attname, format_type(a.atttypid, -1) AS type
       FROM (SELECT 1) one
       LEFT JOIN pg_class c ON c.oid = to_regclass($1)
       LEFT JOIN pg_attribute a ON a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`,
    [quoteTable(table)],
  );
  if (rows.length === 0 || rows[0]?.exists === null) return null;
  const relkind = rows[0]?.relkind;
  const columns = new Map(
    rows.filter((r) => r.attname !== null).map((r) => [r.attname as string, r.type as string]),
  );
  return Object.assign(columns, { acceptsCopy: relkind === 'r' || relkind === 'p' });
}

/** CREATE TABLE for a plan: key columns NOT NULL and the primary key; value columns as optional as their schemas. */
export function createTableSql(table: TableId, plan: ColumnPlan): string {
  const defs = [
    ...plan.keyColumns.map((c) => `${quoteIdent(c.name)} ${sqlTypeOf(c.name, c.schema)} NOT NULL`),
    ...plan.valueColumns.map(
      (c) =>
        `${quoteIdent(c.name)} ${sqlTypeOf(c.name, c.schema)}${c.schema.optional ? '' : ' NOT NULL'}`,
    ),
  ];
  if (plan.keyColumns.length > 0) {
    defs.push(`PRIMARY KEY (${plan.keyColumns.map((c) => quoteIdent(c.name)).join(', ')})`);
  }
  return `CREATE TABLE IF NOT EXISTS ${quoteTable(table)} (${defs.join(', ')})`;
}

/** ALTER TABLE adding `columns`, always nullable (existing rows have no value for them). */
export function addColumnsSql(table: TableId, columns: readonly PlannedColumn[]): string {
  const adds = columns.map(
    (c) => `ADD COLUMN IF NOT EXISTS ${quoteIdent(c.name)} ${sqlTypeOf(c.name, c.schema)}`,
  );
  return `ALTER TABLE ${quoteTable(table)} ${adds.join(', ')}`;
}

function placeholders(rowCount: number, width: number, casts?: readonly string[]): string {
  const rows: string[] = [];
  let n = 1;
  for (let r = 0; r < rowCount; r++) {
    const cells: string[] = [];
    for (let c = 0; c < width; c++) {
      cells.push(casts ? `$${n++}::${casts[c]}` : `$${n++}`);
    }
    rows.push(`(${cells.join(', ')})`);
  }
  return rows.join(', ');
}

function columnType(table: TableId, columns: TableColumns, name: string): string {
  const type = columns.get(name);
  if (type === undefined) {
    throw new DataException(`Table ${quoteTable(table)} has no column "${name}"`);
  }
  return type;
}

function conflictClause(plan: ColumnPlan): string {
  const keys = plan.keyColumns.map((c) => quoteIdent(c.name)).join(', ');
  return plan.valueColumns.length === 0
    ? ` ON CONFLICT (${keys}) DO NOTHING`
    : ` ON CONFLICT (${keys}) DO UPDATE SET ${plan.valueColumns
        .map((c) => `${quoteIdent(c.name)} = EXCLUDED.${quoteIdent(c.name)}`)
        .join(', ')}`;
}

/**
 * Runs `COPY ... FROM STDIN` (text format) with `lines` as its data; rejects with the server's
 * error. `dataSent` is called (from a later turn of the event loop) once the data has been
 * handed to the connection, while the server is still working on it.
 */
async function copyIn(
  client: pg.Client,
  sql: string,
  lines: readonly string[],
  dataSent: () => void,
): Promise<void> {
  const chunks = copyChunks(lines);
  const stream = client.query(copyFrom(sql));
  await new Promise<void>((resolve, reject) => {
    stream.on('error', reject);
    stream.on('finish', resolve);
    // Written at once: the rows are in memory already, and pg's socket buffers what it cannot
    // send yet; waiting for 'drain' could wait forever once the server refused the data.
    // The callback of the last write runs once pg-copy-streams has written it to the socket;
    // setImmediate lets the end-of-data message go first.
    const sent = () => setImmediate(dataSent);
    for (const [i, chunk] of chunks.entries()) {
      stream.write(chunk, i === chunks.length - 1 ? sent : undefined);
    }
    stream.end();
  });
}

/**
 * The COPY fast path of one connection: `insert` rows are copied straight into the table;
 * `upsert` and `update` rows are copied into a temporary staging table (ON COMMIT DELETE ROWS,
 * created once per connection and column list), then merged by one `INSERT ... SELECT ... ON
 * CONFLICT` or `UPDATE ... FROM`. Values reach the columns through the same input functions and
 * assignment casts as the statement path's parameters.
 */
export class CopyWriter {
  private readonly staging = new Map<string, string>();
  /** Never reused: a name forgotten after a rollback may still name a committed table. */
  private stagingCount = 0;
  private usedInTransaction = new Set<string>();

  constructor(readonly client: pg.Client) {}

  /** Call after BEGIN: staging tables start the transaction empty. */
  beginTransaction(): void {
    this.usedInTransaction = new Set();
  }

  /** Call after ROLLBACK: staging tables created in the transaction are gone. */
  rolledBack(): void {
    this.staging.clear();
  }

  /** Writes one run's rows, as COPY text lines (`copyLineEncoder`), inside the caller's transaction. */
  async write(
    table: TableId,
    columns: TableColumns,
    plan: ColumnPlan,
    mode: InsertMode,
    lines: readonly string[],
    dataSent: () => void = () => {},
  ): Promise<void> {
    const all = [...plan.keyColumns, ...plan.valueColumns];
    if (all.length === 0 || lines.length === 0) return;
    if (mode === 'update' && plan.valueColumns.length === 0) return;
    const names = all.map((c) => quoteIdent(c.name)).join(', ');
    const target = quoteTable(table);
    if (mode === 'insert') {
      await copyIn(this.client, `COPY ${target} (${names}) FROM STDIN`, lines, dataSent);
      return;
    }
    const types = all.map((c) => columnType(table, columns, c.name));
    const stage = await this.stagingTable(target, all, types);
    await copyIn(this.client, `COPY ${stage} (${names}) FROM STDIN`, lines, dataSent);
    if (mode === 'upsert') {
      await this.client.query(
        `INSERT INTO ${target} (${names}) SELECT ${names} FROM ${stage}${conflictClause(plan)}`,
      );
    } else {
      await this.client.query(
        `UPDATE ${target} AS t SET ${updateSets(plan)} FROM ${stage} AS v WHERE ${keyMatch(plan)}`,
      );
    }
  }

  /** An empty staging table for these columns, created on first use. */
  private async stagingTable(
    target: string,
    all: readonly PlannedColumn[],
    types: readonly string[],
  ): Promise<string> {
    const key = `${target}(${all.map((c, i) => `${quoteIdent(c.name)} ${types[i]}`).join(', ')})`;
    let stage = this.staging.get(key);
    if (stage === undefined) {
      stage = `pg_temp.${quoteIdent(`sluice_stage_${++this.stagingCount}`)}`;
      // Types without modifiers, as the statement path casts: the assignment to the target
      // column checks lengths and precision (refusing, never truncating, an over-long varchar).
      await this.client.query(
        `CREATE TEMPORARY TABLE ${stage} (${all.map((c, i) => `${quoteIdent(c.name)} ${types[i]}`).join(', ')}) ON COMMIT DELETE ROWS`,
      );
      this.staging.set(key, stage);
    } else if (this.usedInTransaction.has(stage)) {
      await this.client.query(`TRUNCATE ${stage}`);
    }
    this.usedInTransaction.add(stage);
    return stage;
  }
}

/** `SET` of an update mode statement: each value column from the row source `v`. */
function updateSets(plan: ColumnPlan): string {
  return plan.valueColumns.map((c) => `${quoteIdent(c.name)} = v.${quoteIdent(c.name)}`).join(', ');
}

/** `WHERE` of an update mode statement: target `t` and row source `v` agree on every key. */
function keyMatch(plan: ColumnPlan): string {
  return plan.keyColumns
    .map((c) => `t.${quoteIdent(c.name)} = v.${quoteIdent(c.name)}`)
    .join(' AND ');
}

/**
 * Writes the rows of one run. Without array columns, one statement per run passes one array
 * parameter per column (`INSERT ... SELECT * FROM unnest($1::bigint[], $2::text[], ...)`): few
 * parameters to bind and parse, whatever the number of rows. With array columns (which unnest
 * would flatten), multi-row VALUES statements, as many as the parameter limit asks for.
 */
export async function writeRows(
  client: pg.Client,
  table: TableId,
  columns: TableColumns,
  plan: ColumnPlan,
  mode: InsertMode,
  rows: readonly unknown[][],
): Promise<void> {
  const all = [...plan.keyColumns, ...plan.valueColumns];
  if (all.length === 0 || rows.length === 0) return;
  if (mode === 'update' && plan.valueColumns.length === 0) return;
  const names = all.map((c) => quoteIdent(c.name));
  const casts = all.map((c) => columnType(table, columns, c.name));
  const target = quoteTable(table);
  const conflict = mode === 'upsert' ? conflictClause(plan) : '';
  const sets = updateSets(plan);
  const match = keyMatch(plan);
  if (!casts.some((t) => t.endsWith(']'))) {
    const columnArrays = all.map((_, c) => rows.map((row) => row[c]));
    const unnest = `unnest(${casts.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`;
    const sql =
      mode === 'update'
        ? `UPDATE ${target} AS t SET ${sets} FROM ${unnest} AS v(${names.join(', ')}) WHERE ${match}`
        : `INSERT INTO ${target} (${names.join(', ')}) SELECT * FROM ${unnest}${conflict}`;
    await client.query(sql, columnArrays);
    return;
  }
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / all.length));
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const sql =
      mode === 'update'
        ? `UPDATE ${target} AS t SET ${sets} FROM (VALUES ${placeholders(chunk.length, all.length, casts)}) AS v(${names.join(', ')}) WHERE ${match}`
        : `INSERT INTO ${target} (${names.join(', ')}) VALUES ${placeholders(chunk.length, all.length)}${conflict}`;
    await client.query(sql, chunk.flat());
  }
}

/** Deletes the rows with the given keys (tombstones). */
export async function deleteRows(
  client: pg.Client,
  table: TableId,
  columns: TableColumns,
  plan: ColumnPlan,
  keys: readonly unknown[][],
): Promise<void> {
  const keyColumns = plan.keyColumns;
  if (keys.length === 0 || keyColumns.length === 0) return;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / keyColumns.length));
  const casts = keyColumns.map((c) => columnType(table, columns, c.name));
  const names = keyColumns.map((c) => quoteIdent(c.name));
  for (let i = 0; i < keys.length; i += perStatement) {
    const chunk = keys.slice(i, i + perStatement);
    const sql = `DELETE FROM ${quoteTable(table)} AS t USING (VALUES ${placeholders(chunk.length, names.length, casts)}) AS v(${names.join(', ')}) WHERE ${names.map((n) => `t.${n} = v.${n}`).join(' AND ')}`;
    await client.query(sql, chunk.flat());
  }
}
