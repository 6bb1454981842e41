import { type FileHandle, open } from 'node:fs/promises';
import { type ConnectorProps, type SinkRecord, SinkTask, Struct } from '@sluice/api';
import { type FileSinkConfig, parseFileSinkConfig } from './config.js';
import { VERSION } from './version.js';

function render(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (value instanceof Struct || typeof value !== 'object') return String(value);
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

function bigintAsDigits(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

/**
 * Appends each record's value as one line. Lines are written at every `put` and made durable
 * (fsync) at `flush`, so the offsets the runtime commits after `preCommit` are on disk.
 */
export class FileStreamSinkTask extends SinkTask {
  private config!: FileSinkConfig;
  private handle: FileHandle | null = null;

  version(): string {
    return VERSION;
  }

  async start(props: ConnectorProps): Promise<void> {
    this.config = parseFileSinkConfig(props);
    if (this.config.file) this.handle = await open(this.config.file, 'a');
  }

  async put(records: SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    const text = `${records.map((r) => render(r.value)).join('\n')}\n`;
    if (this.handle) await this.handle.write(text);
    else process.stdout.write(text);
  }

  override async flush(): Promise<void> {
    await this.handle?.sync();
  }

  async stop(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    if (handle) {
      await handle.sync();
      await handle.close();
    }
  }
}
