import { describe, expect, it } from 'vitest';
import { hstoreJson, parseHstore } from '../src/cdc/hstore-text.js';
import { formatLsn, parseLsn } from '../src/cdc/lsn.js';
import {
  civilFromEpochDay,
  epochDay,
  intervalIso,
  intervalMicros,
  isoInstant,
  isoTime,
  parseDateDays,
  parseInterval,
  parseTimeMicros,
  parseTimestampMicros,
  parseTimetzMicrosUtc,
} from '../src/cdc/temporal-text.js';

describe('LSN text', () => {
  it('parses and prints X/Y as one 64-bit number', () => {
    expect(parseLsn('16/B374D848')).toBe(0x16b374d848n);
    expect(formatLsn(0x16b374d848n)).toBe('16/B374D848');
    expect(formatLsn(0n)).toBe('0/0');
    expect(() => parseLsn('16-B3')).toThrow(/Not an LSN/);
  });
});

describe('temporal text', () => {
  it('counts epoch days of proleptic Gregorian dates, BC included', () => {
    expect(epochDay(1970, 1, 1)).toBe(0);
    expect(epochDay(2024, 2, 29)).toBe(19782);
    expect(parseDateDays('0001-01-01')).toBe(-719162);
    expect(parseDateDays('0001-01-01 BC')).toBe(-719528);
    expect(civilFromEpochDay(-719528)).toEqual({ year: 0, month: 1, day: 1 });
    expect(parseDateDays('infinity')).toBe('infinity');
  });

  it('reads timestamps to exact microseconds, with offsets and BC years', () => {
    expect(parseTimestampMicros('2024-02-29 13:45:59.123456')).toBe(1709214359123456n);
    expect(parseTimestampMicros('2024-01-01 00:00:00+03')).toBe(1704056400000000n);
    expect(parseTimestampMicros('1900-01-01 00:00:00.000001+05:30')).toBe(-2209008599999999n);
    expect(parseTimestampMicros('0001-01-01 00:00:00 BC')).toBe(-62167219200000000n);
  });

  it('prints instants as java.time does: minimal fraction, or the column precision', () => {
    expect(isoInstant(1704067200000000n)).toBe('2024-01-01T00:00:00Z');
    expect(isoInstant(1704067200500000n)).toBe('2024-01-01T00:00:00.5Z');
    expect(isoInstant(1704067200500000n, 6)).toBe('2024-01-01T00:00:00.500000Z');
    expect(isoInstant(1704067200123000n, 3)).toBe('2024-01-01T00:00:00.123Z');
    expect(isoInstant(-1n, 6)).toBe('1969-12-31T23:59:59.999999Z');
    expect(isoInstant(-62167219200000000n)).toBe('0000-01-01T00:00:00Z');
  });

  it('reads times, 24:00:00 and timetz moved to UTC', () => {
    expect(parseTimeMicros('13:45:59.123456')).toBe(49559123456);
    expect(parseTimeMicros('24:00:00')).toBe(86400000000);
    expect(`${isoTime(parseTimetzMicrosUtc('13:45:59.5+02'))}Z`).toBe('11:45:59.5Z');
    expect(`${isoTime(parseTimetzMicrosUtc('23:59:59.999999-11:30'))}Z`).toBe('11:29:59.999999Z');
  });

  it('turns intervals into Debezium micro durations (365.25/12-day months) and ISO text', () => {
    expect(intervalMicros(parseInterval('1 year 2 mons 3 days 04:05:06.789'))).toBe(
      37091106789000n,
    );
    expect(intervalMicros(parseInterval('3 mons'))).toBe(7889400000000n);
    expect(intervalMicros(parseInterval('-3 years +1 day -00:00:00.000001'))).toBe(
      -94586400000001n,
    );
    expect(intervalIso(parseInterval('1 year 2 mons 3 days 04:05:06.78'))).toBe(
      'P1Y2M3DT4H5M6.78S',
    );
    expect(intervalIso(parseInterval('00:00:00'))).toBe('P0Y0M0DT0H0M0S');
  });
});

describe('hstore text', () => {
  it('parses quoted keys and values, NULL and escapes', () => {
    expect(parseHstore('"k1"=>"v1", "k2"=>NULL, "a\\"b"=>"c\\\\d"')).toEqual([
      ['k1', 'v1'],
      ['k2', null],
      ['a"b', 'c\\d'],
    ]);
    expect(parseHstore('')).toEqual([]);
  });

  it('writes JSON in java.util.HashMap iteration order, as Debezium does', () => {
    expect(
      hstoreJson([
        ['k1', 'v1'],
        ['k2', null],
      ]),
    ).toBe('{"k1":"v1","k2":null}');
    // PostgreSQL prints "b" before "aa" (shorter first); HashMap puts "aa" in bucket 0, "b" in 2.
    expect(
      hstoreJson([
        ['b', '1'],
        ['aa', '2'],
      ]),
    ).toBe('{"aa":"2","b":"1"}');
  });
});
