import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGunzip, gzip } from 'node:zlib';
import { CompressionQueue } from './compression-queue.js';
import { ChunkBuffer } from './record-format.js';
import type { StoredObject } from './stored-object.js';

const gzipAsync = promisify(gzip);

/** Uncompressed bytes gathered before they are compressed into one gzip member. */
const MEMBER_BYTES = 4 * 1024 * 1024;

/**
 * Gzip over a chunk stream: bytes are compressed in members of a few MiB, concatenated (RFC 1952
 * allows several members; gunzip, Java's GZIPInputStream and Node read them as one stream). So
 * compressed parts can be uploaded while the object is still being written. Members are compressed
 * on zlib's thread pool: a part of many MiB never blocks the event loop.
 */
export class GzipChunks {
  private readonly raw = new ChunkBuffer();
  private readonly members = new CompressionQueue();
  private started = false;

  constructor(private readonly level: number) {}

  push(chunk: Uint8Array): void {
    this.raw.push(chunk);
    if (this.raw.byteLength >= MEMBER_BYTES) this.compressMember();
  }

  /** Bytes (before compression) pushed and not taken yet. */
  get pendingBytes(): number {
    return this.members.pendingBytes + this.raw.byteLength;
  }

  /** The members compressed so far. */
  take(): Promise<Uint8Array[]> {
    return this.members.take();
  }

  /** Compresses what is left (an empty object still gets one empty member) and takes it all. */
  finish(): Promise<Uint8Array[]> {
    if (this.raw.byteLength > 0 || !this.started) this.compressMember();
    return this.members.take();
  }

  private compressMember(): void {
    const raw = Buffer.concat(this.raw.take());
    this.started = true;
    this.members.add(raw.byteLength, async () => [await gzipAsync(raw, { level: this.level })]);
  }
}

/**
 * The bytes of `object` as a stream, decompressed on the way (on zlib's thread pool) when it is
 * gzip: every member, as gunzip reads them.
 */
export async function openPlain(object: StoredObject, gzip: boolean): Promise<Readable> {
  const raw = await object.open();
  if (!gzip) return raw;
  const plain = createGunzip();
  // A failure of either stream reaches the reader through `plain`, which pipeline destroys with it.
  pipeline(raw, plain).catch(() => {});
  return plain;
}
