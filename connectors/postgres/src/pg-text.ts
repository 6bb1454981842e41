/**
 * Parsers for PostgreSQL's text output format (what the server sends for every column when
 * results are read as text, and what logical replication's pgoutput sends too).
 */

/** A point in time with PostgreSQL's microsecond precision. */
export interface PgInstant {
  /** Whole seconds since the epoch (floor, so `micros` is never negative). */
  readonly epochSecond: number;
  /** Microseconds within the second, 0..999999. */
  readonly micros: number;
}

const TIMESTAMP_PATTERN =
  /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?( BC)?$/;
const DATE_PATTERN = /^(\d{4,})-(\d{2})-(\d{2})( BC)?$/;
const TIME_PATTERN = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

function utcSeconds(year: number, month: number, day: number, h = 0, m = 0, s = 0): number {
  if (year >= 100) return Date.UTC(year, month - 1, day, h, m, s) / 1000;
  const date = new Date(0);
  // setUTCFullYear keeps years 0..99 as they are (Date.UTC would map them to 19xx).
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(h, m, s, 0);
  return date.getTime() / 1000;
}

function digitsAt(text: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    n = n * 10 + d;
  }
  return n;
}

/**
 * The common shape `YYYY-MM-DD HH:MM:SS[.f{1,6}][+00]` (UTC session, four-digit year, AD)
 * without a regular expression; null for anything else.
 */
function parseUtcTimestampFast(text: string): PgInstant | null {
  let end = text.length;
  if (text.endsWith('+00')) end -= 3;
  if (end < 19 || text.charCodeAt(4) !== 45 || text.charCodeAt(10) !== 32) return null;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return null;
  let micros = 0;
  if (end > 19) {
    const digits = end - 20;
    if (text.charCodeAt(19) !== 46 || digits < 1 || digits > 6) return null;
    micros = digitsAt(text, 20, digits) * 10 ** (6 - digits);
  }
  const year = digitsAt(text, 0, 4);
  if (!(year >= 100)) return null;
  const ms = Date.UTC(
    year,
    digitsAt(text, 5, 2) - 1,
    digitsAt(text, 8, 2),
    digitsAt(text, 11, 2),
    digitsAt(text, 14, 2),
    digitsAt(text, 17, 2),
  );
  if (Number.isNaN(ms) || Number.isNaN(micros)) return null;
  return { epochSecond: ms / 1000, micros };
}

/** Parses `timestamp` / `timestamptz` text (ISO DateStyle); `null` for infinity or malformed text. */
export function parseTimestamp(text: string): PgInstant | null {
  const fast = parseUtcTimestampFast(text);
  if (fast !== null) return fast;
  const match = TIMESTAMP_PATTERN.exec(text);
  if (match === null) return null;
  const [, y, mo, d, h, mi, s, frac, sign, oh, om, os, bc] = match;
  const year = bc ? 1 - Number(y) : Number(y);
  let seconds = utcSeconds(year, Number(mo), Number(d), Number(h), Number(mi), Number(s));
  if (sign !== undefined) {
    const offset = Number(oh) * 3600 + Number(om ?? 0) * 60 + Number(os ?? 0);
    seconds -= sign === '+' ? offset : -offset;
  }
  return { epochSecond: seconds, micros: frac === undefined ? 0 : Number(frac.padEnd(6, '0')) };
}

/** Milliseconds since the epoch of an instant (sub-millisecond digits dropped). */
export function instantToMillis(instant: PgInstant): number {
  return instant.epochSecond * 1000 + Math.floor(instant.micros / 1000);
}

/** `YYYY-MM-DD HH:MM:SS.ffffff+00`, a literal PostgreSQL reads back to the same instant. */
export function formatInstant(instant: PgInstant): string {
  const date = new Date(instant.epochSecond * 1000);
  const year = date.getUTCFullYear();
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const yearText = year <= 0 ? `${pad(1 - year, 4)}` : pad(year, 4);
  const body = `${yearText}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(instant.micros, 6)}+00`;
  return year <= 0 ? `${body} BC` : body;
}

/** Days since 1970-01-01 of `date` text; `null` for infinity or malformed text. */
export function parseDate(text: string): number | null {
  const match = DATE_PATTERN.exec(text);
  if (match === null) return null;
  const [, y, mo, d, bc] = match;
  const year = bc ? 1 - Number(y) : Number(y);
  return utcSeconds(year, Number(mo), Number(d)) / 86400;
}

/** Milliseconds since midnight of `time` text (sub-millisecond digits dropped); `null` if malformed. */
export function parseTime(text: string): number | null {
  const match = TIME_PATTERN.exec(text);
  if (match === null) return null;
  const [, h, m, s, frac] = match;
  const micros = frac === undefined ? 0 : Number(frac.padEnd(6, '0'));
  return (Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1000 + Math.floor(micros / 1000);
}

/** The bytes of `bytea` hex output (`\x0a0b`). */
export function parseByteaHex(text: string): Uint8Array | null {
  if (!text.startsWith('\\x') || text.length % 2 !== 0) return null;
  return new Uint8Array(Buffer.from(text.slice(2), 'hex'));
}

/** A parsed array literal: strings, nulls and nested arrays (for multi-dimensional arrays). */
export type PgArrayItem = string | null | PgArrayItem[];

/**
 * Parses an array literal (`{1,2,NULL}`, `{"a b","c\"d"}`, `{{1,2},{3,4}}`). Elements stay text
 * for the element decoder; unquoted NULL is null. Optional bounds decoration (`[0:1]={...}`) is
 * skipped. Throws on malformed input.
 */
export function parseArrayLiteral(text: string, delimiter = ','): PgArrayItem[] {
  let pos = 0;
  if (text.startsWith('[')) {
    pos = text.indexOf('=') + 1;
  }
  const parse = (): PgArrayItem[] => {
    if (text[pos] !== '{') throw new Error(`malformed array literal: ${text}`);
    pos++;
    const items: PgArrayItem[] = [];
    if (text[pos] === '}') {
      pos++;
      return items;
    }
    for (;;) {
      const ch = text[pos];
      if (ch === '{') {
        items.push(parse());
      } else if (ch === '"') {
        pos++;
        let value = '';
        while (pos < text.length && text[pos] !== '"') {
          if (text[pos] === '\\') pos++;
          value += text[pos] ?? '';
          pos++;
        }
        pos++;
        items.push(value);
      } else {
        const start = pos;
        while (pos < text.length && text[pos] !== delimiter && text[pos] !== '}') pos++;
        const raw = text.slice(start, pos).trim();
        items.push(raw.toUpperCase() === 'NULL' ? null : raw);
      }
      if (text[pos] === delimiter) {
        pos++;
        continue;
      }
      if (text[pos] === '}') {
        pos++;
        return items;
      }
      throw new Error(`malformed array literal: ${text}`);
    }
  };
  return parse();
}
