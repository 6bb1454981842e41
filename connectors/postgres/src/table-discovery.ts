import type pg from 'pg';
import type { SourceConfig } from './config.js';
import { qualifiedName, type TableId } from './pg-connection.js';

const RELKINDS: Record<string, string[]> = {
  TABLE: ['r', 'p'],
  'PARTITIONED TABLE': ['p'],
  VIEW: ['v'],
  'MATERIALIZED VIEW': ['m'],
};

function matches(list: readonly string[], table: TableId): boolean {
  return list.some((entry) => entry === table.table || entry === qualifiedName(table));
}

/**
 * The tables the source copies: relations of the configured kinds (partitions are read through
 * their parent), in schemas matching `schema.pattern` (system schemas never), filtered by the
 * include or exclude list (entries match `table` or `schema.table`), sorted by qualified name.
 */
export async function discoverTables(
  client: pg.Client,
  config: Pick<SourceConfig, 'tableTypes' | 'schemaPattern' | 'includeTables' | 'excludeTables'>,
): Promise<TableId[]> {
  const kinds = [...new Set(config.tableTypes.flatMap((t) => RELKINDS[t] ?? []))];
  const { rows } = await client.query<{ schema: string; table: string }>(
    `SELECT n.nspname AS schema, c.relname AS table
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind::text = ANY($1::text[])
        AND NOT c.relispartition
        AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
        AND ($2::text IS NULL OR n.nspname LIKE $2::text)
      ORDER BY n.nspname, c.relname`,
    [kinds, config.schemaPattern],
  );
  return rows
    .map((r) => ({ schema: r.schema, table: r.table }))
    .filter((t) => config.includeTables.length === 0 || matches(config.includeTables, t))
    .filter((t) => !matches(config.excludeTables, t));
}
