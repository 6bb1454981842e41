import type { TableId } from '../pg-connection.js';
import type { CaptureFilters, KeyColumnsRule } from './config/cdc-config.js';

const SYSTEM_SCHEMAS = new Set(['pg_catalog', 'information_schema']);

function matchesAny(patterns: readonly RegExp[], text: string): boolean {
  return patterns.some((p) => p.test(text));
}

/** Whether a schema holds only system tables, never captured. */
export function isSystemSchema(schema: string): boolean {
  return (
    SYSTEM_SCHEMAS.has(schema) || schema.startsWith('pg_toast') || schema.startsWith('pg_temp')
  );
}

/**
 * Debezium's table and column filters: include lists admit, exclude lists reject, patterns match
 * the whole `schema`, `schema.table` or `schema.table.column`, ignoring case.
 */
export class TableFilters {
  constructor(private readonly filters: CaptureFilters) {}

  /** Whether changes of `table` are captured. */
  isIncluded(table: TableId): boolean {
    if (isSystemSchema(table.schema)) return false;
    const f = this.filters;
    if (f.schemaInclude.length > 0 && !matchesAny(f.schemaInclude, table.schema)) return false;
    if (matchesAny(f.schemaExclude, table.schema)) return false;
    const name = `${table.schema}.${table.table}`;
    if (f.tableInclude.length > 0 && !matchesAny(f.tableInclude, name)) return false;
    return !matchesAny(f.tableExclude, name);
  }

  /** Whether `column` of `table` goes into event values. */
  isColumnIncluded(table: TableId, column: string): boolean {
    const name = `${table.schema}.${table.table}.${column}`;
    const f = this.filters;
    if (f.columnInclude.length > 0) return matchesAny(f.columnInclude, name);
    return !matchesAny(f.columnExclude, name);
  }
}

/** The `message.key.columns` of a table, or null when no rule names it. */
export function keyColumnsFor(
  rules: readonly KeyColumnsRule[],
  table: TableId,
): readonly string[] | null {
  const name = `${table.schema}.${table.table}`;
  return rules.find((r) => r.table.test(name))?.columns ?? null;
}
