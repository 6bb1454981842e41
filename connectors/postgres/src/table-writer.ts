import { DataException } from '@sluice/api';
import type pg from 'pg';
import type { ColumnPlan, PlannedColumn } from './column-plan.js';
import type { InsertMode } from './config.js';
import { quoteIdent, quoteTable, type TableId } from './pg-connection.js';
import { sqlTypeOf } from './schema-mapping.js';

/** PostgreSQL accepts at most 65535 parameters in one statement. */
const MAX_PARAMS = 65535;

/**
 * A table's columns: name → SQL type without its modifier (`varchar`, not `varchar(10)`), for
 * casting parameters: an explicit cast to `varchar(10)` would truncate silently, while the
 * assignment to the column refuses an over-long value.
 */
export type TableColumns = ReadonlyMap<string, string>;

/** Loads a table's columns, or null when the table does not exist. */
export async function loadTableColumns(
  client: pg.Client,
  table: TableId,
): Promise<TableColumns | null> {
  const { rows } = await client.query<{
    exists: string | null;
    attname: string | null;
    type: string | null;
  }>(
    `SELECT to_regclass($1)::text AS exists, a.attname, format_type(a.atttypid, -1) AS type
       FROM (SELECT 1) one
       LEFT JOIN pg_attribute a ON a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`,
    [quoteTable(table)],
  );
  if (rows.length === 0 || rows[0]?.exists === null) return null;
  return new Map(
    rows.filter((r) => r.attname !== null).map((r) => [r.attname as string, r.type as string]),
  );
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
  const conflict =
    mode !== 'upsert'
      ? ''
      : plan.valueColumns.length === 0
        ? ` ON CONFLICT (${plan.keyColumns.map((c) => quoteIdent(c.name)).join(', ')}) DO NOTHING`
        : ` ON CONFLICT (${plan.keyColumns.map((c) => quoteIdent(c.name)).join(', ')}) DO UPDATE SET ${plan.valueColumns
            .map((c) => `${quoteIdent(c.name)} = EXCLUDED.${quoteIdent(c.name)}`)
            .join(', ')}`;
  const sets = plan.valueColumns
    .map((c) => `${quoteIdent(c.name)} = v.${quoteIdent(c.name)}`)
    .join(', ');
  const match = plan.keyColumns
    .map((c) => `t.${quoteIdent(c.name)} = v.${quoteIdent(c.name)}`)
    .join(' AND ');
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
