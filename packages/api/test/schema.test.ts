import { describe, expect, it } from 'vitest';
import {
  ConnectSchema,
  DataException,
  Decimal,
  Field,
  isPrimitiveType,
  SCHEMA_TYPES,
  Schema,
  SchemaBuilder,
  Struct,
  schemaEquals,
  validateValue,
  valuesEqual,
} from '../src/index.js';

function validationError(schema: Schema, value: unknown): string {
  try {
    validateValue(schema, value);
  } catch (error) {
    expect(error).toBeInstanceOf(DataException);
    return (error as Error).message;
  }
  throw new Error('expected validateValue to throw');
}

describe('predefined schemas', () => {
  it('cover every primitive type, required and optional', () => {
    expect(Schema.INT8_SCHEMA.type).toBe('INT8');
    expect(Schema.INT8_SCHEMA.optional).toBe(false);
    expect(Schema.OPTIONAL_INT8_SCHEMA.optional).toBe(true);
    expect(Schema.BYTES_SCHEMA.type).toBe('BYTES');
    expect(Schema.OPTIONAL_STRING_SCHEMA.type).toBe('STRING');
    const primitives = SCHEMA_TYPES.filter(isPrimitiveType);
    expect(primitives).toEqual([
      'INT8',
      'INT16',
      'INT32',
      'INT64',
      'FLOAT32',
      'FLOAT64',
      'BOOLEAN',
      'STRING',
      'BYTES',
    ]);
  });

  it('are frozen and have no metadata', () => {
    const s = Schema.STRING_SCHEMA;
    expect(Object.isFrozen(s)).toBe(true);
    expect(s.name).toBeNull();
    expect(s.version).toBeNull();
    expect(s.doc).toBeNull();
    expect(s.parameters).toBeNull();
    expect(s.defaultValue).toBeNull();
    expect(s.fields).toEqual([]);
    expect(s.keySchema).toBeNull();
    expect(s.valueSchema).toBeNull();
  });

  it('refuse field look-ups on a non-struct schema, as Kafka', () => {
    expect(() => Schema.INT32_SCHEMA.field('x')).toThrow(
      'Cannot look up fields on non-struct type INT32',
    );
  });
});

describe('ConnectSchema', () => {
  it('keeps fields only for STRUCT, key schema only for MAP, value schema for MAP and ARRAY', () => {
    const field = new Field('a', 0, Schema.INT32_SCHEMA);
    const notStruct = new ConnectSchema({
      type: 'INT32',
      fields: [field],
      keySchema: Schema.STRING_SCHEMA,
      valueSchema: Schema.STRING_SCHEMA,
    });
    expect(notStruct.fields).toEqual([]);
    expect(notStruct.keySchema).toBeNull();
    expect(notStruct.valueSchema).toBeNull();
    const array = new ConnectSchema({
      type: 'ARRAY',
      keySchema: Schema.STRING_SCHEMA,
      valueSchema: Schema.INT8_SCHEMA,
    });
    expect(array.keySchema).toBeNull();
    expect(array.valueSchema).toBe(Schema.INT8_SCHEMA);
    const struct = new ConnectSchema({ type: 'STRUCT', fields: [field] });
    expect(struct.field('a')).toBe(field);
    expect(struct.field('b')).toBeUndefined();
  });

  it('copies its parameters so later changes to the input do not leak in', () => {
    const params: Record<string, string> = { scale: '2' };
    const schema = new ConnectSchema({ type: 'BYTES', parameters: params });
    params.scale = '3';
    expect(schema.parameters).toEqual({ scale: '2' });
    expect(Object.isFrozen(schema.parameters)).toBe(true);
  });

  it('prints its name and type', () => {
    expect(String(Schema.INT64_SCHEMA)).toBe('Schema{INT64}');
    expect(String(SchemaBuilder.struct().name('com.example.Person').build())).toBe(
      'Schema{com.example.Person:STRUCT}',
    );
  });
});

describe('validateValue: primitives', () => {
  it('accepts each type with its JS value', () => {
    const ok: [Schema, unknown][] = [
      [Schema.INT8_SCHEMA, -128],
      [Schema.INT8_SCHEMA, 127],
      [Schema.INT16_SCHEMA, -32768],
      [Schema.INT16_SCHEMA, 32767],
      [Schema.INT32_SCHEMA, -2147483648],
      [Schema.INT32_SCHEMA, 2147483647],
      [Schema.INT64_SCHEMA, -(2n ** 63n)],
      [Schema.INT64_SCHEMA, 2n ** 63n - 1n],
      [Schema.FLOAT32_SCHEMA, 1.5],
      [Schema.FLOAT64_SCHEMA, Number.NaN],
      [Schema.FLOAT64_SCHEMA, Number.NEGATIVE_INFINITY],
      [Schema.BOOLEAN_SCHEMA, false],
      [Schema.STRING_SCHEMA, ''],
      [Schema.BYTES_SCHEMA, new Uint8Array([1, 2])],
      [Schema.BYTES_SCHEMA, Buffer.from('abc')],
    ];
    for (const [schema, value] of ok) expect(() => validateValue(schema, value)).not.toThrow();
  });

  it('refuses integers outside the range of INT8, INT16 and INT32', () => {
    expect(validationError(Schema.INT8_SCHEMA, 128)).toBe(
      'Invalid value: schema with type INT8 expects an integer number in [-128, 127], got number 128',
    );
    expect(() => validateValue(Schema.INT8_SCHEMA, -129)).toThrow(DataException);
    expect(() => validateValue(Schema.INT16_SCHEMA, 32768)).toThrow(DataException);
    expect(() => validateValue(Schema.INT32_SCHEMA, 2147483648)).toThrow(DataException);
    expect(() => validateValue(Schema.INT32_SCHEMA, -2147483649)).toThrow(DataException);
  });

  it('refuses fractions, bigints and numeric strings for INT32', () => {
    expect(validationError(Schema.INT32_SCHEMA, 1.5)).toContain('got number 1.5');
    expect(validationError(Schema.INT32_SCHEMA, 1n)).toContain('got bigint 1n');
    expect(validationError(Schema.INT32_SCHEMA, '1')).toContain('got string "1"');
  });

  it('takes INT64 only as a bigint, so values beyond 2^53 stay exact', () => {
    const beyond = 2n ** 53n + 1n;
    expect(() => validateValue(Schema.INT64_SCHEMA, beyond)).not.toThrow();
    expect(() => validateValue(Schema.INT64_SCHEMA, 9223372036854775807n)).not.toThrow();
    expect(validationError(Schema.INT64_SCHEMA, 5)).toBe(
      'Invalid value: schema with type INT64 expects a bigint in the signed 64-bit range, got number 5',
    );
  });

  it('refuses bigints outside the signed 64-bit range', () => {
    expect(() => validateValue(Schema.INT64_SCHEMA, 2n ** 63n)).toThrow(DataException);
    expect(() => validateValue(Schema.INT64_SCHEMA, -(2n ** 63n) - 1n)).toThrow(DataException);
  });

  it('refuses a FLOAT32 beyond the 32-bit float range instead of letting it become Infinity', () => {
    expect(() => validateValue(Schema.FLOAT32_SCHEMA, 3.4028234663852886e38)).not.toThrow();
    expect(() => validateValue(Schema.FLOAT32_SCHEMA, Number.POSITIVE_INFINITY)).not.toThrow();
    expect(() => validateValue(Schema.FLOAT32_SCHEMA, Number.NaN)).not.toThrow();
    expect(validationError(Schema.FLOAT32_SCHEMA, 1e39)).toBe(
      'Invalid value: schema with type FLOAT32 expects a number in the 32-bit float range, got number 1e+39',
    );
    expect(() => validateValue(Schema.FLOAT64_SCHEMA, 1e39)).not.toThrow();
  });

  it('refuses values of the wrong kind for the other primitives', () => {
    expect(validationError(Schema.FLOAT64_SCHEMA, '1.0')).toContain('expects a number');
    expect(validationError(Schema.BOOLEAN_SCHEMA, 1)).toContain('expects a boolean');
    expect(validationError(Schema.STRING_SCHEMA, 42)).toContain('expects a string');
    expect(validationError(Schema.BYTES_SCHEMA, [1, 2])).toContain(
      'expects a Uint8Array, got array(2)',
    );
    expect(validationError(Schema.BYTES_SCHEMA, 'AQI=')).toContain('expects a Uint8Array');
  });

  it('refuses null for a required schema and accepts it for an optional one', () => {
    expect(validationError(Schema.STRING_SCHEMA, null)).toBe(
      'Invalid value: null used for required value, schema type: STRING',
    );
    expect(() => validateValue(Schema.STRING_SCHEMA, undefined)).toThrow(DataException);
    expect(() => validateValue(Schema.OPTIONAL_STRING_SCHEMA, null)).not.toThrow();
    expect(() => validateValue(Schema.OPTIONAL_STRING_SCHEMA, undefined)).not.toThrow();
  });

  it('names the schema in the message when it has a name', () => {
    const schema = SchemaBuilder.string().name('com.example.Code').build();
    expect(validationError(schema, 1)).toBe(
      'Invalid value: schema "com.example.Code" with type STRING expects a string, got number 1',
    );
  });

  it('prefixes the message with the path it is given', () => {
    expect(() => validateValue(Schema.STRING_SCHEMA, 1, 'order.id')).toThrow(
      'Invalid field "order.id": schema with type STRING expects a string, got number 1',
    );
  });
});

describe('validateValue: arrays, maps and structs', () => {
  it('checks every array item and names the index at fault', () => {
    const schema = SchemaBuilder.array(Schema.INT32_SCHEMA).build();
    expect(() => validateValue(schema, [1, 2, 3])).not.toThrow();
    expect(validationError(schema, [1, 'two', 3])).toBe(
      'Invalid field "[1]": schema with type INT32 expects an integer number in [-2147483648, 2147483647], got string "two"',
    );
    expect(validationError(schema, new Set([1]))).toContain('expects an array, got Set object');
  });

  it('checks map keys and values and names the entry at fault', () => {
    const schema = SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT64_SCHEMA).build();
    expect(() => validateValue(schema, new Map([['a', 1n]]))).not.toThrow();
    expect(validationError(schema, new Map([['a', 1]]))).toContain(
      'Invalid field "["a"]": schema with type INT64',
    );
    expect(validationError(schema, new Map([[1, 1n]]))).toContain(
      'Invalid field "[number 1] (key)": schema with type STRING',
    );
    expect(validationError(schema, { a: 1n })).toContain('expects a Map, got plain object');
  });

  it('takes any kind of map key its key schema allows', () => {
    const schema = SchemaBuilder.map(Schema.INT64_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA).build();
    expect(() =>
      validateValue(
        schema,
        new Map<bigint, string | null>([
          [2n ** 60n, 'big'],
          [1n, null],
        ]),
      ),
    ).not.toThrow();
  });

  it('names the full path of a bad value deep inside structs and arrays', () => {
    const line = SchemaBuilder.struct()
      .name('Line')
      .field('sku', Schema.STRING_SCHEMA)
      .field('price', Decimal.schema(2))
      .build();
    const order = SchemaBuilder.struct()
      .name('Order')
      .field('lines', SchemaBuilder.array(line))
      .build();
    const good = new Struct(line).put('sku', 'a').put('price', Decimal.fromString('1.00'));
    const bad = new Struct(line).put('sku', 'b');
    // Struct.put validates deeply, as Kafka's does, so the incomplete line is refused there.
    expect(() => new Struct(order).put('lines', [good, bad])).toThrow(
      'Invalid value: null used for required field "lines[1].price", schema type: BYTES',
    );
    expect(() => validateValue(order, new Struct(order).put('lines', [good]))).not.toThrow();
  });

  it('refuses a struct whose schema is not the expected one', () => {
    const a = SchemaBuilder.struct().name('A').field('x', Schema.INT32_SCHEMA).build();
    const b = SchemaBuilder.struct().name('B').field('x', Schema.INT32_SCHEMA).build();
    expect(validationError(a, new Struct(b).put('x', 1))).toBe(
      "Invalid value: the Struct's schema Schema{B:STRUCT} does not match the expected schema Schema{A:STRUCT}",
    );
    expect(validationError(a, { x: 1 })).toContain('expects a Struct, got plain object');
  });

  it('accepts a struct built from an equal but distinct schema instance', () => {
    const build = () => SchemaBuilder.struct().name('A').field('x', Schema.INT32_SCHEMA).build();
    expect(() => validateValue(build(), new Struct(build()).put('x', 1))).not.toThrow();
  });
});

describe('schemaEquals', () => {
  const base = () =>
    SchemaBuilder.struct()
      .name('com.example.V')
      .version(2)
      .doc('a value')
      .field('id', Schema.INT64_SCHEMA)
      .field('tags', SchemaBuilder.array(Schema.STRING_SCHEMA).optional())
      .field('attrs', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA));

  it('is deep: separately built identical schemas are equal', () => {
    expect(schemaEquals(base().build(), base().build())).toBe(true);
  });

  it('sees every difference Kafka sees', () => {
    const ref = base().build();
    const variants: Schema[] = [
      base().optional().build(),
      SchemaBuilder.struct()
        .name('com.example.W')
        .version(2)
        .doc('a value')
        .field('id', Schema.INT64_SCHEMA)
        .build(),
      base().field('extra', Schema.BOOLEAN_SCHEMA).build(),
      base().parameter('k', 'v').build(),
      SchemaBuilder.struct()
        .name('com.example.V')
        .version(3)
        .doc('a value')
        .field('id', Schema.INT64_SCHEMA)
        .field('tags', SchemaBuilder.array(Schema.STRING_SCHEMA).optional())
        .field('attrs', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA))
        .build(),
      SchemaBuilder.struct()
        .name('com.example.V')
        .version(2)
        .doc('a value')
        .field('id', Schema.INT64_SCHEMA)
        .field('tags', SchemaBuilder.array(Schema.STRING_SCHEMA).optional())
        .field('attrs', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT64_SCHEMA))
        .build(),
    ];
    for (const variant of variants) expect(schemaEquals(ref, variant)).toBe(false);
  });

  it('compares field order, doc and default values', () => {
    const ab = SchemaBuilder.struct().field('a', Schema.INT8_SCHEMA).field('b', Schema.INT8_SCHEMA);
    const ba = SchemaBuilder.struct().field('b', Schema.INT8_SCHEMA).field('a', Schema.INT8_SCHEMA);
    expect(schemaEquals(ab.build(), ba.build())).toBe(false);
    expect(
      schemaEquals(SchemaBuilder.string().doc('x').build(), SchemaBuilder.string().build()),
    ).toBe(false);
    expect(
      schemaEquals(
        SchemaBuilder.int64().defaultValue(1n).build(),
        SchemaBuilder.int64().defaultValue(1n).build(),
      ),
    ).toBe(true);
    expect(
      schemaEquals(
        SchemaBuilder.int64().defaultValue(1n).build(),
        SchemaBuilder.int64().defaultValue(2n).build(),
      ),
    ).toBe(false);
    expect(
      schemaEquals(
        SchemaBuilder.bytes()
          .defaultValue(new Uint8Array([1]))
          .build(),
        SchemaBuilder.bytes()
          .defaultValue(new Uint8Array([1]))
          .build(),
      ),
    ).toBe(true);
  });

  it('treats null and undefined schemas (schemaless) as equal only to each other', () => {
    expect(schemaEquals(null, null)).toBe(true);
    expect(schemaEquals(null, undefined)).toBe(false);
    expect(schemaEquals(Schema.INT8_SCHEMA, null)).toBe(false);
  });

  it('treats parameters as an unordered map', () => {
    const a = SchemaBuilder.bytes().parameter('x', '1').parameter('y', '2').build();
    const b = SchemaBuilder.bytes().parameter('y', '2').parameter('x', '1').build();
    expect(schemaEquals(a, b)).toBe(true);
  });
});

describe('valuesEqual', () => {
  it('does not confuse an INT64 bigint with a number', () => {
    expect(valuesEqual(5n, 5)).toBe(false);
    expect(valuesEqual(2n ** 60n, 2n ** 60n)).toBe(true);
  });

  it('compares bytes by content, dates by time and decimals by unscaled value and scale', () => {
    expect(valuesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(valuesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(valuesEqual(new Date(5), new Date(5))).toBe(true);
    expect(valuesEqual(Decimal.fromString('1.0'), Decimal.fromString('1.0'))).toBe(true);
    expect(valuesEqual(Decimal.fromString('1.0'), Decimal.fromString('1.00'))).toBe(false);
  });

  it('compares maps by entries, even with bigint or byte keys', () => {
    expect(valuesEqual(new Map([[1n, 'a']]), new Map([[1n, 'a']]))).toBe(true);
    expect(
      valuesEqual(new Map([[new Uint8Array([1]), 'a']]), new Map([[new Uint8Array([1]), 'a']])),
    ).toBe(true);
    expect(valuesEqual(new Map([['k', 'a']]), new Map([['k', 'b']]))).toBe(false);
    expect(valuesEqual(new Map([['k', 'a']]), { k: 'a' })).toBe(false);
  });

  it('compares schemaless data (arrays and plain objects) deeply', () => {
    expect(valuesEqual({ a: [1, { b: 2n }] }, { a: [1, { b: 2n }] })).toBe(true);
    expect(valuesEqual({ a: [1, { b: 2n }] }, { a: [1, { b: 3n }] })).toBe(false);
    expect(valuesEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(valuesEqual([1], { 0: 1 })).toBe(false);
    expect(valuesEqual(Number.NaN, Number.NaN)).toBe(true);
  });
});
