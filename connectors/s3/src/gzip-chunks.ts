import { gunzipSync, gzipSync } from 'node:zlib';
import { ChunkBuffer } from './record-format.js';

/** Uncompressed bytes gathered before they are compressed into one gzip member. */
const MEMBER_BYTES = 4 * 1024 * 1024;

/**
 * Gzip over a chunk stream: bytes are compressed in members of a few MiB, concatenated (RFC 1952
 * allows several members; gunzip, Java's GZIPInputStream and Node read them as one stream). So
 * compressed parts can be uploaded while the object is still being written.
 */
export class GzipChunks {
  private readonly raw = new ChunkBuffer();
  private readonly compressed = new ChunkBuffer();

  constructor(private readonly level: number) {}

  push(chunk: Uint8Array): void {
    this.raw.push(chunk);
    if (this.raw.byteLength >= MEMBER_BYTES) this.compressMember();
  }

  /** Compressed bytes ready (whole members only). */
  get pendingBytes(): number {
    return this.compressed.byteLength;
  }

  take(): Uint8Array[] {
    return this.compressed.take();
  }

  finish(): Uint8Array[] {
    this.compressMember(true);
    return this.compressed.take();
  }

  private compressMember(last = false): void {
    if (this.raw.byteLength === 0 && !(last && this.compressed.byteLength === 0)) return;
    this.compressed.push(gzipSync(Buffer.concat(this.raw.take()), { level: this.level }));
  }
}

/** Decompresses a gzip object (every member). */
export function gunzip(bytes: Uint8Array): Buffer {
  return gunzipSync(bytes);
}
