import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import {
  ConfigException,
  ConnectDate,
  ConnectHeaders,
  ConnectTime,
  ConnectTimestamp,
  DataException,
  Decimal,
  missingPluginMethods,
  parsePluginManifest,
  RetriableException,
  Schema,
  type SchemaAndValue,
  SchemaBuilder,
  Struct,
  valuesEqual,
} from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { AVRO_CONVERTER_CONFIG_DEF, AvroConverter } from '../src/index.js';
import { MemoryRegistry } from './memory-registry.js';

const TOPIC = 'orders';
const headers = new ConnectHeaders();
const URL_CONFIG = { 'schema.registry.url': 'http://registry.invalid:8081' };

function converter(
  configs: Record<string, unknown> = {},
  isKey = false,
  registry = new MemoryRegistry(),
): AvroConverter {
  const c = new AvroConverter();
  c.configure({ ...URL_CONFIG, ...configs }, isKey, registry);
  return c;
}

async function roundTrip(c: AvroConverter, schema: Schema | null, value: unknown) {
  const bytes = await c.fromConnectData(TOPIC, headers, schema, value);
  const back = await c.toConnectData(TOPIC, headers, bytes);
  return { bytes, back };
}

function isPromise(value: unknown): boolean {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

const line = SchemaBuilder.struct()
  .name('shop.Line')
  .field('sku', Schema.STRING_SCHEMA)
  .field('quantity', Schema.INT16_SCHEMA)
  .field('price', Decimal.schema(2))
  .build();
const everything = SchemaBuilder.struct()
  .name('shop.Order')
  .version(1)
  .field('i8', Schema.INT8_SCHEMA)
  .field('i16', Schema.INT16_SCHEMA)
  .field('i32', Schema.INT32_SCHEMA)
  .field('i64', Schema.INT64_SCHEMA)
  .field('f32', Schema.FLOAT32_SCHEMA)
  .field('f64', Schema.FLOAT64_SCHEMA)
  .field('bool', Schema.BOOLEAN_SCHEMA)
  .field('text', Schema.STRING_SCHEMA)
  .field('raw', Schema.BYTES_SCHEMA)
  .field('amount', Decimal.schema(4))
  .field('day', ConnectDate.SCHEMA)
  .field('time', ConnectTime.SCHEMA)
  .field('at', ConnectTimestamp.SCHEMA)
  .field('note', Schema.OPTIONAL_STRING_SCHEMA)
  .field('missing', SchemaBuilder.int32().optional().defaultValue(7).build())
  .field('tags', SchemaBuilder.array(Schema.STRING_SCHEMA).build())
  .field('lines', SchemaBuilder.array(line).build())
  .field('attrs', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_INT64_SCHEMA).build())
  .field('byId', SchemaBuilder.map(Schema.INT64_SCHEMA, line).build())
  .field('customer', SchemaBuilder.struct().field('name', Schema.STRING_SCHEMA).optional().build())
  .build();

function everythingValue(): Struct {
  const first = new Struct(line)
    .put('sku', 'SKU-1')
    .put('quantity', -300)
    .put('price', Decimal.fromString('-12.34'));
  return new Struct(everything)
    .put('i8', -128)
    .put('i16', 32767)
    .put('i32', -2147483648)
    .put('i64', 9223372036854775807n)
    .put('f32', 1.5)
    .put('f64', 0.1)
    .put('bool', true)
    .put('text', 'héllo ☃')
    .put('raw', new Uint8Array([0, 1, 254, 255]))
    .put('amount', Decimal.fromString('123456789012345678901234567890.1234'))
    .put('day', new Date(Date.UTC(2024, 1, 29)))
    .put('time', new Date(86_399_999))
    .put('at', new Date(Date.UTC(2024, 1, 29, 12, 30, 0, 123)))
    .put('tags', ['a', 'b'])
    .put('lines', [first])
    .put(
      'attrs',
      new Map([
        ['x', 1n],
        ['y', null],
      ]),
    )
    .put('byId', new Map([[-9007199254740993n, first]]))
    .put(
      'customer',
      new Struct(everything.field('customer')?.schema ?? Schema.STRING_SCHEMA).put('name', 'Ada'),
    );
}

describe('AvroConverter data', () => {
  it('round trips every Connect type and logical type, losslessly', async () => {
    const c = converter();
    const value = everythingValue();
    const { back } = await roundTrip(c, everything, value);
    const struct = back.value as Struct;
    expect(struct.get('i64')).toBe(9223372036854775807n);
    expect(String(struct.get('amount'))).toBe('123456789012345678901234567890.1234');
    expect(struct.get('raw')).toEqual(new Uint8Array([0, 1, 254, 255]));
    expect(struct.get('raw')).toBeInstanceOf(Uint8Array);
    expect(struct.get('f32')).toBe(1.5);
    expect(
      (struct.get('byId') as Map<bigint, Struct>).get(-9007199254740993n)?.get('quantity'),
    ).toBe(-300);
    // The struct default is written in place of a null field (Struct.get applies it).
    expect(struct.get('missing')).toBe(7);
    expect(back.schema?.name).toBe('shop.Order');
    expect(back.schema?.version).toBe(1);
    for (const field of everything.fields) {
      if (field.name === 'missing') continue;
      expect(valuesEqual(struct.get(field.name), value.get(field.name)), field.name).toBe(true);
    }
  });

  it('reads a message as Confluent writes it (bytes built by hand from the Avro spec)', async () => {
    const registry = new MemoryRegistry();
    // The schema text Confluent's AvroData registers for this struct.
    registry.schemas[299] =
      '{"type":"record","name":"Payment","namespace":"shop","fields":[{"name":"tries","type":{"type":"int","connect.type":"int8"}},{"name":"amount","type":{"type":"bytes","scale":2,"precision":64,"connect.version":1,"connect.parameters":{"scale":"2"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}},{"name":"ref","type":["null","string"],"default":null}],"connect.name":"shop.Payment"}';
    const c = converter({}, false, registry);
    // id 300 = 0x12c; tries -5 = zigzag 9; amount 12.34 = unscaled 1234 = 0x04d2, length 2 = zigzag 4;
    // ref: union branch 1 (zigzag 2), length 2 (zigzag 4), "ok".
    const message = new Uint8Array([0, 0, 0, 0x01, 0x2c, 9, 4, 0x04, 0xd2, 2, 4, 0x6f, 0x6b]);
    const back = (await c.toConnectData(TOPIC, headers, message)) as SchemaAndValue;
    const payment = back.value as Struct;
    expect(payment.get('tries')).toBe(-5);
    expect(back.schema?.field('tries')?.schema.type).toBe('INT8');
    expect(String(payment.get('amount'))).toBe('12.34');
    expect(payment.get('ref')).toBe('ok');
    expect(back.schema?.name).toBe('shop.Payment');
    // And writing the same struct gives the same Avro bytes.
    const again = await c.fromConnectData(TOPIC, headers, back.schema, payment);
    // The schema text we derive from the Connect schema is the one registered: same id.
    expect([...(again ?? new Uint8Array())]).toEqual([...message]);
  });

  it('refuses an Avro int beyond the range of the INT8 field it is read into', async () => {
    const registry = new MemoryRegistry();
    registry.schemas[299] =
      '{"type":"record","name":"Payment","namespace":"shop","fields":[{"name":"tries","type":{"type":"int","connect.type":"int8"}}],"connect.name":"shop.Payment"}';
    const c = converter({}, false, registry);
    // tries 1000 = zigzag 2000 = varint 0xd0 0x0f.
    const message = new Uint8Array([0, 0, 0, 0x01, 0x2c, 0xd0, 0x0f]);
    const error = await (async () => {
      try {
        await c.toConnectData(TOPIC, headers, message, { offset: 4 });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(DataException);
    expect(error?.message).toMatch(/offset 4.*Value 1000 is out of range for INT8 field/);
  });

  it('reads a general Avro union as a Union struct and writes it back to the same member', async () => {
    const registry = new MemoryRegistry();
    registry.schemas.push('["null","int","string"]');
    const c = converter({}, false, registry);
    // branch 2 (zigzag 4): the string "hi"
    const message = new Uint8Array([0, 0, 0, 0, 1, 4, 4, 0x68, 0x69]);
    const back = (await c.toConnectData(TOPIC, headers, message)) as SchemaAndValue;
    expect(back.schema?.name).toBe('io.confluent.connect.avro.Union');
    const union = back.value as Struct;
    expect(union.get('string')).toBe('hi');
    expect(union.get('int')).toBeNull();
    const again = await c.fromConnectData(TOPIC, headers, back.schema, union);
    expect([...(again ?? new Uint8Array())]).toEqual([...message]);
  });

  it('reads and writes decimals in an Avro fixed, sign-extended to its size', async () => {
    const registry = new MemoryRegistry();
    registry.schemas.push(
      '{"type":"fixed","name":"Amount","namespace":"pay","size":8,"logicalType":"decimal","precision":18,"scale":2}',
    );
    const c = converter({}, false, registry);
    const message = new Uint8Array([0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfb, 0x2e]);
    const back = (await c.toConnectData(TOPIC, headers, message)) as SchemaAndValue;
    expect(String(back.value)).toBe('-12.34');
    expect(back.schema?.parameters).toEqual({
      scale: '2',
      'connect.decimal.precision': '18',
      'connect.fixed.size': '8',
    });
    const again = await c.fromConnectData(TOPIC, headers, back.schema, Decimal.fromString('0.05'));
    expect([...(again ?? new Uint8Array()).subarray(5)]).toEqual([0, 0, 0, 0, 0, 0, 0, 5]);
  });

  it('writes null instead of the default for a null field with ignore.default.for.nullables', async () => {
    const schema = SchemaBuilder.struct()
      .name('N')
      .field('n', SchemaBuilder.int32().optional().defaultValue(7).build())
      .build();
    const value = new Struct(schema);
    const withDefault = await roundTrip(converter(), schema, value);
    expect((withDefault.back.value as Struct).getWithoutDefault('n')).toBe(7);
    const ignoring = await roundTrip(
      converter({ 'ignore.default.for.nullables': true }),
      schema,
      value,
    );
    expect((ignoring.back.value as Struct).getWithoutDefault('n')).toBeNull();
  });

  it('frames the Avro value with magic byte 0 and the big-endian schema id', async () => {
    const registry = new MemoryRegistry();
    registry.schemas.push('"boolean"', '"int"'); // ids 1 and 2 taken: ours is 3
    const c = converter({}, false, registry);
    const bytes = await c.fromConnectData(TOPIC, headers, Schema.STRING_SCHEMA, 'hi');
    expect([...(bytes ?? [])]).toEqual([0, 0, 0, 0, 3, 4, 0x68, 0x69]);
    expect(registry.subjects.get('orders-value')).toEqual([3]);
  });

  it("writes a top-level bytes value without Avro's length prefix, as Confluent does", async () => {
    const c = converter();
    const { bytes, back } = await roundTrip(c, Schema.BYTES_SCHEMA, new Uint8Array([9, 8, 7]));
    expect([...(bytes ?? new Uint8Array()).subarray(5)]).toEqual([9, 8, 7]);
    expect(back.value).toEqual(new Uint8Array([9, 8, 7]));
  });

  it("writes a top-level Decimal as its two's complement without Avro's length prefix, as Confluent does", async () => {
    const c = converter();
    const price = new Decimal(-12345n, 2);
    const { bytes, back } = await roundTrip(c, Decimal.schema(2), price);
    expect([...(bytes ?? new Uint8Array()).subarray(5)]).toEqual([0xcf, 0xc7]);
    expect(valuesEqual(back.value, price)).toBe(true);
    // An optional Decimal is a union: Avro-encoded, branch and length first.
    const optional = Decimal.builder(2).optional().build();
    const nullable = await c.fromConnectData(TOPIC, headers, optional, price);
    expect([...(nullable ?? new Uint8Array()).subarray(5)]).toEqual([2, 4, 0xcf, 0xc7]);
  });

  it('round trips top-level primitives and optional values', async () => {
    const c = converter();
    const cases: [Schema, unknown][] = [
      [Schema.INT64_SCHEMA, -(2n ** 63n)],
      [Schema.INT8_SCHEMA, 5],
      [Schema.OPTIONAL_STRING_SCHEMA, 'x'],
      [Decimal.schema(0), Decimal.fromString('-1')],
      [SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).build(), [1, null, 3]],
    ];
    for (const [schema, value] of cases) {
      const { back } = await roundTrip(c, schema, value);
      expect(valuesEqual(back.value, value), String(schema)).toBe(true);
      expect(back.schema?.type).toBe(schema.type);
    }
  });

  it('answers synchronously once the schema is known, asking the registry once', async () => {
    const registry = new MemoryRegistry();
    const c = converter({}, false, registry);
    const first = c.fromConnectData(TOPIC, headers, everything, everythingValue());
    expect(isPromise(first)).toBe(true);
    const bytes = await first;
    const second = c.fromConnectData(TOPIC, headers, everything, everythingValue());
    expect(isPromise(second)).toBe(false);
    const read = c.toConnectData(TOPIC, headers, bytes);
    expect(isPromise(read)).toBe(true);
    await read;
    const readAgain = c.toConnectData(TOPIC, headers, bytes) as SchemaAndValue;
    expect(isPromise(readAgain)).toBe(false);
    expect((readAgain.value as Struct).get('text')).toBe('héllo ☃');
    // register; then by id and the version lookup, once each
    expect(registry.calls).toBe(3);
  });

  it('shares one registry call between concurrent records of a new schema', async () => {
    const registry = new MemoryRegistry();
    const c = converter({}, false, registry);
    await Promise.all(
      Array.from({ length: 5 }, () => c.fromConnectData(TOPIC, headers, Schema.INT32_SCHEMA, 1)),
    );
    expect(registry.calls).toBe(1);
  });

  it("writes schemaless values with Confluent's Anything schema and reads them back", async () => {
    const registry = new MemoryRegistry();
    const c = converter({}, false, registry);
    const values: unknown[] = [
      'text',
      5,
      2.5,
      -(2n ** 62n),
      true,
      new Uint8Array([1, 2]),
      [1, 'a', null, [false]],
      new Map<unknown, unknown>([
        ['k', 1n],
        [2, new Map([['nested', 'yes']])],
      ]),
    ];
    for (const value of values) {
      const { back } = await roundTrip(c, null, value);
      expect(back.schema).toBeNull();
      expect(valuesEqual(back.value, value), String(value)).toBe(true);
    }
    expect(JSON.parse(registry.schemas[0] ?? '')).toMatchObject({
      type: 'record',
      name: 'Anything',
      namespace: 'io.confluent.connect.avro',
    });
    await expect((async () => c.fromConnectData(TOPIC, headers, null, { a: 1 }))()).rejects.toThrow(
      /Unknown type for schemaless data: Object/,
    );
  });

  it('turns null into a tombstone and back, but refuses null for a required schema', async () => {
    const c = converter();
    expect(await c.fromConnectData(TOPIC, headers, Schema.OPTIONAL_STRING_SCHEMA, null)).toBeNull();
    expect(await c.fromConnectData(TOPIC, headers, null, null)).toBeNull();
    expect(c.toConnectData(TOPIC, headers, null)).toEqual({ schema: null, value: null });
    expect(() => c.fromConnectData(TOPIC, headers, Schema.STRING_SCHEMA, null)).toThrow(
      /non-optional/,
    );
  });

  it('refuses a value that does not match its schema, naming the field', async () => {
    const c = converter();
    const schema = SchemaBuilder.struct().name('S').field('n', Schema.INT64_SCHEMA).build();
    const struct = new Struct(schema);
    // Struct.put would refuse the number: build the mismatch the way a careless caller could.
    await expect(
      (async () => c.fromConnectData(TOPIC, headers, Schema.INT64_SCHEMA, 5))(),
    ).rejects.toThrow(DataException);
    await expect((async () => c.fromConnectData(TOPIC, headers, schema, struct))()).rejects.toThrow(
      /non-optional schema at field "n"/,
    );
  });

  it('uses the key subject and strategies for keys', async () => {
    const registry = new MemoryRegistry();
    const key = converter({}, true, registry);
    await key.fromConnectData(TOPIC, headers, Schema.STRING_SCHEMA, 'k');
    const value = converter(
      {
        'value.subject.name.strategy':
          'io.confluent.kafka.serializers.subject.TopicRecordNameStrategy',
      },
      false,
      registry,
    );
    await value.fromConnectData(
      TOPIC,
      headers,
      line,
      new Struct(line).put('sku', 'a').put('quantity', 1).put('price', Decimal.fromString('1.00')),
    );
    const record = converter(
      { 'value.subject.name.strategy': 'RecordNameStrategy' },
      false,
      registry,
    );
    await record.fromConnectData(
      TOPIC,
      headers,
      line,
      new Struct(line).put('sku', 'a').put('quantity', 1).put('price', Decimal.fromString('1.00')),
    );
    expect([...registry.subjects.keys()]).toEqual(['orders-key', 'orders-shop.Line', 'shop.Line']);
    await expect(
      (async () => record.fromConnectData(TOPIC, headers, Schema.STRING_SCHEMA, 'x'))(),
    ).rejects.toThrow(/must only be a record schema/);
  });
});

describe('AvroConverter schema evolution (logic; the integration test uses the real registry)', () => {
  const v1 = SchemaBuilder.struct()
    .name('shop.Customer')
    .field('id', Schema.INT64_SCHEMA)
    .field('name', Schema.STRING_SCHEMA)
    .build();
  const v2 = SchemaBuilder.struct()
    .name('shop.Customer')
    .field('id', Schema.INT64_SCHEMA)
    .field('name', Schema.STRING_SCHEMA)
    .field('country', SchemaBuilder.string().defaultValue('NL').build())
    .build();
  const v3 = SchemaBuilder.struct()
    .name('shop.Customer')
    .field('id', Schema.INT64_SCHEMA)
    .field('vat', Schema.STRING_SCHEMA)
    .build();
  const ada = () => new Struct(v1).put('id', 1n).put('name', 'Ada');

  it('reads data written with an older schema into the latest version with use.latest.version', async () => {
    const registry = new MemoryRegistry();
    const old = await converter({}, false, registry).fromConnectData(TOPIC, headers, v1, ada());
    await converter({}, false, registry).fromConnectData(
      TOPIC,
      headers,
      v2,
      new Struct(v2).put('id', 2n).put('name', 'Grace').put('country', 'US'),
    );
    const latest = converter({ 'use.latest.version': true }, false, registry);
    const back = (await latest.toConnectData(TOPIC, headers, old)) as SchemaAndValue;
    expect(back.schema?.version).toBe(2);
    expect((back.value as Struct).get('country')).toBe('NL');
    expect((back.value as Struct).get('name')).toBe('Ada');
    const own = (await converter({}, false, registry).toConnectData(
      TOPIC,
      headers,
      old,
    )) as SchemaAndValue;
    expect(own.schema?.fields.map((f) => f.name)).toEqual(['id', 'name']);
    expect(own.schema?.version).toBe(1);
  });

  it('writes with the latest version, after checking it can read our data', async () => {
    const registry = new MemoryRegistry();
    await converter({}, false, registry).fromConnectData(
      TOPIC,
      headers,
      v2,
      new Struct(v2).put('id', 2n).put('name', 'Grace'),
    );
    const writer = converter(
      { 'auto.register.schemas': false, 'use.latest.version': true },
      false,
      registry,
    );
    const bytes = (await writer.fromConnectData(TOPIC, headers, v1, ada())) as Uint8Array;
    expect(bytes[4]).toBe(1); // the latest (v2) id, not a new registration
    expect(registry.schemas).toHaveLength(1);
    const back = (await writer.toConnectData(TOPIC, headers, bytes)) as SchemaAndValue;
    expect((back.value as Struct).get('country')).toBe('NL');

    await converter({}, false, registry).fromConnectData(
      TOPIC,
      headers,
      v3,
      new Struct(v3).put('id', 3n).put('vat', 'x'),
    );
    const strict = converter(
      { 'auto.register.schemas': false, 'use.latest.version': true },
      false,
      registry,
    );
    await expect((async () => strict.fromConnectData(TOPIC, headers, v1, ada()))()).rejects.toThrow(
      /Incompatible schema.*latest.compatibility.strict=false/,
    );
  });

  it('refuses an unregistered schema when auto.register.schemas is false', async () => {
    const c = converter({ 'auto.register.schemas': false });
    await expect((async () => c.fromConnectData(TOPIC, headers, v1, ada()))()).rejects.toThrow(
      /Schema not found under subject orders-value/,
    );
  });
});

describe('AvroConverter bad input', () => {
  it('names the topic and byte offset of a wrong magic byte', () => {
    const c = converter();
    const read = () =>
      c.toConnectData(TOPIC, headers, new TextEncoder().encode('{"a":1}'), {
        partition: 2,
        offset: 41,
      });
    expect(read).toThrow(DataException);
    expect(read).toThrow(/topic orders, partition 2, offset 41/);
    expect(read).toThrow(/Unknown magic byte 0x7b at byte offset 0/);
  });

  it('refuses a message shorter than the 5-byte header', () => {
    const c = converter();
    expect(() => c.toConnectData(TOPIC, headers, new Uint8Array([0, 0, 1]))).toThrow(
      /Truncated message: 3 bytes/,
    );
    expect(() => c.toConnectData(TOPIC, headers, new Uint8Array([]))).toThrow(/empty/);
  });

  it('refuses a truncated or overlong Avro value', async () => {
    const c = converter();
    const bytes = (await c.fromConnectData(
      TOPIC,
      headers,
      Schema.STRING_SCHEMA,
      'hello',
    )) as Uint8Array;
    await c.toConnectData(TOPIC, headers, bytes);
    expect(() => c.toConnectData(TOPIC, headers, bytes.subarray(0, bytes.length - 2))).toThrow(
      /Truncated Avro value for schema id 1/,
    );
    const longer = new Uint8Array([...bytes, 0]);
    expect(() => c.toConnectData(TOPIC, headers, longer)).toThrow(/Trailing data/);
  });

  it('refuses a message cut short inside a decimal, naming where it ends', async () => {
    const c = converter();
    const bytes = (await c.fromConnectData(
      TOPIC,
      headers,
      line,
      new Struct(line)
        .put('sku', 'A')
        .put('quantity', 1)
        .put('price', Decimal.fromString('-1234.56')),
    )) as Uint8Array;
    await c.toConnectData(TOPIC, headers, bytes);
    // Header (5), sku (2), quantity (1), the decimal's length (1), then 1 of its 3 bytes.
    expect(() => c.toConnectData(TOPIC, headers, bytes.subarray(0, 10), { offset: 42 })).toThrow(
      /offset 42.*Truncated Avro value for schema id 1: the message ends at byte offset 10/,
    );
  });

  it('gives a DataException naming the topic for an unknown schema id', async () => {
    const c = converter();
    await expect(
      (async () => c.toConnectData(TOPIC, headers, new Uint8Array([0, 0, 0, 0, 42, 2])))(),
    ).rejects.toThrow(/topic orders.*Schema 42 not found/);
  });

  it('gives a RetriableException when the registry cannot be reached', async () => {
    const port = await closedPort();
    const c = new AvroConverter();
    c.configure({ 'schema.registry.url': `http://127.0.0.1:${port}` }, false);
    const write = (async () => c.fromConnectData(TOPIC, headers, Schema.STRING_SCHEMA, 'x'))();
    await expect(write).rejects.toThrow(RetriableException);
    await expect(write).rejects.toThrow(/topic orders.*unreachable/);
    const read = (async () =>
      c.toConnectData(TOPIC, headers, new Uint8Array([0, 0, 0, 0, 1, 2])))();
    await expect(read).rejects.toThrow(RetriableException);
  });
});

describe('AvroConverter configuration', () => {
  it('refuses a bad config listing every key at fault', () => {
    let error: unknown;
    try {
      new AvroConverter().configure(
        {
          'auto.register.schemas': 'maybe',
          'value.subject.name.strategy': 'com.example.MyStrategy',
          'scrub.invalid.names': 'true',
          'use.schema.id': '3',
        },
        false,
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigException);
    const keys = (error as ConfigException).problems.map((p) => p.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'schema.registry.url',
        'auto.register.schemas',
        'value.subject.name.strategy',
        'scrub.invalid.names',
        'use.schema.id',
      ]),
    );
    for (const key of keys) expect((error as Error).message).toContain(key);
  });

  it("accepts Confluent's strategy class names and properties-file strings", () => {
    const c = converter({
      'key.subject.name.strategy': 'io.confluent.kafka.serializers.subject.RecordNameStrategy',
      'auto.register.schemas': 'false',
      'use.latest.version': 'true',
      'latest.cache.ttl.sec': '30',
    });
    expect(c.settings).toMatchObject({
      keySubjectNameStrategy: 'RecordNameStrategy',
      valueSubjectNameStrategy: 'TopicNameStrategy',
      autoRegisterSchemas: false,
      useLatestVersion: true,
      latestCacheTtlMs: 30_000,
    });
  });

  it('takes Basic credentials from basic.auth.user.info or from the URL', () => {
    const userInfo = converter({
      'basic.auth.credentials.source': 'USER_INFO',
      'basic.auth.user.info': 'ada:secret',
    });
    expect(userInfo.settings.basicAuthUserInfo).toBe('ada:secret');
    const fromUrl = converter({
      'schema.registry.url': 'http://bob:p%40ss@registry.invalid:8081/',
    });
    expect(fromUrl.settings.basicAuthUserInfo).toBe('bob:p@ss');
    expect(fromUrl.settings.registryUrls).toEqual(['http://registry.invalid:8081']);
  });

  it('documents every key in the README config table', () => {
    // The formatter pads table cells and writes emphasis with underscores (`*required*` becomes
    // `_required_`); compare the cells, not the formatting.
    const cells = (markdown: string) =>
      markdown
        .replace(/ *\| */g, '|')
        .replace(/-{3,}/g, '---')
        .replace(/\*required\*/g, '_required_');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(cells(readme)).toContain(cells(AVRO_CONVERTER_CONFIG_DEF.toMarkdown().trim()));
  });

  it("declares the plugin under Confluent's class name, implementing the converter contract", () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(() => parsePluginManifest(manifest, '@sluice/converter-avro')).not.toThrow();
    expect(missingPluginMethods('converter', AvroConverter)).toEqual([]);
    expect(manifest.sluice.plugins).toEqual([
      {
        kind: 'converter',
        name: 'AvroConverter',
        export: './dist/index.js#AvroConverter',
        aliases: ['io.confluent.connect.avro.AvroConverter'],
      },
    ]);
  });
});

/** A local port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
