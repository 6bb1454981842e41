import { open, readFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { canonicalKey, InMemoryIndexedStore } from './offset-store.js';

/**
 * Standalone mode's offset store (`offset.storage.file.filename`): one JSON file mapping
 * serialized keys to serialized values. Every write replaces the file atomically: write a
 * temp file, fsync it, rename it over the old one, fsync the directory. A crash leaves
 * either the old or the new file, never a torn one.
 */
export class FileOffsetStore extends InMemoryIndexedStore {
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly filename: string) {
    super();
  }

  async start(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.filename, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    if (text.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new Error(
        `Offset file ${this.filename} is not valid JSON: ${(error as Error).message}`,
      );
    }
    const offsets = (parsed as { offsets?: unknown }).offsets;
    if (offsets === null || typeof offsets !== 'object') {
      throw new Error(`Offset file ${this.filename} has no "offsets" object`);
    }
    this.data.clear();
    for (const [key, value] of Object.entries(offsets as Record<string, unknown>)) {
      if (typeof value === 'string') this.data.set(canonicalKey(key), { key, value });
    }
  }

  async stop(): Promise<void> {
    await this.writing;
  }

  protected persist(): Promise<void> {
    const run = this.writing.then(() => this.writeFile());
    this.writing = run.catch(() => {});
    return run;
  }

  private async writeFile(): Promise<void> {
    const offsets: Record<string, string> = {};
    for (const { key, value } of this.data.values()) offsets[key] = value;
    const body = `${JSON.stringify({ version: 1, offsets }, null, 2)}\n`;
    const dir = dirname(this.filename);
    const temp = join(dir, `.${basename(this.filename)}.${process.pid}.tmp`);
    const file = await open(temp, 'w');
    try {
      await file.writeFile(body, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, this.filename);
    const dirHandle = await open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  }
}
