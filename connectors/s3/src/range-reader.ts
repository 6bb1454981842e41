import { type ConnectHeaders, DataException, type SchemaAndValue, SourceRecord } from '@sluice/api';
import type { ParsedObjectName } from './object-name.js';
import type { RecordFormat } from './record-format.js';
import { headersFromView } from './record-view.js';
import type { StoredObject } from './stored-object.js';

/** The objects of one record range (same topic, partition and start offset): value, keys, headers. */
export interface Range {
  readonly topic: string;
  readonly partition: number;
  readonly startOffset: number;
  readonly base: string;
  value?: ParsedObjectName;
  key?: ParsedObjectName;
  headers?: ParsedObjectName;
}

/** One object of a range opened for reading: its records as they are decoded, a batch at a time. */
class ObjectRecords {
  private batch: SchemaAndValue[] = [];
  private at = 0;
  private ended = false;
  private readonly iterator: AsyncIterator<SchemaAndValue[]>;
  /** Records taken, counting those skipped. */
  count: number;

  constructor(
    readonly what: 'value' | 'keys' | 'headers',
    format: RecordFormat,
    object: StoredObject,
    skip: number,
  ) {
    this.iterator = format.read(object, skip)[Symbol.asyncIterator]();
    this.count = skip;
  }

  /** Records decoded and not taken yet; 0 only once the object has ended. */
  async available(): Promise<number> {
    while (this.at >= this.batch.length && !this.ended) {
      const next = await this.iterator.next();
      if (next.done) this.ended = true;
      else {
        this.batch = next.value;
        this.at = 0;
      }
    }
    return this.batch.length - this.at;
  }

  take(n: number): SchemaAndValue[] {
    const out = this.batch.slice(this.at, this.at + n);
    this.at += n;
    this.count += n;
    if (this.at >= this.batch.length) {
      this.batch = [];
      this.at = 0;
    }
    return out;
  }

  async close(): Promise<void> {
    this.ended = true;
    this.batch = [];
    await this.iterator.return?.();
  }
}

/**
 * Reads one range's objects side by side (a record's value, key and headers are at the same
 * position in each), from record `skip` on, handing out source records in batches. Only the
 * batches being decoded are held, whatever the size of the objects.
 */
export class RangeReader {
  private readonly objects: ObjectRecords[];
  /** Records of the range handed out, counting those skipped. */
  private emitted: number;
  done = false;

  constructor(
    readonly range: Range,
    skip: number,
    open: (object: ParsedObjectName) => { format: RecordFormat; object: StoredObject },
  ) {
    this.emitted = skip;
    const views = [
      ['value', range.value],
      ['keys', range.key],
      ['headers', range.headers],
    ] as const;
    this.objects = views.flatMap(([what, name]) => {
      if (name === undefined) return [];
      const { format, object } = open(name);
      return [new ObjectRecords(what, format, object, skip)];
    });
  }

  /** Records of the range handed out so far (the source offset's `record`). */
  get position(): number {
    return this.emitted;
  }

  /** Up to `max` next records; fewer (possibly none) once the range has ended. */
  async next(max: number): Promise<SourceRecord[]> {
    const out: SourceRecord[] = [];
    while (out.length < max && !this.done) {
      // The value object (or the keys object of a tombstone range) says how many records there are.
      const lead = this.objects[0];
      const n = lead === undefined ? 0 : Math.min(max - out.length, await lead.available());
      if (n === 0) {
        await this.checkEnded();
        this.done = true;
        break;
      }
      let take = n;
      for (const o of this.objects.slice(1)) {
        const available = await o.available();
        if (available === 0) {
          throw new DataException(
            `The ${o.what} object of ${this.range.base} holds ${o.count} records, its ${lead?.what} object more`,
          );
        }
        take = Math.min(take, available);
      }
      const rows = new Map(this.objects.map((o) => [o.what, o.take(take)]));
      for (let i = 0; i < take; i++) out.push(this.record(rows, i));
    }
    return out;
  }

  /** Stops reading (its streams are closed). */
  async close(): Promise<void> {
    this.done = true;
    await Promise.all(this.objects.map((o) => o.close()));
  }

  private async checkEnded(): Promise<void> {
    const lead = this.objects[0] as ObjectRecords;
    for (const o of this.objects.slice(1)) {
      if ((await o.available()) > 0) {
        throw new DataException(
          `The ${o.what} object of ${this.range.base} holds more records than its ${lead.what} object (${lead.count})`,
        );
      }
    }
  }

  private record(rows: Map<string, SchemaAndValue[]>, i: number): SourceRecord {
    const { range } = this;
    const value = rows.get('value')?.[i] ?? { schema: null, value: null };
    const key = rows.get('keys')?.[i] ?? { schema: null, value: null };
    const headerRows = rows.get('headers');
    const headers: ConnectHeaders | undefined =
      headerRows === undefined ? undefined : headersFromView(headerRows[i]?.value);
    this.emitted++;
    return new SourceRecord({
      sourcePartition: { topic: range.topic, partition: range.partition },
      sourceOffset: { startOffset: range.startOffset, record: this.emitted, object: range.base },
      topic: range.topic,
      kafkaPartition: range.partition,
      keySchema: key.schema,
      key: key.value,
      valueSchema: value.schema,
      value: value.value,
      headers,
    });
  }
}
