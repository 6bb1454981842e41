import { Readable } from 'node:stream';
import { ConnectException, DataException } from '@sluice/api';

/**
 * An object the source reads: as a stream from its start (JSON lines, raw bytes, Avro), or by
 * ranges (Parquet, whose footer comes last). Nothing here holds the whole object.
 */
export interface StoredObject {
  readonly key: string;
  /** The object's bytes, chunk by chunk (reading pulls them from S3 as it goes). */
  open(): Promise<Readable>;
  /** Its size in bytes. */
  size(): Promise<number>;
  /** Bytes `start` (inclusive) to `end` (exclusive). */
  range(start: number, end: number): Promise<Uint8Array>;
}

/** An object whose bytes are in memory (written by a format in tests, or already fetched). */
export function bytesObject(key: string, bytes: Uint8Array): StoredObject {
  return {
    key,
    open: async () =>
      Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)], {
        objectMode: false,
      }),
    size: async () => bytes.byteLength,
    range: async (start, end) => bytes.subarray(start, end),
  };
}

/**
 * A failure while reading `key` as a Connect error: S3's own (already Connect errors, retriable
 * when transient) pass through; anything else (a corrupt gzip stream) is bad data naming the object.
 */
export function readFailure(error: unknown, key: string): Error {
  if (error instanceof ConnectException) return error;
  return new DataException(`Could not read ${key}: ${(error as Error).message}`, { cause: error });
}
