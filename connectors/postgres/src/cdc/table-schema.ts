import { DataException, type Schema, SchemaBuilder, Struct } from '@sluice/api';
import type { TableId } from '../pg-connection.js';
import { defaultValueOf } from './default-value-converter.js';
import { type TupleValue, UNCHANGED_TOAST } from './pgoutput/pgoutput-message.js';
import type { ColumnConverter, PostgresValueConverter } from './postgres-value-converter.js';
import { SOURCE_SCHEMA } from './source-info.js';
import type { TypeRegistry } from './type-registry.js';

/** A column of a captured table, as the catalog describes it. */
export interface ColumnDefinition {
  readonly name: string;
  readonly typeOid: number;
  readonly typmod: number;
  readonly optional: boolean;
  /** `pg_get_expr` of the column default, or null. */
  readonly defaultExpression: string | null;
}

/** A captured table: its columns in attribute order and its primary key. */
export interface TableDefinition {
  readonly id: TableId;
  readonly relationId: number;
  readonly columns: readonly ColumnDefinition[];
  readonly primaryKey: readonly string[];
  /** `d` default, `n` nothing, `f` full, `i` index. */
  readonly replicaIdentity: string;
}

/** Debezium's `transaction` block schema (`event.block`). */
export const TRANSACTION_BLOCK_SCHEMA: Schema = SchemaBuilder.struct()
  .name('event.block')
  .version(1)
  .field('id', SchemaBuilder.string().build())
  .field('total_order', SchemaBuilder.int64().build())
  .field('data_collection_order', SchemaBuilder.int64().build())
  .optional()
  .build();

/** Valid topic name characters; others become `_`, as Debezium's topic naming does. */
export function sanitizeTopicName(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 249);
  return clean === '.' ? '_' : clean === '..' ? '__' : clean;
}

/** The Debezium topic of a table: `<prefix>.<schema>.<table>`. */
export function topicOf(prefix: string, table: TableId): string {
  return sanitizeTopicName(`${prefix}.${table.schema}.${table.table}`);
}

interface MappedColumn {
  readonly name: string;
  readonly converter: ColumnConverter;
  /** The value when the row has NULL in a required field (Debezium's fallback). */
  readonly fallback: unknown;
  readonly optional: boolean;
  readonly defaultValue: unknown;
}

/** Positions of the value fields in a row (columns not mapped or filtered out are skipped). */
interface FieldSource {
  readonly column: number;
  readonly mapped: MappedColumn;
}

/**
 * The Connect schemas of one table's events (Debezium's TableSchema): key (`<topic>.Key`, the
 * primary key or `message.key.columns`), value (`<topic>.Value`) and envelope
 * (`<topic>.Envelope`), and the functions that turn a row of text values into key and value.
 */
export class TableSchema {
  readonly keySchema: Schema | null;
  /** The columns of the key, in key order (indexes into the definition's columns). */
  readonly keyIndexes: readonly number[];
  readonly valueSchema: Schema;
  readonly envelopeSchema: Schema;
  private readonly keyFields: readonly FieldSource[];
  private readonly valueFields: readonly FieldSource[];

  constructor(
    readonly definition: TableDefinition,
    readonly topic: string,
    keyColumns: readonly string[],
    includeColumn: (column: string) => boolean,
    converters: PostgresValueConverter,
    types: TypeRegistry,
    onUnmapped: (column: ColumnDefinition) => void,
  ) {
    const mapped = definition.columns.map((c): MappedColumn | null => {
      const converter = converters.mapColumn(c);
      if (converter === null) {
        onUnmapped(c);
        return null;
      }
      const value = defaultValueOf(c.defaultExpression, types.get(c.typeOid), converter.decode);
      const defaultValue = value === undefined ? null : value;
      // A required field without a value gets its default (left null: the struct and the
      // converters read the schema default) or else the type's zero, as Debezium does.
      const fallback = defaultValue === null ? fallbackOf(c, converter) : null;
      return { name: c.name, converter, fallback, optional: c.optional, defaultValue };
    });
    const fieldBuilder = (index: number) => {
      const m = mapped[index] as MappedColumn;
      const builder = m.converter.builder();
      if (m.optional) builder.optional();
      if (m.defaultValue !== null) builder.defaultValue(m.defaultValue);
      return builder.build();
    };
    const keyBuilder = SchemaBuilder.struct().name(`${topic}.Key`);
    const keys: FieldSource[] = [];
    for (const name of keyColumns) {
      const index = definition.columns.findIndex((c) => c.name === name);
      const m = mapped[index];
      if (index < 0) {
        throw new DataException(
          `Key column "${name}" of table ${definition.id.schema}.${definition.id.table} does not exist`,
        );
      }
      if (m === null || m === undefined) continue;
      keyBuilder.field(name, fieldBuilder(index));
      keys.push({ column: index, mapped: m });
    }
    this.keySchema = keys.length > 0 ? keyBuilder.build() : null;
    this.keyFields = keys;
    this.keyIndexes = keys.map((k) => k.column);
    const valueBuilder = SchemaBuilder.struct().name(`${topic}.Value`);
    const values: FieldSource[] = [];
    definition.columns.forEach((column, index) => {
      const m = mapped[index];
      if (m === null || m === undefined || !includeColumn(column.name)) return;
      valueBuilder.field(column.name, fieldBuilder(index));
      values.push({ column: index, mapped: m });
    });
    this.valueSchema = valueBuilder.optional().build();
    this.valueFields = values;
    this.envelopeSchema = SchemaBuilder.struct()
      .name(`${topic}.Envelope`)
      .version(2)
      .field('before', this.valueSchema)
      .field('after', this.valueSchema)
      .field('source', SOURCE_SCHEMA)
      .field('transaction', TRANSACTION_BLOCK_SCHEMA)
      .field('op', SchemaBuilder.string().build())
      .field('ts_ms', SchemaBuilder.int64().optional().build())
      .field('ts_us', SchemaBuilder.int64().optional().build())
      .field('ts_ns', SchemaBuilder.int64().optional().build())
      .build();
  }

  /** The record key of a row (values in column order), or null for a table without key. */
  keyOf(row: readonly TupleValue[]): Struct | null {
    if (this.keySchema === null) return null;
    return Struct.fromTrustedValues(this.keySchema, this.convert(row, this.keyFields, null));
  }

  /**
   * The `before`/`after` struct of a row. `oldRow` supplies unchanged TOASTed values of an update
   * when the server sent the old row (REPLICA IDENTITY FULL); otherwise they become the placeholder.
   */
  valueOf(row: readonly TupleValue[], oldRow: readonly TupleValue[] | null = null): Struct {
    return Struct.fromTrustedValues(this.valueSchema, this.convert(row, this.valueFields, oldRow));
  }

  private convert(
    row: readonly TupleValue[],
    fields: readonly FieldSource[],
    oldRow: readonly TupleValue[] | null,
  ): unknown[] {
    const out = new Array<unknown>(fields.length);
    for (let i = 0; i < fields.length; i++) {
      const { column, mapped } = fields[i] as FieldSource;
      let text = row[column];
      if (text === UNCHANGED_TOAST && oldRow !== null) text = oldRow[column];
      if (text === UNCHANGED_TOAST) out[i] = mapped.converter.placeholder;
      else if (text === null || text === undefined)
        out[i] = mapped.optional ? null : mapped.fallback;
      else {
        try {
          out[i] = mapped.converter.decode(text);
        } catch (error) {
          throw new DataException(
            `Column "${mapped.name}" (${mapped.converter.typeName}) of ${this.definition.id.schema}.${this.definition.id.table}: ${(error as Error).message}`,
            { cause: error },
          );
        }
      }
    }
    return out;
  }
}

/** Zero of a type, which Debezium puts in a required field the row has no value for. */
function fallbackOf(column: ColumnDefinition, converter: ColumnConverter): unknown {
  if (column.optional) return null;
  const zero: Record<string, string> = {
    bool: 'f',
    int2: '0',
    int4: '0',
    int8: '0',
    oid: '0',
    float4: '0',
    float8: '0',
    numeric: '0',
    date: '1970-01-01',
    time: '00:00:00',
    timestamp: '1970-01-01 00:00:00',
    timestamptz: '1970-01-01 00:00:00+00',
    interval: '00:00:00',
    bytea: '\\x',
  };
  const text = zero[converter.rootName] ?? '';
  try {
    return converter.decode(text);
  } catch {
    return null;
  }
}
