import { DataException } from './errors.js';
import {
  DATE_LOGICAL_NAME,
  MILLIS_PER_DAY,
  TIME_LOGICAL_NAME,
  TIMESTAMP_LOGICAL_NAME,
} from './logical-names.js';
import type { Schema } from './schema.js';
import { SchemaBuilder } from './schema-builder.js';

// JS Dates cover ±100,000,000 days around the epoch.
const MAX_DATE_MS = 8.64e15;

function checkSchema(schema: Schema, logicalName: string, what: string): void {
  if (schema.name !== logicalName) {
    throw new DataException(
      `Requested conversion of ${what} object but the schema does not match.`,
    );
  }
}

function checkDate(value: unknown, what: string): number {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new DataException(`Kafka Connect ${what} value must be a valid Date`);
  }
  return value.getTime();
}

/** Days since 1970-01-01 of a Date at midnight UTC; throws a DataException if it has a time of day. */
function toDays(date: Date): number {
  const ms = checkDate(date, 'Date');
  if (ms % MILLIS_PER_DAY !== 0) {
    throw new DataException(
      `Kafka Connect Date type should not have any time fields set to non-zero values: ${date.toISOString()}`,
    );
  }
  return ms / MILLIS_PER_DAY;
}

/** The Date at midnight UTC `days` days after 1970-01-01. */
function fromDays(days: number): Date {
  if (!Number.isInteger(days) || Math.abs(days * MILLIS_PER_DAY) > MAX_DATE_MS) {
    throw new DataException(`Not a valid number of days since the epoch: ${days}`);
  }
  return new Date(days * MILLIS_PER_DAY);
}

/**
 * Milliseconds since midnight of a Date on 1970-01-01 UTC; throws a DataException otherwise.
 * 86400000 (24:00, the end of the day, which SQL `time` columns can hold) is accepted, as Kafka's
 * `Time.fromLogical` accepts it.
 */
function toMillisOfDay(date: Date): number {
  const ms = checkDate(date, 'Time');
  if (ms < 0 || ms > MILLIS_PER_DAY) {
    throw new DataException(
      `Kafka Connect Time type should not have any date fields set to non-zero values: ${date.toISOString()}`,
    );
  }
  return ms;
}

/** The Date `millis` milliseconds after midnight 1970-01-01 UTC, for `millis` in [0, 86400000]. */
function fromMillisOfDay(millis: number): Date {
  // Kafka's Time.toLogical accepts 86400000 (24:00) too; refusing it would fail data Kafka wrote.
  if (!Number.isInteger(millis) || millis < 0 || millis > MILLIS_PER_DAY) {
    throw new DataException(
      `Time values must use number of milliseconds greater than or equal to 0 and at most 86400000, got ${millis}`,
    );
  }
  return new Date(millis);
}

/**
 * Kafka Connect's Date logical type (`org.apache.kafka.connect.data.Date`): INT32 days since the
 * epoch underneath, a JS `Date` at midnight UTC as the value.
 */
export const ConnectDate = Object.freeze({
  LOGICAL_NAME: DATE_LOGICAL_NAME,
  /** A builder for the Date schema (INT32, named, version 1); add `.optional()` as needed. */
  builder(): SchemaBuilder {
    return SchemaBuilder.int32().name(DATE_LOGICAL_NAME).version(1);
  },
  /** The required Date schema. */
  SCHEMA: SchemaBuilder.int32().name(DATE_LOGICAL_NAME).version(1).build(),
  /** The INT32 days since the epoch of a Date value (which must be at midnight UTC). */
  fromLogical(schema: Schema, value: Date): number {
    checkSchema(schema, DATE_LOGICAL_NAME, 'Date');
    return toDays(value);
  },
  /** The Date value of INT32 days since the epoch. */
  toLogical(schema: Schema, days: number): Date {
    checkSchema(schema, DATE_LOGICAL_NAME, 'Date');
    return fromDays(days);
  },
  toDays,
  fromDays,
});

/**
 * Kafka Connect's Time logical type (`org.apache.kafka.connect.data.Time`): INT32 milliseconds
 * since midnight underneath, a JS `Date` on 1970-01-01 UTC as the value.
 */
export const ConnectTime = Object.freeze({
  LOGICAL_NAME: TIME_LOGICAL_NAME,
  /** A builder for the Time schema (INT32, named, version 1). */
  builder(): SchemaBuilder {
    return SchemaBuilder.int32().name(TIME_LOGICAL_NAME).version(1);
  },
  /** The required Time schema. */
  SCHEMA: SchemaBuilder.int32().name(TIME_LOGICAL_NAME).version(1).build(),
  /** The INT32 milliseconds since midnight of a Time value (a Date on 1970-01-01 UTC). */
  fromLogical(schema: Schema, value: Date): number {
    checkSchema(schema, TIME_LOGICAL_NAME, 'Time');
    return toMillisOfDay(value);
  },
  /** The Time value of INT32 milliseconds since midnight, in [0, 86400000]. */
  toLogical(schema: Schema, millis: number): Date {
    checkSchema(schema, TIME_LOGICAL_NAME, 'Time');
    return fromMillisOfDay(millis);
  },
  toMillisOfDay,
  fromMillisOfDay,
});

/**
 * Kafka Connect's Timestamp logical type (`org.apache.kafka.connect.data.Timestamp`): INT64
 * milliseconds since the epoch underneath (a bigint, as every INT64), a JS `Date` as the value.
 */
export const ConnectTimestamp = Object.freeze({
  LOGICAL_NAME: TIMESTAMP_LOGICAL_NAME,
  /** A builder for the Timestamp schema (INT64, named, version 1). */
  builder(): SchemaBuilder {
    return SchemaBuilder.int64().name(TIMESTAMP_LOGICAL_NAME).version(1);
  },
  /** The required Timestamp schema. */
  SCHEMA: SchemaBuilder.int64().name(TIMESTAMP_LOGICAL_NAME).version(1).build(),
  /** The INT64 milliseconds since the epoch of a Timestamp value. */
  fromLogical(schema: Schema, value: Date): bigint {
    checkSchema(schema, TIMESTAMP_LOGICAL_NAME, 'Timestamp');
    return BigInt(checkDate(value, 'Timestamp'));
  },
  /** The Date of INT64 milliseconds since the epoch (a bigint, or a safe-integer number). */
  toLogical(schema: Schema, millis: bigint | number): Date {
    checkSchema(schema, TIMESTAMP_LOGICAL_NAME, 'Timestamp');
    const ms = Number(millis);
    if (!Number.isInteger(ms) || Math.abs(ms) > MAX_DATE_MS || BigInt(ms) !== BigInt(millis)) {
      throw new DataException(`Timestamp out of the range a Date can hold: ${String(millis)}`);
    }
    return new Date(ms);
  },
});
