/**
 * PostgreSQL's date/time text (ISO DateStyle, UTC session, `postgres` IntervalStyle) to the
 * numbers and ISO-8601 strings Debezium puts in events. Instants are microseconds since the
 * epoch as bigint (timestamps reach beyond 2^53 µs); times are microseconds since midnight.
 */

const MICROS_PER_SECOND = 1_000_000n;
const MICROS_PER_DAY = 86_400_000_000;

/** `infinity` / `-infinity` of date and timestamp columns. */
export type Infinity = 'infinity' | '-infinity';

/** Days since 1970-01-01 of a proleptic Gregorian date (any year, negative for BC). */
export function epochDay(year: number, month: number, day: number): number {
  // The "days from civil" algorithm: exact for every year, without Date's range limits.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date of an epoch day. */
export function civilFromEpochDay(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const DATE = /^(\d{4,})-(\d{2})-(\d{2})( BC)?$/;
const TIMESTAMP =
  /^(\d{4,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:([+-])(\d{2})(?::(\d{2}))?(?::(\d{2}))?)?( BC)?$/;
const TIME =
  /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:([+-])(\d{2})(?::(\d{2}))?(?::(\d{2}))?)?$/;

function fractionMicros(fraction: string | undefined): number {
  return fraction === undefined ? 0 : Number(fraction.padEnd(6, '0'));
}

function offsetSeconds(sign?: string, h?: string, m?: string, s?: string): number {
  if (sign === undefined) return 0;
  const total = Number(h) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
  return sign === '-' ? -total : total;
}

function malformed(kind: string, text: string): never {
  throw new Error(`malformed ${kind} text ${JSON.stringify(text)}`);
}

/** Days since the epoch of `date` text, or infinity. */
export function parseDateDays(text: string): number | Infinity {
  if (text === 'infinity' || text === '-infinity') return text;
  const m = DATE.exec(text) ?? malformed('date', text);
  const year = m[4] ? 1 - Number(m[1]) : Number(m[1]);
  return epochDay(year, Number(m[2]), Number(m[3]));
}

/** Microseconds since the epoch of `timestamp` / `timestamptz` text (UTC session), or infinity. */
export function parseTimestampMicros(text: string): bigint | Infinity {
  if (text === 'infinity' || text === '-infinity') return text;
  const m = TIMESTAMP.exec(text) ?? malformed('timestamp', text);
  const year = m[12] ? 1 - Number(m[1]) : Number(m[1]);
  const days = epochDay(year, Number(m[2]), Number(m[3]));
  const seconds =
    days * 86400 +
    Number(m[4]) * 3600 +
    Number(m[5]) * 60 +
    Number(m[6]) -
    offsetSeconds(m[8], m[9], m[10], m[11]);
  return BigInt(seconds) * MICROS_PER_SECOND + BigInt(fractionMicros(m[7]));
}

/** Microseconds since midnight of `time` text (`24:00:00` is a whole day). */
export function parseTimeMicros(text: string): number {
  const m = TIME.exec(text) ?? malformed('time', text);
  return (
    (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1_000_000 + fractionMicros(m[4])
  );
}

/** `timetz` text moved to UTC: microseconds since midnight, within one day. */
export function parseTimetzMicrosUtc(text: string): number {
  const m = TIME.exec(text) ?? malformed('timetz', text);
  const local =
    (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1_000_000 + fractionMicros(m[4]);
  const utc = local - offsetSeconds(m[5], m[6], m[7], m[8]) * 1_000_000;
  return ((utc % MICROS_PER_DAY) + MICROS_PER_DAY) % MICROS_PER_DAY;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** A year as java.time prints it: at least four digits, `+` beyond 9999, `-` before year 0. */
function javaYear(year: number): string {
  if (year > 9999) return `+${year}`;
  if (year < 0) return `-${pad(-year, 4)}`;
  return pad(year, 4);
}

/** `2024-01-31` (java.time's ISO_LOCAL_DATE). */
export function isoDate(days: number): string {
  const { year, month, day } = civilFromEpochDay(days);
  return `${javaYear(year)}-${pad(month)}-${pad(day)}`;
}

/**
 * The fraction of a second as java.time prints it: `width` digits when given, otherwise the
 * fewest digits that keep the value (none for a whole second).
 */
function fraction(micros: number, width: number | null): string {
  if (width !== null) {
    if (width <= 0) return micros === 0 ? '' : fraction(micros, null);
    return `.${pad(micros, 6).slice(0, width).padEnd(width, '0')}`;
  }
  if (micros === 0) return '';
  return `.${pad(micros, 6).replace(/0+$/, '')}`;
}

/** `HH:mm:ss[.f]` of microseconds since midnight (java.time's ISO_LOCAL_TIME). */
export function isoTime(micros: number, width: number | null = null): string {
  const seconds = Math.floor(micros / 1_000_000);
  return `${pad(Math.floor(seconds / 3600) % 24)}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}${fraction(micros % 1_000_000, width)}`;
}

/**
 * `2024-01-31T10:00:00.5Z`: an instant in UTC as java.time's ISO_OFFSET_DATE_TIME prints it, or
 * with exactly `width` fraction digits (Debezium's ZonedTimestamp with the column precision).
 */
export function isoInstant(micros: bigint, width: number | null = null): string {
  const secondsTotal =
    micros >= 0n ? micros / MICROS_PER_SECOND : (micros - 999_999n) / MICROS_PER_SECOND;
  const microPart = Number(micros - secondsTotal * MICROS_PER_SECOND);
  const seconds = Number(secondsTotal);
  const days = Math.floor(seconds / 86400);
  const secondOfDay = seconds - days * 86400;
  return `${isoDate(days)}T${isoTime(secondOfDay * 1_000_000 + microPart, width)}Z`;
}

/** The interval fields of `postgres` IntervalStyle text, as PostgreSQL's JDBC driver splits them. */
export interface IntervalParts {
  readonly years: number;
  readonly months: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  /** Seconds with their fraction, signed. */
  readonly seconds: number;
}

const INTERVAL_UNIT = /(-?\d+) (years?|mons?|days?)/g;
const INTERVAL_TIME = /([+-])?(\d+):(\d{2}):(\d{2})(?:\.(\d{1,6}))?/;

/** Parses interval text such as `1 year 2 mons -3 days +04:05:06.789`. */
export function parseInterval(text: string): IntervalParts {
  let years = 0;
  let months = 0;
  let days = 0;
  for (const m of text.matchAll(INTERVAL_UNIT)) {
    const n = Number(m[1]);
    if (m[2]?.startsWith('year')) years = n;
    else if (m[2]?.startsWith('mon')) months = n;
    else days = n;
  }
  let hours = 0;
  let minutes = 0;
  let seconds = 0;
  const t = INTERVAL_TIME.exec(text);
  if (t !== null) {
    const sign = t[1] === '-' ? -1 : 1;
    hours = sign * Number(t[2]);
    minutes = sign * Number(t[3]);
    // Parsed from its digits, as the JDBC driver does, so the double is the closest to the text.
    seconds = sign * Number(`${t[4]}.${t[5] ?? '0'}`);
  }
  return { years, months, days, hours, minutes, seconds };
}

/** Debezium's MicroDuration: months counted as 365.25 / 12 days, computed in doubles as it does. */
export function intervalMicros(p: IntervalParts): bigint {
  const numberOfDays = (p.years * 12 + p.months) * (365.25 / 12) + p.days;
  const numberOfSeconds = ((numberOfDays * 24 + p.hours) * 60 + p.minutes) * 60 + p.seconds;
  return BigInt(Math.trunc(numberOfSeconds * 1e6));
}

/** Debezium's Interval string: `P1Y2M3DT4H5M6.78S`. */
export function intervalIso(p: IntervalParts): string {
  // A double's shortest text is what BigDecimal.valueOf(...).stripTrailingZeros() prints for
  // microsecond fractions; `+ 0` turns -0 into 0.
  return `P${p.years}Y${p.months}M${p.days}DT${p.hours}H${p.minutes}M${p.seconds + 0}S`;
}
