import {
  ConnectDate,
  ConnectHeaders,
  ConnectTime,
  ConnectTimestamp,
  DataException,
  Decimal,
  type Schema,
  SchemaBuilder,
  Schema as Schemas,
  Struct,
  valuesEqual,
} from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { compileDirectReader } from '../src/direct-reader.js';
import { JsonConverter } from '../src/json-converter.js';
import { parseJson } from '../src/json-parser.js';
import { compileReader, type ReadOptions } from '../src/json-reader.js';

const options: ReadOptions = { replaceNullWithDefault: true };

/** What the general path (parse, then the compiled reader) makes of `text`, or its error. */
function general(schema: Schema, text: string, opts = options): unknown {
  try {
    return { value: compileReader(schema, opts)(parseJson(text)) };
  } catch (error) {
    return { error: (error as Error).constructor.name };
  }
}

/** The direct reader's answer, where it gives one, must be the general path's answer. */
function expectSameAsGeneral(schema: Schema, texts: readonly string[], opts = options): number {
  const direct = compileDirectReader(schema, opts);
  let read = 0;
  for (const text of texts) {
    const value = direct(text);
    if (value === undefined) continue;
    read++;
    const expected = general(schema, text, opts) as { value?: unknown };
    if (!('value' in expected) || !valuesEqual(value, expected.value)) {
      throw new Error(`${text}: direct read ${String(value)}, general path ${String(expected)}`);
    }
    // Same scale and type, not just equal numbers.
    expect(value).toEqual(expected.value);
  }
  return read;
}

const line = SchemaBuilder.struct()
  .name('shop.Line')
  .field('sku', Schemas.STRING_SCHEMA)
  .field('quantity', Schemas.INT32_SCHEMA)
  .field('price', Decimal.schema(2))
  .build();

const order = SchemaBuilder.struct()
  .name('shop.Order')
  .field('id', Schemas.INT64_SCHEMA)
  .field('note', Schemas.OPTIONAL_STRING_SCHEMA)
  .field('country', SchemaBuilder.string().defaultValue('NL').build())
  .field('at', ConnectTimestamp.SCHEMA)
  .field('day', ConnectDate.builder().optional().build())
  .field('time', ConnectTime.builder().optional().build())
  .field('ratio', Schemas.OPTIONAL_FLOAT32_SCHEMA)
  .field('total', Schemas.OPTIONAL_FLOAT64_SCHEMA)
  .field('paid', Schemas.OPTIONAL_BOOLEAN_SCHEMA)
  .field('small', SchemaBuilder.int8().optional().build())
  .field('blob', Schemas.OPTIONAL_BYTES_SCHEMA)
  .field('lines', SchemaBuilder.array(line).optional().build())
  .field('attrs', SchemaBuilder.map(Schemas.STRING_SCHEMA, Schemas.INT32_SCHEMA).optional().build())
  .field('pairs', SchemaBuilder.map(Schemas.INT64_SCHEMA, Schemas.STRING_SCHEMA).optional().build())
  .build();

const compact =
  '{"id":9007199254740993,"note":null,"country":null,"at":1732000000000,"day":20000,"time":3600000,' +
  '"ratio":0.1,"total":-1.5e-7,"paid":false,"small":-128,"blob":"AAEC/w==",' +
  '"lines":[{"sku":"A-1","quantity":2,"price":"B88="},{"sku":"é😀","quantity":0,"price":"/w=="}],' +
  '"attrs":{"a":1,"b":-2},"pairs":[[1,"x"],[-9223372036854775808,"y"]]}';

describe('the direct reader', () => {
  it('reads the compact layout Kafka writes exactly as the general path', () => {
    expect(expectSameAsGeneral(order, [compact])).toBe(1);
    const direct = compileDirectReader(order, options) as (text: string) => Struct;
    const struct = direct(compact);
    expect(struct).toBeInstanceOf(Struct);
    expect(struct.get('id')).toBe(9007199254740993n);
    expect(struct.get('country')).toBe('NL');
    expect((struct.get('lines') as Struct[])[1]?.get('price')).toEqual(new Decimal(-1n, 2));
    expect(() => struct.validate()).not.toThrow();
  });

  it('gives up, for the general path to read or report, on every other layout', () => {
    const variants = [
      compact.replace('{"id"', '{ "id"'), // whitespace
      compact.replace('"note":null,', ''), // a missing field
      compact.replace('"id":9007199254740993,', '"extra":1,"id":9007199254740993,'), // extra key
      compact.replace('"sku":"A-1"', '"sku":"A\\u002d1"'), // escape
      compact.replace('"sku":"A-1"', '"sku":"A\n1"'), // raw control character: malformed
      // Long strings (searched with indexOf and a regular expression): an escape, an escaped
      // quote, a raw control character; then one read directly.
      compact.replace('"note":null', `"note":"${'x'.repeat(40)}\\u0041y"`),
      compact.replace('"note":null', `"note":"${'x'.repeat(40)}\\"y"`),
      compact.replace('"note":null', `"note":"${'x'.repeat(40)}\ty"`),
      compact.replace('"note":null', `"note":"${'x'.repeat(40)}\u001fy"`),
      compact.replace('"note":null', `"note":"${'x'.repeat(40)}é😀 y"`),
      compact.replace('"quantity":2', '"quantity":2.0'), // integral but not plain digits
      compact.replace('"quantity":2', '"quantity":02'), // leading zero (Jackson accepts it)
      compact.replace('"quantity":2', '"quantity":1.00000000000000001'),
      compact.replace('"quantity":2', '"quantity":2147483648'), // out of range
      compact.replace('"small":-128', '"small":-129'),
      compact.replace('"id":9007199254740993', '"id":9223372036854775808'),
      compact.replace('"id":9007199254740993', '"id":-'),
      compact.replace('"at":1732000000000', '"at":17320000000000000'),
      compact.replace('"time":3600000', '"time":86400001'),
      compact.replace('"total":-1.5e-7', '"total":"NaN"'),
      compact.replace('"total":-1.5e-7', '"total":1.'),
      compact.replace('"price":"B88="', '"price":"B88"'), // not padded base64
      compact.replace('"price":"B88="', '"price":"B8=="'), // one byte: read directly
      compact.replace('"price":"B88="', '"price":""'),
      compact.replace('"price":"B88="', '"price":19.99'), // NUMERIC: read directly
      compact.replace('"price":"B88="', '"price":19.990'),
      compact.replace('"price":"B88="', '"price":19.999'), // other scale: general path decides
      compact.replace('"price":"B88="', '"price":"AAAAAAAAB88="'), // 9 bytes: read directly
      compact.replace('"blob":"AAEC/w=="', '"blob":"AAEC/w="'),
      compact.replace('"id":9007199254740993', '"id":null'), // null for a required field
      compact.replace('"attrs":{"a":1,"b":-2}', '"attrs":{"1":1,"0":-2}'), // integer-like keys
      compact.replace('"attrs":{"a":1,"b":-2}', '"attrs":{"a":1,"a":-2}'), // duplicate keys
      compact.replace('"pairs":[[1,"x"]', '"pairs":[[1,"x",3]'),
      compact.replace('"lines":[', '"lines":[ '),
      `${compact} `,
      compact.slice(0, -1),
    ];
    const read = expectSameAsGeneral(order, variants);
    // Valid decimals (NUMERIC at the schema's scale, base64 of any length) and the long plain
    // string are read directly; everything else is left to the general path.
    expect(read).toBe(5);
  });

  it('reads nulls, defaults and empty containers as the general path', () => {
    const texts = [
      compact.replace('"lines":[{', '"lines":[null,{'),
      compact.replace(/"lines":\[.*\],"attrs"/, '"lines":[],"attrs"'),
      compact.replace('"attrs":{"a":1,"b":-2}', '"attrs":{}'),
      compact.replace('"pairs":[[1,"x"],[-9223372036854775808,"y"]]', '"pairs":[]'),
      compact.replace('"country":null', '"country":"BE"'),
    ];
    expect(expectSameAsGeneral(order, texts)).toBe(4); // a null line is refused (required struct)
    const noDefaults = { replaceNullWithDefault: false };
    const direct = compileDirectReader(order, noDefaults) as (text: string) => unknown;
    // Without the default, a null for the required `country` is the general path's error.
    expect(direct(compact)).toBeUndefined();
    expect(general(order, compact, noDefaults)).toEqual({ error: DataException.name });
  });

  it('reads base64 decimals of every small length and sign exactly', () => {
    const schema = Decimal.schema(3);
    const values = [0n, 1n, -1n, 127n, 128n, -128n, -129n, 32767n, -32769n, 2n ** 47n - 1n];
    values.push(-(2n ** 47n), 2n ** 47n, 2n ** 63n, -(2n ** 70n));
    const texts = values.map(
      (v) => `"${Buffer.from(new Decimal(v, 3).toBytes()).toString('base64')}"`,
    );
    expect(expectSameAsGeneral(schema, texts)).toBe(values.length);
    const direct = compileDirectReader(schema, options);
    expect(values.map((_, i) => (direct(texts[i] as string) as Decimal).unscaled)).toEqual(values);
  });
});

describe('JsonConverter reading envelopes by their bytes', () => {
  const headers = new ConnectHeaders();
  const bytesOf = (json: string): Uint8Array => new TextEncoder().encode(json);

  it('reads the next envelope of the same schema, and tells other schemas and bad bytes apart', () => {
    const converter = new JsonConverter();
    converter.configure({});
    const schemaText =
      '{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"}],"optional":false}';
    const envelope = (payload: string) => bytesOf(`{"schema":${schemaText},"payload":${payload}}`);
    const first = converter.toConnectData('t', headers, envelope('{"id":1}'));
    const second = converter.toConnectData('t', headers, envelope('{"id":2}'));
    expect((second.value as Struct).get('id')).toBe(2n);
    expect(second.schema).toBe(first.schema);
    // Another schema with the same prefix.
    const other = bytesOf(
      `{"schema":${schemaText.replace('"optional":false}', '"optional":true}')},"payload":{"id":3}}`,
    );
    expect(converter.toConnectData('t', headers, other).schema?.optional).toBe(true);
    // Back to the first: the payload is still checked.
    expect(() =>
      converter.toConnectData('t', headers, envelope('{"id":"x"}'), { partition: 2, offset: 7 }),
    ).toThrow(/topic t, partition 2, offset 7/);
    const invalid = envelope('{"id":1}');
    invalid[invalid.length - 3] = 0xff;
    expect(() => converter.toConnectData('t', headers, invalid, { offset: 9 })).toThrow(
      /invalid UTF-8 \(topic t, offset 9\)/,
    );
    expect(() => converter.toConnectData('t', headers, envelope('{"id":1'))).toThrow(DataException);
  });
});

describe('JsonConverter reading schemaless JSON', () => {
  const headers = new ConnectHeaders();
  const converter = new JsonConverter();
  converter.configure({ 'schemas.enable': false });
  const read = (json: string): unknown =>
    converter.toConnectData('t', headers, new TextEncoder().encode(json)).value;

  it('keeps integers beyond 2^53 exact and reads every other number as JSON.parse does', () => {
    expect(read('{"a":[1,{"b":12345678901234567890}],"c":-0.5}')).toEqual({
      a: [1, { b: 12345678901234567890n }],
      c: -0.5,
    });
    expect(read('[9007199254740991,-9007199254740993,1e20,1.00000000000000001]')).toEqual([
      9007199254740991,
      -9007199254740993n,
      1e20,
      1,
    ]);
    expect(read('{"n":007}')).toEqual({ n: 7 }); // leading zeros, as Jackson accepts them
  });

  it('reads documents nested deeper than a recursive walk would go', () => {
    const depth = 20000;
    const value = read(`${'['.repeat(depth)}1${']'.repeat(depth)}`);
    let inner: unknown = value;
    for (let i = 0; i < depth; i++) inner = (inner as unknown[])[0];
    expect(inner).toBe(1);
  });
});
