import { ConfigException, DataException, type SinkRecord, Struct } from '@sluice/api';
import cassandra from 'cassandra-driver';
import { consistencyOf } from './cassandra-session.js';
import type { TableSettings } from './config.js';
import { type CqlType, cqlTypeOf, quoteIdentifier } from './cql-type.js';
import { parseJsonText } from './json-text.js';
import { type FieldSource, type MappedColumn, TIMESTAMP_COLUMN, TTL_COLUMN } from './mapping.js';
import { type ColumnWriter, columnWriter, isRefusal } from './schema-mapping.js';
import type { TextCodecs } from './text-codecs.js';
import { convertTime } from './time-unit.js';

const { types } = cassandra;

/** The bind variable names the DataStax connector gives `__ttl` and `__timestamp` in custom queries. */
const TTL_VARIABLE = 'kafka_internal_ttl';
const TIMESTAMP_VARIABLE = 'kafka_internal_timestamp';
const INT_MAX = 2n ** 31n - 1n;

/** One record turned into one statement for one table. */
export interface BoundWrite {
  readonly writer: TableWriter;
  readonly record: SinkRecord;
  readonly query: string;
  readonly params: unknown[] | Record<string, unknown>;
  /** The partition key values, as text: writes with equal keys share a batch. */
  readonly routingKey: string;
}

/** A record's key and value, with JSON text parsed once (as the DataStax connector reads JSON strings). */
export class RecordView {
  private parsedKey: unknown;
  private parsedValue: unknown;
  private keyDone = false;
  private valueDone = false;

  constructor(readonly record: SinkRecord) {}

  root(kind: 'key' | 'value', path: readonly string[]): unknown {
    const raw = kind === 'key' ? this.record.key : this.record.value;
    if (path.length === 0 || typeof raw !== 'string') return raw;
    if (kind === 'key' ? !this.keyDone : !this.valueDone) {
      let parsed: unknown;
      try {
        parsed = parseJsonText(raw);
      } catch (error) {
        throw new DataException(
          `The record ${kind} is text but the mapping reads its fields, and it is not JSON: ${(error as Error).message}`,
          { record: this.record },
        );
      }
      if (kind === 'key') {
        this.parsedKey = parsed;
        this.keyDone = true;
      } else {
        this.parsedValue = parsed;
        this.valueDone = true;
      }
    }
    return kind === 'key' ? this.parsedKey : this.parsedValue;
  }
}

const MISSING = Symbol('missing');

function child(value: unknown, name: string): unknown {
  if (value instanceof Struct) {
    // By the Field found: one look-up of the name instead of two. A struct without the field
    // is a missing value, named as the DataStax connector names it.
    const field = value.schema.field(name);
    return field === undefined ? MISSING : value.get(field);
  }
  if (value instanceof Map) return value.has(name) ? value.get(name) : MISSING;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : MISSING;
  }
  return MISSING;
}

/** Reads a mapped field of a record; `null` for a field under a null value, MISSING when absent. */
function readField(view: RecordView, source: FieldSource): unknown {
  switch (source.kind) {
    case 'now':
      return types.TimeUuid.now().toString();
    case 'header':
      return view.record.headers.lastWithName(source.name)?.value ?? null;
    default: {
      let value = view.root(source.kind, source.path);
      for (const name of source.path) {
        if (value === null || value === undefined) return null;
        value = child(value, name);
        if (value === MISSING) return MISSING;
      }
      return value ?? null;
    }
  }
}

interface BoundColumn {
  readonly column: string;
  readonly mapped: MappedColumn;
  readonly type: CqlType;
  readonly write: ColumnWriter;
  readonly primaryKey: boolean;
  readonly partitionKey: boolean;
}

/** Reads `ks.table`'s metadata (refreshing it once when it is not known yet). */
async function tableMetadata(client: cassandra.Client, settings: TableSettings) {
  let table = await client.metadata.getTable(settings.keyspace, settings.table);
  if (!table) {
    await client.metadata.refreshKeyspace?.(settings.keyspace).catch(() => {});
    table = await client.metadata.getTable(settings.keyspace, settings.table);
  }
  if (!table) {
    const keyspace = client.metadata.keyspaces[settings.keyspace];
    throw new ConfigException(
      keyspace === undefined
        ? `Keyspace ${settings.keyspace} does not exist (${settings.keyPrefix}mapping).`
        : `Table ${settings.keyspace}.${settings.table} does not exist (${settings.keyPrefix}mapping).`,
      { key: `${settings.keyPrefix}mapping` },
    );
  }
  return table;
}

/**
 * Writes the records of one topic to one table, as the DataStax connector does: a prepared
 * INSERT of the mapped columns `USING TIMESTAMP` (the record's, or `__timestamp`) and TTL, an
 * UPDATE for counter tables, a DELETE by primary key for tombstones and records whose mapped
 * non-key columns are all null (when every column is mapped and deletes are enabled), or the
 * custom query.
 */
export class TableWriter {
  readonly name: string;
  readonly counter: boolean;
  /** Driver options of this table's statements and unlogged batches (made once). */
  readonly statementOptions: cassandra.QueryOptions;
  readonly batchOptions: cassandra.QueryOptions;
  private readonly columns: BoundColumn[];
  private readonly ttl: MappedColumn | null;
  private readonly timestamp: MappedColumn | null;
  private readonly upsertQuery: string;
  private readonly deleteQuery: string | null;
  private readonly keyOnly: boolean;

  private constructor(
    readonly settings: TableSettings,
    table: cassandra.metadata.TableMetadata,
    codecs: TextCodecs,
  ) {
    const { keyspace, mapping, keyPrefix } = settings;
    this.name = `${keyspace}.${settings.table}`;
    const partition = new Set(table.partitionKeys.map((c) => c.name));
    const primary = new Set([...partition, ...table.clusteringKeys.map((c) => c.name)]);
    const byName = new Map(table.columns.map((c) => [c.name, c]));
    this.ttl = mapping.find((m) => m.column === TTL_COLUMN) ?? null;
    this.timestamp = mapping.find((m) => m.column === TIMESTAMP_COLUMN) ?? null;
    const data = mapping.filter((m) => m !== this.ttl && m !== this.timestamp);
    const missing = data.filter((m) => !byName.has(m.column)).map((m) => quoteIdentifier(m.column));
    if (missing.length > 0) {
      throw ConfigException.invalid(
        `${keyPrefix}mapping`,
        mapping.map((m) => `${m.column}=${m.text}`).join(', '),
        `The following columns do not exist in table ${settings.table}: ${missing.join(', ')}`,
      );
    }
    const unmappedKeys = [...primary].filter((k) => !data.some((m) => m.column === k));
    if (settings.query === null && unmappedKeys.length > 0) {
      throw ConfigException.invalid(
        `${keyPrefix}mapping`,
        mapping.map((m) => `${m.column}=${m.text}`).join(', '),
        `The following columns are part of the primary key but are not mapped: ${unmappedKeys.join(', ')}`,
      );
    }
    this.columns = data.map((m) => {
      const type = cqlTypeOf(byName.get(m.column)?.type as never);
      return {
        column: m.column,
        mapped: m,
        type,
        write: columnWriter(type, codecs),
        primaryKey: primary.has(m.column),
        partitionKey: partition.has(m.column),
      };
    });
    this.counter = table.columns.some((c) => c.type.code === types.dataTypes.counter);
    if (this.counter && (settings.ttl !== -1 || this.ttl !== null)) {
      throw new ConfigException(
        `Cannot set ttl when updating a counter table (${keyPrefix}ttl, __ttl in ${keyPrefix}mapping)`,
        { key: `${keyPrefix}ttl` },
      );
    }
    const target = `${quoteIdentifier(keyspace)}.${quoteIdentifier(settings.table)}`;
    const keys = this.columns.filter((c) => c.primaryKey);
    const where = keys.map((c) => `${quoteIdentifier(c.column)} = ?`).join(' AND ');
    const ttlClause =
      this.ttl !== null
        ? ' AND TTL ?'
        : settings.ttl !== -1
          ? ` AND TTL ${convertTime(BigInt(settings.ttl), settings.ttlTimeUnit, 'SECONDS')}`
          : '';
    if (settings.query !== null) this.upsertQuery = settings.query;
    else if (this.counter) {
      const set = this.columns
        .filter((c) => !c.primaryKey)
        .map((c) => `${quoteIdentifier(c.column)} = ${quoteIdentifier(c.column)} + ?`);
      this.upsertQuery = `UPDATE ${target} SET ${set.join(', ')} WHERE ${where}`;
    } else {
      const names = this.columns.map((c) => quoteIdentifier(c.column)).join(', ');
      const markers = this.columns.map(() => '?').join(', ');
      this.upsertQuery = `INSERT INTO ${target} (${names}) VALUES (${markers}) USING TIMESTAMP ?${ttlClause}`;
    }
    this.keyOnly = this.columns.every((c) => c.primaryKey);
    const allMapped = table.columns.every((c) => this.columns.some((m) => m.column === c.name));
    this.deleteQuery =
      settings.deletesEnabled && settings.query === null && allMapped
        ? `DELETE FROM ${target} USING TIMESTAMP ? WHERE ${where}`
        : null;
    this.statementOptions = {
      prepare: true,
      consistency: consistencyOf(settings.consistency),
      // Writes carry explicit timestamps (counters aside): sending one again changes nothing.
      isIdempotent: !this.counter,
    };
    this.batchOptions = { ...this.statementOptions, logged: false, counter: this.counter };
    if (this.counter) this.columns.sort((a, b) => Number(a.primaryKey) - Number(b.primaryKey));
  }

  /** Reads the table's metadata and checks the mapping against it. */
  static async create(
    client: cassandra.Client,
    settings: TableSettings,
    codecs: TextCodecs,
  ): Promise<TableWriter> {
    return new TableWriter(settings, await tableMetadata(client, settings), codecs);
  }

  /** The statements this writer prepares (for logs). */
  get queries(): string[] {
    return this.deleteQuery === null ? [this.upsertQuery] : [this.upsertQuery, this.deleteQuery];
  }

  private fail(record: SinkRecord, message: string, cause?: unknown): never {
    throw new DataException(`${message} (${this.settings.keyPrefix}mapping)`, {
      record,
      ...(cause === undefined ? {} : { cause }),
    });
  }

  /** A record field as a number in `unit`, converted to `to` (TTL seconds, timestamp micros). */
  private timeField(
    view: RecordView,
    mapped: MappedColumn,
    unit: Parameters<typeof convertTime>[1],
    to: 'SECONDS' | 'MICROSECONDS',
  ): bigint | null {
    const value = readField(view, mapped.source);
    if (value === null || value === MISSING) return null;
    let amount: bigint;
    if (typeof value === 'bigint') amount = value;
    else if (typeof value === 'number' && Number.isSafeInteger(value)) amount = BigInt(value);
    else if (typeof value === 'string' && /^-?\d+$/.test(value.trim()))
      amount = BigInt(value.trim());
    else if (value instanceof Date && to === 'MICROSECONDS') return BigInt(value.getTime()) * 1000n;
    else {
      return this.fail(
        view.record,
        `The value of ${mapped.text} used as ${mapped.column} is not a whole number: ${String(value)}`,
      );
    }
    return convertTime(amount, unit, to);
  }

  /** Turns a record into this table's statement; throws a DataException naming the field at fault. */
  bind(view: RecordView): BoundWrite {
    const { record } = view;
    const values: unknown[] = [];
    let allNull = true;
    for (const c of this.columns) {
      const raw = readField(view, c.mapped.source);
      if (raw === MISSING) {
        this.fail(
          record,
          `Required field '${c.mapped.text}' (mapped to column ${quoteIdentifier(c.column)}) was missing from the record`,
        );
      }
      let value: unknown;
      try {
        value = c.write(raw);
      } catch (error) {
        if (!isRefusal(error)) throw error;
        this.fail(
          record,
          `Cannot write ${c.mapped.text} to column ${quoteIdentifier(c.column)}: ${error.message}`,
          error,
        );
      }
      if (value === null) {
        if (c.primaryKey) {
          this.fail(
            record,
            `Primary key column ${quoteIdentifier(c.column)} cannot be mapped to null (${c.mapped.text} is null)`,
          );
        }
        if (this.settings.nullToUnset) value = types.unset;
      } else if (!c.primaryKey && c.mapped.source.kind !== 'now') allNull = false;
      values.push(value);
    }
    let routingKey = '';
    for (let i = 0; i < this.columns.length; i++) {
      if ((this.columns[i] as BoundColumn).partitionKey)
        routingKey += `${routingPart(values[i])}\u0000`;
    }
    // As the DataStax connector: `__timestamp` when mapped and set, else the record timestamp
    // (except for custom queries, which set their own).
    const mappedMicros =
      this.timestamp === null
        ? null
        : this.timeField(view, this.timestamp, this.settings.timestampTimeUnit, 'MICROSECONDS');
    const micros =
      mappedMicros ??
      (record.timestamp !== null && this.settings.query === null
        ? BigInt(record.timestamp) * 1000n
        : null);
    const isDelete =
      this.deleteQuery !== null && (record.value === null || (allNull && !this.keyOnly));
    if (isDelete) {
      const keys = values.filter((_, i) => (this.columns[i] as BoundColumn).primaryKey);
      return {
        writer: this,
        record,
        query: this.deleteQuery as string,
        params: [micros ?? types.unset, ...keys],
        routingKey,
      };
    }
    let ttl: bigint | null = null;
    if (this.ttl !== null) {
      ttl = this.timeField(view, this.ttl, this.settings.ttlTimeUnit, 'SECONDS');
      if (ttl !== null && (ttl > INT_MAX || ttl < -INT_MAX)) {
        this.fail(record, `TTL ${ttl} seconds (from ${this.ttl.text}) is beyond a 32-bit integer`);
      }
    }
    if (this.settings.query !== null) {
      const params: Record<string, unknown> = {};
      this.columns.forEach((c, i) => {
        params[c.column.toLowerCase()] = values[i];
      });
      if (this.timestamp !== null) params[TIMESTAMP_VARIABLE] = micros ?? types.unset;
      if (this.ttl !== null) params[TTL_VARIABLE] = ttl === null ? types.unset : Number(ttl);
      return { writer: this, record, query: this.upsertQuery, params, routingKey };
    }
    if (this.counter) {
      return { writer: this, record, query: this.upsertQuery, params: values, routingKey };
    }
    values.push(micros ?? types.unset);
    if (this.ttl !== null) values.push(ttl === null ? types.unset : Number(ttl));
    return { writer: this, record, query: this.upsertQuery, params: values, routingKey };
  }
}

function routingPart(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'number') return String(value);
  if (Buffer.isBuffer(value)) return value.toString('hex');
  if (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Map) &&
    !Array.isArray(value)
  ) {
    return String(value);
  }
  return JSON.stringify(value, (_k, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v instanceof Map ? [...v] : v,
  );
}
