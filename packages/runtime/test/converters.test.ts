import { ConnectHeaders, DataException, type HeaderConverter, Schema } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { BooleanConverter } from '../src/converters/boolean-converter.js';
import {
  ByteArrayConverter,
  DoubleConverter,
  FloatConverter,
  IntegerConverter,
  LongConverter,
  ShortConverter,
  StringConverter,
} from '../src/converters/string-converter.js';
import { builtinPlugins } from '../src/plugins/builtin-plugins.js';

const headers = new ConnectHeaders();
const bytes = (...b: number[]) => Uint8Array.from(b);

describe('BooleanConverter', () => {
  const converter = new BooleanConverter();
  converter.configure({ 'converter.type': 'value' }, false);

  it("writes Kafka's BooleanSerializer bytes: 0x01 for true, 0x00 for false, null for null", () => {
    expect(converter.fromConnectData('t', headers, Schema.BOOLEAN_SCHEMA, true)).toEqual(bytes(1));
    expect(converter.fromConnectData('t', headers, null, false)).toEqual(bytes(0));
    expect(
      converter.fromConnectData('t', headers, Schema.OPTIONAL_BOOLEAN_SCHEMA, null),
    ).toBeNull();
  });

  it('reads them back as an optional BOOLEAN', () => {
    expect(converter.toConnectData('t', headers, bytes(1))).toEqual({
      schema: Schema.OPTIONAL_BOOLEAN_SCHEMA,
      value: true,
    });
    expect(converter.toConnectData('t', headers, bytes(0)).value).toBe(false);
    expect(converter.toConnectData('t', headers, null)).toEqual({
      schema: Schema.OPTIONAL_BOOLEAN_SCHEMA,
      value: null,
    });
  });

  it('refuses other schemas, other values and other bytes with DataException', () => {
    expect(() => converter.fromConnectData('t', headers, Schema.STRING_SCHEMA, 'true')).toThrow(
      DataException,
    );
    expect(() => converter.fromConnectData('t', headers, Schema.STRING_SCHEMA, 'true')).toThrow(
      'Invalid schema type for BooleanConverter: STRING',
    );
    expect(() => converter.fromConnectData('t', headers, null, 1)).toThrow(
      'BooleanConverter is not compatible with objects of type number',
    );
    expect(() => converter.toConnectData('t', headers, bytes(1, 0))).toThrow(
      'Size of data received by BooleanDeserializer is not 1',
    );
    expect(() => converter.toConnectData('t', headers, bytes(0xff))).toThrow(
      'Unexpected byte received by BooleanDeserializer: -1',
    );
  });

  it('converts header values in the same format', () => {
    const header = new BooleanConverter();
    header.configure({ 'converter.type': 'header' });
    expect(header.fromConnectHeader('t', 'h', Schema.BOOLEAN_SCHEMA, true)).toEqual(bytes(1));
    expect(header.toConnectHeader('t', 'h', bytes(0)).value).toBe(false);
  });
});

describe('the built-in converters as header converters', () => {
  it('write header values as they write record values (big-endian numbers, raw bytes, strings)', async () => {
    const cases: Array<[HeaderConverter, Schema, unknown, Uint8Array]> = [
      [new ShortConverter(), Schema.INT16_SCHEMA, -2, bytes(0xff, 0xfe)],
      [new IntegerConverter(), Schema.INT32_SCHEMA, 258, bytes(0, 0, 1, 2)],
      [new LongConverter(), Schema.INT64_SCHEMA, 1n, bytes(0, 0, 0, 0, 0, 0, 0, 1)],
      [new FloatConverter(), Schema.FLOAT32_SCHEMA, 1.5, bytes(0x3f, 0xc0, 0, 0)],
      [new DoubleConverter(), Schema.FLOAT64_SCHEMA, -2, bytes(0xc0, 0, 0, 0, 0, 0, 0, 0)],
      [new ByteArrayConverter(), Schema.BYTES_SCHEMA, bytes(7, 8), bytes(7, 8)],
      [new StringConverter(), Schema.STRING_SCHEMA, 'héllo', Uint8Array.from(Buffer.from('héllo'))],
    ];
    for (const [converter, schema, value, wire] of cases) {
      const written = (await converter.fromConnectHeader('t', 'h', schema, value)) as Uint8Array;
      expect(Uint8Array.from(written)).toEqual(wire);
      expect((await converter.toConnectHeader('t', 'h', wire)).value).toEqual(value);
    }
  });

  it('are listed as converters and header converters under their Java class names', () => {
    const plugins = builtinPlugins();
    const of = (kind: string) =>
      plugins
        .filter((p) => p.kind === kind)
        .flatMap((p) => p.aliases)
        .sort();
    const java = [
      'org.apache.kafka.connect.converters.BooleanConverter',
      'org.apache.kafka.connect.converters.ByteArrayConverter',
      'org.apache.kafka.connect.converters.DoubleConverter',
      'org.apache.kafka.connect.converters.FloatConverter',
      'org.apache.kafka.connect.converters.IntegerConverter',
      'org.apache.kafka.connect.converters.LongConverter',
      'org.apache.kafka.connect.converters.ShortConverter',
      'org.apache.kafka.connect.storage.StringConverter',
    ];
    expect(of('converter')).toEqual(java);
    expect(of('header-converter')).toEqual(
      [...java, 'org.apache.kafka.connect.storage.SimpleHeaderConverter'].sort(),
    );
  });

  it('declare converter.type, required and one of key, value, header (Kafka’s ConverterConfig)', () => {
    for (const converter of [new BooleanConverter(), new LongConverter(), new StringConverter()]) {
      const key = converter.config().configKeys().get('converter.type');
      expect(key?.hasDefault).toBe(false);
      expect(() => key?.validator?.ensureValid('converter.type', 'both')).toThrow();
    }
  });
});
