import { type FileHandle, open } from 'node:fs/promises';
import {
  ConnectException,
  type ConnectorProps,
  type SinkRecord,
  SinkTask,
  Struct,
} from '@sluice/api';
import { type FileSinkConfig, parseFileSinkConfig } from './config.js';
import { flatObjectJson } from './flat-json.js';
import { VERSION } from './version.js';

function render(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (value instanceof Struct || typeof value !== 'object') return String(value);
  const flat = flatObjectJson(value);
  if (flat !== null) return flat;
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

/** Text queued for the file beyond which `put` waits for it to be written. */
const MAX_QUEUED_CHARS = 8 * 1024 * 1024;

function bigintAsDigits(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

/**
 * Appends each record's value as one line. As Kafka's task writes through a buffered stream,
 * `put` queues its lines for the file and returns while they are written, in order (a `put`
 * waits only while more than {@link MAX_QUEUED_CHARS} are queued, and fails if an earlier write
 * failed), so the runtime converts the next records meanwhile. `flush` waits for the queue and
 * makes the lines durable (fsync), so the offsets the runtime commits after `preCommit` are on
 * disk.
 */
export class FileStreamSinkTask extends SinkTask {
  private config!: FileSinkConfig;
  private handle: FileHandle | null = null;
  /** The last queued write; it never rejects (its error is kept in `writeError`). */
  private writing: Promise<void> = Promise.resolve();
  private writeError: Error | null = null;
  private queuedChars = 0;

  version(): string {
    return VERSION;
  }

  async start(props: ConnectorProps): Promise<void> {
    this.config = parseFileSinkConfig(props);
    if (this.config.file) this.handle = await open(this.config.file, 'a');
  }

  async put(records: SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    const lines = records.map((r) => render(r.value));
    // The last line's newline from join itself: appending it would make a second string that
    // the write flattens, copying the whole batch once more.
    lines.push('');
    const text = lines.join('\n');
    const handle = this.handle;
    if (!handle) {
      process.stdout.write(text);
      return;
    }
    if (this.writeError || this.queuedChars > MAX_QUEUED_CHARS) await this.written();
    this.queuedChars += text.length;
    this.writing = this.writing
      .then(() => (this.writeError ? undefined : handle.write(text)))
      .then(
        () => {
          this.queuedChars -= text.length;
        },
        (error: unknown) => {
          this.queuedChars -= text.length;
          this.writeError = new ConnectException(
            `Couldn't write to file ${this.config.file}: ${(error as Error).message}`,
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
    await this.handle?.sync();
  }

  async stop(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    if (handle) {
      try {
        await this.written();
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  }
}
