import { describe, expect, it } from 'vitest';
import { DateTimePattern, parseLocale } from '../src/date-time-pattern.js';
import { TimeZone } from '../src/time-zone.js';

const at = (iso: string) => Date.parse(iso);

describe('DateTimePattern (Joda path.format)', () => {
  it("formats Confluent's hourly layout with quoted literals and zero padding", () => {
    const p = new DateTimePattern(
      "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH",
      TimeZone.UTC,
      'en-US',
    );
    expect(p.format(at('2015-12-07T15:04:05Z'))).toBe('year=2015/month=12/day=07/hour=15');
  });

  it('formats in the configured time zone, daylight saving included', () => {
    const la = TimeZone.forId('America/Los_Angeles');
    const p = new DateTimePattern('yyyy-MM-dd HH:mm Z', la, 'en-US');
    expect(p.format(at('2024-01-15T12:30:00Z'))).toBe('2024-01-15 04:30 -0800');
    expect(p.format(at('2024-07-15T12:30:00Z'))).toBe('2024-07-15 05:30 -0700');
  });

  it('accepts fixed-offset zones as Joda does', () => {
    const p = new DateTimePattern('HH:mm ZZ', TimeZone.forId('+05:30'), 'en-US');
    expect(p.format(at('2024-01-01T00:00:00Z'))).toBe('05:30 +05:30');
  });

  it('writes month and day names in the locale, two-digit years, and a quote', () => {
    const p = new DateTimePattern("EEE, d MMM yy 'o''clock' MMMM EEEE", TimeZone.UTC, 'en-US');
    expect(p.format(at('2021-03-01T00:00:00Z'))).toBe("Mon, 1 Mar 21 o'clock March Monday");
    const fr = new DateTimePattern('MMMM', TimeZone.UTC, parseLocale('fr_FR'));
    expect(fr.format(at('2021-03-01T00:00:00Z'))).toBe('mars');
  });

  it('formats day of year, ISO week and milliseconds', () => {
    const p = new DateTimePattern('D w xxxx SSS', TimeZone.UTC, 'en-US');
    expect(p.format(at('2021-01-03T00:00:00.042Z'))).toBe('3 53 2020 042');
  });

  it('refuses unknown pattern letters, unknown zones and unterminated quotes', () => {
    expect(() => new DateTimePattern('yyyy-q', TimeZone.UTC, 'en')).toThrow(
      /Illegal pattern component: q/,
    );
    expect(() => new DateTimePattern("'year", TimeZone.UTC, 'en')).toThrow(/Unterminated quote/);
    expect(() => TimeZone.forId('Mars/Olympus')).toThrow(/not recognised/);
  });
});

describe('TimeZone', () => {
  it('converts local wall time back to the instant, across a DST change', () => {
    const paris = TimeZone.forId('Europe/Paris');
    const instant = at('2024-03-31T03:30:00Z'); // 05:30 CEST, after the spring change
    expect(paris.localToUtc(paris.utcToLocal(instant))).toBe(instant);
    const winter = at('2024-01-10T10:00:00Z');
    expect(paris.localToUtc(paris.utcToLocal(winter))).toBe(winter);
  });
});
