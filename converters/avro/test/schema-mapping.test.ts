import {
  ConnectDate,
  ConnectTime,
  ConnectTimestamp,
  Decimal,
  Schema,
  SchemaBuilder,
  Struct,
  schemaEquals,
} from '@sluice/api';
import { describe, expect, it } from 'vitest';
import {
  type AvroDataOptions,
  avroType,
  DEFAULT_AVRO_DATA_OPTIONS,
  fromConnectSchema,
  schemaText,
  toConnectSchema,
} from '../src/index.js';

const options = DEFAULT_AVRO_DATA_OPTIONS;
const avroOf = (schema: Schema, opts: AvroDataOptions = options) =>
  JSON.parse(schemaText(fromConnectSchema(schema, opts))) as unknown;
const connectOf = (avro: unknown, opts: AvroDataOptions = options, version: number | null = null) =>
  toConnectSchema(avro as never, opts, version);

describe('Connect schema → Avro schema (as Confluent AvroData writes it)', () => {
  it('maps every primitive, marking int8 and int16 with connect.type', () => {
    expect(avroOf(Schema.INT8_SCHEMA)).toEqual({ type: 'int', 'connect.type': 'int8' });
    expect(avroOf(Schema.INT16_SCHEMA)).toEqual({ type: 'int', 'connect.type': 'int16' });
    expect(avroOf(Schema.INT32_SCHEMA)).toBe('int');
    expect(avroOf(Schema.INT64_SCHEMA)).toBe('long');
    expect(avroOf(Schema.FLOAT32_SCHEMA)).toBe('float');
    expect(avroOf(Schema.FLOAT64_SCHEMA)).toBe('double');
    expect(avroOf(Schema.BOOLEAN_SCHEMA)).toBe('boolean');
    expect(avroOf(Schema.STRING_SCHEMA)).toBe('string');
    expect(avroOf(Schema.BYTES_SCHEMA)).toBe('bytes');
  });

  it('makes optional schemas unions with null first, or last when there is a default', () => {
    expect(avroOf(Schema.OPTIONAL_STRING_SCHEMA)).toEqual(['null', 'string']);
    expect(avroOf(SchemaBuilder.string().optional().defaultValue('x').build())).toEqual([
      { type: 'string', 'connect.default': 'x' },
      'null',
    ]);
  });

  it('writes the logical types with Avro logical types and Connect names, byte for byte', () => {
    expect(schemaText(fromConnectSchema(Decimal.schema(2), options))).toBe(
      '{"type":"bytes","scale":2,"precision":64,"connect.version":1,"connect.parameters":{"scale":"2"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}',
    );
    expect(schemaText(fromConnectSchema(ConnectDate.SCHEMA, options))).toBe(
      '{"type":"int","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Date","logicalType":"date"}',
    );
    expect(avroOf(ConnectTime.SCHEMA)).toMatchObject({ type: 'int', logicalType: 'time-millis' });
    expect(avroOf(ConnectTimestamp.SCHEMA)).toMatchObject({
      type: 'long',
      logicalType: 'timestamp-millis',
    });
  });

  it('takes a decimal precision from connect.decimal.precision', () => {
    const schema = Decimal.builder(3).parameter('connect.decimal.precision', '10').build();
    expect(avroOf(schema)).toMatchObject({ precision: 10, scale: 3, logicalType: 'decimal' });
  });

  it('names structs after the Connect schema, or ConnectDefault, with doc, version and parameters', () => {
    const inner = SchemaBuilder.struct().field('x', Schema.BOOLEAN_SCHEMA).build();
    const schema = SchemaBuilder.struct()
      .name('com.example.Person')
      .version(3)
      .doc('a person')
      .parameter('team', 'core')
      .field('name', Schema.STRING_SCHEMA)
      .field('age', Schema.OPTIONAL_INT32_SCHEMA)
      .field('a', inner)
      .field('b', SchemaBuilder.struct().field('y', Schema.STRING_SCHEMA).build())
      .build();
    expect(avroOf(schema)).toEqual({
      type: 'record',
      name: 'Person',
      namespace: 'com.example',
      fields: [
        { name: 'name', type: 'string' },
        { name: 'age', type: ['null', 'int'], default: null },
        {
          name: 'a',
          type: {
            type: 'record',
            name: 'ConnectDefault',
            namespace: 'io.confluent.connect.avro',
            fields: [{ name: 'x', type: 'boolean' }],
          },
        },
        {
          name: 'b',
          type: {
            type: 'record',
            name: 'ConnectDefault2',
            namespace: 'io.confluent.connect.avro',
            fields: [{ name: 'y', type: 'string' }],
          },
        },
      ],
      'connect.doc': 'a person',
      'connect.version': 3,
      'connect.parameters': { team: 'core' },
      'connect.name': 'com.example.Person',
    });
  });

  it('refers to a struct used twice by name instead of defining it again', () => {
    const address = SchemaBuilder.struct()
      .name('com.example.Address')
      .field('zip', Schema.STRING_SCHEMA)
      .build();
    const schema = SchemaBuilder.struct()
      .name('com.example.Customer')
      .field('home', address)
      .field(
        'work',
        SchemaBuilder.struct()
          .name('com.example.Address')
          .field('zip', Schema.STRING_SCHEMA)
          .optional()
          .build(),
      )
      .build();
    const avro = avroOf(schema) as { fields: { type: unknown }[] };
    expect(avro.fields[0]?.type).toMatchObject({ type: 'record', name: 'Address' });
    // Relative to the enclosing namespace (com.example), as Avro writes references.
    expect(avro.fields[1]?.type).toEqual(['null', 'Address']);
  });

  it('writes an equal map or array met again with references to the types it defined', () => {
    const byId = SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).build();
    const schema = SchemaBuilder.struct()
      .name('a.Lookup')
      .field('first', byId)
      .field('second', SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).build())
      .build();
    const avro = avroOf(schema) as { fields: { type: unknown }[] };
    expect(avro.fields[1]?.type).toEqual({
      type: 'array',
      items: 'io.confluent.connect.avro.MapEntry',
    });
    // avsc accepts it (a name defined twice would be refused).
    expect(() => avroType(fromConnectSchema(schema, options))).not.toThrow();
  });

  it('writes string-keyed maps as Avro maps and other maps as arrays of MapEntry records', () => {
    expect(avroOf(SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT64_SCHEMA).build())).toEqual({
      type: 'map',
      values: 'long',
    });
    expect(avroOf(SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).build())).toEqual({
      type: 'array',
      items: {
        type: 'record',
        name: 'MapEntry',
        namespace: 'io.confluent.connect.avro',
        fields: [
          { name: 'key', type: 'int' },
          { name: 'value', type: 'string' },
        ],
      },
    });
    // An optional string key is not a valid Avro map key unless allow.optional.map.keys is set.
    const optionalKeys = SchemaBuilder.map(
      Schema.OPTIONAL_STRING_SCHEMA,
      Schema.INT32_SCHEMA,
    ).build();
    expect(avroOf(optionalKeys)).toMatchObject({ type: 'array' });
    expect(avroOf(optionalKeys, { ...options, allowOptionalMapKeys: true })).toMatchObject({
      type: 'map',
    });
  });

  it('writes Connect defaults as Avro field defaults and connect.default', () => {
    const schema = SchemaBuilder.struct()
      .name('D')
      .field('big', SchemaBuilder.int64().defaultValue(9007199254740993n).build())
      .field(
        'bytes',
        SchemaBuilder.bytes()
          .defaultValue(new Uint8Array([0, 255]))
          .build(),
      )
      .field('amount', Decimal.builder(2).defaultValue(Decimal.fromString('1.00')).build())
      .field('day', ConnectDate.builder().defaultValue(new Date(86_400_000)).build())
      .field('list', SchemaBuilder.array(Schema.INT32_SCHEMA).defaultValue([1, 2]).build())
      .build();
    const text = schemaText(fromConnectSchema(schema, options));
    expect(text).toContain('"connect.default":9007199254740993},"default":9007199254740993}');
    expect(text).toContain('"default":"\\u0000ÿ"');
    // 1.00 is the unscaled value 100: the one byte 0x64, "d".
    expect(text).toContain('"connect.default":"d"');
    expect(text).toContain('"logicalType":"date"},"default":1}');
    expect(text).toContain('"default":[1,2]');
  });

  it('leaves the connect.* properties out with connect.meta.data=false', () => {
    const schema = SchemaBuilder.struct()
      .name('a.B')
      .version(2)
      .field('d', ConnectDate.SCHEMA)
      .build();
    expect(avroOf(schema, { ...options, connectMetaData: false })).toEqual({
      type: 'record',
      name: 'B',
      namespace: 'a',
      fields: [{ name: 'd', type: { type: 'int', logicalType: 'date' } }],
    });
  });

  it('writes Avro enums from enum parameters with enhanced.avro.schema.support', () => {
    const schema = SchemaBuilder.string()
      .name('com.example.Color')
      .parameter('io.confluent.connect.avro.Enum', 'com.example.Color')
      .parameter('io.confluent.connect.avro.Enum.RED', 'RED')
      .parameter('io.confluent.connect.avro.Enum.BLUE', 'BLUE')
      .build();
    expect(avroOf(schema, { ...options, enhancedAvroSchemaSupport: true })).toMatchObject({
      type: 'enum',
      name: 'Color',
      namespace: 'com.example',
      symbols: ['RED', 'BLUE'],
    });
    expect(avroOf(schema)).toMatchObject({ type: 'string', 'connect.name': 'com.example.Color' });
  });
});

describe('Avro schema → Connect schema (as Confluent AvroData reads it)', () => {
  it('reads int8/int16 back from connect.type and plain Avro types as Connect types', () => {
    expect(
      schemaEquals(connectOf({ type: 'int', 'connect.type': 'int8' }), Schema.INT8_SCHEMA),
    ).toBe(true);
    expect(connectOf({ type: 'int', 'connect.type': 'int16' }).type).toBe('INT16');
    expect(connectOf('long').type).toBe('INT64');
    expect(connectOf('float').type).toBe('FLOAT32');
    expect(connectOf('double').type).toBe('FLOAT64');
    expect(connectOf('bytes').type).toBe('BYTES');
    expect(connectOf(['null', 'string']).optional).toBe(true);
    expect(connectOf(['string', 'null']).optional).toBe(true);
  });

  it('reads Avro logical types written by any producer', () => {
    const decimal = connectOf({ type: 'bytes', logicalType: 'decimal', precision: 10, scale: 3 });
    expect(decimal.name).toBe(Decimal.LOGICAL_NAME);
    expect(decimal.parameters).toEqual({ scale: '3', 'connect.decimal.precision': '10' });
    expect(connectOf({ type: 'int', logicalType: 'date' }).name).toBe(ConnectDate.LOGICAL_NAME);
    expect(connectOf({ type: 'int', logicalType: 'time-millis' }).name).toBe(
      ConnectTime.LOGICAL_NAME,
    );
    expect(connectOf({ type: 'long', logicalType: 'timestamp-millis' }).name).toBe(
      ConnectTimestamp.LOGICAL_NAME,
    );
  });

  it('reads enums as strings with their symbols, fixed as bytes with its size', () => {
    const color = connectOf({
      type: 'enum',
      name: 'Color',
      namespace: 'c',
      symbols: ['RED', 'BLUE'],
    });
    expect(color.type).toBe('STRING');
    expect(color.name).toBe('c.Color');
    expect(color.parameters).toEqual({
      'io.confluent.connect.avro.Enum': 'c.Color',
      'io.confluent.connect.avro.Enum.RED': 'RED',
      'io.confluent.connect.avro.Enum.BLUE': 'BLUE',
    });
    const md5 = connectOf({ type: 'fixed', name: 'Md5', size: 16 });
    expect(md5.type).toBe('BYTES');
    expect(md5.parameters).toEqual({ 'connect.fixed.size': '16' });
  });

  it('reads a general union as an io.confluent.connect.avro.Union struct of optional members', () => {
    const union = connectOf(['null', 'int', 'string', { type: 'record', name: 'n.R', fields: [] }]);
    expect(union.name).toBe('io.confluent.connect.avro.Union');
    expect(union.optional).toBe(true);
    expect(union.fields.map((f) => [f.name, f.schema.type, f.schema.optional])).toEqual([
      ['int', 'INT32', true],
      ['string', 'STRING', true],
      ['R', 'STRUCT', true],
    ]);
  });

  it('names union members by full name with enhanced.avro.schema.support', () => {
    const members = ['int', { type: 'record', name: 'a.R', fields: [] }];
    expect(connectOf(members).fields.map((f) => f.name)).toEqual(['int', 'R']);
    expect(
      connectOf(members, { ...options, enhancedAvroSchemaSupport: true }).fields.map((f) => f.name),
    ).toEqual(['int', 'a.R']);
  });

  it('takes the version from connect.version, else from the registry', () => {
    expect(connectOf({ type: 'record', name: 'R', fields: [] }, options, 7).version).toBe(7);
    // A union has no properties: the Union struct takes the registry version, a nullable union's
    // member none (Confluent's AvroData does the same).
    expect(connectOf(['int', 'string'], options, 7).version).toBe(7);
    expect(connectOf(['null', 'string'], options, 7).version).toBeNull();
    expect(
      connectOf({ type: 'record', name: 'R', fields: [], 'connect.version': 2 }, options, 7)
        .version,
    ).toBe(2);
  });

  it('reads field defaults of any producer, flagging them as Avro field defaults', () => {
    const schema = connectOf({
      type: 'record',
      name: 'R',
      fields: [
        { name: 'n', type: 'long', default: 42 },
        { name: 's', type: ['null', 'string'], default: null },
        { name: 'b', type: 'bytes', default: '\u0001\u00ff' },
      ],
    });
    const n = schema.field('n')?.schema;
    expect(n?.defaultValue).toBe(42n);
    expect(n?.parameters).toEqual({ 'io.confluent.connect.avro.field.default': 'true' });
    expect(schema.field('s')?.schema.optional).toBe(true);
    expect(schema.field('b')?.schema.defaultValue).toEqual(new Uint8Array([1, 255]));
  });

  it('refuses recursive schemas with a clear DataException', () => {
    expect(() =>
      connectOf({
        type: 'record',
        name: 'Node',
        fields: [{ name: 'next', type: ['null', 'Node'], default: null }],
      }),
    ).toThrow(/Recursive Avro schemas are not supported/);
  });
});

describe('Connect → Avro → Connect schema round trips', () => {
  const line = SchemaBuilder.struct()
    .name('shop.Line')
    .field('sku', Schema.STRING_SCHEMA)
    .field('qty', Schema.INT16_SCHEMA)
    .field('price', Decimal.schema(2))
    .build();
  const cases: [string, Schema][] = [
    ['int8', Schema.INT8_SCHEMA],
    ['optional int16', Schema.OPTIONAL_INT16_SCHEMA],
    ['int64 with default', SchemaBuilder.int64().defaultValue(-5n).build()],
    ['float32', Schema.FLOAT32_SCHEMA],
    ['optional bytes', Schema.OPTIONAL_BYTES_SCHEMA],
    ['decimal', Decimal.schema(4)],
    [
      'decimal with precision',
      Decimal.builder(2).parameter('connect.decimal.precision', '9').build(),
    ],
    ['date', ConnectDate.SCHEMA],
    ['optional time', ConnectTime.builder().optional().build()],
    ['timestamp', ConnectTimestamp.SCHEMA],
    ['array of structs', SchemaBuilder.array(line).build()],
    [
      'map of string',
      SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_FLOAT64_SCHEMA).build(),
    ],
    ['map of int64 keys', SchemaBuilder.map(Schema.INT64_SCHEMA, line).build()],
    [
      'nested struct',
      SchemaBuilder.struct()
        .name('shop.Order')
        .version(2)
        .doc('an order')
        .parameter('p', 'v')
        .field('id', Schema.INT64_SCHEMA)
        .field('lines', SchemaBuilder.array(line).build())
        .field('note', SchemaBuilder.string().optional().defaultValue('none').build())
        .field(
          'flags',
          SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.BOOLEAN_SCHEMA).optional().build(),
        )
        .build(),
    ],
  ];
  for (const [name, schema] of cases) {
    it(`keeps ${name}`, () => {
      const back = connectOf(JSON.parse(schemaText(fromConnectSchema(schema, options))));
      expect(String(back)).toBe(String(schema));
      expect(schemaEquals(back, schema)).toBe(true);
    });
  }

  it('keeps a struct default', () => {
    const point = SchemaBuilder.struct().name('P').field('x', Schema.INT32_SCHEMA).build();
    const schema = SchemaBuilder.struct()
      .name('Outer')
      .field('p', SchemaBuilder.from(point).defaultValue(new Struct(point).put('x', 3)).build())
      .build();
    const back = connectOf(JSON.parse(schemaText(fromConnectSchema(schema, options))));
    const p = back.field('p');
    expect((p?.schema.defaultValue as Struct | undefined)?.get('x')).toBe(3);
  });
});
