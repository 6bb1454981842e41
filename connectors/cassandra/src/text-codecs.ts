import type { CodecSettings } from './config.js';
import { convertTime } from './time-unit.js';

/** Days from 1970-01-01 to a proleptic Gregorian date (any year, no JavaScript Date range limit). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function checkDate(year: number, month: number, day: number): void {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (days === undefined || day < 1 || day > days) {
    throw new Error(`${year}-${month}-${day} is not a date`);
  }
}

/** Parsed pieces of a date, time or timestamp text. */
interface Parts {
  year?: number;
  month?: number;
  day?: number;
  hour?: number;
  minute?: number;
  second?: number;
  nanos?: number;
  pm?: boolean;
  /** Offset from UTC in minutes, or a zone name. */
  zone?: number | string;
}

type Reader = { regex: string; set: (parts: Parts, text: string) => void };

function offsetMinutes(text: string): number {
  if (text === 'Z' || text === 'z') return 0;
  const sign = text.startsWith('-') ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

const fraction = (parts: Parts, text: string) => {
  parts.nanos = Number(text.padEnd(9, '0').slice(0, 9));
};

/** Compiles a java.time pattern (the letters y u M d H h a m s S n X x Z and literals) to a regex. */
function compilePattern(pattern: string): { regex: RegExp; readers: Reader[] } {
  const readers: Reader[] = [];
  let source = '';
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i] as string;
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      const literal = end === i + 1 ? "'" : pattern.slice(i + 1, end < 0 ? undefined : end);
      source += literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i = end < 0 ? pattern.length : end + 1;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === c) n++;
    i += n;
    const num = (min: number, max: number, set: (p: Parts, v: number) => void): Reader => ({
      regex: `(-?\\d{${min},${max}})`,
      set: (p, t) => set(p, Number(t)),
    });
    let reader: Reader | null = null;
    switch (c) {
      case 'y':
      case 'u':
        reader = num(n === 2 ? 2 : 1, n === 2 ? 2 : 9, (p, v) => {
          p.year = n === 2 ? 2000 + v : v;
        });
        break;
      case 'M':
        reader = num(n, 2, (p, v) => {
          p.month = v;
        });
        break;
      case 'd':
        reader = num(n, 2, (p, v) => {
          p.day = v;
        });
        break;
      case 'H':
      case 'h':
        reader = num(n, 2, (p, v) => {
          p.hour = v;
        });
        break;
      case 'm':
        reader = num(n, 2, (p, v) => {
          p.minute = v;
        });
        break;
      case 's':
        reader = num(n, 2, (p, v) => {
          p.second = v;
        });
        break;
      case 'S':
        reader = { regex: `(\\d{${n}})`, set: fraction };
        break;
      case 'n':
        reader = {
          regex: '(\\d{1,9})',
          set: (p, t) => {
            p.nanos = Number(t);
          },
        };
        break;
      case 'a':
        reader = {
          regex: '([AaPp][Mm])',
          set: (p, t) => {
            p.pm = t.toUpperCase() === 'PM';
          },
        };
        break;
      case 'X':
      case 'x':
      case 'Z':
        reader = {
          regex: '(Z|z|[+-]\\d{2}(?::?\\d{2})?)',
          set: (p, t) => {
            p.zone = offsetMinutes(t);
          },
        };
        break;
      default:
        if (/[A-Za-z]/.test(c)) throw new Error(`pattern letter '${c}' is not supported`);
        source += c.repeat(n).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
    if (reader !== null) {
      readers.push(reader);
      source += reader.regex;
    }
  }
  return { regex: new RegExp(`^${source}$`), readers };
}

// yyyy-MM-dd[( |T)HH:mm[:ss[.fraction]]][zone][[Zone/Name]]: the forms CQL and ISO-8601 take.
const ISO_TIMESTAMP =
  /^([+-]?\d{4,9})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?(?:\[([^\]]+)\])?$/;
const ISO_TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?$/;
const ISO_DATE = /^([+-]?\d{4,9})-(\d{2})-(\d{2})$/;

/** Parsers of one topic's `codec.*` settings. */
export class TextCodecs {
  private readonly group: string;
  private readonly decimal: string;
  private readonly timestampPattern: ReturnType<typeof compilePattern> | null;
  private readonly datePattern: ReturnType<typeof compilePattern> | null;
  private readonly timePattern: ReturnType<typeof compilePattern> | null;
  private readonly zoneFormat: Intl.DateTimeFormat | null;
  private readonly fixedOffset: number | null;

  constructor(readonly settings: CodecSettings) {
    const locale = settings.locale.replace('_', '-');
    const parts = new Intl.NumberFormat(locale).formatToParts(12345.5);
    this.group = parts.find((p) => p.type === 'group')?.value ?? ',';
    this.decimal = parts.find((p) => p.type === 'decimal')?.value ?? '.';
    const named = (value: string, names: string[]) => names.includes(value.toUpperCase());
    this.timestampPattern = named(settings.timestamp, [
      'CQL_TIMESTAMP',
      'ISO_INSTANT',
      'ISO_OFFSET_DATE_TIME',
      'ISO_ZONED_DATE_TIME',
      'ISO_LOCAL_DATE_TIME',
      'ISO_DATE_TIME',
      'UNITS_SINCE_EPOCH',
    ])
      ? null
      : compilePattern(settings.timestamp);
    this.datePattern = named(settings.date, ['ISO_LOCAL_DATE', 'ISO_DATE'])
      ? null
      : compilePattern(settings.date);
    this.timePattern = named(settings.time, ['ISO_LOCAL_TIME', 'ISO_TIME'])
      ? null
      : compilePattern(settings.time);
    const zone = settings.timeZone;
    if (/^(UTC|GMT|Z)$/i.test(zone)) this.fixedOffset = 0;
    else if (/^(UTC|GMT)?[+-]\d{2}(:?\d{2})?$/i.test(zone)) {
      this.fixedOffset = offsetMinutes(zone.replace(/^(UTC|GMT)/i, ''));
    } else this.fixedOffset = null;
    this.zoneFormat =
      this.fixedOffset === null
        ? new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
        : null;
  }

  /** Checks the settings once (bad patterns, unknown zones, unknown locales throw). */
  static of(settings: CodecSettings): TextCodecs {
    return new TextCodecs(settings);
  }

  /** A number written in the topic's locale, as plain digits (`-1234.5`, exponent kept). */
  number(text: string): string {
    let t = text.trim();
    if (this.group !== '') t = t.split(this.group).join('');
    // Locales whose group separator is a (narrow) no-break space also accept plain spaces.
    if (/\s/.test(this.group)) t = t.replace(/\s/g, '');
    if (this.decimal !== '.') t = t.replace(this.decimal, '.');
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
      throw new Error(`'${text}' is not a number (locale ${this.settings.locale})`);
    }
    return t.startsWith('+') ? t.slice(1) : t;
  }

  private offsetAt(zone: number | string | undefined, localMs: number): number {
    if (typeof zone === 'number') return zone;
    const format =
      typeof zone === 'string'
        ? new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
        : this.zoneFormat;
    if (format === null) return this.fixedOffset ?? 0;
    const at = (ms: number) => {
      const name = format.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value;
      return name === undefined || name === 'GMT' ? 0 : offsetMinutes(name.slice(3));
    };
    // The offset in force at the instant this local time names (two steps settle DST edges).
    const first = at(localMs);
    return at(localMs - first * 60_000);
  }

  private instant(parts: Parts, text: string): { ms: number; nanos: number } {
    const { year, month = 1, day = 1 } = parts;
    if (year === undefined) throw new Error(`'${text}' has no year`);
    checkDate(year, month, day);
    let hour = parts.hour ?? 0;
    if (parts.pm !== undefined) hour = (hour % 12) + (parts.pm ? 12 : 0);
    const nanos = parts.nanos ?? 0;
    const local =
      daysFromCivil(year, month, day) * 86_400_000 +
      ((hour * 60 + (parts.minute ?? 0)) * 60 + (parts.second ?? 0)) * 1000 +
      Math.floor(nanos / 1_000_000);
    return { ms: local - this.offsetAt(parts.zone, local) * 60_000, nanos: nanos % 1_000_000 };
  }

  /** Milliseconds since the epoch of a timestamp given as text. */
  timestamp(text: string): number {
    const t = text.trim();
    let result: { ms: number; nanos: number } | null = null;
    if (/^-?\d+$/.test(t)) {
      // Digits only: an amount of codec.unit since the epoch (also when a pattern is set).
      const nanos = convertTime(BigInt(t), this.settings.unit, 'NANOSECONDS');
      const ms = nanos / 1_000_000n;
      result = { ms: Number(ms), nanos: Number(nanos - ms * 1_000_000n) };
    } else if (this.timestampPattern !== null) {
      result = this.instant(this.match(this.timestampPattern, t, 'timestamp'), t);
    } else {
      const m = ISO_TIMESTAMP.exec(t);
      if (m === null) throw new Error(`'${text}' is not a timestamp (${this.settings.timestamp})`);
      const [, y, mo, d, h, mi, s, f, offset, zoneName] = m;
      result = this.instant(
        {
          year: Number(y),
          month: Number(mo),
          day: Number(d),
          hour: Number(h ?? 0),
          minute: Number(mi ?? 0),
          second: Number(s ?? 0),
          nanos: f === undefined ? 0 : Number(f.padEnd(9, '0')),
          ...(offset !== undefined
            ? { zone: offsetMinutes(offset) }
            : zoneName
              ? { zone: zoneName }
              : {}),
        },
        t,
      );
    }
    if (result.nanos !== 0) {
      throw new Error(`'${text}' has sub-millisecond digits, which a CQL timestamp cannot hold`);
    }
    return result.ms;
  }

  /** Days since the epoch of a date given as text. */
  date(text: string): number {
    const t = text.trim();
    let parts: Parts;
    if (this.datePattern !== null) parts = this.match(this.datePattern, t, 'date');
    else {
      const m = ISO_DATE.exec(t);
      if (m === null) throw new Error(`'${text}' is not a date (${this.settings.date})`);
      parts = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
    }
    const { year, month = 1, day = 1 } = parts;
    if (year === undefined) throw new Error(`'${text}' has no year`);
    checkDate(year, month, day);
    return daysFromCivil(year, month, day);
  }

  /** Nanoseconds since midnight of a time given as text. */
  time(text: string): bigint {
    const t = text.trim();
    let parts: Parts;
    if (this.timePattern !== null) parts = this.match(this.timePattern, t, 'time');
    else {
      const m = ISO_TIME.exec(t);
      if (m === null) throw new Error(`'${text}' is not a time (${this.settings.time})`);
      parts = {
        hour: Number(m[1]),
        minute: Number(m[2]),
        second: Number(m[3] ?? 0),
        nanos: m[4] === undefined ? 0 : Number(m[4].padEnd(9, '0')),
      };
    }
    let hour = parts.hour ?? 0;
    if (parts.pm !== undefined) hour = (hour % 12) + (parts.pm ? 12 : 0);
    const minute = parts.minute ?? 0;
    const second = parts.second ?? 0;
    if (hour > 23 || minute > 59 || second > 59) throw new Error(`'${text}' is not a time of day`);
    return BigInt((hour * 60 + minute) * 60 + second) * 1_000_000_000n + BigInt(parts.nanos ?? 0);
  }

  private match(compiled: ReturnType<typeof compilePattern>, text: string, what: string): Parts {
    const m = compiled.regex.exec(text);
    if (m === null) throw new Error(`'${text}' does not match the ${what} pattern`);
    const parts: Parts = {};
    compiled.readers.forEach((reader, i) => {
      reader.set(parts, m[i + 1] as string);
    });
    return parts;
  }
}
