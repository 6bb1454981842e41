import {
  ConnectDate,
  ConnectTime,
  ConnectTimestamp,
  DataException,
  Decimal,
  type Field,
  Schema,
  type SinkRecord,
  Struct,
} from '@sluice/api';
import type { SinkConfig } from './config.js';
import { copyField, escapeCopyText } from './copy-text.js';
import { toPgParam } from './schema-mapping.js';

/** Where a column's value comes from in a sink record. */
type ColumnSource =
  | { kind: 'topic' }
  | { kind: 'partition' }
  | { kind: 'offset' }
  | { kind: 'key' }
  | { kind: 'keyField'; field: string }
  | { kind: 'valueField'; field: string };

/** One destination column. */
export interface PlannedColumn {
  readonly name: string;
  readonly schema: Schema;
  readonly source: ColumnSource;
}

/**
 * The columns records of one key/value schema pair write (the JDBC sink's FieldsMetadata): key
 * columns by `pk.mode`/`pk.fields`, then value columns (`fields.whitelist`, key fields excluded).
 */
export interface ColumnPlan {
  readonly keyColumns: readonly PlannedColumn[];
  readonly valueColumns: readonly PlannedColumn[];
  readonly keySchema: Schema | null;
  readonly valueSchema: Schema | null;
}

function recordContext(record: SinkRecord): string {
  return `(topic='${record.topic}', partition=${record.kafkaPartition}, offset=${record.kafkaOffset})`;
}

/** A DataException naming the record's topic, partition and offset. */
export function recordError(record: SinkRecord, message: string, cause?: unknown): DataException {
  return new DataException(`${message} ${recordContext(record)}`, {
    record,
    ...(cause === undefined ? {} : { cause }),
  });
}

function structFields(
  record: SinkRecord,
  schema: Schema | null,
  what: 'key' | 'value',
): readonly { name: string; schema: Schema }[] {
  if (schema === null || schema.type !== 'STRUCT') {
    throw recordError(
      record,
      `The record ${what} must be a Struct with a schema for this pk.mode (it has ${schema === null ? 'no schema' : `a ${schema.type} schema`}); use a converter with schemas.`,
    );
  }
  return schema.fields;
}

/** The plan for a record, or throws a DataException saying why the record cannot be written. */
export function planFor(config: SinkConfig, record: SinkRecord, isDelete: boolean): ColumnPlan {
  const keyColumns: PlannedColumn[] = [];
  const keyNames = new Set<string>();
  const add = (c: PlannedColumn) => {
    keyColumns.push(c);
    keyNames.add(c.name);
  };
  switch (config.pkMode) {
    case 'none':
      break;
    case 'kafka': {
      const [topic, partition, offset] = config.pkFields as [string, string, string];
      add({ name: topic, schema: Schema.STRING_SCHEMA, source: { kind: 'topic' } });
      add({ name: partition, schema: Schema.INT32_SCHEMA, source: { kind: 'partition' } });
      add({ name: offset, schema: Schema.INT64_SCHEMA, source: { kind: 'offset' } });
      break;
    }
    case 'record_key': {
      const schema = record.keySchema;
      if (schema === null) {
        throw recordError(record, 'pk.mode=record_key needs a record key with a schema');
      }
      if (schema.type !== 'STRUCT') {
        if (config.pkFields.length !== 1 || config.pkFields[0] === undefined) {
          throw recordError(
            record,
            `The record key is a primitive (${schema.type}): pk.fields must name exactly one column for it`,
          );
        }
        add({ name: config.pkFields[0], schema, source: { kind: 'key' } });
        break;
      }
      const fields = structFields(record, schema, 'key');
      const wanted = config.pkFields.length > 0 ? config.pkFields : fields.map((f) => f.name);
      for (const name of wanted) {
        const field = fields.find((f) => f.name === name);
        if (field === undefined) {
          throw recordError(
            record,
            `pk.fields names "${name}", which the record key does not have`,
          );
        }
        add({ name, schema: field.schema, source: { kind: 'keyField', field: name } });
      }
      break;
    }
    case 'record_value': {
      const fields = structFields(record, record.valueSchema, 'value');
      const wanted = config.pkFields.length > 0 ? config.pkFields : fields.map((f) => f.name);
      for (const name of wanted) {
        const field = fields.find((f) => f.name === name);
        if (field === undefined) {
          throw recordError(
            record,
            `pk.fields names "${name}", which the record value does not have`,
          );
        }
        add({ name, schema: field.schema, source: { kind: 'valueField', field: name } });
      }
      break;
    }
  }
  const valueColumns: PlannedColumn[] = [];
  if (!isDelete) {
    const fields = structFields(record, record.valueSchema, 'value');
    for (const field of fields) {
      if (keyNames.has(field.name)) continue;
      if (config.fieldsWhitelist.length > 0 && !config.fieldsWhitelist.includes(field.name))
        continue;
      valueColumns.push({
        name: field.name,
        schema: field.schema,
        source: { kind: 'valueField', field: field.name },
      });
    }
  }
  return {
    keyColumns,
    valueColumns,
    keySchema: record.keySchema,
    valueSchema: isDelete ? null : record.valueSchema,
  };
}

function columnValue(record: SinkRecord, column: PlannedColumn): unknown {
  const source = column.source;
  switch (source.kind) {
    case 'topic':
      return record.topic;
    case 'partition':
      return record.kafkaPartition;
    case 'offset':
      return BigInt(record.kafkaOffset);
    case 'key':
      return record.key;
    case 'keyField':
      if (!(record.key instanceof Struct)) {
        throw recordError(record, 'The record key is not a Struct (it is null or schemaless)');
      }
      return record.key.get(source.field);
    case 'valueField':
      if (!(record.value instanceof Struct)) {
        throw recordError(record, 'The record value is not a Struct');
      }
      return record.value.get(source.field);
  }
}

/**
 * The parameters of one record for `columns`, in order; the first `keyCount` columns are primary
 * key columns, which may not be null.
 */
export function paramsOf(
  record: SinkRecord,
  columns: readonly PlannedColumn[],
  keyCount: number,
): unknown[] {
  return columns.map((column, i) => {
    const value = columnValue(record, column);
    if ((value === null || value === undefined) && i < keyCount) {
      throw recordError(record, `Primary key column "${column.name}" is null`);
    }
    try {
      return toPgParam(column.name, column.schema, value);
    } catch (error) {
      throw recordError(record, (error as Error).message, error);
    }
  });
}

/** The COPY text of one non-null value of a column: what `copyField(toPgParam(...))` gives. */
type FieldEncoder = (value: unknown) => string;

function fieldEncoder(column: PlannedColumn): FieldEncoder {
  const schema = column.schema;
  switch (schema.name) {
    // Digits, signs, dashes, colons and dots only: nothing to escape.
    case Decimal.LOGICAL_NAME:
      return (value) => (value as Decimal).toString();
    case ConnectTimestamp.LOGICAL_NAME:
      return (value) => (value as Date).toISOString();
    case ConnectDate.LOGICAL_NAME:
    case ConnectTime.LOGICAL_NAME:
      return (value) => toPgParam(column.name, schema, value) as string;
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
    case 'INT64':
    case 'FLOAT32':
    case 'FLOAT64':
    case 'BOOLEAN':
      return (value) => String(value);
    case 'STRING':
      return (value) => escapeCopyText(String(value));
    case 'BYTES':
      return (value) => {
        const bytes = value as Uint8Array;
        // `\x...` is bytea's hex input; the backslash itself is escaped for COPY.
        return `\\\\x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
      };
    default:
      return (value) => copyField(toPgParam(column.name, schema, value));
  }
}

/**
 * A function turning a record into its COPY text line (without the newline) for `columns`,
 * checking what `paramsOf` checks (primary key columns not null, values a column can hold) and
 * throwing the same record errors. Every record must have `valueSchema` or an equal schema, as
 * the records of a run do.
 */
export function copyLineEncoder(
  columns: readonly PlannedColumn[],
  keyCount: number,
  valueSchema: Schema | null,
): (record: SinkRecord) => string {
  const encoders = columns.map(fieldEncoder);
  const fields: (Field | undefined)[] = columns.map((c) =>
    c.source.kind === 'valueField' && valueSchema?.type === 'STRUCT'
      ? valueSchema.field(c.source.field)
      : undefined,
  );
  return (record) => {
    let line = '';
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i] as PlannedColumn;
      const field = fields[i];
      // By position when the value is a Struct of the record's own value schema (equal to the
      // run's, so its fields sit where `field` says); by name otherwise.
      const value =
        field !== undefined &&
        record.value instanceof Struct &&
        record.value.schema === record.valueSchema
          ? record.value.get(field)
          : columnValue(record, column);
      if (i > 0) line += '\t';
      if (value === null || value === undefined) {
        if (i < keyCount) throw recordError(record, `Primary key column "${column.name}" is null`);
        line += '\\N';
        continue;
      }
      try {
        line += (encoders[i] as FieldEncoder)(value);
      } catch (error) {
        throw recordError(record, (error as Error).message, error);
      }
    }
    return line;
  };
}
