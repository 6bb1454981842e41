import type { SourcePartition, SourceRecord } from '@sluice/api';
import { BSON, type Collection, type Document, type FindCursor, ObjectId } from 'mongodb';
import { type ChangeEvent, documentEvent } from './change-event.js';
import type { SourceConfig } from './config.js';
import type { EventEncoder } from './event-encoder.js';
import { documentOf, findElement, renamed } from './raw-bson.js';
import { isDocument } from './schema-mapping.js';
import { type PollingPosition, pollingOffset } from './source-offset.js';

const EXACT = { promoteValues: false, promoteBuffers: false, bsonRegExp: true } as const;

/** A field of a raw document by dotted path (exact BSON types), or undefined. */
export function rawField(doc: Buffer, path: string): unknown {
  const [first = '', ...rest] = path.split('.');
  const element = findElement(doc, first);
  if (element === undefined) return undefined;
  // The usual `_id`, read for every record: an ObjectId straight from its 12 bytes.
  if (element.type === 0x07 && rest.length === 0)
    return new ObjectId(Buffer.from(doc.subarray(element.start, element.end)));
  let value: unknown = BSON.deserialize(documentOf([renamed(doc, element, 'v')]), EXACT).v;
  for (const part of rest) {
    if (!isDocument(value)) return undefined;
    value = value[part];
  }
  return value;
}

/**
 * Reads one collection by queries on `polling.field` in order (★ Sluice's polling mode, for servers
 * without change streams): each document read becomes an insert event (`incrementing`) or a
 * replace event (`timestamp`), with the field value and `_id` read last as its offset, so a restart
 * goes on after the last record Kafka acknowledged.
 */
export class PollingReader {
  private fieldKind: 'date' | 'objectId' | 'other' | null = null;
  /** The query being read through, kept open between reads. */
  private cursor: FindCursor<Buffer> | null = null;
  /** The cursor's next batch, asked for ahead of the read that takes it (see `read`). */
  private fetching: Promise<boolean> | null = null;
  /** When this collection may be read again. */
  dueAt = 0;

  private constructor(
    private readonly collection: Collection,
    private readonly config: SourceConfig,
    readonly partition: SourcePartition,
    private position: PollingPosition | null,
    private readonly topic: string,
    private readonly encoder: EventEncoder,
  ) {}

  /** A reader starting at `stored`, or where `startup.mode` says when nothing is stored. */
  static async create(
    collection: Collection,
    config: SourceConfig,
    partition: SourcePartition,
    stored: PollingPosition | null,
    topic: string,
    encoder: EventEncoder,
  ): Promise<PollingReader> {
    const reader = new PollingReader(collection, config, partition, stored, topic, encoder);
    if (stored === null) await reader.startPosition();
    return reader;
  }

  get name(): string {
    return `${this.collection.dbName}.${this.collection.collectionName}`;
  }

  private get polling() {
    const polling = this.config.polling;
    if (polling === null) throw new Error('PollingReader needs polling settings');
    return polling;
  }

  private async startPosition(): Promise<void> {
    const { field } = this.polling;
    if (this.config.startupMode === 'latest') {
      const last = await this.collection
        .find({ [field]: { $exists: true } }, { ...EXACT, projection: { [field]: 1, _id: 1 } })
        .sort(this.sort(-1))
        .limit(1)
        .next();
      if (last !== null) this.position = { value: fieldOf(last, field), id: last._id };
    } else if (
      this.config.startupMode === 'timestamp' &&
      this.config.startAtOperationTime !== null
    ) {
      const seconds = this.config.startAtOperationTime.high;
      await this.probeFieldKind();
      // Only date and ObjectId fields have a time to start at.
      const value =
        this.fieldKind === 'objectId' ? ObjectId.createFromTime(seconds) : new Date(seconds * 1000);
      this.position = { value, id: new ObjectId('000000000000000000000000') };
      if (this.polling.mode === 'incrementing') this.position = { value, id: null };
    }
  }

  private sort(direction: 1 | -1): Document {
    const { field, mode } = this.polling;
    return mode === 'timestamp' && field !== '_id'
      ? { [field]: direction, _id: direction }
      : { [field]: direction };
  }

  private async probeFieldKind(): Promise<void> {
    if (this.fieldKind !== null) return;
    const { field } = this.polling;
    const sample = await this.collection.findOne(
      { [field]: { $exists: true } },
      { ...EXACT, projection: { [field]: 1 } },
    );
    if (sample === null) return;
    const value = fieldOf(sample, field);
    this.fieldKind =
      value instanceof Date ? 'date' : value instanceof ObjectId ? 'objectId' : 'other';
  }

  private filter(now: number): Document {
    const { field, mode, delayMs } = this.polling;
    const parts: Document[] = [];
    const at = this.position;
    if (at !== null) {
      parts.push(
        mode === 'timestamp' && field !== '_id' && at.id !== null
          ? { $or: [{ [field]: { $gt: at.value } }, { [field]: at.value, _id: { $gt: at.id } }] }
          : { [field]: { $gt: at.value } },
      );
    }
    if (delayMs > 0 && this.fieldKind !== 'other' && this.fieldKind !== null) {
      const cutoff = now - delayMs;
      parts.push({
        [field]: {
          $lt:
            this.fieldKind === 'date'
              ? new Date(cutoff)
              : ObjectId.createFromTime(Math.floor(cutoff / 1000)),
        },
      });
    }
    return parts.length === 0 ? {} : parts.length === 1 ? (parts[0] as Document) : { $and: parts };
  }

  /**
   * Reads the next documents (at most `max`); `more` while the query has more. One query is read
   * through over several calls (its cursor stays open between them): a new query for each batch
   * would make the server find and sort the remaining documents again every time. Once the
   * documents the cursor holds are taken, the next batch is asked for at once, so the server
   * finds it while these are turned into records.
   */
  async read(max: number, now: number): Promise<{ records: SourceRecord[]; more: boolean }> {
    if (this.polling.delayMs > 0) await this.probeFieldKind();
    const { field, mode } = this.polling;
    this.cursor ??= this.collection.find(this.filter(now), {
      raw: true,
      sort: this.sort(1),
      batchSize: this.config.batchSize > 0 ? this.config.batchSize : max,
    }) as unknown as FindCursor<Buffer>;
    const cursor = this.cursor;
    const records: SourceRecord[] = [];
    const db = this.collection.dbName;
    const coll = this.collection.collectionName;
    const operation = mode === 'incrementing' ? 'insert' : 'replace';
    let more = true;
    try {
      while (records.length < max) {
        if (cursor.bufferedCount() === 0) {
          const fetching = this.fetching ?? cursor.hasNext();
          this.fetching = null;
          if (!(await fetching)) {
            more = false;
            break;
          }
        }
        const batch = cursor.readBufferedDocuments(max - records.length) as unknown as Buffer[];
        if (cursor.bufferedCount() === 0) this.fetchAhead(cursor);
        for (const raw of batch) {
          const id = rawField(raw, '_id');
          const position: PollingPosition = {
            value: field === '_id' ? id : rawField(raw, field),
            id,
          };
          this.position = position;
          const event: ChangeEvent = documentEvent(raw, db, coll, operation, false);
          const record = this.encoder.record(
            event,
            this.topic,
            this.partition,
            pollingOffset(position),
          );
          if (record !== null) records.push(record);
        }
      }
    } catch (error) {
      // The next read queries again from the last document read.
      await this.close();
      throw error;
    }
    if (!more) await this.close();
    return { records, more };
  }

  /** Asks the cursor for its next batch without waiting (the next read awaits it). */
  private fetchAhead(cursor: FindCursor<Buffer>): void {
    const fetching = cursor.hasNext();
    // Awaited by the next read, or dropped by close(): never an unhandled rejection.
    fetching.catch(() => {});
    this.fetching = fetching;
  }

  /** Closes the open query, if any. */
  async close(): Promise<void> {
    const cursor = this.cursor;
    const fetching = this.fetching;
    this.cursor = null;
    this.fetching = null;
    await fetching?.catch(() => {});
    await cursor?.close().catch(() => {});
  }
}

function fieldOf(doc: Document, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (!isDocument(value)) return undefined;
    value = value[part];
  }
  return value;
}
