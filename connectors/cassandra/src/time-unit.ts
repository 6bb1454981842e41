/** Java's `TimeUnit` names, as the DataStax connector's `ttlTimeUnit`, `timestampTimeUnit` and `codec.unit` take them. */
export const TIME_UNITS = [
  'NANOSECONDS',
  'MICROSECONDS',
  'MILLISECONDS',
  'SECONDS',
  'MINUTES',
  'HOURS',
  'DAYS',
] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

const NANOS_PER: Record<TimeUnit, bigint> = {
  NANOSECONDS: 1n,
  MICROSECONDS: 1_000n,
  MILLISECONDS: 1_000_000n,
  SECONDS: 1_000_000_000n,
  MINUTES: 60_000_000_000n,
  HOURS: 3_600_000_000_000n,
  DAYS: 86_400_000_000_000n,
};

/**
 * `amount` of `from` expressed in `to`, truncated toward zero as Java's `TimeUnit.convert`
 * does. `amount` is an integer (`bigint`, or a `number` that is one).
 */
export function convertTime(amount: bigint, from: TimeUnit, to: TimeUnit): bigint {
  return (amount * NANOS_PER[from]) / NANOS_PER[to];
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  nanos: 1e-6,
  nanosecond: 1e-6,
  nanoseconds: 1e-6,
  us: 1e-3,
  micros: 1e-3,
  microsecond: 1e-3,
  microseconds: 1e-3,
  ms: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

/**
 * Milliseconds of a duration written as the Java driver's config takes it (HOCON): `30 seconds`,
 * `500ms`, `2 minutes`; a bare number is milliseconds. Null when it is not a duration.
 */
export function parseDurationMs(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (m === null) return null;
  const factor = m[2] === '' ? 1 : DURATION_UNITS[(m[2] as string).toLowerCase()];
  return factor === undefined ? null : Math.round(Number(m[1]) * factor);
}
