import { DataException, type SinkRecord, Struct } from '@sluice/api';
import type { PartitionerSettings } from './config.js';
import { DateTimePattern, parseLocale } from './date-time-pattern.js';
import { nestedField, nestedValue } from './record-fields.js';
import { TimeZone } from './time-zone.js';
import { createTimestampExtractor, type TimestampExtractor } from './timestamp-extractor.js';

/** Decides the directory (encoded partition) of each record, as Confluent's Partitioner. */
export interface Partitioner {
  /** The encoded partition of a record, e.g. `partition=3` or `year=2024/month=05`. */
  encodePartition(record: SinkRecord, nowMs: number): string;
  /** The directory of an encoded partition under `topics.dir`: `<topic>/<encoded partition>`. */
  generatePartitionedPath(topic: string, encodedPartition: string): string;
  /** The time-based partitioner's extractor (drives `rotate.interval.ms`), else `null`. */
  readonly timestampExtractor: TimestampExtractor | null;
}

/** By Kafka partition: `partition=<n>`. */
export class DefaultPartitioner implements Partitioner {
  readonly timestampExtractor: TimestampExtractor | null = null;

  constructor(protected readonly delim: string) {}

  encodePartition(record: SinkRecord, _nowMs = 0): string {
    return `partition=${record.kafkaPartition}`;
  }

  generatePartitionedPath(topic: string, encodedPartition: string): string {
    return `${topic}${this.delim}${encodedPartition}`;
  }
}

/** By value fields: `<field>=<value>` for each field, joined by the directory delimiter. */
export class FieldPartitioner extends DefaultPartitioner {
  constructor(
    delim: string,
    private readonly fieldNames: readonly string[],
  ) {
    super(delim);
  }

  override encodePartition(record: SinkRecord, _nowMs = 0): string {
    const value = record.value;
    if (!(value instanceof Struct)) {
      throw new DataException('FieldPartitioner: the record value is not a Struct', { record });
    }
    const schema = record.valueSchema ?? value.schema;
    const parts: string[] = [];
    for (const name of this.fieldNames) {
      const field = nestedField(schema, name);
      if (field === undefined) {
        throw new DataException(`Field '${name}' is not present in the schema.`, { record });
      }
      const v = nestedValue(value, name);
      if (v === null) {
        parts.push(`${name}=null`);
        continue;
      }
      switch (field.schema.type) {
        case 'INT8':
        case 'INT16':
        case 'INT32':
        case 'INT64':
        case 'STRING':
        case 'BOOLEAN':
          if (v instanceof Date) {
            throw new DataException(
              `Type ${field.schema.name} is not supported as a partition key.`,
              { record },
            );
          }
          parts.push(`${name}=${String(v)}`);
          break;
        default:
          throw new DataException(
            `Type ${field.schema.type.toLowerCase()} is not supported as a partition key.`,
            { record },
          );
      }
    }
    return parts.join(this.delim);
  }
}

/**
 * By time: the start of the record's `partition.duration.ms` period (in `timezone`), formatted
 * with `path.format`. The time comes from the timestamp extractor.
 */
export class TimeBasedPartitioner extends DefaultPartitioner {
  override readonly timestampExtractor: TimestampExtractor;
  private readonly pattern: DateTimePattern;
  private readonly zone: TimeZone;

  constructor(
    delim: string,
    private readonly durationMs: number,
    pathFormat: string,
    locale: string,
    timezone: string,
    extractor: TimestampExtractor,
  ) {
    super(delim);
    const trimmed =
      delim !== '' && pathFormat.endsWith(delim) ? pathFormat.slice(0, -delim.length) : pathFormat;
    this.zone = TimeZone.forId(timezone);
    this.pattern = new DateTimePattern(trimmed, this.zone, parseLocale(locale));
    this.timestampExtractor = extractor;
  }

  /** The start of the partition period holding `timestamp` (Confluent's `getPartition`). */
  partitionStart(timestamp: number): number {
    const local = this.zone.utcToLocal(timestamp);
    // Java's long division truncates toward zero.
    const floored = Math.trunc(local / this.durationMs) * this.durationMs + 0;
    return this.zone.localToUtc(floored);
  }

  override encodePartition(record: SinkRecord, nowMs: number): string {
    const timestamp = this.timestampExtractor.extract(record, nowMs);
    if (timestamp === null) {
      throw new DataException(
        'Unable to determine timestamp using timestamp.extractor for the record',
        { record },
      );
    }
    return this.pattern.format(this.partitionStart(timestamp));
  }
}

/** The partitioner the settings name. */
export function createPartitioner(settings: PartitionerSettings, delim: string): Partitioner {
  const extractor = (): TimestampExtractor =>
    createTimestampExtractor(settings.timestampExtractor, settings.timestampField);
  switch (settings.kind) {
    case 'DefaultPartitioner':
      return new DefaultPartitioner(delim);
    case 'FieldPartitioner':
      return new FieldPartitioner(delim, settings.fieldNames);
    case 'TimeBasedPartitioner':
      return new TimeBasedPartitioner(
        delim,
        settings.durationMs,
        settings.pathFormat,
        settings.locale,
        settings.timezone,
        extractor(),
      );
    case 'DailyPartitioner':
      return new TimeBasedPartitioner(
        delim,
        86_400_000,
        `'year'=YYYY${delim}'month'=MM${delim}'day'=dd`,
        settings.locale,
        settings.timezone,
        extractor(),
      );
    case 'HourlyPartitioner':
      return new TimeBasedPartitioner(
        delim,
        3_600_000,
        `'year'=YYYY${delim}'month'=MM${delim}'day'=dd${delim}'hour'=HH`,
        settings.locale,
        settings.timezone,
        extractor(),
      );
  }
}
