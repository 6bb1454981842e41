import {
  ConnectException,
  type ConnectorLogger,
  DataException,
  type ErrantRecordReporter,
  type Schema,
  type SinkRecord,
  schemaEquals,
  type TopicPartition,
} from '@sluice/api';
import type { S3SinkConfig } from './config.js';
import { type ObjectLayout, objectKey } from './object-name.js';
import type { Partitioner } from './partitioner.js';
import type { ObjectWriter, RecordFormat } from './record-format.js';
import { type RecordView, VIEW_EXTENSIONS, viewOf } from './record-view.js';
import type { ObjectUpload, S3Storage } from './s3-storage.js';
import { TimeZone } from './time-zone.js';

/** The formats of the objects written for each record: value, and keys/headers when stored. */
export interface ViewFormats {
  readonly value: RecordFormat;
  readonly key: RecordFormat | null;
  readonly headers: RecordFormat | null;
}

interface ViewObject {
  readonly view: RecordView;
  readonly writer: ObjectWriter;
  readonly upload: ObjectUpload;
  readonly envelop: boolean;
}

/** The objects open for one encoded partition: one per view, all starting at the same offset. */
interface OpenFile {
  readonly startOffset: number;
  readonly objects: ViewObject[];
  records: number;
}

/** What a writer needs besides its topic partition. */
export interface WriterContext {
  readonly config: S3SinkConfig;
  readonly storage: S3Storage;
  readonly partitioner: Partitioner;
  readonly formats: ViewFormats;
  readonly reporter: ErrantRecordReporter | null;
  readonly now: () => number;
  /** The task's logger. */
  readonly log: ConnectorLogger;
}

/**
 * The next scheduled rotation after `now`: the next multiple of `periodMs` counted from midnight
 * in `zone`, and at most the next midnight (Confluent's `getNextTimeAdjustedByDay`).
 */
export function nextScheduledRotation(now: number, periodMs: number, zone: TimeZone): number {
  const f = zone.fields(now);
  const startOfDay = zone.localToUtc(Date.UTC(f.year, f.month - 1, f.day));
  const startOfNextDay = zone.localToUtc(Date.UTC(f.year, f.month - 1, f.day + 1));
  const dayMs = startOfNextDay - startOfDay;
  const nextOffset = (Math.floor((now - startOfDay) / periodMs) + 1) * periodMs;
  return startOfDay + Math.min(nextOffset, dayMs);
}

/**
 * Writes the records of one Kafka topic partition into objects, as Confluent's
 * TopicPartitionWriter: records go to the object of their encoded partition; all open objects are
 * committed together when `flush.size` records were written, when the record time moved
 * `rotate.interval.ms` past the first record's (or the encoded partition changed), when the
 * schema changed, or on the `rotate.schedule.interval.ms` wall clock. An object is named after
 * the offset of its first record, so the same records delivered again after a crash produce the
 * same objects, overwriting them. Only after S3 confirmed every object of a commit does the
 * offset after its last record become committable.
 */
export class TopicPartitionWriter {
  private readonly files = new Map<string, OpenFile>();
  private readonly currentSchemas = new Map<string, Schema | null>();
  private recordCount = 0;
  private baseRecordTimestamp: number | null = null;
  private currentTimestamp: number | null = null;
  private currentEncodedPartition: string | null = null;
  private lastOffset = -1;
  private offsetToCommit: number | null = null;
  private nextScheduled = Number.POSITIVE_INFINITY;
  private readonly layout: ObjectLayout;
  private readonly zone: TimeZone | null;

  constructor(
    readonly tp: TopicPartition,
    private readonly ctx: WriterContext,
  ) {
    const c = ctx.config;
    this.layout = {
      topicsDir: c.topicsDir,
      directoryDelim: c.directoryDelim,
      fileDelim: c.fileDelim,
      zeroPadWidth: c.zeroPadWidth,
    };
    this.zone = c.rotateScheduleIntervalMs > 0 ? TimeZone.forId(c.partitioner.timezone) : null;
    this.setNextScheduledRotation();
  }

  /** The offset of the first record not yet in a committed object, or `null` when none is open. */
  firstUncommittedOffset(): number | null {
    let min: number | null = null;
    for (const f of this.files.values())
      if (min === null || f.startOffset < min) min = f.startOffset;
    return min;
  }

  /** The offset that became committable since the last call (next offset to consume), or `null`. */
  takeOffsetToCommit(): number | null {
    const offset = this.offsetToCommit;
    this.offsetToCommit = null;
    return offset;
  }

  /** Writes records of this partition (in offset order), committing objects as rotation demands. */
  async write(records: readonly SinkRecord[]): Promise<void> {
    const now = this.ctx.now();
    if (this.recordCount === 0 && this.scheduledRotationDue(now)) this.setNextScheduledRotation();
    for (const record of records) await this.writeOne(record, now);
    await this.rotateOnTimeIfIdle(now);
  }

  /** Called with no new records (the commit interval): applies the wall-clock rotation. */
  async tick(): Promise<void> {
    await this.rotateOnTimeIfIdle(this.ctx.now());
  }

  /** Drops the open objects without writing them (their records will be delivered again). */
  async discard(): Promise<void> {
    const files = [...this.files.values()];
    this.files.clear();
    this.currentSchemas.clear();
    this.recordCount = 0;
    this.baseRecordTimestamp = null;
    await Promise.all(files.flatMap((f) => f.objects.map((o) => o.upload.abort())));
  }

  private async writeOne(record: SinkRecord, now: number): Promise<void> {
    const { config, reporter } = this.ctx;
    if (record.value === null) {
      if (config.behaviorOnNullValues === 'ignore') {
        this.skipped(record);
        return;
      }
      if (config.behaviorOnNullValues === 'fail') {
        const error = new DataException(
          `Null valued records are not writeable with behavior.on.null.values=fail (topic ${record.topic}, partition ${record.kafkaPartition}, offset ${record.kafkaOffset})`,
          { record },
        );
        if (reporter === null) throw new ConnectException(error.message, { record, cause: error });
        await reporter.report(record, error);
        this.skipped(record);
        return;
      }
    }
    for (;;) {
      let encodedPartition: string;
      try {
        if (this.ctx.partitioner.timestampExtractor !== null) {
          this.currentTimestamp = this.ctx.partitioner.timestampExtractor.extract(record, now);
          this.baseRecordTimestamp ??= this.currentTimestamp;
        }
        encodedPartition =
          record.value === null
            ? config.tombstonePartition
            : this.ctx.partitioner.encodePartition(record, now);
      } catch (error) {
        if (reporter === null || !(error instanceof DataException)) throw error;
        await reporter.report(record, error);
        this.skipped(record);
        return;
      }
      if (!(await this.rotateBefore(record, encodedPartition, now))) {
        await this.append(record, encodedPartition);
        return;
      }
      // Objects were committed; the record starts the next ones.
    }
  }

  /** Applies the rotations decided before writing `record`; true when objects were committed. */
  private async rotateBefore(
    record: SinkRecord,
    encodedPartition: string,
    now: number,
  ): Promise<boolean> {
    const valueSchema = record.valueSchema;
    const known = this.currentSchemas.has(encodedPartition);
    let currentSchema = this.currentSchemas.get(encodedPartition) ?? null;
    const nullSchemaChange = known && (currentSchema === null) !== (valueSchema === null);
    if (currentSchema === null || valueSchema === null) {
      this.currentSchemas.set(encodedPartition, valueSchema);
      currentSchema = valueSchema;
    }
    if (nullSchemaChange) {
      await this.commitFiles();
      return true;
    }
    if (this.rotateOnTime(encodedPartition, this.currentTimestamp, now)) {
      this.setNextScheduledRotation();
      await this.commitFiles();
      return true;
    }
    if (
      this.recordCount > 0 &&
      currentSchema !== valueSchema &&
      !schemaEquals(currentSchema, valueSchema)
    ) {
      this.currentSchemas.set(encodedPartition, valueSchema);
      await this.commitFiles();
      return true;
    }
    return false;
  }

  private async append(record: SinkRecord, encodedPartition: string): Promise<void> {
    const { config, reporter } = this.ctx;
    let file = this.files.get(encodedPartition);
    const created = file === undefined;
    try {
      if (config.storeKeys && record.key === null) {
        throw new DataException(
          `Key cannot be null for SinkRecord at offset ${record.kafkaOffset}`,
          { record },
        );
      }
      if (config.storeHeaders && record.headers.isEmpty()) {
        throw new DataException(
          `Headers cannot be null for SinkRecord at offset ${record.kafkaOffset}`,
          { record },
        );
      }
      file ??= this.openFile(encodedPartition, record);
      for (const o of file.objects) {
        const { schema, value } = viewOf(o.view, record, o.envelop);
        o.writer.write(schema, value);
      }
    } catch (error) {
      if (created && file !== undefined) {
        await Promise.all(file.objects.map((o) => o.upload.abort()));
      }
      if (!(error instanceof DataException)) throw error;
      if (reporter === null) {
        throw new ConnectException(
          `Could not write the record at offset ${record.kafkaOffset}: ${error.message}`,
          {
            record,
            cause: error,
          },
        );
      }
      if (created) this.files.delete(encodedPartition);
      await reporter.report(record, error);
      this.skipped(record);
      return;
    }
    if (created) this.files.set(encodedPartition, file);
    file.records++;
    this.recordCount++;
    this.currentEncodedPartition = encodedPartition;
    this.lastOffset = record.kafkaOffset;
    for (const o of file.objects) {
      if (o.writer.pendingBytes >= config.partSize) {
        o.upload.append(await o.writer.take());
        await o.upload.flushParts();
      }
    }
    if (this.recordCount >= config.flushSize) await this.commitFiles();
  }

  private openFile(encodedPartition: string, record: SinkRecord): OpenFile {
    const { config, formats, partitioner, storage } = this.ctx;
    const dir = partitioner.generatePartitionedPath(this.tp.topic, encodedPartition);
    const tombstones = record.value === null && config.behaviorOnNullValues === 'write';
    const objects: ViewObject[] = [];
    const add = (view: RecordView, format: RecordFormat | null): void => {
      if (format === null) return;
      const key = objectKey(
        this.layout,
        dir,
        this.tp.topic,
        this.tp.partition,
        record.kafkaOffset,
        `${VIEW_EXTENSIONS[view]}${format.extension}`,
      );
      objects.push({
        view,
        writer: format.newWriter(key),
        upload: storage.newUpload(key, config.partSize),
        envelop: view === 'headers' && config.headersFormat === 'json',
      });
    };
    // Tombstones have no value object: only their keys (and headers) are written.
    if (!tombstones) add('value', formats.value);
    add('key', formats.key);
    add('headers', formats.headers);
    return { startOffset: record.kafkaOffset, objects, records: 0 };
  }

  /** A record consumed but not written: committable once nothing before it is open. */
  private skipped(record: SinkRecord): void {
    if (this.recordCount === 0) this.offsetToCommit = record.kafkaOffset + 1;
  }

  private rotateOnTime(encodedPartition: string, timestamp: number | null, now: number): boolean {
    if (this.recordCount <= 0) return false;
    const { rotateIntervalMs, rotateOnPartitionChange } = this.ctx.config;
    const periodic =
      rotateIntervalMs > 0 &&
      this.ctx.partitioner.timestampExtractor !== null &&
      ((this.baseRecordTimestamp !== null &&
        timestamp !== null &&
        timestamp - this.baseRecordTimestamp >= rotateIntervalMs) ||
        (rotateOnPartitionChange && encodedPartition !== this.currentEncodedPartition));
    return periodic || this.scheduledRotationDue(now);
  }

  private scheduledRotationDue(now: number): boolean {
    return this.ctx.config.rotateScheduleIntervalMs > 0 && now >= this.nextScheduled;
  }

  private setNextScheduledRotation(): void {
    if (this.zone === null) return;
    this.nextScheduled = nextScheduledRotation(
      this.ctx.now(),
      this.ctx.config.rotateScheduleIntervalMs,
      this.zone,
    );
  }

  private async rotateOnTimeIfIdle(now: number): Promise<void> {
    if (
      this.recordCount > 0 &&
      this.currentEncodedPartition !== null &&
      this.rotateOnTime(this.currentEncodedPartition, this.currentTimestamp, now)
    ) {
      this.setNextScheduledRotation();
      await this.commitFiles();
    }
  }

  /** Uploads every open object; once all are in S3 the offset after the last record is committable. */
  private async commitFiles(): Promise<void> {
    if (this.files.size === 0) {
      // Nothing open (a rotation right after records that were skipped): nothing becomes committable.
      this.currentSchemas.clear();
      this.recordCount = 0;
      this.baseRecordTimestamp = null;
      return;
    }
    // A failure leaves the objects open: the task discards them and rewinds to their first record.
    const keys: string[] = [];
    for (const file of this.files.values()) {
      for (const o of file.objects) {
        o.upload.append(await o.writer.finish());
        await o.upload.flushParts();
        await o.upload.complete();
        keys.push(o.upload.key);
      }
    }
    this.files.clear();
    this.currentSchemas.clear();
    this.offsetToCommit = this.lastOffset + 1;
    this.ctx.log.debug(
      { keys, records: this.recordCount, offset: this.offsetToCommit },
      `Committed ${keys.join(', ')} (${this.recordCount} records of ${this.tp.topic}-${this.tp.partition}); offset ${this.offsetToCommit} is committable`,
    );
    this.recordCount = 0;
    this.baseRecordTimestamp = null;
  }
}
