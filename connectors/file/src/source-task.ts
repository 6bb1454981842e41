import { type FileHandle, open } from 'node:fs/promises';
import { type ConnectorProps, Schema, SourceRecord, SourceTask } from '@sluice/api';
import {
  FILENAME_FIELD,
  type FileSourceConfig,
  POSITION_FIELD,
  parseFileSourceConfig,
} from './config.js';
import { VERSION } from './version.js';

const READ_CHUNK = 64 * 1024;
/** How long poll() waits when the file has no new complete line. */
const IDLE_WAIT_MS = 200;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Tails one file: each complete line (ended by `\n`, a trailing `\r` dropped) becomes a record
 * with a STRING value, source partition `{filename}` and offset `{position}` = the byte position
 * after the line, as Kafka's FileStreamSourceTask. A partial last line waits for its newline.
 */
export class FileStreamSourceTask extends SourceTask {
  private config!: FileSourceConfig;
  private handle: FileHandle | null = null;
  /** Byte position where the next unread line starts. */
  private position = 0;
  /** Bytes read after `position` that do not end with a newline yet. */
  private pending: Buffer = Buffer.alloc(0);
  private stopped = false;
  private wake: (() => void) | null = null;
  /** Whether the wait for a missing file was logged (once per wait, not at every poll). */
  private waitLogged = false;

  version(): string {
    return VERSION;
  }

  async start(props: ConnectorProps): Promise<void> {
    this.config = parseFileSourceConfig(props);
    this.stopped = false;
    const committed = await this.context
      .offsetStorageReader()
      .offset({ [FILENAME_FIELD]: this.config.file });
    const position = committed?.[POSITION_FIELD];
    if (typeof position === 'number' || typeof position === 'bigint') {
      this.position = Number(position);
      this.log.info(
        { file: this.config.file, position: this.position },
        `Resuming ${this.config.file} at byte ${this.position} (the committed offset)`,
      );
    }
  }

  async poll(): Promise<SourceRecord[] | null> {
    if (this.stopped) return null;
    if (!this.handle) {
      try {
        this.handle = await open(this.config.file, 'r');
      } catch (error) {
        // Kafka waits for a missing file to appear.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        if (!this.waitLogged) {
          this.log.warn(
            { file: this.config.file },
            `Couldn't find file ${this.config.file}, waiting for it to be created`,
          );
          this.waitLogged = true;
        }
        await this.idle();
        return null;
      }
      this.waitLogged = false;
      const { size } = await this.handle.stat();
      if (size < this.position) {
        // Nothing is read until the file grows past the committed position again.
        this.log.warn(
          { file: this.config.file, size, position: this.position },
          `${this.config.file} holds ${size} bytes, fewer than the committed position ${this.position}: it was truncated or replaced; lines before byte ${this.position} are not read (reset the connector's offsets to read it from the start)`,
        );
      }
    }
    const records: SourceRecord[] = [];
    const { batchSize, topic, file } = this.config;
    for (;;) {
      let idx = this.pending.indexOf(NEWLINE);
      while (idx >= 0 && records.length < batchSize) {
        let end = idx;
        if (end > 0 && this.pending[end - 1] === CARRIAGE_RETURN) end--;
        const line = this.pending.toString('utf8', 0, end);
        this.position += idx + 1;
        this.pending = this.pending.subarray(idx + 1);
        records.push(
          new SourceRecord({
            sourcePartition: { [FILENAME_FIELD]: file },
            sourceOffset: { [POSITION_FIELD]: this.position },
            topic,
            valueSchema: Schema.STRING_SCHEMA,
            value: line,
          }),
        );
        idx = this.pending.indexOf(NEWLINE);
      }
      if (records.length >= batchSize || this.stopped) break;
      const buffer = Buffer.allocUnsafe(READ_CHUNK);
      const { bytesRead } = await this.handle.read(
        buffer,
        0,
        READ_CHUNK,
        this.position + this.pending.length,
      );
      if (bytesRead === 0) break;
      this.pending = Buffer.concat([this.pending, buffer.subarray(0, bytesRead)]);
    }
    if (records.length === 0) {
      await this.idle();
      return null;
    }
    return records;
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, IDLE_WAIT_MS);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
  }
}
