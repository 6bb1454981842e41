import { describe, expect, it } from 'vitest';
import {
  formatInstant,
  instantToMillis,
  parseArrayLiteral,
  parseByteaHex,
  parseDate,
  parseTime,
  parseTimestamp,
} from '../src/pg-text.js';

describe('PostgreSQL text format', () => {
  it('parses timestamps with microseconds, offsets, BC years, and formats them back', () => {
    const t = parseTimestamp('2024-02-29 12:34:56.789012+00');
    expect(t).toEqual({ epochSecond: Date.parse('2024-02-29T12:34:56Z') / 1000, micros: 789012 });
    expect(instantToMillis(t ?? { epochSecond: 0, micros: 0 })).toBe(
      Date.parse('2024-02-29T12:34:56.789Z'),
    );
    expect(formatInstant(t ?? { epochSecond: 0, micros: 0 })).toBe('2024-02-29 12:34:56.789012+00');
    expect(parseTimestamp('2024-01-01 02:00:00+05:30')).toEqual({
      epochSecond: Date.parse('2023-12-31T20:30:00Z') / 1000,
      micros: 0,
    });
    const beforeEpoch = parseTimestamp('1969-12-31 23:59:59.5');
    expect(beforeEpoch).toEqual({ epochSecond: -1, micros: 500000 });
    expect(instantToMillis(beforeEpoch ?? { epochSecond: 0, micros: 0 })).toBe(-500);
    const bc = parseTimestamp('0044-03-15 12:00:00 BC');
    expect(formatInstant(bc ?? { epochSecond: 0, micros: 0 })).toBe(
      '0044-03-15 12:00:00.000000+00 BC',
    );
    expect(parseTimestamp('infinity')).toBeNull();
  });

  it('parses dates, times and bytea', () => {
    expect(parseDate('1970-01-02')).toBe(1);
    expect(parseDate('0001-01-01')).toBe(-719162);
    expect(parseDate('-infinity')).toBeNull();
    expect(parseTime('24:00:00')).toBe(86_400_000);
    expect(parseTime('00:00:01.0019')).toBe(1001);
    expect(parseByteaHex('\\x00ff')).toEqual(new Uint8Array([0, 255]));
    expect(parseByteaHex('oops')).toBeNull();
  });

  it('parses array literals with quotes, escapes, NULLs and nesting', () => {
    expect(parseArrayLiteral('{1,NULL,3}')).toEqual(['1', null, '3']);
    expect(parseArrayLiteral('{"a,b","c\\"d","NULL",""}')).toEqual(['a,b', 'c"d', 'NULL', '']);
    expect(parseArrayLiteral('{}')).toEqual([]);
    expect(parseArrayLiteral('{{1,2},{3,4}}')).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(parseArrayLiteral('[0:1]={7,8}')).toEqual(['7', '8']);
    expect(parseArrayLiteral('{(0,0),(1,1);(2,2),(3,3)}', ';')).toEqual([
      '(0,0),(1,1)',
      '(2,2),(3,3)',
    ]);
    expect(() => parseArrayLiteral('1,2')).toThrow(/malformed/);
  });
});
