import { ConfigException, type ConnectRecord, DataException, Struct } from '@sluice/api';
import { nestedField, nestedValue } from './record-fields.js';

/** Gives the time a record belongs to, for time-based partitioning and `rotate.interval.ms`. */
export interface TimestampExtractor {
  /** Milliseconds since the epoch, or `null` when the record has none. */
  extract(record: ConnectRecord, nowMs: number): number | null;
  /** True when the result depends on the wall clock, not on the record. */
  readonly wallclock: boolean;
}

const NUMERIC_TIMESTAMP = /^-?[0-9]{1,19}$/;

function fromString(text: string, field: string): number {
  if (NUMERIC_TIMESTAMP.test(text)) return Number(text);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    throw new DataException(`Cannot parse '${text}' in record field ${field} as a timestamp`);
  }
  return ms;
}

function toMillis(value: unknown, field: string): number | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return Math.trunc(value);
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return fromString(value, field);
  throw new DataException(`Unsupported type for the timestamp field ${field}: ${typeof value}`);
}

/** The processing time (Confluent's `Wallclock`). */
export const WALLCLOCK_EXTRACTOR: TimestampExtractor = {
  wallclock: true,
  extract: (_record, nowMs) => nowMs,
};

/** The Kafka record's timestamp (Confluent's `Record`). */
export const RECORD_EXTRACTOR: TimestampExtractor = {
  wallclock: false,
  extract: (record) => record.timestamp,
};

/**
 * A field of the record value (Confluent's `RecordField`): a Timestamp, an INT32/INT64 of epoch
 * milliseconds, or a string (digits, or an ISO-8601 date-time); a dotted path reaches nested fields.
 */
export function recordFieldExtractor(fieldName: string): TimestampExtractor {
  return {
    wallclock: false,
    extract(record) {
      const value = record.value;
      if (value instanceof Struct) {
        const field = nestedField(record.valueSchema ?? value.schema, fieldName);
        if (field === undefined) {
          throw new DataException(`Field '${fieldName}' is not present in the schema.`);
        }
        const type = field.schema.type;
        if (type !== 'INT32' && type !== 'INT64' && type !== 'STRING') {
          throw new DataException(
            `Unsupported type '${type.toLowerCase()}' for user-defined timestamp field ${fieldName}`,
          );
        }
        return toMillis(nestedValue(value, fieldName), fieldName);
      }
      if (value instanceof Map || (value !== null && typeof value === 'object')) {
        const v = nestedValue(value, fieldName);
        if (v === null) {
          throw new DataException(`Error extracting timestamp from record field: ${fieldName}`);
        }
        return toMillis(v, fieldName);
      }
      throw new DataException('Value is not of Struct or Map type.');
    },
  };
}

/** The extractor `timestamp.extractor` names: `Wallclock`, `Record`, `RecordField` or Confluent's class names. */
export function createTimestampExtractor(name: string, fieldName: string): TimestampExtractor {
  const short = name.replace(
    /^io\.confluent\.connect\.storage\.partitioner\.TimeBasedPartitioner\$(\w+)TimestampExtractor$/,
    '$1',
  );
  switch (short) {
    case 'Wallclock':
      return WALLCLOCK_EXTRACTOR;
    case 'Record':
      return RECORD_EXTRACTOR;
    case 'RecordField':
      return recordFieldExtractor(fieldName);
    default:
      throw ConfigException.invalid(
        'timestamp.extractor',
        name,
        'Invalid timestamp extractor: use Wallclock, Record or RecordField',
      );
  }
}
