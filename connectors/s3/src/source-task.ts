import {
  ConnectException,
  type ConnectHeaders,
  type ConnectorProps,
  DataException,
  isRetriable,
  type SchemaAndValue,
  SourceRecord,
  SourceTask,
} from '@sluice/api';
import { DEFAULT_AVRO_DATA_OPTIONS } from '@sluice/converter-avro';
import { type FormatName, parseSourceConfig, type S3SourceConfig } from './config.js';
import { createFormat } from './object-formats.js';
import { type ObjectLayout, type ParsedObjectName, parseObjectKey } from './object-name.js';
import type { RecordFormat } from './record-format.js';
import { headersFromView } from './record-view.js';
import { S3Storage } from './s3-storage.js';
import { VERSION } from './version.js';

/** The objects of one record range (same topic, partition and start offset): value, keys, headers. */
interface Range {
  readonly topic: string;
  readonly partition: number;
  readonly startOffset: number;
  readonly base: string;
  value?: ParsedObjectName;
  key?: ParsedObjectName;
  headers?: ParsedObjectName;
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
 * and headers when they were stored. The source offset (per topic partition: the range's start
 * offset and records emitted from it) resumes exactly where the last committed record was.
 */
export class S3SourceTask extends SourceTask {
  private config: S3SourceConfig | null = null;
  private storage: S3Storage | null = null;
  private layout: ObjectLayout | null = null;
  private readonly formats = new Map<string, RecordFormat>();
  private readonly positions = new Map<string, Position>();
  private pending: SourceRecord[] = [];
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
    if (this.pending.length === 0) {
      if (Date.now() < this.nextListAt) {
        await this.sleep(Math.min(1000, this.nextListAt - Date.now()));
        return [];
      }
      try {
        await this.readNextRanges();
      } catch (error) {
        if (!isRetriable(error)) throw error;
        const retryMs = Math.min(config.pollIntervalMs, 5000);
        this.log.warn({ err: error }, `${(error as Error).message}; trying again in ${retryMs} ms`);
        this.nextListAt = Date.now() + retryMs;
        return [];
      }
      if (this.pending.length === 0) {
        this.nextListAt = Date.now() + config.pollIntervalMs;
        return [];
      }
    }
    return this.pending.splice(0, config.batchMaxSize);
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

  /** Lists the layout and reads, for each of this task's partitions, the next ready range. */
  private async readNextRanges(): Promise<void> {
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
      const id = this.positionKey(first.topic, first.partition);
      const position = await this.position(first.topic, first.partition);
      for (const range of list) {
        if (range.startOffset < position.startOffset) continue;
        if (range.startOffset === position.startOffset && position.complete) continue;
        if (!this.isReady(range)) break;
        const records = await this.readRange(range);
        const skip = range.startOffset === position.startOffset ? position.record : 0;
        this.positions.set(id, {
          startOffset: range.startOffset,
          record: records.length,
          complete: true,
        });
        if (records.length > skip) {
          // One range per partition per listing; the next listing comes right after it is sent.
          this.pending.push(...records.slice(skip));
          this.nextListAt = 0;
          break;
        }
        position.startOffset = range.startOffset;
        position.complete = true;
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

  private async readObject(object: ParsedObjectName | undefined): Promise<SchemaAndValue[] | null> {
    if (object === undefined) return null;
    const config = this.config as S3SourceConfig;
    const kind = formatOfExtension(object.extension, config.bytearrayExtension);
    if (kind === null) throw new DataException(`Unknown object format: ${object.key}`);
    const bytes = await (this.storage as S3Storage).getObject(object.key);
    return this.format(kind.name, kind.gzip).read(bytes);
  }

  /** The records of one range, each with its source offset. */
  private async readRange(range: Range): Promise<SourceRecord[]> {
    const [values, keys, headerRows] = await Promise.all([
      this.readObject(range.value),
      this.readObject(range.key),
      this.readObject(range.headers),
    ]);
    const count = values?.length ?? keys?.length ?? 0;
    for (const [what, rows] of [
      ['keys', keys],
      ['headers', headerRows],
    ] as const) {
      if (rows !== null && rows.length !== count) {
        throw new DataException(
          `The ${what} object of ${range.base} holds ${rows.length} records, its value object ${count}`,
        );
      }
    }
    const out: SourceRecord[] = [];
    for (let i = 0; i < count; i++) {
      const value = values?.[i] ?? { schema: null, value: null };
      const key = keys?.[i] ?? { schema: null, value: null };
      const headers: ConnectHeaders | undefined =
        headerRows === null ? undefined : headersFromView(headerRows[i]?.value);
      out.push(
        new SourceRecord({
          sourcePartition: { topic: range.topic, partition: range.partition },
          sourceOffset: { startOffset: range.startOffset, record: i + 1, object: range.base },
          topic: range.topic,
          kafkaPartition: range.partition,
          keySchema: key.schema,
          key: key.value,
          valueSchema: value.schema,
          value: value.value,
          headers,
        }),
      );
    }
    return out;
  }

  stop(): void {
    this.stopped = true;
    this.wakeUp?.();
    this.storage?.destroy();
    this.storage = null;
  }
}
