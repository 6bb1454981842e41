import { ConfigException } from '@sluice/api';

/** Local calendar fields of an instant in a time zone. */
export interface LocalFields {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
  /** 1 = Monday … 7 = Sunday (ISO, as Joda). */
  readonly dayOfWeek: number;
}

const FIXED_OFFSET = /^([+-])(\d{1,2})(?::?(\d{2}))?$/;

/**
 * A time zone as Joda's `DateTimeZone.forID` accepts it: an IANA id (`Europe/Paris`, `UTC`) or a
 * fixed offset (`+05:30`, `-08:00`). Offsets of IANA zones come from the platform's Intl data.
 */
export class TimeZone {
  private readonly fixedOffsetMs: number | null;
  private readonly formatter: Intl.DateTimeFormat | null;

  private constructor(
    readonly id: string,
    fixedOffsetMs: number | null,
  ) {
    this.fixedOffsetMs = fixedOffsetMs;
    this.formatter =
      fixedOffsetMs === null
        ? new Intl.DateTimeFormat('en-US', {
            timeZone: id,
            hourCycle: 'h23',
            year: 'numeric',
            month: 'numeric',
            day: 'numeric',
            hour: 'numeric',
            minute: 'numeric',
            second: 'numeric',
            era: 'short',
          })
        : null;
  }

  static readonly UTC = new TimeZone('UTC', 0);

  /** The zone named `id`; throws a ConfigException naming `key` when it is unknown. */
  static forId(id: string, key = 'timezone'): TimeZone {
    const fixed = FIXED_OFFSET.exec(id);
    if (fixed) {
      const hours = Number(fixed[2]);
      const minutes = Number(fixed[3] ?? '0');
      if (hours > 23 || minutes > 59) {
        throw ConfigException.invalid(key, id, `The datetime zone id '${id}' is not recognised`);
      }
      const sign = fixed[1] === '-' ? -1 : 1;
      return new TimeZone(id, sign * (hours * 3_600_000 + minutes * 60_000));
    }
    if (id === 'UTC' || id === 'Etc/UTC' || id === 'GMT' || id === 'Z') return new TimeZone(id, 0);
    try {
      return new TimeZone(id, null);
    } catch {
      throw ConfigException.invalid(key, id, `The datetime zone id '${id}' is not recognised`);
    }
  }

  /** The zone's offset from UTC at `instant`, in milliseconds. */
  offsetAt(instant: number): number {
    if (this.fixedOffsetMs !== null) return this.fixedOffsetMs;
    const f = this.wallFields(instant);
    const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
    // Seconds precision is enough: every zone offset in use is whole seconds.
    return asUtc - (instant - mod(instant, 1000));
  }

  /** The local calendar fields at `instant`. */
  fields(instant: number): LocalFields {
    const local = new Date(instant + this.offsetAt(instant));
    const dow = local.getUTCDay();
    return {
      year: local.getUTCFullYear(),
      month: local.getUTCMonth() + 1,
      day: local.getUTCDate(),
      hour: local.getUTCHours(),
      minute: local.getUTCMinutes(),
      second: local.getUTCSeconds(),
      millisecond: local.getUTCMilliseconds(),
      dayOfWeek: dow === 0 ? 7 : dow,
    };
  }

  /** Joda's `convertUTCToLocal`: the local wall time of `instant`, as milliseconds. */
  utcToLocal(instant: number): number {
    return instant + this.offsetAt(instant);
  }

  /** Joda's lenient `convertLocalToUTC(local, false)`: the instant of a local wall time. */
  localToUtc(local: number): number {
    const guess = this.offsetAt(local);
    const offset = this.offsetAt(local - guess);
    if (guess !== offset) {
      // Near a transition: prefer the offset that maps back to the same wall time.
      const other = this.offsetAt(local - offset);
      if (other === offset) return local - offset;
    }
    return local - offset;
  }

  private wallFields(instant: number): {
    year: number;
    month: number;
    day: number;
    hour: number;
    minute: number;
    second: number;
  } {
    const parts = (this.formatter as Intl.DateTimeFormat).formatToParts(new Date(instant));
    const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const era = parts.find((p) => p.type === 'era')?.value ?? 'AD';
    const year = get('year');
    return {
      year: era === 'BC' || era === 'B' ? 1 - year : year,
      month: get('month'),
      day: get('day'),
      hour: get('hour'),
      minute: get('minute'),
      second: get('second'),
    };
  }
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}
