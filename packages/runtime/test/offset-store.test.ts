import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileOffsetStore } from '../src/storage/file-offset-store.js';
import { parseOffsetJson, stringifyOffsetJson } from '../src/storage/offset-json.js';
import { OffsetStorageReaderImpl } from '../src/storage/offset-storage-reader.js';
import { MemoryOffsetStore, offsetKey, parseOffsetKey } from '../src/storage/offset-store.js';

describe('offset stores', () => {
  it('uses Kafka Connect key format ["connector", {partition}]', () => {
    expect(offsetKey('file-source', { filename: '/tmp/in.txt' })).toBe(
      '["file-source",{"filename":"/tmp/in.txt"}]',
    );
    expect(parseOffsetKey('["c",{"x":1}]')).toEqual({ connector: 'c', partition: { x: 1 } });
  });

  it('keeps 64-bit offsets exact', () => {
    const text = stringifyOffsetJson({ lsn: 2n ** 63n - 1n, small: 5 });
    expect(text).toBe('{"lsn":9223372036854775807,"small":5}');
    expect(parseOffsetJson(text)).toEqual({ lsn: 2n ** 63n - 1n, small: 5 });
  });

  it('file store survives a restart and finds partitions whatever their key order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'offsets-'));
    const filename = join(dir, 'connect.offsets');
    const store = new FileOffsetStore(filename);
    await store.start();
    await store.set(new Map([[offsetKey('c', { a: 1, b: 'x' }), '{"position":42}']]));
    await store.stop();
    const again = new FileOffsetStore(filename);
    await again.start();
    const reader = new OffsetStorageReaderImpl(again, 'c');
    expect(await reader.offset({ b: 'x', a: 1 })).toEqual({ position: 42 });
    expect(await reader.offset({ a: 2 })).toBeNull();
    await again.set(new Map([[offsetKey('c', { a: 1, b: 'x' }), null]]));
    expect(await again.keys()).toEqual([]);
    expect(JSON.parse(await readFile(filename, 'utf8'))).toEqual({ version: 1, offsets: {} });
  });

  it('refuses a corrupt offset file with its name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'offsets-'));
    const filename = join(dir, 'bad.offsets');
    await writeFile(filename, '{not json');
    await expect(new FileOffsetStore(filename).start()).rejects.toThrow(
      /bad.offsets is not valid JSON/,
    );
  });

  it('memory store deletes with null values', async () => {
    const store = new MemoryOffsetStore();
    await store.set(new Map([['["c",{"p":1}]', '{"o":1}']]));
    expect(await store.get(['["c",{"p":1}]'])).toEqual(new Map([['["c",{"p":1}]', '{"o":1}']]));
    await store.set(new Map([['["c",{"p":1}]', null]]));
    expect((await store.get(['["c",{"p":1}]'])).size).toBe(0);
  });
});
