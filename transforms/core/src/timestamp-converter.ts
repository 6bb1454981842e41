import {
  ConfigDef,
  ConfigException,
  ConnectDate,
  ConnectException,
  type ConnectRecord,
  ConnectTime,
  ConnectTimestamp,
  DataException,
  Schema,
  SchemaBuilder,
  Struct,
  type Transformation,
  ValidString,
} from '@sluice/api';
import { fieldValue, REPLACE_NULL_WITH_DEFAULT_DOC } from './field-value.js';
import { PLUGIN_VERSION } from './plugin-version.js';
import { KEY, type RecordPart, VALUE } from './record-part.js';
import { requireMap, requireStructOrNull } from './requirements.js';
import { SchemaCache } from './schema-cache.js';
import { copySchemaBasics } from './schema-copy.js';
import { MapDraft, mapGet } from './schemaless-map.js';
import { ParseError, SimpleDateFormat } from './simple-date-format.js';
import { valueKind } from './value-kind.js';

const PURPOSE = 'converting timestamp formats';
const MILLIS_PER_DAY = 86_400_000;

/** The representations TimestampConverter converts between (`target.type`). */
export type TimestampType = 'string' | 'unix' | 'Date' | 'Time' | 'Timestamp';
type UnixPrecision = 'seconds' | 'milliseconds' | 'microseconds' | 'nanoseconds';

const CONFIG_DEF = new ConfigDef()
  .define('field', {
    type: 'STRING',
    default: '',
    importance: 'HIGH',
    documentation:
      'The field containing the timestamp, or empty if the entire value is a timestamp',
  })
  .define('target.type', {
    type: 'STRING',
    validator: ValidString.in('string', 'unix', 'Date', 'Time', 'Timestamp'),
    importance: 'HIGH',
    documentation: 'The desired timestamp representation: string, unix, Date, Time, or Timestamp',
  })
  .define('format', {
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    documentation:
      'A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string or used to parse the input if the input is a string.',
  })
  .define('unix.precision', {
    type: 'STRING',
    default: 'milliseconds',
    validator: ValidString.in('nanoseconds', 'microseconds', 'milliseconds', 'seconds'),
    importance: 'LOW',
    documentation:
      'The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. Used to generate the output when type=unix or used to parse the input if the input is a Long.Note: This SMT will cause precision loss during conversions from, and to, values with sub-millisecond components.',
  })
  .define('replace.null.with.default', {
    type: 'BOOLEAN',
    default: true,
    importance: 'MEDIUM',
    documentation: REPLACE_NULL_WITH_DEFAULT_DOC,
  });

const OPTIONAL_DATE_SCHEMA = ConnectDate.builder().optional().build();
const OPTIONAL_TIME_SCHEMA = ConnectTime.builder().optional().build();
const OPTIONAL_TIMESTAMP_SCHEMA = ConnectTimestamp.builder().optional().build();

function typeSchema(type: TimestampType, optional: boolean): Schema {
  switch (type) {
    case 'string':
      return optional ? Schema.OPTIONAL_STRING_SCHEMA : Schema.STRING_SCHEMA;
    case 'unix':
      return optional ? Schema.OPTIONAL_INT64_SCHEMA : Schema.INT64_SCHEMA;
    case 'Date':
      return optional ? OPTIONAL_DATE_SCHEMA : ConnectDate.SCHEMA;
    case 'Time':
      return optional ? OPTIONAL_TIME_SCHEMA : ConnectTime.SCHEMA;
    case 'Timestamp':
      return optional ? OPTIONAL_TIMESTAMP_SCHEMA : ConnectTimestamp.SCHEMA;
  }
}

/**
 * Converts timestamps between strings (SimpleDateFormat patterns, UTC), Unix epoch numbers and
 * the Connect Date, Time and Timestamp types, for one field or the whole key or value, as Kafka's
 * `TimestampConverter`.
 */
export abstract class TimestampConverter<R extends ConnectRecord = ConnectRecord>
  implements Transformation<R>
{
  private field = '';
  private type: TimestampType = 'Timestamp';
  private format: SimpleDateFormat | null = null;
  private precision: UnixPrecision = 'milliseconds';
  private replaceNullWithDefault = true;
  private readonly cache = new SchemaCache();

  protected constructor(private readonly part: RecordPart) {}

  configure(props: Record<string, unknown>): void {
    const config = CONFIG_DEF.parse(props);
    this.field = config.field;
    this.type = config['target.type'] as TimestampType;
    this.precision = config['unix.precision'] as UnixPrecision;
    this.replaceNullWithDefault = config['replace.null.with.default'];
    const pattern = config.format;
    if (this.type === 'string' && pattern.trim() === '') {
      throw new ConfigException(
        'TimestampConverter requires format option to be specified when using string timestamps',
        { key: 'format', value: pattern },
      );
    }
    this.format = null;
    if (pattern.trim() !== '') {
      try {
        this.format = new SimpleDateFormat(pattern);
      } catch (error) {
        throw new ConfigException(
          `TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: ${pattern}`,
          { key: 'format', value: pattern, cause: error },
        );
      }
    }
    this.cache.clear();
  }

  apply(record: R): R {
    const schema = this.part.schema(record);
    const raw = this.part.value(record);
    if (schema === null) {
      if (raw === null || this.field === '') {
        return this.part.update(record, null, this.convert(raw, null));
      }
      const value = requireMap(raw, PURPOSE);
      const updated = MapDraft.copyOf(value);
      updated.set(this.field, this.convert(mapGet(value, this.field), null));
      return this.part.update(record, null, updated.build());
    }
    if (this.field === '') {
      return this.part.update(
        record,
        typeSchema(this.type, schema.optional),
        this.convert(raw, this.typeFromSchema(schema)),
      );
    }
    const value = requireStructOrNull(raw, PURPOSE);
    const updatedSchema = this.cache.get(schema, (s) => {
      const builder = copySchemaBasics(s, SchemaBuilder.struct());
      for (const field of s.fields) {
        builder.field(
          field.name,
          field.name === this.field ? typeSchema(this.type, field.schema.optional) : field.schema,
        );
      }
      if (s.optional) builder.optional();
      if (s.defaultValue !== null) {
        builder.defaultValue(this.convertStruct(s.defaultValue as Struct, builder.build()));
      }
      return builder.build();
    });
    return this.part.update(record, updatedSchema, this.convertStruct(value, updatedSchema));
  }

  private convertStruct(value: Struct | null, updatedSchema: Schema): Struct | null {
    if (value === null) return null;
    const updated = new Struct(updatedSchema);
    for (const field of value.schema.fields) {
      const original = fieldValue(value, field, this.replaceNullWithDefault);
      updated.put(
        field.name,
        field.name === this.field
          ? this.convert(original, this.typeFromSchema(field.schema))
          : original,
      );
    }
    return updated;
  }

  private typeFromSchema(schema: Schema): TimestampType {
    if (schema.name === ConnectTimestamp.LOGICAL_NAME) return 'Timestamp';
    if (schema.name === ConnectDate.LOGICAL_NAME) return 'Date';
    if (schema.name === ConnectTime.LOGICAL_NAME) return 'Time';
    if (schema.type === 'STRING') return 'string';
    if (schema.type === 'INT64') return 'unix';
    throw new ConnectException(
      `Schema ${String(schema)} does not correspond to a known timestamp type format`,
    );
  }

  private inferType(value: unknown): TimestampType {
    if (value instanceof Date) return 'Timestamp';
    if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) {
      return 'unix';
    }
    if (typeof value === 'string') return 'string';
    throw new DataException(
      `TimestampConverter does not support ${valueKind(value)} objects as timestamps`,
    );
  }

  /** Converts a timestamp from `from` (inferred when null) to the target type. */
  private convert(value: unknown, from: TimestampType | null): unknown {
    if (value === null || value === undefined) return null;
    const millis = this.toMillis(value, from ?? this.inferType(value));
    return this.fromMillis(millis);
  }

  private toMillis(value: unknown, from: TimestampType): number {
    switch (from) {
      case 'string': {
        if (typeof value !== 'string') {
          throw new DataException(
            `Expected string timestamp to be a String, but found ${valueKind(value)}`,
          );
        }
        const format = this.format as SimpleDateFormat;
        try {
          return format.parse(value);
        } catch (error) {
          if (!(error instanceof ParseError)) throw error;
          throw new DataException(
            `Could not parse timestamp: value (${value}) does not match pattern (${format.pattern})`,
            { cause: error },
          );
        }
      }
      case 'unix': {
        if (typeof value !== 'bigint' && !(typeof value === 'number' && Number.isInteger(value))) {
          throw new DataException(
            `Expected Unix timestamp to be a Long, but found ${valueKind(value)}`,
          );
        }
        const unix = BigInt(value);
        const millis =
          this.precision === 'seconds'
            ? unix * 1000n
            : this.precision === 'microseconds'
              ? unix / 1000n
              : this.precision === 'nanoseconds'
                ? unix / 1_000_000n
                : unix;
        return Number(millis);
      }
      default:
        if (!(value instanceof Date)) {
          throw new DataException(
            `Expected ${from} to be a java.util.Date, but found ${valueKind(value)}`,
          );
        }
        return value.getTime();
    }
  }

  private fromMillis(millis: number): unknown {
    switch (this.type) {
      case 'string':
        return (this.format as SimpleDateFormat).format(millis);
      case 'unix': {
        const ms = BigInt(millis);
        if (this.precision === 'seconds') return ms / 1000n;
        if (this.precision === 'microseconds') return ms * 1000n;
        if (this.precision === 'nanoseconds') return ms * 1_000_000n;
        return ms;
      }
      case 'Date':
        return new Date(Math.floor(millis / MILLIS_PER_DAY) * MILLIS_PER_DAY);
      case 'Time':
        return new Date(((millis % MILLIS_PER_DAY) + MILLIS_PER_DAY) % MILLIS_PER_DAY);
      case 'Timestamp':
        return new Date(millis);
    }
  }

  config(): ConfigDef<object> {
    return CONFIG_DEF;
  }

  version(): string {
    return PLUGIN_VERSION;
  }

  close(): void {
    this.cache.clear();
  }
}

/** {@link TimestampConverter} on the key (`org.apache.kafka.connect.transforms.TimestampConverter$Key`). */
export class TimestampConverterKey<
  R extends ConnectRecord = ConnectRecord,
> extends TimestampConverter<R> {
  constructor() {
    super(KEY);
  }
}

/** {@link TimestampConverter} on the value (`org.apache.kafka.connect.transforms.TimestampConverter$Value`). */
export class TimestampConverterValue<
  R extends ConnectRecord = ConnectRecord,
> extends TimestampConverter<R> {
  constructor() {
    super(VALUE);
  }
}
