/**
 * Java's `SimpleDateFormat` in UTC with English names: the patterns Kafka's TimestampRouter and
 * TimestampConverter take (`yyyyMMdd`, `yyyy-MM-dd'T'HH:mm:ss.SSSXXX`, ...). Parsing is lenient as
 * Java's default: numbers may roll over (month 13 is January of the next year) and text after the
 * pattern is ignored.
 */

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const PATTERN_LETTERS = 'GyYMLwWDdFEuaHkKhmsSzZX';
const MILLIS_PER_DAY = 86_400_000;

type Token = { literal: string } | { letter: string; count: number; abutting: boolean };

function isNumericField(letter: string, count: number): boolean {
  if (letter === 'M' || letter === 'L') return count <= 2;
  return 'yYwWDdFuHkKhmsS'.includes(letter);
}

/** A compiled pattern; throws a SyntaxError (Java: IllegalArgumentException) for a bad pattern. */
export class SimpleDateFormat {
  private readonly tokens: Token[];

  constructor(readonly pattern: string) {
    this.tokens = compile(pattern);
  }

  /** Formats milliseconds since the epoch in UTC. */
  format(millis: number): string {
    const d = new Date(millis);
    let out = '';
    for (const token of this.tokens) {
      if ('literal' in token) out += token.literal;
      else out += formatField(d, token.letter, token.count);
    }
    return out;
  }

  /** Parses text into milliseconds since the epoch (UTC), or throws a `ParseError`. */
  parse(text: string): number {
    const fields: Record<string, number> = {};
    let pos = 0;
    let offsetMinutes = 0;
    for (const token of this.tokens) {
      if ('literal' in token) {
        if (!text.startsWith(token.literal, pos)) throw new ParseError(text, pos);
        pos += token.literal.length;
        continue;
      }
      const { letter, count } = token;
      if (isNumericField(letter, count)) {
        const width = token.abutting ? count : Number.POSITIVE_INFINITY;
        let end = pos;
        if (letter !== 'y' && letter !== 'Y' && (text[end] === '-' || text[end] === '+')) end++;
        while (end < text.length && end - pos < width && /[0-9]/.test(text[end] as string)) end++;
        const digits = text.slice(pos, end);
        if (!/[0-9]/.test(digits)) throw new ParseError(text, pos);
        let value = Number(digits);
        if ((letter === 'y' || letter === 'Y') && count <= 2 && digits.length === 2) {
          value = twoDigitYear(value);
        }
        fields[letter === 'L' ? 'M' : letter === 'Y' ? 'y' : letter] = value;
        pos = end;
        continue;
      }
      const rest = text.slice(pos);
      switch (letter) {
        case 'M':
        case 'L': {
          const found = matchName(rest, MONTHS);
          if (found === null) throw new ParseError(text, pos);
          fields.M = found.index + 1;
          pos += found.length;
          break;
        }
        case 'E': {
          const found = matchName(rest, DAYS);
          if (found === null) throw new ParseError(text, pos);
          pos += found.length;
          break;
        }
        case 'a': {
          const m = /^(am|pm)/i.exec(rest);
          if (m === null) throw new ParseError(text, pos);
          fields.a = (m[1] as string).toLowerCase() === 'pm' ? 1 : 0;
          pos += 2;
          break;
        }
        case 'G': {
          const m = /^(AD|BC)/i.exec(rest);
          if (m === null) throw new ParseError(text, pos);
          fields.G = (m[1] as string).toUpperCase() === 'BC' ? 0 : 1;
          pos += 2;
          break;
        }
        case 'z':
        case 'Z':
        case 'X': {
          const zone = parseZone(rest, letter, count);
          if (zone === null) throw new ParseError(text, pos);
          offsetMinutes = zone.offsetMinutes;
          pos += zone.length;
          break;
        }
        default:
          throw new ParseError(text, pos);
      }
    }
    let year = fields.y ?? 1970;
    if (fields.G === 0) year = 1 - year;
    const month = (fields.M ?? 1) - 1;
    let hour = fields.H ?? fields.k ?? 0;
    if (fields.k === 24 && fields.H === undefined) hour = 0;
    if (fields.h !== undefined || fields.K !== undefined) {
      const h12 = fields.K ?? (fields.h === 12 ? 0 : (fields.h ?? 0));
      hour = h12 + (fields.a === 1 ? 12 : 0);
    } else if (fields.a === 1 && fields.H === undefined && fields.k === undefined) hour = 12;
    const date = new Date(0);
    if (fields.D !== undefined && fields.d === undefined && fields.M === undefined) {
      date.setUTCFullYear(year, 0, fields.D);
    } else date.setUTCFullYear(year, month, fields.d ?? 1);
    date.setUTCHours(hour, fields.m ?? 0, fields.s ?? 0, fields.S ?? 0);
    return date.getTime() - offsetMinutes * 60_000;
  }

  toString(): string {
    return this.pattern;
  }
}

/** A text did not match the pattern (Java's `ParseException`). */
export class ParseError extends Error {
  constructor(text: string, offset: number) {
    super(`Unparseable date: "${text}"`);
    this.name = 'ParseError';
    this.offset = offset;
  }
  readonly offset: number;
}

function compile(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const pushLiteral = (text: string) => {
    const last = tokens[tokens.length - 1];
    if (last !== undefined && 'literal' in last) last.literal += text;
    else tokens.push({ literal: text });
  };
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        pushLiteral("'");
        i += 2;
        continue;
      }
      let text = '';
      i++;
      for (;;) {
        if (i >= pattern.length) throw new SyntaxError('Unterminated quote');
        if (pattern[i] === "'") {
          if (pattern[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += pattern[i];
        i++;
      }
      pushLiteral(text);
      continue;
    }
    if (/[a-zA-Z]/.test(c)) {
      if (!PATTERN_LETTERS.includes(c)) throw new SyntaxError(`Illegal pattern character '${c}'`);
      let count = 1;
      while (pattern[i + count] === c) count++;
      tokens.push({ letter: c, count, abutting: false });
      i += count;
      continue;
    }
    pushLiteral(c);
    i++;
  }
  // A numeric field directly followed by another numeric field is read with its exact width.
  for (let t = 0; t < tokens.length - 1; t++) {
    const token = tokens[t] as Token;
    const next = tokens[t + 1] as Token;
    if ('letter' in token && 'letter' in next) {
      if (isNumericField(token.letter, token.count) && isNumericField(next.letter, next.count)) {
        token.abutting = true;
      }
    }
  }
  return tokens;
}

function pad(value: number, width: number): string {
  const text = String(Math.abs(value));
  return (value < 0 ? '-' : '') + text.padStart(width, '0');
}

function dayOfYear(d: Date): number {
  return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / MILLIS_PER_DAY) + 1;
}

/**
 * Week of year and week year as Java's US calendar counts them: weeks start on Sunday and week 1
 * is the week holding January 1st (so the last days of December may be week 1 of the next year).
 */
function weekOfYear(d: Date): { week: number; weekYear: number } {
  const year = d.getUTCFullYear();
  const weekStart = d.getTime() - d.getUTCDay() * MILLIS_PER_DAY;
  if (weekStart + 6 * MILLIS_PER_DAY >= Date.UTC(year + 1, 0, 1)) {
    return { week: 1, weekYear: year + 1 };
  }
  const jan1 = new Date(Date.UTC(year, 0, 1)).getUTCDay();
  return { week: Math.floor((dayOfYear(d) - 1 + jan1) / 7) + 1, weekYear: year };
}

function weekOfMonth(d: Date): number {
  const first = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).getUTCDay();
  return Math.floor((d.getUTCDate() - 1 + first) / 7) + 1;
}

function formatField(d: Date, letter: string, count: number): string {
  const year = d.getUTCFullYear();
  switch (letter) {
    case 'G':
      return year > 0 ? 'AD' : 'BC';
    case 'y':
    case 'Y': {
      const calendarYear = letter === 'Y' ? weekOfYear(d).weekYear : year;
      const y = calendarYear > 0 ? calendarYear : 1 - calendarYear;
      return count === 2 ? pad(y % 100, 2) : pad(y, count);
    }
    case 'M':
    case 'L':
      if (count >= 4) return MONTHS[d.getUTCMonth()] as string;
      if (count === 3) return (MONTHS[d.getUTCMonth()] as string).slice(0, 3);
      return pad(d.getUTCMonth() + 1, count);
    case 'w':
      return pad(weekOfYear(d).week, count);
    case 'W':
      return pad(weekOfMonth(d), count);
    case 'D':
      return pad(dayOfYear(d), count);
    case 'd':
      return pad(d.getUTCDate(), count);
    case 'F':
      return pad(Math.floor((d.getUTCDate() - 1) / 7) + 1, count);
    case 'E': {
      const name = DAYS[d.getUTCDay()] as string;
      return count >= 4 ? name : name.slice(0, 3);
    }
    case 'u':
      return pad(d.getUTCDay() === 0 ? 7 : d.getUTCDay(), count);
    case 'a':
      return d.getUTCHours() < 12 ? 'AM' : 'PM';
    case 'H':
      return pad(d.getUTCHours(), count);
    case 'k':
      return pad(d.getUTCHours() === 0 ? 24 : d.getUTCHours(), count);
    case 'K':
      return pad(d.getUTCHours() % 12, count);
    case 'h':
      return pad(d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12, count);
    case 'm':
      return pad(d.getUTCMinutes(), count);
    case 's':
      return pad(d.getUTCSeconds(), count);
    case 'S':
      return pad(d.getUTCMilliseconds(), count);
    case 'z':
      return count >= 4 ? 'Coordinated Universal Time' : 'UTC';
    case 'Z':
      return '+0000';
    case 'X':
      return 'Z';
    default:
      throw new SyntaxError(`Illegal pattern character '${letter}'`);
  }
}

function matchName(
  text: string,
  names: readonly string[],
): { index: number; length: number } | null {
  const lower = text.toLowerCase();
  let best: { index: number; length: number } | null = null;
  names.forEach((name, index) => {
    for (const candidate of [name, name.slice(0, 3)]) {
      if (
        lower.startsWith(candidate.toLowerCase()) &&
        (best === null || candidate.length > best.length)
      ) {
        best = { index, length: candidate.length };
      }
    }
  });
  return best;
}

function parseZone(
  text: string,
  letter: string,
  count: number,
): { offsetMinutes: number; length: number } | null {
  if (letter === 'X') {
    // ISO 8601: X is +hh, XX +hhmm, XXX +hh:mm; Z means UTC.
    if (text.startsWith('Z')) return { offsetMinutes: 0, length: 1 };
    const iso =
      count === 1
        ? /^([+-])(\d{2})()/.exec(text)
        : count === 2
          ? /^([+-])(\d{2})(\d{2})/.exec(text)
          : /^([+-])(\d{2}):(\d{2})/.exec(text);
    if (iso === null) return null;
    const sign = iso[1] === '-' ? -1 : 1;
    return {
      offsetMinutes: sign * (Number(iso[2]) * 60 + Number(iso[3] || 0)),
      length: iso[0].length,
    };
  }
  for (const name of ['Coordinated Universal Time', 'UTC', 'GMT']) {
    if (text.startsWith(name)) {
      const rest = name === 'GMT' ? /^([+-])(\d{1,2}):?(\d{2})?/.exec(text.slice(3)) : null;
      if (rest === null) return { offsetMinutes: 0, length: name.length };
      const sign = rest[1] === '-' ? -1 : 1;
      const minutes = Number(rest[2]) * 60 + Number(rest[3] ?? 0);
      return { offsetMinutes: sign * minutes, length: 3 + rest[0].length };
    }
  }
  const m = /^([+-])(\d{2}):?(\d{2})?/.exec(text);
  if (m === null) return null;
  const sign = m[1] === '-' ? -1 : 1;
  return { offsetMinutes: sign * (Number(m[2]) * 60 + Number(m[3] ?? 0)), length: m[0].length };
}

/** Java's default century for two-digit years: within 80 years before and 20 after now. */
function twoDigitYear(value: number): number {
  const now = new Date();
  const start = now.getUTCFullYear() - 80;
  const century = Math.floor(start / 100) * 100;
  let year = century + value;
  if (year < start) year += 100;
  return year;
}
