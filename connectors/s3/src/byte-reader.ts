import type { Readable } from 'node:stream';
import { DataException } from '@sluice/api';

/**
 * Reads a byte stream piece by piece (Avro's header, block sizes and blocks): only the chunks
 * needed for the next read are held, so memory stays at about one block whatever the stream's size.
 */
export class ByteReader {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  private consumed = 0;
  private readonly source: AsyncIterator<Buffer>;

  constructor(
    stream: Readable,
    private readonly what: string,
  ) {
    this.source = stream[Symbol.asyncIterator]();
  }

  /** Bytes read so far (for error messages). */
  get position(): number {
    return this.consumed;
  }

  /** Whether every byte was read. */
  async atEnd(): Promise<boolean> {
    await this.fill(1);
    return this.buffered === 0;
  }

  /** The next `n` bytes; fails naming the object when it ends before. */
  async read(n: number): Promise<Buffer> {
    await this.fill(n);
    if (this.buffered < n) {
      throw new DataException(
        `${this.what} ends after ${this.consumed + this.buffered} bytes, in the middle of a record`,
      );
    }
    const first = this.chunks[0] as Buffer;
    let out: Buffer;
    if (first.byteLength >= n) {
      out = first.subarray(0, n);
      if (first.byteLength === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let at = 0;
      while (at < n) {
        const chunk = this.chunks[0] as Buffer;
        const used = Math.min(chunk.byteLength, n - at);
        chunk.copy(out, at, 0, used);
        at += used;
        if (used === chunk.byteLength) this.chunks.shift();
        else this.chunks[0] = chunk.subarray(used);
      }
    }
    this.buffered -= n;
    this.consumed += n;
    return out;
  }

  /** A zigzag varint long (Avro's `long`). */
  async readLong(): Promise<number> {
    let n = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = (await this.read(1))[0] as number;
      n += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
      scale *= 128;
    }
    throw new DataException(
      `${this.what}: a long at byte ${this.consumed} is longer than 10 bytes`,
    );
  }

  /** Stops reading (the stream is destroyed). */
  async close(): Promise<void> {
    await this.source.return?.();
  }

  private async fill(n: number): Promise<void> {
    while (this.buffered < n && !this.ended) {
      const next = await this.source.next();
      if (next.done) {
        this.ended = true;
        break;
      }
      const v = next.value as Uint8Array;
      const chunk = Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      if (chunk.byteLength === 0) continue;
      this.chunks.push(chunk);
      this.buffered += chunk.byteLength;
    }
  }
}
