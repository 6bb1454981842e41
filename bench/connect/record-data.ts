/** The benchmark's records: deterministic text lines and JSON events of a target size. */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/** Record sizes the workloads use, in bytes of the line (or the JSON event without envelope). */
export const RECORD_SIZES = { '200B': 200, '2KB': 2048 } as const;
export type RecordSize = keyof typeof RECORD_SIZES;

// 64 KiB of word-like ASCII (no quote, backslash or newline: JSON escaping is not what is measured).
const TEXT = (() => {
  const words = [
    'order',
    'shipped',
    'customer',
    'invoice',
    'warehouse',
    'payment',
    'accepted',
    'pending',
    'retry',
    'parcel',
    'Lisbon',
    'Osaka',
    'Nairobi',
    'Quito',
    'batch',
    'ledger',
    'sensor',
    'reading',
    'humidity',
    'latency',
    'checkout',
    'cart',
    'refund',
    'status=ok',
    'code=200',
    'user_id',
    'session',
    'token',
    'region=eu-west',
    'x',
    'yz',
    '42',
    '3.14159',
    '2026-11-25',
  ];
  let state = 0x2545f491;
  const parts: string[] = [];
  let length = 0;
  while (length < 65_536) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const word = words[(state >>> 0) % words.length] as string;
    parts.push(word);
    length += word.length + 1;
  }
  return parts.join(' ');
})();

/** Line `i` of a workload: `<i> <text>`, its length spread over 80–120% of `target` bytes. */
export function textLine(i: number, target: number): string {
  // Golden-ratio sequence: lengths spread evenly, the same on every run.
  const spread = ((i * 0.618_033_988_75) % 1) * 0.4 + 0.8;
  const length = Math.max(16, Math.round(target * spread));
  const head = `${i} `;
  const start = (i * 7919) % (TEXT.length - length);
  return head + TEXT.slice(start, start + length - head.length);
}

/** Event `i` as a plain object of about `target` bytes of JSON (for the transform chain). */
export function eventObject(i: number, target: number): Record<string, string | number> {
  const fixed = {
    id: i,
    user: `user-${i % 1000}`,
    email: `user${i % 1000}@example.com`,
    ts: 1_732_000_000_000 + i,
    internal: `trace-${(i * 2_654_435_761) % 4_294_967_296}`,
  };
  const overhead = JSON.stringify(fixed).length + 14;
  return { ...fixed, message: textLine(i, Math.max(24, target - overhead)) };
}

/** The Connect schema of `eventObject`, in JsonConverter's envelope form. */
export const EVENT_SCHEMA = JSON.stringify({
  type: 'struct',
  name: 'bench.Event',
  optional: false,
  fields: [
    { field: 'id', type: 'int64', optional: false },
    { field: 'user', type: 'string', optional: false },
    { field: 'email', type: 'string', optional: false },
    { field: 'ts', type: 'int64', optional: false },
    { field: 'internal', type: 'string', optional: false },
    { field: 'message', type: 'string', optional: false },
  ],
});

const STRING_SCHEMA = '{"type":"string","optional":false}';

/** What JsonConverter writes for a STRING value (a file source line), with or without schemas. */
export function jsonStringValue(line: string, schemas: boolean): string {
  const payload = JSON.stringify(line);
  return schemas ? `{"schema":${STRING_SCHEMA},"payload":${payload}}` : payload;
}

/** What JsonConverter writes for an event, as a struct with its schema or as a schemaless map. */
export function jsonEventValue(i: number, target: number, schemas: boolean): string {
  const payload = JSON.stringify(eventObject(i, target));
  return schemas ? `{"schema":${EVENT_SCHEMA},"payload":${payload}}` : payload;
}

/** Writes `count` lines of `textLine(i, target)`; returns the file's size in bytes. */
export async function writeLinesFile(file: string, count: number, target: number): Promise<number> {
  const out = createWriteStream(file);
  let bytes = 0;
  let chunk: string[] = [];
  for (let i = 0; i < count; i++) {
    const line = textLine(i, target);
    bytes += Buffer.byteLength(line) + 1;
    chunk.push(line);
    if (chunk.length === 4096 || i === count - 1) {
      if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
      chunk = [];
    }
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}
