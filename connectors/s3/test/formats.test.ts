import { gunzipSync } from 'node:zlib';
import {
  Decimal,
  Schema,
  type SchemaAndValue,
  SchemaBuilder,
  Struct,
  TIMESTAMP_LOGICAL_NAME,
  valuesEqual,
} from '@sluice/api';
import { DEFAULT_AVRO_DATA_OPTIONS } from '@sluice/converter-avro';
import { describe, expect, it } from 'vitest';
import { AvroFormat } from '../src/avro-format.js';
import { ByteArrayFormat } from '../src/bytearray-format.js';
import { JsonFormat } from '../src/json-format.js';
import { ParquetFormat } from '../src/parquet-format.js';
import type { RecordFormat } from '../src/record-format.js';
import { readAll } from './read-all.js';

const item = SchemaBuilder.struct()
  .name('shop.Item')
  .field('sku', Schema.STRING_SCHEMA)
  .field('qty', Schema.INT16_SCHEMA)
  .build();
const order = SchemaBuilder.struct()
  .name('shop.Order')
  .version(2)
  .field('id', Schema.INT64_SCHEMA)
  .field('note', Schema.OPTIONAL_STRING_SCHEMA)
  .field('total', Decimal.builder(2).optional().build())
  .field('paid', Schema.BOOLEAN_SCHEMA)
  .field('ratio', Schema.FLOAT64_SCHEMA)
  .field('small', Schema.INT8_SCHEMA)
  .field('photo', Schema.OPTIONAL_BYTES_SCHEMA)
  .field('at', SchemaBuilder.int64().name(TIMESTAMP_LOGICAL_NAME).version(1).build())
  .field('first', item)
  .field('tags', SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
  .build();

function orderValue(i: number): Struct {
  return new Struct(order)
    .put('id', 9007199254740993n + BigInt(i))
    .put('note', i % 2 === 0 ? null : `note ${i}`)
    .put('total', i % 3 === 0 ? null : new Decimal(123456789012345678901234567890n + BigInt(i), 2))
    .put('paid', i % 2 === 0)
    .put('ratio', i / 3)
    .put('small', i - 25)
    .put('photo', i % 2 === 0 ? new Uint8Array([i, 255, 0]) : null)
    .put('at', new Date(1_700_000_000_000 + i))
    .put('first', new Struct(item).put('sku', `s${i}`).put('qty', i))
    .put('tags', i % 2 === 0 ? ['a', `t${i}`] : null);
}

const orders = Array.from({ length: 50 }, (_, i) => orderValue(i));

async function roundTrip(
  format: RecordFormat,
  records: SchemaAndValue[],
): Promise<SchemaAndValue[]> {
  const writer = format.newWriter('topics/t/partition=0/t+0+0000000000');
  const chunks: Uint8Array[] = [];
  for (const r of records) {
    writer.write(r.schema, r.value);
    chunks.push(...(await writer.take()));
  }
  chunks.push(...(await writer.finish()));
  return readAll(format, Buffer.concat(chunks));
}

describe('AvroFormat', () => {
  for (const codec of ['null', 'deflate', 'snappy'] as const) {
    it(`writes container files that read back equal (codec ${codec})`, async () => {
      const format = new AvroFormat(codec, DEFAULT_AVRO_DATA_OPTIONS);
      const back = await roundTrip(
        format,
        orders.map((value) => ({ schema: order, value })),
      );
      expect(back).toHaveLength(50);
      for (const [i, r] of back.entries()) {
        expect((r.value as Struct).equals(orders[i])).toBe(true);
      }
      expect(back[0]?.schema?.name).toBe('shop.Order');
    });
  }

  it('writes the same bytes for the same object name and records', async () => {
    const format = new AvroFormat('snappy', DEFAULT_AVRO_DATA_OPTIONS);
    const bytes = async () => {
      const w = format.newWriter('k');
      for (const value of orders) w.write(order, value);
      return Buffer.concat(await w.finish());
    };
    expect((await bytes()).equals(await bytes())).toBe(true);
  });

  it('refuses schemaless records and a second schema in one file', () => {
    const w = new AvroFormat('null', DEFAULT_AVRO_DATA_OPTIONS).newWriter('k');
    expect(() => w.write(null, 'x')).toThrow(/needs records with a schema/);
    w.write(Schema.STRING_SCHEMA, 'x');
    expect(() => w.write(Schema.INT32_SCHEMA, 1)).toThrow(/another schema/);
  });
});

describe('ParquetFormat', () => {
  for (const codec of ['none', 'snappy', 'gzip'] as const) {
    it(`writes files that read back equal, decimals exact (codec ${codec})`, async () => {
      const format = new ParquetFormat(codec, DEFAULT_AVRO_DATA_OPTIONS);
      const back = await roundTrip(
        format,
        orders.map((value) => ({ schema: order, value })),
      );
      expect(back).toHaveLength(50);
      for (const [i, r] of back.entries()) {
        expect(valuesEqual(r.value, orders[i])).toBe(true);
      }
    });
  }

  it('refuses non-struct values and maps', () => {
    const format = new ParquetFormat('snappy', DEFAULT_AVRO_DATA_OPTIONS);
    expect(() => format.newWriter('k').write(Schema.STRING_SCHEMA, 'x')).toThrow(
      /needs struct values/,
    );
    const withMap = SchemaBuilder.struct()
      .field('m', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build())
      .build();
    expect(() =>
      format.newWriter('k').write(withMap, new Struct(withMap).put('m', new Map())),
    ).toThrow(/maps are not supported/);
  });
});

describe('JsonFormat', () => {
  it('writes one JSON document per line as JsonConverter without schemas, and reads them back schemaless', async () => {
    const format = new JsonFormat({ gzipLevel: null, decimalFormat: 'NUMERIC' });
    const w = format.newWriter();
    w.write(order, orders[1]);
    w.write(
      null,
      new Map<string, unknown>([
        ['a', 1],
        ['b', [true, null]],
      ]),
    );
    w.write(Schema.STRING_SCHEMA, 'text');
    const text = Buffer.concat(await w.finish()).toString('utf8');
    const lines = text.split('\n');
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      id: 9007199254740994,
      note: 'note 1',
      paid: false,
      first: { sku: 's1', qty: 1 },
    });
    expect(lines[0]).toContain('"total":1234567890123456789012345678.91');
    expect(lines[1]).toBe('{"a":1,"b":[true,null]}');
    const back = await readAll(format, Buffer.from(text));
    expect(back[2]).toEqual({ schema: null, value: 'text' });
    expect(back[1]?.value).toEqual({ a: 1, b: [true, null] });
  });

  it('gzips in members that read back as one stream', async () => {
    const format = new JsonFormat({ gzipLevel: 6, decimalFormat: 'BASE64' });
    expect(format.extension).toBe('.json.gz');
    const many = Array.from({ length: 60_000 }, (_, i) => ({
      schema: Schema.STRING_SCHEMA,
      value: `line ${i} ${'x'.repeat(80)}`,
    }));
    const writer = format.newWriter();
    const chunks: Uint8Array[] = [];
    for (const r of many) {
      writer.write(r.schema, r.value);
      chunks.push(...(await writer.take()));
    }
    const members = chunks.length;
    chunks.push(...(await writer.finish()));
    expect(members).toBeGreaterThan(0);
    const bytes = Buffer.concat(chunks);
    expect(gunzipSync(bytes).toString('utf8').split('\n')[59_999]).toBe(
      `"line 59999 ${'x'.repeat(80)}"`,
    );
    const back = await readAll(format, bytes);
    expect(back).toHaveLength(60_000);
  });
});

describe('ByteArrayFormat', () => {
  it('writes raw bytes with the separator and splits them back', async () => {
    const format = new ByteArrayFormat({ extension: '.bin', separator: '\r\n', gzipLevel: null });
    const back = await roundTrip(format, [
      { schema: Schema.BYTES_SCHEMA, value: Buffer.from('one') },
      { schema: null, value: new Uint8Array(0) },
      { schema: Schema.OPTIONAL_BYTES_SCHEMA, value: Buffer.from('three') },
    ]);
    expect(back.map((r) => Buffer.from(r.value as Uint8Array).toString())).toEqual([
      'one',
      '',
      'three',
    ]);
  });

  it('refuses values that are not bytes', () => {
    const w = new ByteArrayFormat({ extension: '.bin', separator: '\n', gzipLevel: 1 }).newWriter();
    expect(() => w.write(Schema.STRING_SCHEMA, 'x')).toThrow(
      /Invalid schema type for ByteArrayFormat/,
    );
  });
});

describe('reading incrementally', () => {
  const many = Array.from({ length: 2500 }, (_, i) =>
    orderValue(i % 100).put('id', 9007199254740993n + BigInt(i)),
  );
  const formats: [string, RecordFormat][] = [
    // Avro blocks of 64 000 bytes: several blocks; Parquet row groups of 1000 and then 100 000 rows.
    ['Avro deflate', new AvroFormat('deflate', DEFAULT_AVRO_DATA_OPTIONS)],
    ['Parquet', new ParquetFormat('snappy', DEFAULT_AVRO_DATA_OPTIONS)],
    ['JSON lines gzip', new JsonFormat({ gzipLevel: 6, decimalFormat: 'BASE64' })],
  ];
  for (const [name, format] of formats) {
    it(`${name}: reads from record \`skip\` on, in chunks that split records and blocks`, async () => {
      const writer = format.newWriter('k');
      for (const value of many) writer.write(order, value);
      const bytes = Buffer.concat(await writer.finish());
      for (const skip of [0, 1, 1500, 2499, 2500]) {
        const back = await readAll(format, bytes, { skip, chunkSize: 1000 });
        expect(back).toHaveLength(2500 - skip);
        const first = back[0]?.value;
        if (skip < 2500) {
          const id = first instanceof Struct ? first.get('id') : (first as { id: number }).id;
          expect(BigInt(id as bigint)).toBe(9007199254740993n + BigInt(skip));
        }
      }
    });
  }

  it('ByteArrayFormat: a multi-byte separator split between chunks still separates', async () => {
    const format = new ByteArrayFormat({ extension: '.bin', separator: '<|>', gzipLevel: null });
    const bytes = Buffer.from('one<|>two<|><|>three<|>four');
    for (const chunkSize of [1, 2, 4, 5]) {
      const back = await readAll(format, bytes, { chunkSize });
      expect(back.map((r) => Buffer.from(r.value as Uint8Array).toString())).toEqual([
        'one',
        'two',
        '',
        'three',
        'four',
      ]);
    }
  });

  it('names the object and record of a line that is not JSON', async () => {
    const format = new JsonFormat({ gzipLevel: null, decimalFormat: 'BASE64' });
    await expect(readAll(format, Buffer.from('1\n2\n{oops\n'))).rejects.toThrow(
      'Not a JSON line: record 3 of test-object',
    );
  });

  it('names a truncated Avro object', async () => {
    const format = new AvroFormat('null', DEFAULT_AVRO_DATA_OPTIONS);
    const writer = format.newWriter('k');
    for (const value of orders) writer.write(order, value);
    const bytes = Buffer.concat(await writer.finish());
    await expect(readAll(format, bytes.subarray(0, bytes.byteLength - 40))).rejects.toThrow(
      /test-object ends after \d+ bytes/,
    );
  });
});
