import type { ConnectorLogger } from '@sluice/api';
import type pg from 'pg';
import { qualifiedName, type TableId } from '../pg-connection.js';
import type { CdcConfig } from './config/cdc-config.js';
import type { RelationMessage } from './pgoutput/pgoutput-message.js';
import type { PostgresValueConverter } from './postgres-value-converter.js';
import { keyColumnsFor, type TableFilters } from './table-filters.js';
import {
  type ColumnDefinition,
  type TableDefinition,
  TableSchema,
  topicOf,
} from './table-schema.js';
import type { TypeRegistry } from './type-registry.js';

interface ColumnRow {
  relid: string;
  nspname: string;
  relname: string;
  relreplident: string;
  attname: string;
  atttypid: string;
  atttypmod: string;
  attnotnull: string;
  default_expr: string | null;
  pk: string | null;
}

/** Columns (in attribute order) and primary keys of ordinary and partitioned tables. */
const TABLES_QUERY = `SELECT c.oid AS relid, n.nspname, c.relname, c.relreplident, a.attname, a.atttypid, a.atttypmod, a.attnotnull,
  pg_get_expr(d.adbin, d.adrelid) AS default_expr,
  (SELECT array_to_string(array_agg(k.attname ORDER BY x.ord), chr(1))
     FROM pg_constraint p, unnest(p.conkey) WITH ORDINALITY AS x(attnum, ord), pg_attribute k
    WHERE p.conrelid = c.oid AND p.contype = 'p' AND k.attrelid = c.oid AND k.attnum = x.attnum) AS pk
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;

/**
 * The captured tables' definitions and event schemas (Debezium's PostgresSchema): read from the
 * catalog at start, and again for a table whose relation message (sent by pgoutput before its
 * first change and after every change of its definition) no longer matches, so added, dropped
 * and retyped columns appear in events without a restart.
 */
export class PostgresSchema {
  private readonly tables = new Map<string, TableSchema>();
  private readonly byRelation = new Map<number, string>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly config: CdcConfig,
    private readonly filters: TableFilters,
    private readonly converters: PostgresValueConverter,
    private readonly types: TypeRegistry,
    private readonly log: ConnectorLogger,
  ) {}

  /** Reads every captured table (and `extra` tables, such as the signal table). Returns their ids. */
  async refreshAll(client: pg.Client, extra: readonly TableId[] = []): Promise<TableId[]> {
    const definitions = await readDefinitions(client, '');
    const wanted = new Set(extra.map(qualifiedName));
    const ids: TableId[] = [];
    for (const definition of definitions) {
      if (!this.filters.isIncluded(definition.id) && !wanted.has(qualifiedName(definition.id)))
        continue;
      this.put(definition);
      ids.push(definition.id);
    }
    return ids.sort((a, b) => qualifiedName(a).localeCompare(qualifiedName(b)));
  }

  /** Reads one table again; null when it no longer exists. */
  async refreshTable(client: pg.Client, id: TableId): Promise<TableSchema | null> {
    const [definition] = await readDefinitions(client, id.schema, id.table);
    if (definition === undefined) return null;
    return this.put(definition);
  }

  /** Every table read so far. */
  knownTables(): TableId[] {
    return [...this.tables.values()].map((t) => t.definition.id);
  }

  /** The schema of a table read before, or undefined. */
  schemaFor(id: TableId): TableSchema | undefined {
    return this.tables.get(qualifiedName(id));
  }

  /** The table of a relation id seen in a relation message. */
  tableOfRelation(relationId: number): TableSchema | undefined {
    const name = this.byRelation.get(relationId);
    return name === undefined ? undefined : this.tables.get(name);
  }

  /**
   * Takes a relation message: when its columns differ from what is known (a column added, dropped
   * or retyped), the table is read from the catalog again and its schema rebuilt with the columns
   * of the message, which is what the changes that follow carry.
   */
  async applyRelation(client: pg.Client, message: RelationMessage): Promise<TableSchema | null> {
    const id = { schema: message.namespace, table: message.name };
    await Promise.all(message.columns.map((c) => this.types.resolve(client, c.typeOid)));
    const known = this.schemaFor(id);
    const matches =
      known !== undefined &&
      known.definition.columns.length === message.columns.length &&
      known.definition.columns.every((c, i) => {
        const m = message.columns[i];
        return (
          m !== undefined && m.name === c.name && m.typeOid === c.typeOid && m.typmod === c.typmod
        );
      });
    let schema = known;
    if (!matches) {
      const [catalog] = await readDefinitions(client, id.schema, id.table);
      const byName = new Map((catalog?.columns ?? []).map((c) => [c.name, c]));
      const columns: ColumnDefinition[] = message.columns.map((c) => ({
        name: c.name,
        typeOid: c.typeOid,
        typmod: c.typmod,
        optional: byName.get(c.name)?.optional ?? true,
        defaultExpression: byName.get(c.name)?.defaultExpression ?? null,
      }));
      if (known !== undefined) {
        const before = known.definition.columns.map((c) => c.name);
        const after = columns.map((c) => c.name);
        this.log.info(
          {
            table: qualifiedName(id),
            added: after.filter((c) => !before.includes(c)),
            dropped: before.filter((c) => !after.includes(c)),
          },
          `The definition of ${qualifiedName(id)} changed: its events now have the columns ${after.join(', ')}`,
        );
      }
      schema = this.put({
        id,
        relationId: message.relationId,
        columns,
        primaryKey: (catalog?.primaryKey ?? []).filter((k) => columns.some((c) => c.name === k)),
        replicaIdentity: message.replicaIdentity,
      });
    }
    this.byRelation.set(message.relationId, qualifiedName(id));
    return schema ?? null;
  }

  private put(definition: TableDefinition): TableSchema {
    const id = definition.id;
    const name = qualifiedName(id);
    const keyColumns = keyColumnsFor(this.config.messageKeyColumns, id) ?? definition.primaryKey;
    const schema = new TableSchema(
      definition,
      topicOf(this.config.topicPrefix, id),
      keyColumns,
      (column) => this.filters.isColumnIncluded(id, column),
      this.converters,
      this.types,
      (column) => {
        const key = `${name}.${column.name}`;
        if (this.warned.has(key)) return;
        this.warned.add(key);
        this.log.warn(
          { table: name, column: column.name },
          `Column ${key} has type ${this.types.get(column.typeOid).name}, which has no Debezium mapping: it is left out of events (as Debezium does)`,
        );
      },
    );
    this.tables.set(name, schema);
    this.byRelation.set(definition.relationId, name);
    return schema;
  }
}

/** Table definitions from the catalog: all tables, or one (`schema`, `table`). */
async function readDefinitions(
  client: pg.Client,
  schema: string,
  table?: string,
): Promise<TableDefinition[]> {
  const filter = table === undefined ? '' : ' AND n.nspname = $1 AND c.relname = $2';
  const { rows } = await client.query<ColumnRow>(
    `${TABLES_QUERY}${filter} ORDER BY n.nspname, c.relname, a.attnum`,
    table === undefined ? [] : [schema, table],
  );
  const out: TableDefinition[] = [];
  let current: { definition: TableDefinition; columns: ColumnDefinition[] } | null = null;
  for (const row of rows) {
    if (current === null || current.definition.relationId !== Number(row.relid)) {
      const columns: ColumnDefinition[] = [];
      current = {
        columns,
        definition: {
          id: { schema: row.nspname, table: row.relname },
          relationId: Number(row.relid),
          columns,
          primaryKey: row.pk === null ? [] : row.pk.split('\u0001'),
          replicaIdentity: row.relreplident,
        },
      };
      out.push(current.definition);
    }
    current.columns.push({
      name: row.attname,
      typeOid: Number(row.atttypid),
      typmod: Number(row.atttypmod),
      optional: row.attnotnull !== 't',
      defaultExpression: row.default_expr,
    });
  }
  return out;
}
