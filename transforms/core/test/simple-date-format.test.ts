import { describe, expect, it } from 'vitest';
import { SimpleDateFormat } from '../src/index.js';

const MS = Date.UTC(2024, 2, 5, 14, 7, 9, 45);

describe('SimpleDateFormat', () => {
  it('formats the pattern letters as Java does, in UTC', () => {
    const cases: [string, string][] = [
      ['yyyy-MM-dd HH:mm:ss.SSS', '2024-03-05 14:07:09.045'],
      ['yy/M/d H:m:s.S', '24/3/5 14:7:9.45'],
      ['EEEE, MMMM d', 'Tuesday, March 5'],
      ['EEE MMM', 'Tue Mar'],
      ['h:mm a', '2:07 PM'],
      ['K k', '2 14'],
      ['D F u w W', '65 1 2 10 2'],
      ["'at' HH 'o''clock'", "at 14 o'clock"],
      ['z Z X XXX', 'UTC +0000 Z Z'],
      ['G yyyy', 'AD 2024'],
    ];
    for (const [pattern, expected] of cases) {
      expect(new SimpleDateFormat(pattern).format(MS), pattern).toBe(expected);
    }
  });

  it('counts week years as the US calendar does at the turn of the year', () => {
    const f = new SimpleDateFormat('YYYY-ww');
    expect(f.format(Date.UTC(2024, 11, 30))).toBe('2025-01');
    expect(f.format(Date.UTC(2024, 11, 27))).toBe('2024-52');
  });

  it('parses leniently: rolled-over fields, abutting numbers, trailing text, offsets', () => {
    expect(new SimpleDateFormat('yyyy-MM-dd').parse('2024-13-01')).toBe(Date.UTC(2025, 0, 1));
    expect(new SimpleDateFormat('yyyyMMddHHmm').parse('202403051407')).toBe(
      Date.UTC(2024, 2, 5, 14, 7),
    );
    expect(new SimpleDateFormat('yyyy-MM-dd').parse('2024-03-05 and more')).toBe(
      Date.UTC(2024, 2, 5),
    );
    expect(new SimpleDateFormat("yyyy-MM-dd'T'HH:mmXXX").parse('2024-03-05T14:07+02:00')).toBe(
      Date.UTC(2024, 2, 5, 12, 7),
    );
    expect(new SimpleDateFormat('MMM d yyyy h a').parse('mar 5 2024 2 pm')).toBe(
      Date.UTC(2024, 2, 5, 14),
    );
  });

  it('refuses unparseable text and invalid patterns', () => {
    expect(() => new SimpleDateFormat('yyyy-MM-dd').parse('05/03/2024')).toThrow(/Unparseable/);
    expect(() => new SimpleDateFormat('XXX').parse('+0200')).toThrow(/Unparseable/);
    expect(() => new SimpleDateFormat('yyyy-qq')).toThrow(/Illegal pattern character 'q'/);
    expect(() => new SimpleDateFormat("'open")).toThrow(/Unterminated quote/);
  });
});
