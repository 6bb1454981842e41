import { Readable } from 'node:stream';
import type { SchemaAndValue } from '@sluice/api';
import type { RecordFormat } from '../src/record-format.js';
import { bytesObject, type StoredObject } from '../src/stored-object.js';

/** An object in memory streamed in chunks of `chunkSize` bytes (records and blocks straddle them). */
function chunkedObject(bytes: Uint8Array, chunkSize: number): StoredObject {
  const whole = bytesObject('test-object', bytes);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: Buffer[] = [];
  for (let at = 0; at < buf.byteLength; at += chunkSize) {
    chunks.push(buf.subarray(at, at + chunkSize));
  }
  return { ...whole, open: async () => Readable.from(chunks, { objectMode: false }) };
}

/** The records of an object held in memory, from record `skip` on, as the source reads them. */
export async function readAll(
  format: RecordFormat,
  bytes: Uint8Array,
  { skip = 0, chunkSize = 0 } = {},
): Promise<SchemaAndValue[]> {
  const object =
    chunkSize > 0 ? chunkedObject(bytes, chunkSize) : bytesObject('test-object', bytes);
  const out: SchemaAndValue[] = [];
  for await (const batch of format.read(object, skip)) out.push(...batch);
  return out;
}
