import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { deflateRawSync, gunzipSync, gzipSync } from 'node:zlib';
import { Schema, SchemaBuilder, Struct } from '@sluice/api';
import { DEFAULT_AVRO_DATA_OPTIONS } from '@sluice/converter-avro';
import { parquetWriteBuffer } from 'hyparquet-writer';
import snappy from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { AvroFormat } from '../src/avro-format.js';
import { JsonFormat } from '../src/json-format.js';
import { ParquetFormat } from '../src/parquet-format.js';
import type { ObjectWriter } from '../src/record-format.js';
import { parquetSchemaOf } from '../src/schema-mapping.js';
import { readAll } from './read-all.js';

/*
 * The sink's compression must not hold the event loop (heartbeats, REST, other tasks' I/O wait
 * behind it). Each test compares the time the loop is held while an object is written with the
 * time the same compression takes when it runs synchronously, measured in the same test: relative
 * bounds, so a slow or loaded machine slows both sides alike.
 */

/** Text that compresses about as hard as real records: random hex with a little structure. */
const texts = Array.from(
  { length: 2000 },
  (_, i) => `event ${i} ${randomBytes(96).toString('hex')}`,
);

/** Pages of 4 KiB of words picked at random: text both deflate and snappy compress. */
const words = Array.from({ length: 300 }, () => randomBytes(3).toString('base64'));
const pages = Array.from({ length: 64 }, () => {
  let page = '';
  while (page.length < 4096) page += `${words[randomBytes(2).readUInt16BE() % words.length]} `;
  return page;
});

const event = SchemaBuilder.struct()
  .name('bench.Event')
  .field('id', Schema.INT64_SCHEMA)
  .field('text', Schema.STRING_SCHEMA)
  .field('n', Schema.INT32_SCHEMA)
  .build();
const eventValue = (i: number) =>
  new Struct(event)
    .put('id', BigInt(i))
    .put('text', texts[i % texts.length] as string)
    .put('n', i);

/**
 * How long the event loop was held in long stretches while `run` ran (ms): a 5 ms timer's lateness,
 * summed over the times it was over 50 ms late. Encoding a batch of records takes a few ms (and a
 * loaded machine's scheduler takes the thread away for a few more); a compression on the loop
 * holds it for a hundred or more.
 */
async function loopHeld(run: () => Promise<void>): Promise<number> {
  let held = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const late = now - last - 5;
    if (late > 50) held += late;
    last = now;
  }, 5);
  try {
    await run();
    // One more tick, so a stretch at the very end is counted.
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    clearInterval(timer);
  }
  return held;
}

function elapsed(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

/** Writes `count` records in batches as the sink task gets them, taking parts of `partBytes`. */
async function writeInBatches(
  writer: ObjectWriter,
  count: number,
  record: (i: number) => [Schema | null, unknown],
  partBytes: number,
): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; ) {
    for (const end = Math.min(count, i + 500); i < end; i++) {
      writer.write(...record(i));
      if (writer.pendingBytes >= partBytes) out.push(...(await writer.take()));
    }
    await yieldToLoop();
  }
  out.push(...(await writer.finish()));
  return out;
}

describe('the S3 sink compresses off the event loop', () => {
  it('gzip: writing a 32 MiB JSON object holds the loop far less than gzipping it does', async () => {
    const format = new JsonFormat({ gzipLevel: 9, decimalFormat: 'BASE64' });
    const count = 150_000; // about 32 MiB of JSON lines
    let chunks: Uint8Array[] = [];
    const held = await loopHeld(async () => {
      chunks = await writeInBatches(
        format.newWriter(),
        count,
        (i) => [Schema.STRING_SCHEMA, texts[i % texts.length]],
        8 * 1024 * 1024,
      );
    });
    const plain = gunzipSync(Buffer.concat(chunks));
    // The same bytes gzipped synchronously, in members of 4 MiB as the writer does.
    const synchronous = elapsed(() => {
      for (let at = 0; at < plain.byteLength; at += 4 * 1024 * 1024) {
        gzipSync(plain.subarray(at, at + 4 * 1024 * 1024), { level: 9 });
      }
    });
    expect(held).toBeLessThan(synchronous / 2);
    // Every line is there (reading back is tested with the formats).
    const lines = plain.toString('utf8').split('\n');
    expect(lines).toHaveLength(count + 1);
    expect(lines[count - 1]).toBe(JSON.stringify(texts[(count - 1) % texts.length]));
  });

  for (const codec of ['deflate', 'snappy'] as const) {
    it(`Avro ${codec}: a batch written holds the loop no longer than without compression, plus a fraction of the compression's time`, async () => {
      // 32 MiB in one batch, as a big put() gives them; large records, so that encoding them is
      // cheap next to compressing them and the difference shows.
      const count = 8000;
      const values = Array.from({ length: count }, (_, i) =>
        eventValue(i).put('text', pages[i % pages.length] as string),
      );
      const holds = async (name: 'null' | typeof codec) => {
        const writer = new AvroFormat(name, DEFAULT_AVRO_DATA_OPTIONS).newWriter('k');
        const held = elapsed(() => {
          for (const v of values) writer.write(event, v);
        });
        const bytes = Buffer.concat(await writer.finish());
        return { held, bytes };
      };
      await holds(codec); // warms the code paths up: both measured runs take the compiled ones
      const plain = await holds('null');
      const compressed = await holds(codec);
      // The same records' blocks, compressed synchronously (64 000 bytes a block, as the writer).
      const synchronous = elapsed(() => {
        for (let at = 0; at < plain.bytes.byteLength; at += 64_000) {
          const block = plain.bytes.subarray(at, at + 64_000);
          if (codec === 'deflate') deflateRawSync(block);
          else snappy.compress(block);
        }
      });
      expect(compressed.held).toBeLessThan(plain.held + synchronous / 2);
      expect(compressed.bytes.byteLength).toBeLessThan(plain.bytes.byteLength);
      const back = await readAll(
        new AvroFormat(codec, DEFAULT_AVRO_DATA_OPTIONS),
        compressed.bytes,
      );
      expect(back).toHaveLength(count);
      expect(((back[count - 1] as { value: Struct }).value as Struct).get('text')).toBe(
        pages[(count - 1) % pages.length],
      );
    });
  }

  for (const codec of ['snappy', 'gzip'] as const) {
    it(`Parquet ${codec}: finishing a 200 000-row file holds the loop far less than writing it synchronously`, async () => {
      const count = 200_000;
      const format = new ParquetFormat(codec, DEFAULT_AVRO_DATA_OPTIONS);
      // A small file first: the worker thread is started and the code paths compiled.
      const warmUp = format.newWriter();
      warmUp.write(event, eventValue(0));
      await warmUp.finish();
      const writer = format.newWriter();
      for (let i = 0; i < count; i++) writer.write(event, eventValue(i));
      let bytes: Uint8Array[] = [];
      const held = await loopHeld(async () => {
        bytes = await writer.finish();
      });
      const synchronous = elapsed(() =>
        parquetWriteBuffer({
          schema: parquetSchemaOf(event),
          columnData: [
            { name: 'id', data: Array.from({ length: count }, (_, i) => BigInt(i)) },
            {
              name: 'text',
              data: Array.from({ length: count }, (_, i) => texts[i % texts.length]),
            },
            { name: 'n', data: Array.from({ length: count }, (_, i) => i) },
          ],
          codec: codec === 'gzip' ? 'GZIP' : 'SNAPPY',
          compressors: { GZIP: (input: Uint8Array) => gzipSync(input) },
        }),
      );
      expect(held).toBeLessThan(synchronous / 2);
      // A whole file, footer included (reading back is tested with the formats).
      const file = Buffer.concat(bytes);
      expect(file.subarray(-4).toString()).toBe('PAR1');
      expect(file.byteLength).toBeGreaterThan(count);
    });
  }
});
