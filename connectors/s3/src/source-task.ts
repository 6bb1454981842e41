import {
  ConnectException,
  type ConnectorProps,
  DataException,
  isRetriable,
  type SourceRecord,
  SourceTask,
} from '@sluice/api';
import { DEFAULT_AVRO_DATA_OPTIONS } from '@sluice/converter-avro';
import { type FormatName, parseSourceConfig, type S3SourceConfig } from './config.js';
import { createFormat } from './object-formats.js';
import { type ObjectLayout, type ParsedObjectName, parseObjectKey } from './object-name.js';
import { type Range, RangeReader } from './range-reader.js';
import type { RecordFormat } from './record-format.js';
import { S3Storage } from './s3-storage.js';
import type { StoredObject } from './stored-object.js';
import { VERSION } from './version.js';

/**
 * A Kafka partition being read back: the ranges of the last listing still to read, in offset
 * order, and the one open.
 */
interface PartitionReader {
  readonly id: string;
  readonly ranges: Range[];
  open: RangeReader | null;
}

/** How far a Kafka partition was read back: the range by its start offset, and records emitted from it. */
interface Position {
  startOffset: number;
  record: number;
  /** Every record of the range was emitted (known in memory only). */
  complete: boolean;
}

/** Whether `topic`/`partition` belongs to task `index` of `count` (a stable hash of the name). */
export function ownsPartition(
  topic: string,
  partition: number,
  index: number,
  count: number,
): boolean {
  let h = 0;
  for (const c of `${topic}:${partition}`) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return ((h % count) + count) % count === index;
}

/** The format name an object extension belongs to, and whether it is gzip-compressed. */
function formatOfExtension(
  ext: string,
  bytearrayExtension: string,
): { name: FormatName; gzip: boolean } | null {
  const gzip = ext.endsWith('.gz');
  const plain = gzip ? ext.slice(0, -3) : ext;
  if (plain === '.json') return { name: 'json', gzip };
  if (plain === '.avro') return { name: 'avro', gzip: false };
  if (plain === '.parquet') return { name: 'parquet', gzip: false };
  if (plain === bytearrayExtension) return { name: 'bytearray', gzip };
  return null;
}

/**
 * Reads back what the S3 sink wrote: for each Kafka partition of the layout (spread over tasks),
 * the objects in start-offset order, each record to its original topic and partition with its key
 * and headers when they were stored. Objects are streamed, a poll's batch at a time, so an object
 * of any size needs bounded memory. The source offset (per topic partition: the range's start
 * offset and records emitted from it) resumes exactly where the last committed record was.
 */
export class S3SourceTask extends SourceTask {
  private config: S3SourceConfig | null = null;
  private storage: S3Storage | null = null;
  private layout: ObjectLayout | null = null;
  private readonly formats = new Map<string, RecordFormat>();
  private readonly positions = new Map<string, Position>();
  /** The partitions with ranges left from the last listing; each poll starts with the next one. */
  private readers: PartitionReader[] = [];
  /** Whether records were handed out since the last listing (then the next one comes at once). */
  private emittedSinceListing = false;
  private nextListAt = 0;
  private stopped = false;
  private wakeUp: (() => void) | null = null;

  version(): string {
    return VERSION;
  }

  async start(props: ConnectorProps): Promise<void> {
    const config = parseSourceConfig(props);
    const storage = new S3Storage(config.s3);
    try {
      await storage.checkBucket();
    } catch (error) {
      storage.destroy();
      const e = error as Error;
      throw isRetriable(error) ? new ConnectException(e.message, { cause: error }) : error;
    }
    this.config = config;
    this.storage = storage;
    this.layout = {
      topicsDir: config.topicsDir,
      directoryDelim: config.directoryDelim,
      fileDelim: config.fileDelim,
      zeroPadWidth: 0,
    };
    this.stopped = false;
  }

  async poll(): Promise<SourceRecord[] | null> {
    const config = this.config;
    if (config === null || this.stopped) return null;
    try {
      if (this.readers.length === 0) {
        if (Date.now() < this.nextListAt) {
          await this.sleep(Math.min(1000, this.nextListAt - Date.now()));
          return [];
        }
        await this.listRanges();
        if (this.readers.length === 0) {
          this.nextListAt = Date.now() + config.pollIntervalMs;
          return [];
        }
      }
      const records = await this.readBatch(config.batchMaxSize);
      if (this.readers.length === 0) {
        // Everything listed was read: list again at once if it held records, else after the interval.
        this.nextListAt = this.emittedSinceListing ? 0 : Date.now() + config.pollIntervalMs;
      }
      return records;
    } catch (error) {
      await this.closeReaders();
      if (!isRetriable(error)) throw error;
      const retryMs = Math.min(config.pollIntervalMs, 5000);
      this.log.warn({ err: error }, `${(error as Error).message}; trying again in ${retryMs} ms`);
      this.nextListAt = Date.now() + retryMs;
      return [];
    }
  }

  /**
   * Up to `max` records from the partitions' ranges, starting with the partition after the one
   * the last poll started with (no partition waits for another's large object). A range is
   * opened when its turn comes; one that has ended gives way to the next of its partition. The
   * positions move only once the whole batch was read: a failure half-way loses none of it.
   */
  private async readBatch(max: number): Promise<SourceRecord[]> {
    const out: SourceRecord[] = [];
    const moved = new Map<string, Position>();
    for (const reader of this.readers) {
      while (out.length < max) {
        if (reader.open === null) {
          const range = reader.ranges.shift();
          if (range === undefined) break;
          const position = await this.position(range.topic, range.partition);
          const skip = range.startOffset === position.startOffset ? position.record : 0;
          reader.open = new RangeReader(range, skip, (name) => this.storedObject(name));
        }
        const open = reader.open;
        const records = await open.next(max - out.length);
        out.push(...records);
        const { startOffset } = open.range;
        moved.set(reader.id, { startOffset, record: open.position, complete: open.done });
        if (open.done) reader.open = null;
      }
      if (out.length >= max) break;
    }
    for (const [id, position] of moved) this.positions.set(id, position);
    if (out.length > 0) this.emittedSinceListing = true;
    const [first, ...rest] = this.readers;
    this.readers = [...rest, ...(first === undefined ? [] : [first])].filter(
      (r) => r.open !== null || r.ranges.length > 0,
    );
    return out;
  }

  private async closeReaders(): Promise<void> {
    const readers = this.readers;
    this.readers = [];
    await Promise.all(readers.map((r) => r.open?.close()));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private prefix(topic: string | null): string {
    const { topicsDir, directoryDelim } = this.config as S3SourceConfig;
    const top = topicsDir.trim() === '' ? '' : `${topicsDir}${directoryDelim}`;
    return topic === null ? top : `${top}${topic}${directoryDelim}`;
  }

  /** Lists the layout: for each of this task's partitions, the ready ranges not read yet. */
  private async listRanges(): Promise<void> {
    this.emittedSinceListing = false;
    const config = this.config as S3SourceConfig;
    const storage = this.storage as S3Storage;
    const keys =
      config.topics.length === 0
        ? await storage.listKeys(this.prefix(null))
        : (await Promise.all(config.topics.map((t) => storage.listKeys(this.prefix(t))))).flat();
    const ranges = new Map<string, Range>();
    for (const key of keys) {
      const parsed = parseObjectKey(key, this.layout as ObjectLayout);
      if (parsed === null) continue;
      if (!ownsPartition(parsed.topic, parsed.partition, config.taskIndex, config.taskCount))
        continue;
      let view: 'value' | 'key' | 'headers' = 'value';
      let ext = parsed.extension;
      if (ext.startsWith('.keys.')) {
        view = 'key';
        ext = ext.slice(5);
      } else if (ext.startsWith('.headers.')) {
        view = 'headers';
        ext = ext.slice(8);
      }
      // Only objects of the configured formats belong to the layout.
      const wanted =
        view === 'value'
          ? config.format
          : view === 'key'
            ? config.keysFormat
            : config.headersFormat;
      if (formatOfExtension(ext, config.bytearrayExtension)?.name !== wanted) continue;
      if ((view === 'key' && !config.storeKeys) || (view === 'headers' && !config.storeHeaders))
        continue;
      const base = parsed.base;
      let range = ranges.get(base);
      if (range === undefined) {
        range = {
          topic: parsed.topic,
          partition: parsed.partition,
          startOffset: parsed.startOffset,
          base,
        };
        ranges.set(base, range);
      }
      range[view] = { ...parsed, extension: ext };
    }
    const byPartition = new Map<string, Range[]>();
    for (const range of ranges.values()) {
      const id = `${range.topic}\u0000${range.partition}`;
      let list = byPartition.get(id);
      if (list === undefined) {
        list = [];
        byPartition.set(id, list);
      }
      list.push(range);
    }
    for (const list of byPartition.values()) {
      list.sort((a, b) => a.startOffset - b.startOffset);
      const first = list[0] as Range;
      const position = await this.position(first.topic, first.partition);
      const ranges: Range[] = [];
      for (const range of list) {
        if (range.startOffset < position.startOffset) continue;
        if (range.startOffset === position.startOffset && position.complete) continue;
        if (!this.isReady(range)) break;
        ranges.push(range);
      }
      if (ranges.length > 0) {
        this.readers.push({
          id: this.positionKey(first.topic, first.partition),
          ranges,
          open: null,
        });
      }
    }
  }

  private isReady(range: Range): boolean {
    const config = this.config as S3SourceConfig;
    if (config.storeKeys && range.key === undefined) return false;
    if (config.storeHeaders && range.headers === undefined) return false;
    if (range.value !== undefined) return true;
    const tombstoneDir = `${this.config?.directoryDelim}${config.tombstonePartition}${this.config?.directoryDelim}`;
    return config.storeKeys && range.base.includes(tombstoneDir);
  }

  private positionKey(topic: string, partition: number): string {
    return `${topic}\u0000${partition}`;
  }

  /** Where reading `topic`/`partition` resumes: from memory, else from the committed offset. */
  private async position(topic: string, partition: number): Promise<Position> {
    const id = this.positionKey(topic, partition);
    let position = this.positions.get(id);
    if (position === undefined) {
      const stored = await this.context.offsetStorageReader().offset({ topic, partition });
      position =
        stored === null
          ? { startOffset: -1, record: 0, complete: false }
          : {
              startOffset: Number(stored.startOffset),
              record: Number(stored.record),
              complete: false,
            };
      this.positions.set(id, position);
    }
    return position;
  }

  private format(name: FormatName, gzip: boolean): RecordFormat {
    const config = this.config as S3SourceConfig;
    const id = `${name}:${gzip}`;
    let format = this.formats.get(id);
    if (format === undefined) {
      format = createFormat(name, {
        gzipLevel: gzip ? 6 : null,
        jsonDecimalFormat: 'BASE64',
        bytearrayExtension: config.bytearrayExtension,
        bytearraySeparator: config.bytearraySeparator,
        avroCodec: 'null',
        parquetCodec: 'snappy',
        avroData: DEFAULT_AVRO_DATA_OPTIONS,
      });
      this.formats.set(id, format);
    }
    return format;
  }

  /** The format and stored object of an object of a range. */
  private storedObject(object: ParsedObjectName): { format: RecordFormat; object: StoredObject } {
    const config = this.config as S3SourceConfig;
    const kind = formatOfExtension(object.extension, config.bytearrayExtension);
    if (kind === null) throw new DataException(`Unknown object format: ${object.key}`);
    return {
      format: this.format(kind.name, kind.gzip),
      object: (this.storage as S3Storage).object(object.key),
    };
  }

  stop(): void {
    this.stopped = true;
    this.wakeUp?.();
    this.closeReaders().catch(() => {
      // Closing only releases the streams; a failure to do so changes nothing for the offsets.
    });
    this.storage?.destroy();
    this.storage = null;
  }
}
