import { ConfigException } from '@sluice/api';
import type { LocalFields, TimeZone } from './time-zone.js';

type Token =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'field'; readonly letter: string; readonly count: number };

const LETTERS = 'GCYxwedEyDMdaKhHkmsSzZ';

function tokenize(pattern: string, key: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === "'") {
      // Quoted text; '' is a literal quote, inside or outside quotes (as Joda).
      let j = i + 1;
      let text = '';
      if (pattern[j] === "'") {
        tokens.push({ kind: 'literal', text: "'" });
        i = j + 1;
        continue;
      }
      for (;;) {
        if (j >= pattern.length) {
          throw ConfigException.invalid(key, pattern, 'Unterminated quote in the date pattern');
        }
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += pattern[j];
        j++;
      }
      tokens.push({ kind: 'literal', text });
      i = j + 1;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      if (!LETTERS.includes(c)) {
        throw ConfigException.invalid(key, pattern, `Illegal pattern component: ${c}`);
      }
      let j = i;
      while (pattern[j] === c) j++;
      tokens.push({ kind: 'field', letter: c, count: j - i });
      i = j;
    } else {
      tokens.push({ kind: 'literal', text: c });
      i++;
    }
  }
  return tokens;
}

function pad(value: number, width: number): string {
  const text = String(Math.abs(value)).padStart(width, '0');
  return value < 0 ? `-${text}` : text;
}

/** ISO week-based year and week number of a local date. */
function isoWeek(f: LocalFields): { weekYear: number; week: number } {
  const date = Date.UTC(f.year, f.month - 1, f.day);
  // The Thursday of this week decides its year.
  const thursday = date + (4 - f.dayOfWeek) * 86_400_000;
  const weekYear = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(weekYear, 0, 1)) / (7 * 86_400_000)) + 1;
  return { weekYear, week };
}

function dayOfYear(f: LocalFields): number {
  return (Date.UTC(f.year, f.month - 1, f.day) - Date.UTC(f.year, 0, 1)) / 86_400_000 + 1;
}

/**
 * A Joda-Time `DateTimeFormat` pattern (what Confluent's `path.format` is), formatting instants in
 * a time zone with a locale: `'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH` gives
 * `year=2015/month=12/day=07/hour=15`. Numeric fields pad to the letter count; `MMM`/`MMMM`,
 * `E`/`EEEE`, `a` and `z` use the locale's names.
 */
export class DateTimePattern {
  private readonly tokens: Token[];
  private readonly monthNames = new Map<string, string[]>();
  private readonly dayNames = new Map<string, string[]>();

  constructor(
    readonly pattern: string,
    readonly zone: TimeZone,
    readonly locale: string,
    key = 'path.format',
  ) {
    this.tokens = tokenize(pattern, key);
  }

  /** The formatted local time of `instant`. */
  format(instant: number): string {
    const f = this.zone.fields(instant);
    let out = '';
    for (const token of this.tokens) {
      out +=
        token.kind === 'literal' ? token.text : this.field(token.letter, token.count, f, instant);
    }
    return out;
  }

  private field(letter: string, count: number, f: LocalFields, instant: number): string {
    switch (letter) {
      case 'G':
        return f.year > 0 ? 'AD' : 'BC';
      case 'C':
        return pad(Math.floor(f.year / 100), count);
      case 'y':
      case 'Y':
        return count === 2 ? pad(((f.year % 100) + 100) % 100, 2) : pad(f.year, count);
      case 'x': {
        const { weekYear } = isoWeek(f);
        return count === 2 ? pad(weekYear % 100, 2) : pad(weekYear, count);
      }
      case 'w':
        return pad(isoWeek(f).week, count);
      case 'e':
        return pad(f.dayOfWeek, count);
      case 'E':
        return this.names(this.dayNames, count >= 4 ? 'long' : 'short', 'weekday')[
          f.dayOfWeek - 1
        ] as string;
      case 'D':
        return pad(dayOfYear(f), count);
      case 'M':
        if (count >= 3) {
          return this.names(this.monthNames, count >= 4 ? 'long' : 'short', 'month')[
            f.month - 1
          ] as string;
        }
        return pad(f.month, count);
      case 'd':
        return pad(f.day, count);
      case 'a':
        return f.hour < 12 ? 'AM' : 'PM';
      case 'K':
        return pad(f.hour % 12, count);
      case 'h':
        return pad(f.hour % 12 === 0 ? 12 : f.hour % 12, count);
      case 'H':
        return pad(f.hour, count);
      case 'k':
        return pad(f.hour === 0 ? 24 : f.hour, count);
      case 'm':
        return pad(f.minute, count);
      case 's':
        return pad(f.second, count);
      case 'S':
        return pad(f.millisecond, 3).slice(0, count).padEnd(count, '0');
      case 'Z': {
        if (count >= 3) return this.zone.id;
        const offset = this.zone.offsetAt(instant);
        if (offset === 0 && count === 1) return '+0000';
        const sign = offset < 0 ? '-' : '+';
        const minutes = Math.abs(offset) / 60_000;
        const hh = pad(Math.floor(minutes / 60), 2);
        const mm = pad(minutes % 60, 2);
        return count === 1 ? `${sign}${hh}${mm}` : `${sign}${hh}:${mm}`;
      }
      case 'z':
        return (
          new Intl.DateTimeFormat(this.locale, {
            timeZone:
              this.zone.id.startsWith('+') || this.zone.id.startsWith('-') ? 'UTC' : this.zone.id,
            timeZoneName: count >= 4 ? 'long' : 'short',
          })
            .formatToParts(new Date(instant))
            .find((p) => p.type === 'timeZoneName')?.value ?? this.zone.id
        );
      default:
        return '';
    }
  }

  private names(
    cache: Map<string, string[]>,
    width: 'long' | 'short',
    what: 'month' | 'weekday',
  ): string[] {
    const cacheKey = `${what}:${width}`;
    let names = cache.get(cacheKey);
    if (names === undefined) {
      const format = new Intl.DateTimeFormat(this.locale, { [what]: width, timeZone: 'UTC' });
      names =
        what === 'month'
          ? Array.from({ length: 12 }, (_, m) => format.format(Date.UTC(2021, m, 15)))
          : // 2021-03-01 is a Monday.
            Array.from({ length: 7 }, (_, d) => format.format(Date.UTC(2021, 2, 1 + d)));
      cache.set(cacheKey, names);
    }
    return names;
  }
}

/** The locale a Java `Locale` string names (`en_US`, `en-US`, `fr`), checked; throws naming `key`. */
export function parseLocale(text: string, key = 'locale'): string {
  const tag = text.trim().replaceAll('_', '-');
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    if (canonical === undefined) throw new Error('empty');
    return canonical;
  } catch {
    throw ConfigException.invalid(key, text, 'Not a locale such as en-US or fr-FR');
  }
}
