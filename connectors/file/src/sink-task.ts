import { type FileHandle, open } from 'node:fs/promises';
import {
  ConnectException,
  type ConnectorProps,
  type SinkRecord,
  SinkTask,
  Struct,
} from '@sluice/api';
import { type FileSinkConfig, parseFileSinkConfig } from './config.js';
import { flatObjectJson, LONG_TEXT } from './flat-json.js';
import { VERSION } from './version.js';

/**
 * A value as its line. `longText` says whether to try {@link flatObjectJson} first: only worth
 * its check (most of a ~200 B record's rendering) when the record's text is long.
 */
function render(value: unknown, longText: boolean): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (value instanceof Struct || typeof value !== 'object') return String(value);
  if (longText) {
    const flat = flatObjectJson(value);
    if (flat !== null) return flat;
  }
  try {
    // Without a replacer first: a replacer function makes JSON.stringify call back into
    // JavaScript for every value, several times slower on the SMT chain's records.
    return JSON.stringify(value);
  } catch (error) {
    // JSON.stringify throws a TypeError on a bigint (an INT64 beyond 2^53): written as digits.
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(value, bigintAsDigits);
  }
}

/** Text queued for the file (characters or bytes) beyond which `put` waits for it to be written. */
const MAX_QUEUED_SIZE = 8 * 1024 * 1024;
/** Lines of at least this many characters on average are encoded one by one (see `put`). */
const LONG_LINE = 1024;
/** Written batches' buffers kept for the next ones: enough while a write is in flight. */
const MAX_SPARES = 2;
/**
 * Bytes (about) written after which the file's data goes to disk in the background, so the
 * fsync of the next `flush`, which holds up delivery, has little left to write.
 */
const SYNC_EVERY = 32 * 1024 * 1024;

/** The lines, each followed by a newline, as one flat string. */
function joinLines(lines: string[]): string {
  // The last newline from join itself: appending it would make a second string that the write
  // flattens, copying the whole batch once more.
  lines.push('');
  return lines.join('\n');
}

function bigintAsDigits(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

/**
 * Appends each record's value as one line. As Kafka's task writes through a buffered stream,
 * `put` queues its lines for the file and returns while they are written, in order (a `put`
 * waits only while more than {@link MAX_QUEUED_SIZE} are queued, and fails if an earlier write
 * failed), so the runtime converts the next records meanwhile. `flush` waits for the queue and
 * makes the lines durable (fsync), so the offsets the runtime commits after `preCommit` are on
 * disk; the data already goes to disk in the background every {@link SYNC_EVERY} bytes, so that
 * fsync, which holds up delivery, is short.
 */
export class FileStreamSinkTask extends SinkTask {
  private config!: FileSinkConfig;
  private handle: FileHandle | null = null;
  /** The last queued write; it never rejects (its error is kept in `writeError`). */
  private writing: Promise<void> = Promise.resolve();
  private writeError: Error | null = null;
  /** Characters or bytes queued for the file. */
  private queuedSize = 0;
  /** Buffers of written batches, for the next batches of long lines. */
  private readonly spares: Buffer[] = [];
  /** Whether the last line written was long: records of a topic are mostly alike in size. */
  private lastLineLong = false;
  /** Written since the last sync started. */
  private unsynced = 0;
  /** The background sync in flight; it never rejects (its error is kept in `writeError`). */
  private syncing: Promise<void> | null = null;

  version(): string {
    return VERSION;
  }

  async start(props: ConnectorProps): Promise<void> {
    this.config = parseFileSinkConfig(props);
    if (this.config.file) this.handle = await open(this.config.file, 'a');
  }

  async put(records: SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    let long = this.lastLineLong;
    const lines = records.map((r) => {
      const line = render(r.value, long);
      long = line.length >= LONG_TEXT;
      return line;
    });
    this.lastLineLong = long;
    const handle = this.handle;
    if (!handle) {
      process.stdout.write(joinLines(lines));
      return;
    }
    if (this.writeError || this.queuedSize > MAX_QUEUED_SIZE) await this.written();
    let chars = 0;
    for (const line of lines) chars += line.length;
    // Long lines are encoded one by one into a buffer an earlier batch is done with: joining
    // them first would copy ~1 MB per batch into fresh memory, twice. Short lines are faster
    // joined: a line's encoding call would cost more than its copy.
    const data = chars >= LONG_LINE * lines.length ? this.encode(lines, chars) : joinLines(lines);
    const size = typeof data === 'string' ? chars + lines.length : data.length;
    this.queuedSize += size;
    this.writing = this.writing
      .then(async () => {
        if (this.writeError) return;
        if (typeof data === 'string') await handle.write(data);
        else await handle.write(data.buffer, 0, data.length);
      })
      .then(
        () => {
          this.queuedSize -= size;
          if (typeof data !== 'string' && this.spares.length < MAX_SPARES) {
            this.spares.push(data.buffer);
          }
          this.unsynced += size;
          if (this.unsynced >= SYNC_EVERY && this.syncing === null) this.syncInBackground(handle);
        },
        (error: unknown) => {
          this.queuedSize -= size;
          this.writeError = new ConnectException(
            `Couldn't write to file ${this.config.file}: ${(error as Error).message}`,
            { cause: error },
          );
        },
      );
  }

  /** Lines as UTF-8, each with its newline, in a spare buffer (or a new one if none is large enough). */
  private encode(lines: string[], chars: number): { buffer: Buffer; length: number } {
    const most = chars * 3 + lines.length;
    let buffer = this.spares.pop();
    if (buffer === undefined || buffer.length < most) buffer = Buffer.allocUnsafeSlow(most);
    let length = 0;
    for (const line of lines) {
      length += buffer.write(line, length);
      buffer[length++] = 0x0a;
    }
    return { buffer, length };
  }

  /** Starts writing the file's data to disk while later lines are written (see SYNC_EVERY). */
  private syncInBackground(handle: FileHandle): void {
    this.unsynced = 0;
    this.syncing = handle.datasync().then(
      () => {
        this.syncing = null;
      },
      (error: unknown) => {
        this.syncing = null;
        this.writeError ??= new ConnectException(
          `Couldn't sync file ${this.config.file} to disk: ${(error as Error).message}`,
          { cause: error },
        );
      },
    );
  }

  /** Waits for the write in flight; throws if it failed. */
  private async written(): Promise<void> {
    await this.writing;
    if (this.writeError) throw this.writeError;
  }

  override async flush(): Promise<void> {
    await this.written();
    await this.synced();
    this.unsynced = 0;
    await this.handle?.sync();
  }

  /** Waits for the background sync in flight; throws if it failed. */
  private async synced(): Promise<void> {
    await this.syncing;
    if (this.writeError) throw this.writeError;
  }

  async stop(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    if (handle) {
      try {
        await this.written();
        await this.synced();
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  }
}
