import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  ConnectDate,
  ConnectTimestamp,
  DataException,
  Decimal,
  Schema,
  SchemaBuilder,
  Struct,
} from '../src/index.js';

const address = SchemaBuilder.struct()
  .name('com.example.Address')
  .field('street', Schema.STRING_SCHEMA)
  .field('zip', Schema.STRING_SCHEMA)
  .build();

const customer = SchemaBuilder.struct()
  .name('com.example.Customer')
  .field('id', Schema.INT64_SCHEMA)
  .field('name', Schema.STRING_SCHEMA)
  .field('nickname', Schema.OPTIONAL_STRING_SCHEMA)
  .field('country', SchemaBuilder.string().defaultValue('NL'))
  .field('address', address)
  .build();

function fullAddress(): Struct {
  return new Struct(address).put('street', 'Dam 1').put('zip', '1012');
}

describe('Struct', () => {
  it('refuses a schema that is not a STRUCT', () => {
    expect(() => new Struct(Schema.STRING_SCHEMA)).toThrow('Not a struct schema: Schema{STRING}');
  });

  it('stores and returns values by field name or Field', () => {
    const s = new Struct(customer).put('id', 2n ** 60n).put('name', 'Ada');
    const nameField = customer.field('name');
    if (nameField === undefined) throw new Error('no name field');
    s.put(nameField, 'Grace');
    expect(s.get('id')).toBe(2n ** 60n);
    expect(s.get(nameField)).toBe('Grace');
    expect(s.getString('name')).toBe('Grace');
    expect(s.getInt64('id')).toBe(1152921504606846976n);
  });

  it('checks each value against its field schema when it is put', () => {
    const s = new Struct(customer);
    expect(() => s.put('id', 1)).toThrow(
      'Invalid field "id": schema with type INT64 expects a bigint in the signed 64-bit range, got number 1',
    );
    expect(() => s.put('name', null)).toThrow(
      'Invalid value: null used for required field "name", schema type: STRING',
    );
    expect(() => s.put('nickname', null)).not.toThrow();
  });

  it('refuses unknown field names', () => {
    expect(() => new Struct(customer).put('age', 3)).toThrow(
      'age is not a valid field name of Schema{com.example.Customer:STRUCT}',
    );
    expect(() => new Struct(customer).get('age')).toThrow(DataException);
  });

  it('falls back to the field default on get, but not on getWithoutDefault', () => {
    const s = new Struct(customer);
    expect(s.get('country')).toBe('NL');
    expect(s.getWithoutDefault('country')).toBeNull();
    s.put('country', 'BE');
    expect(s.get('country')).toBe('BE');
  });

  it('validate() names every kind of missing required field', () => {
    const s = new Struct(customer).put('id', 1n);
    expect(() => s.validate()).toThrow(
      'Invalid value: null used for required field "name", schema type: STRING',
    );
    s.put('name', 'Ada');
    expect(() => s.validate()).toThrow(
      'Invalid value: null used for required field "address", schema type: STRUCT',
    );
    s.put('address', fullAddress());
    // nickname is optional and country has a default: both may stay unset.
    expect(() => s.validate()).not.toThrow();
  });

  it('refuses a nested struct of the wrong schema', () => {
    const other = SchemaBuilder.struct().name('Other').field('street', Schema.STRING_SCHEMA);
    expect(() =>
      new Struct(customer).put('address', new Struct(other.build()).put('street', 'x')),
    ).toThrow(/does not match the expected schema Schema\{com.example.Address:STRUCT\}/);
  });

  it('typed getters refuse a field of another type', () => {
    const s = new Struct(customer).put('name', 'Ada');
    expect(() => s.getInt32('name')).toThrow("Field 'name' is not of type INT32");
    expect(() => s.getBoolean('name')).toThrow(DataException);
  });

  it('typed getters return the value of every type', () => {
    const schema = SchemaBuilder.struct()
      .field('i8', Schema.INT8_SCHEMA)
      .field('i16', Schema.INT16_SCHEMA)
      .field('i32', Schema.INT32_SCHEMA)
      .field('f32', Schema.FLOAT32_SCHEMA)
      .field('f64', Schema.FLOAT64_SCHEMA)
      .field('b', Schema.BOOLEAN_SCHEMA)
      .field('bytes', Schema.BYTES_SCHEMA)
      .field('arr', SchemaBuilder.array(Schema.STRING_SCHEMA))
      .field('map', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA))
      .field('addr', address)
      .field('price', Decimal.schema(2))
      .field('day', ConnectDate.SCHEMA)
      .field('at', ConnectTimestamp.SCHEMA)
      .build();
    const s = new Struct(schema)
      .put('i8', -1)
      .put('i16', 300)
      .put('i32', 70000)
      .put('f32', 0.5)
      .put('f64', 1e300)
      .put('b', true)
      .put('bytes', new Uint8Array([9]))
      .put('arr', ['x'])
      .put('map', new Map([['k', 1]]))
      .put('addr', fullAddress())
      .put('price', Decimal.fromString('9.99'))
      .put('day', new Date('2024-02-29T00:00:00Z'))
      .put('at', new Date('2024-02-29T12:34:56.789Z'));
    expect(s.getInt8('i8')).toBe(-1);
    expect(s.getInt16('i16')).toBe(300);
    expect(s.getInt32('i32')).toBe(70000);
    expect(s.getFloat32('f32')).toBe(0.5);
    expect(s.getFloat64('f64')).toBe(1e300);
    expect(s.getBoolean('b')).toBe(true);
    expect(s.getBytes('bytes')).toEqual(new Uint8Array([9]));
    expect(s.getArray<string>('arr')).toEqual(['x']);
    expect(s.getMap<string, number>('map')?.get('k')).toBe(1);
    expect(s.getStruct('addr')?.getString('zip')).toBe('1012');
    expect(s.getDecimal('price')?.toString()).toBe('9.99');
    expect(s.getDate('day')?.toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(s.getDate('at')?.getTime()).toBe(Date.parse('2024-02-29T12:34:56.789Z'));
    expect(() => s.validate()).not.toThrow();
  });

  it('getters for the underlying type refuse logical fields instead of mistyping their value', () => {
    const schema = SchemaBuilder.struct()
      .field('price', Decimal.schema(2))
      .field('day', ConnectDate.SCHEMA)
      .field('at', ConnectTimestamp.SCHEMA)
      .build();
    const s = new Struct(schema)
      .put('price', Decimal.fromString('1.00'))
      .put('day', new Date(0))
      .put('at', new Date(0));
    expect(() => s.getBytes('price')).toThrow(/use getDecimal/);
    expect(() => s.getInt32('day')).toThrow(/use getDate/);
    expect(() => s.getInt64('at')).toThrow(/use getDate/);
    expect(() => s.getDecimal('day')).toThrow(DataException);
    expect(() => s.getDate('price')).toThrow("Field 'price' does not hold a Date");
  });

  it('equals another struct with an equal schema and equal values', () => {
    const a = new Struct(customer).put('id', 1n).put('name', 'Ada').put('address', fullAddress());
    const b = new Struct(customer).put('id', 1n).put('name', 'Ada').put('address', fullAddress());
    expect(a.equals(b)).toBe(true);
    b.put('nickname', 'ada');
    expect(a.equals(b)).toBe(false);
    expect(a.equals({ id: 1n })).toBe(false);
  });

  it('prints the fields that are set, hiding nothing but unset fields', () => {
    const s = new Struct(customer).put('id', 7n).put('name', 'Ada').put('address', fullAddress());
    expect(s.toString()).toBe('Struct{id=7,name=Ada,address=Struct{street=Dam 1,zip=1012}}');
    expect(inspect(s)).toBe(s.toString());
  });

  it('prints maps and arrays as Kafka does (Java collections), nested values included', () => {
    const schema = SchemaBuilder.struct()
      .field('body', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build())
      .field('tags', SchemaBuilder.array(Schema.INT32_SCHEMA).build())
      .build();
    const s = new Struct(schema)
      .put(
        'body',
        new Map([
          ['name', 'Ada'],
          ['city', 'Paris'],
        ]),
      )
      .put('tags', [1, 2]);
    expect(s.toString()).toBe('Struct{body={name=Ada, city=Paris},tags=[1, 2]}');
  });

  it('is recognised across copies of @sluice/api through its brand', () => {
    const s = new Struct(customer);
    const lookalike = Object.create(Object.getPrototypeOf(s));
    expect(lookalike instanceof Struct).toBe(true);
    expect({} instanceof Struct).toBe(false);
  });
  it('builds a struct from trusted values without checking them, but checks the shape', () => {
    const a = Struct.fromTrustedValues(address, ['Dam 1', '1012']);
    expect(a.get('street')).toBe('Dam 1');
    expect(a.equals(new Struct(address).put('street', 'Dam 1').put('zip', '1012'))).toBe(true);
    const unset = Struct.fromTrustedValues(customer, [7n, 'Ada', undefined, null, a]);
    expect(unset.getWithoutDefault('nickname')).toBeNull();
    expect(unset.getWithoutDefault(customer.fields[4] as (typeof customer.fields)[number])).toBe(a);
    // Not checked when built, still found by validate().
    expect(() => Struct.fromTrustedValues(address, [1, '1012']).validate()).toThrow(DataException);
    expect(() => Struct.fromTrustedValues(address, ['Dam 1'])).toThrow(
      'has 2 fields, got 1 values',
    );
    expect(() => Struct.fromTrustedValues(Schema.STRING_SCHEMA, [])).toThrow(DataException);
    // The next struct built the ordinary way starts empty.
    expect(new Struct(address).getWithoutDefault('street')).toBeNull();
  });
});
