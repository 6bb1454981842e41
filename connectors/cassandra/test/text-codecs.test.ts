import { describe, expect, it } from 'vitest';
import type { CodecSettings } from '../src/index.js';
import { TextCodecs } from '../src/index.js';
import { parseJsonText } from '../src/json-text.js';

const defaults: CodecSettings = {
  locale: 'en_US',
  timeZone: 'UTC',
  timestamp: 'CQL_TIMESTAMP',
  date: 'ISO_LOCAL_DATE',
  time: 'ISO_LOCAL_TIME',
  unit: 'MILLISECONDS',
};
const codecs = (settings: Partial<CodecSettings> = {}) =>
  TextCodecs.of({ ...defaults, ...settings });

describe('TextCodecs', () => {
  it('reads numbers written in the topic locale', () => {
    expect(codecs().number('1,234,567.89')).toBe('1234567.89');
    expect(codecs({ locale: 'de_DE' }).number('1.234.567,89')).toBe('1234567.89');
    expect(codecs({ locale: 'fr_FR' }).number('1 234 567,89')).toBe('1234567.89');
    expect(() => codecs().number('12abc')).toThrow(/'12abc' is not a number \(locale en_US\)/);
  });

  it('reads the timestamp forms CQL takes, in the topic time zone when the text has none', () => {
    const c = codecs();
    expect(c.timestamp('2024-03-01 12:00:00.123Z')).toBe(Date.UTC(2024, 2, 1, 12, 0, 0, 123));
    expect(c.timestamp('2024-03-01T12:00+0200')).toBe(Date.UTC(2024, 2, 1, 10));
    expect(c.timestamp('2024-03-01')).toBe(Date.UTC(2024, 2, 1));
    expect(c.timestamp('1700000000000')).toBe(1_700_000_000_000);
    expect(codecs({ unit: 'SECONDS' }).timestamp('1700000000')).toBe(1_700_000_000_000);
    expect(codecs({ timeZone: 'America/New_York' }).timestamp('2024-01-15 09:00:00')).toBe(
      Date.UTC(2024, 0, 15, 14),
    );
    expect(codecs({ timeZone: 'America/New_York' }).timestamp('2024-07-15 09:00:00')).toBe(
      Date.UTC(2024, 6, 15, 13),
    );
    expect(codecs({ timeZone: '+05:30' }).timestamp('2024-07-15 09:00:00')).toBe(
      Date.UTC(2024, 6, 15, 3, 30),
    );
    expect(() => c.timestamp('2024-03-01 12:00:00.123456Z')).toThrow(/sub-millisecond/);
    expect(() => c.timestamp('2024-02-30')).toThrow(/is not a date/);
  });

  it('reads timestamps, dates and times by java.time patterns', () => {
    expect(
      codecs({ timestamp: 'dd/MM/yyyy hh:mm a XXX' }).timestamp('05/11/2023 07:15 PM +01:00'),
    ).toBe(Date.UTC(2023, 10, 5, 18, 15));
    expect(codecs({ date: "yyyy'年'MM'月'dd'日'" }).date('2024年02月29日')).toBe(19782);
    expect(codecs({ time: 'HH.mm.ss.SSS' }).time('23.59.59.999')).toBe(86_399_999_000_000n);
    expect(codecs().time('12:34:56.123456789')).toBe(45_296_123_456_789n);
    expect(codecs().date('-4712-01-01')).toBe(-2_440_550);
    expect(() => codecs({ date: 'dd/MM/yyyy' }).date('2024-01-01')).toThrow(
      /does not match the date pattern/,
    );
    expect(() => codecs({ date: 'EEE dd' })).toThrow(/pattern letter 'E' is not supported/);
  });
});

describe('parseJsonText', () => {
  it('keeps every digit: big integers as bigint, fractions as exact decimals', () => {
    const value = parseJsonText(
      '{"id": 9007199254740993, "n": 5, "price": 12.50, "e": 1e3, "list": [true, null, "x"]}',
    ) as Record<string, unknown>;
    expect(value.id).toBe(9007199254740993n);
    expect(value.n).toBe(5);
    expect(String(value.price)).toBe('12.50');
    expect(value.e).toBe(1000);
    expect(value.list).toEqual([true, null, 'x']);
    expect(() => parseJsonText('{"a": 1,}')).toThrow(/expected a string key at position 8/);
  });
});
