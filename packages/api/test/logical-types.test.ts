import { describe, expect, it } from 'vitest';
import {
  ConnectDate,
  ConnectTime,
  ConnectTimestamp,
  DATE_LOGICAL_NAME,
  DataException,
  MILLIS_PER_DAY,
  Schema,
  SchemaBuilder,
  TIME_LOGICAL_NAME,
  TIMESTAMP_LOGICAL_NAME,
  validateValue,
} from '../src/index.js';

describe('Date logical type', () => {
  it('is INT32 named org.apache.kafka.connect.data.Date, version 1', () => {
    expect(ConnectDate.SCHEMA).toMatchObject({
      type: 'INT32',
      name: 'org.apache.kafka.connect.data.Date',
      version: 1,
      optional: false,
    });
    expect(DATE_LOGICAL_NAME).toBe(ConnectDate.LOGICAL_NAME);
    expect(ConnectDate.builder().optional().build().optional).toBe(true);
  });

  it('converts to and from days since the epoch, before and after 1970', () => {
    const schema = ConnectDate.SCHEMA;
    expect(ConnectDate.fromLogical(schema, new Date('1970-01-01T00:00:00Z'))).toBe(0);
    expect(ConnectDate.fromLogical(schema, new Date('2024-02-29T00:00:00Z'))).toBe(19782);
    expect(ConnectDate.fromLogical(schema, new Date('1969-12-31T00:00:00Z'))).toBe(-1);
    expect(ConnectDate.toLogical(schema, 19782).toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(ConnectDate.toLogical(schema, -719162).toISOString()).toBe('0001-01-01T00:00:00.000Z');
  });

  it('refuses a Date with a time of day, as Kafka', () => {
    expect(() => ConnectDate.fromLogical(ConnectDate.SCHEMA, new Date(1))).toThrow(
      /^Kafka Connect Date type should not have any time fields set to non-zero values/,
    );
    expect(() => ConnectDate.fromLogical(ConnectDate.SCHEMA, new Date(-1))).toThrow(DataException);
  });

  it('refuses a schema of another name, invalid Dates and fractional days', () => {
    expect(() => ConnectDate.fromLogical(Schema.INT32_SCHEMA, new Date(0))).toThrow(
      'Requested conversion of Date object but the schema does not match.',
    );
    expect(() => ConnectDate.toLogical(ConnectTime.SCHEMA, 0)).toThrow(DataException);
    expect(() => ConnectDate.fromLogical(ConnectDate.SCHEMA, new Date(Number.NaN))).toThrow(
      DataException,
    );
    expect(() => ConnectDate.toLogical(ConnectDate.SCHEMA, 1.5)).toThrow(DataException);
    expect(() => ConnectDate.toLogical(ConnectDate.SCHEMA, 2 ** 31)).toThrow(DataException);
  });

  it('validates only midnight-UTC Dates as values', () => {
    expect(() => validateValue(ConnectDate.SCHEMA, new Date(MILLIS_PER_DAY * 3))).not.toThrow();
    expect(() => validateValue(ConnectDate.SCHEMA, new Date(MILLIS_PER_DAY * 3 + 1))).toThrow(
      /a Date at midnight UTC/,
    );
    expect(() => validateValue(ConnectDate.SCHEMA, 3)).toThrow(
      /expects a valid Date, got number 3/,
    );
  });

  it('leaves a plain INT32 schema taking numbers', () => {
    expect(() => validateValue(Schema.INT32_SCHEMA, 3)).not.toThrow();
    expect(() => validateValue(Schema.INT32_SCHEMA, new Date(0))).toThrow(DataException);
  });
});

describe('Time logical type', () => {
  it('is INT32 named org.apache.kafka.connect.data.Time, version 1', () => {
    expect(ConnectTime.SCHEMA).toMatchObject({
      type: 'INT32',
      name: TIME_LOGICAL_NAME,
      version: 1,
    });
    expect(TIME_LOGICAL_NAME).toBe('org.apache.kafka.connect.data.Time');
  });

  it('converts to and from milliseconds since midnight', () => {
    const schema = ConnectTime.SCHEMA;
    const noon = new Date('1970-01-01T12:34:56.789Z');
    expect(ConnectTime.fromLogical(schema, noon)).toBe(45296789);
    expect(ConnectTime.toLogical(schema, 45296789)).toEqual(noon);
    expect(ConnectTime.toLogical(schema, 0).getTime()).toBe(0);
  });

  it('accepts 24:00 (86400000 ms) both ways, as Kafka does', () => {
    const schema = ConnectTime.SCHEMA;
    expect(ConnectTime.toLogical(schema, MILLIS_PER_DAY).getTime()).toBe(86400000);
    expect(ConnectTime.fromLogical(schema, new Date(MILLIS_PER_DAY))).toBe(86400000);
    expect(() => validateValue(schema, new Date(MILLIS_PER_DAY))).not.toThrow();
  });

  it('refuses a Date with a date part and out-of-range milliseconds', () => {
    const schema = ConnectTime.SCHEMA;
    expect(() => ConnectTime.fromLogical(schema, new Date('1970-01-02T00:00:00.001Z'))).toThrow(
      /^Kafka Connect Time type should not have any date fields set to non-zero values/,
    );
    expect(() => ConnectTime.fromLogical(schema, new Date(-1))).toThrow(DataException);
    expect(() => ConnectTime.toLogical(schema, -1)).toThrow(DataException);
    expect(() => ConnectTime.toLogical(schema, MILLIS_PER_DAY + 1)).toThrow(
      /^Time values must use number of milliseconds/,
    );
    expect(() => ConnectTime.toLogical(schema, 1.5)).toThrow(DataException);
    expect(() => validateValue(schema, new Date('2024-01-01T10:00:00Z'))).toThrow(
      /a Date on 1970-01-01 UTC/,
    );
  });

  it('refuses a schema of another name', () => {
    expect(() => ConnectTime.fromLogical(ConnectDate.SCHEMA, new Date(0))).toThrow(
      'Requested conversion of Time object but the schema does not match.',
    );
  });
});

describe('Timestamp logical type', () => {
  it('is INT64 named org.apache.kafka.connect.data.Timestamp, version 1', () => {
    expect(ConnectTimestamp.SCHEMA).toMatchObject({
      type: 'INT64',
      name: TIMESTAMP_LOGICAL_NAME,
      version: 1,
    });
    expect(TIMESTAMP_LOGICAL_NAME).toBe('org.apache.kafka.connect.data.Timestamp');
  });

  it('converts to an INT64 bigint of milliseconds and back, keeping milliseconds', () => {
    const schema = ConnectTimestamp.SCHEMA;
    const at = new Date('2024-02-29T12:34:56.789Z');
    expect(ConnectTimestamp.fromLogical(schema, at)).toBe(1709210096789n);
    expect(ConnectTimestamp.toLogical(schema, 1709210096789n)).toEqual(at);
    expect(ConnectTimestamp.toLogical(schema, 1709210096789)).toEqual(at);
    expect(ConnectTimestamp.fromLogical(schema, new Date(-1))).toBe(-1n);
  });

  it('refuses milliseconds a JS Date cannot hold instead of rounding them', () => {
    const schema = ConnectTimestamp.SCHEMA;
    expect(() => ConnectTimestamp.toLogical(schema, 2n ** 62n)).toThrow(
      'Timestamp out of the range a Date can hold: 4611686018427387904',
    );
    expect(() => ConnectTimestamp.toLogical(schema, 8_640_000_000_000_001n)).toThrow(DataException);
    expect(ConnectTimestamp.toLogical(schema, 8_640_000_000_000_000n).toISOString()).toBe(
      '+275760-09-13T00:00:00.000Z',
    );
    expect(() => ConnectTimestamp.toLogical(schema, 1.5)).toThrow(DataException);
  });

  it('refuses invalid Dates and schemas of another name', () => {
    expect(() =>
      ConnectTimestamp.fromLogical(ConnectTimestamp.SCHEMA, new Date(Number.NaN)),
    ).toThrow('Kafka Connect Timestamp value must be a valid Date');
    expect(() => ConnectTimestamp.fromLogical(Schema.INT64_SCHEMA, new Date(0))).toThrow(
      'Requested conversion of Timestamp object but the schema does not match.',
    );
  });

  it('validates Dates, not bigints, as values', () => {
    expect(() => validateValue(ConnectTimestamp.SCHEMA, new Date(5))).not.toThrow();
    expect(() => validateValue(ConnectTimestamp.SCHEMA, 5n)).toThrow(DataException);
    expect(() => validateValue(ConnectTimestamp.SCHEMA, new Date(Number.NaN))).toThrow(
      /got Date Invalid Date/,
    );
  });

  it('applies only when name and underlying type both match', () => {
    // An INT32 that happens to carry the Timestamp name is not the logical type.
    const odd = SchemaBuilder.int32().name(TIMESTAMP_LOGICAL_NAME).build();
    expect(() => validateValue(odd, 5)).not.toThrow();
  });
});
