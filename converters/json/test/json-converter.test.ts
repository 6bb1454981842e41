import { readFileSync } from 'node:fs';
import {
  ConfigException,
  ConnectHeaders,
  DataException,
  Decimal,
  Schema,
  SchemaBuilder,
  Struct,
} from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { JSON_CONVERTER_CONFIG_DEF, JsonConverter } from '../src/index.js';

const TOPIC = 'orders';
const headers = new ConnectHeaders();
const text = (bytes: Uint8Array | null): string => new TextDecoder().decode(bytes ?? undefined);
const bytesOf = (json: string): Uint8Array => new TextEncoder().encode(json);

function converter(configs: Record<string, unknown> = {}, isKey = false): JsonConverter {
  const c = new JsonConverter();
  c.configure(configs, isKey);
  return c;
}

describe('JsonConverter configuration', () => {
  it('refuses a bad config listing every key at fault', () => {
    let error: unknown;
    try {
      converter({ 'schemas.enable': 'maybe', 'decimal.format': 'HEX' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigException);
    const message = (error as Error).message;
    expect(message).toContain('schemas.enable');
    expect(message).toContain('decimal.format');
  });

  it('accepts the strings of a properties file and decimal.format in any case', () => {
    const c = converter({ 'schemas.enable': 'false', 'decimal.format': 'numeric' });
    expect(c.settings).toMatchObject({ schemasEnable: false, decimalFormat: 'NUMERIC' });
  });

  it('exposes its keys as a ConfigDef, as Kafka converters do', () => {
    expect(converter().config().names()).toEqual([
      'converter.type',
      'schemas.enable',
      'schemas.cache.size',
      'decimal.format',
      'replace.null.with.default',
    ]);
  });

  it('documents every key in the README config table', () => {
    // The formatter pads table cells; compare the cells, not the padding.
    const cells = (markdown: string) => markdown.replace(/ *\| */g, '|').replace(/-{3,}/g, '---');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(cells(readme)).toContain(cells(JSON_CONVERTER_CONFIG_DEF.toMarkdown().trim()));
  });
});

describe('JsonConverter data', () => {
  const schema = SchemaBuilder.struct()
    .name('shop.Order')
    .field('id', Schema.INT64_SCHEMA)
    .field('amount', Decimal.schema(2))
    .field('note', Schema.OPTIONAL_STRING_SCHEMA)
    .build();

  it('keeps INT64 beyond 2^53 and decimals exact through a round trip', () => {
    const c = converter();
    const order = new Struct(schema)
      .put('id', 9007199254740993n)
      .put('amount', Decimal.fromString('12345678901234567890.12'));
    const bytes = c.fromConnectData(TOPIC, headers, schema, order);
    expect(text(bytes)).toContain('"id":9007199254740993');
    const back = c.toConnectData(TOPIC, headers, bytes);
    const struct = back.value as Struct;
    expect(struct.get('id')).toBe(9007199254740993n);
    expect(String(struct.get('amount'))).toBe('12345678901234567890.12');
    expect(struct.get('note')).toBeNull();
  });

  it('writes decimals as JSON numbers with decimal.format=NUMERIC', () => {
    const c = converter({ 'decimal.format': 'NUMERIC', 'schemas.enable': false });
    const order = new Struct(schema).put('id', 1n).put('amount', Decimal.fromString('-0.50'));
    expect(text(c.fromConnectData(TOPIC, headers, schema, order))).toBe(
      '{"id":1,"amount":-0.50,"note":null}',
    );
  });

  it('reads and writes schemaless JSON as plain values, big integers as bigint', () => {
    const c = converter({ 'schemas.enable': 'false' });
    const back = c.toConnectData(
      TOPIC,
      headers,
      bytesOf('{"a":[1,2.5,"x"],"big":12345678901234567890}'),
    );
    expect(back.schema).toBeNull();
    expect(back.value).toEqual({ a: [1, 2.5, 'x'], big: 12345678901234567890n });
    expect(text(c.fromConnectData(TOPIC, headers, null, { ok: true }))).toBe('{"ok":true}');
  });

  it('reads messages of alternating schemas each with its own schema', () => {
    const c = converter();
    const small = SchemaBuilder.struct().field('id', Schema.INT64_SCHEMA).build();
    const first = c.fromConnectData(
      TOPIC,
      headers,
      schema,
      new Struct(schema).put('id', 1n).put('amount', Decimal.fromString('1.00')),
    );
    const second = c.fromConnectData(TOPIC, headers, small, new Struct(small).put('id', 2n));
    for (const bytes of [first, first, second, first, second, second]) {
      const back = c.toConnectData(TOPIC, headers, bytes);
      expect(text(c.fromConnectData(TOPIC, headers, back.schema, back.value))).toBe(text(bytes));
    }
    const extra = bytesOf(`${text(first).slice(0, -1)},"extra":1}`);
    expect(() => c.toConnectData(TOPIC, headers, extra)).toThrow(
      /may not contain additional fields/,
    );
  });

  it('turns a null value into a tombstone and back', () => {
    const c = converter();
    expect(c.fromConnectData(TOPIC, headers, null, null)).toBeNull();
    expect(c.toConnectData(TOPIC, headers, null)).toEqual({ schema: null, value: null });
  });

  it('names the topic, partition and offset of malformed JSON', () => {
    const c = converter({ 'schemas.enable': false });
    const read = () =>
      c.toConnectData(TOPIC, headers, bytesOf('{"a": tru'), { partition: 3, offset: 42 });
    expect(read).toThrow(DataException);
    expect(read).toThrow(/topic orders, partition 3, offset 42/);
  });

  it('explains what to do when the schema envelope is missing', () => {
    const c = converter();
    expect(() => c.toConnectData(TOPIC, headers, bytesOf('{"a":1}'))).toThrow(
      /set schemas.enable=false/,
    );
  });

  it('rejects a value that does not match its schema with a DataException', () => {
    const c = converter();
    expect(() => c.fromConnectData(TOPIC, headers, Schema.INT32_SCHEMA, 'seven')).toThrow(
      DataException,
    );
  });
});
