import type { IHeaders } from '@sluice/kafkajs';
import type { KafkaHeader } from './kafka-port.js';

/** Bytes as the Buffer kafkajs wants, without a copy when they already are one. */
export function toBuffer(bytes: Uint8Array | null): Buffer | null {
  if (bytes === null) return null;
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The port's headers as kafkajs headers (repeated keys become arrays). */
export function toIHeaders(headers: KafkaHeader[] | undefined): IHeaders | undefined {
  if (!headers || headers.length === 0) return undefined;
  const out: IHeaders = {};
  for (const h of headers) {
    // kafkajs cannot send a null header value; an empty one is the closest we have.
    const value = toBuffer(h.value) ?? Buffer.alloc(0);
    const prev = out[h.key];
    if (prev === undefined) out[h.key] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[h.key] = [prev, value];
  }
  return out;
}

/** kafkajs headers as the port's header list (repeated keys kept in order). */
export function fromIHeaders(headers: IHeaders | undefined): KafkaHeader[] {
  const out: KafkaHeader[] = [];
  if (!headers) return out;
  for (const [key, value] of Object.entries(headers)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (v === undefined) continue;
      out.push({ key, value: typeof v === 'string' ? Buffer.from(v) : v });
    }
  }
  return out;
}
