import { describe, expect, it } from 'vitest';
import {
  DataException,
  Decimal,
  Schema,
  SchemaBuilder,
  SchemaBuilderException,
  Struct,
  schemaEquals,
} from '../src/index.js';

describe('SchemaBuilder', () => {
  it('builds every primitive type', () => {
    const builders: [SchemaBuilder, string][] = [
      [SchemaBuilder.int8(), 'INT8'],
      [SchemaBuilder.int16(), 'INT16'],
      [SchemaBuilder.int32(), 'INT32'],
      [SchemaBuilder.int64(), 'INT64'],
      [SchemaBuilder.float32(), 'FLOAT32'],
      [SchemaBuilder.float64(), 'FLOAT64'],
      [SchemaBuilder.bool(), 'BOOLEAN'],
      [SchemaBuilder.string(), 'STRING'],
      [SchemaBuilder.bytes(), 'BYTES'],
      [SchemaBuilder.type('INT32'), 'INT32'],
    ];
    for (const [builder, type] of builders) {
      const schema = builder.build();
      expect(schema.type).toBe(type);
      expect(schema.optional).toBe(false);
    }
  });

  it('builds the same schema as the predefined constants', () => {
    expect(schemaEquals(SchemaBuilder.int32().build(), Schema.INT32_SCHEMA)).toBe(true);
    expect(
      schemaEquals(SchemaBuilder.string().optional().build(), Schema.OPTIONAL_STRING_SCHEMA),
    ).toBe(true);
  });

  it('sets every metadata property', () => {
    const schema = SchemaBuilder.int64()
      .name('com.example.Id')
      .version(3)
      .doc('the id')
      .parameter('a', '1')
      .parameters({ b: '2', c: '3' })
      .optional()
      .defaultValue(42n)
      .build();
    expect(schema).toMatchObject({
      type: 'INT64',
      name: 'com.example.Id',
      version: 3,
      doc: 'the id',
      optional: true,
      defaultValue: 42n,
    });
    expect(schema.parameters).toEqual({ a: '1', b: '2', c: '3' });
    expect(Object.keys(schema.parameters ?? {})).toEqual(['a', 'b', 'c']);
  });

  it('leaves parameters null when an empty map is given, as Kafka', () => {
    expect(SchemaBuilder.string().parameters({}).build().parameters).toBeNull();
  });

  it('refuses to set a property twice to a different value, but allows the same value', () => {
    expect(() => SchemaBuilder.string().name('a').name('b')).toThrow(
      'Invalid SchemaBuilder call: name has already been set.',
    );
    expect(() => SchemaBuilder.string().name('a').name('a')).not.toThrow();
    expect(() => SchemaBuilder.string().version(1).version(2)).toThrow(SchemaBuilderException);
    expect(() => SchemaBuilder.string().doc('x').doc('y')).toThrow(SchemaBuilderException);
    expect(() => SchemaBuilder.string().optional().required()).toThrow(
      'Invalid SchemaBuilder call: optional has already been set.',
    );
    expect(() => SchemaBuilder.string().optional().optional()).not.toThrow();
    expect(() => SchemaBuilder.string().defaultValue('a').defaultValue('b')).toThrow(
      'Invalid SchemaBuilder call: default has already been set.',
    );
  });

  it('refuses a non-integer version', () => {
    expect(() => SchemaBuilder.string().version(1.5)).toThrow(SchemaBuilderException);
  });

  it('checks the default value against the schema', () => {
    expect(() => SchemaBuilder.int32().defaultValue('x')).toThrow(SchemaBuilderException);
    expect(() => SchemaBuilder.int32().defaultValue('x')).toThrow(/^Invalid default value: /);
    expect(() => SchemaBuilder.int8().defaultValue(300)).toThrow(SchemaBuilderException);
    expect(() => SchemaBuilder.int64().defaultValue(1)).toThrow(SchemaBuilderException);
    expect(
      SchemaBuilder.int64()
        .defaultValue(2n ** 62n)
        .build().defaultValue,
    ).toBe(2n ** 62n);
  });

  it('checks a logical default against the logical type when the name is set first', () => {
    expect(
      Decimal.builder(2).defaultValue(Decimal.fromString('1.50')).build().defaultValue,
    ).toEqual(Decimal.fromString('1.50'));
    expect(() => Decimal.builder(2).defaultValue(Decimal.fromString('1.5'))).toThrow(
      SchemaBuilderException,
    );
  });

  it('accepts a struct default built with the same schema', () => {
    const builder = SchemaBuilder.struct().name('P').field('x', SchemaBuilder.int32());
    const dflt = new Struct(builder.build()).put('x', 1);
    const schema = builder.defaultValue(dflt).build();
    expect((schema.defaultValue as Struct).get('x')).toBe(1);
  });

  it('adds struct fields in order with their index, building nested builders', () => {
    const schema = SchemaBuilder.struct()
      .field('a', Schema.STRING_SCHEMA)
      .field('b', SchemaBuilder.int32().optional())
      .build();
    expect(schema.fields.map((f) => [f.name, f.index, f.schema.type])).toEqual([
      ['a', 0, 'STRING'],
      ['b', 1, 'INT32'],
    ]);
    expect(schema.field('b')?.schema.optional).toBe(true);
  });

  it('refuses duplicate, empty and missing fields and fields on non-structs', () => {
    const builder = SchemaBuilder.struct().field('a', Schema.STRING_SCHEMA);
    expect(() => builder.field('a', Schema.INT32_SCHEMA)).toThrow(
      'Cannot create field because of field name duplication a',
    );
    expect(() => builder.field('', Schema.INT32_SCHEMA)).toThrow('fieldName cannot be null.');
    expect(() => builder.field('b', null as unknown as Schema)).toThrow(
      'fieldSchema for field b cannot be null.',
    );
    expect(() => SchemaBuilder.int32().field('a', Schema.STRING_SCHEMA)).toThrow(
      'Cannot create fields on type INT32',
    );
    expect(() => SchemaBuilder.int32().fields()).toThrow(DataException);
  });

  it('lists the fields added so far without exposing its own list', () => {
    const builder = SchemaBuilder.struct().field('a', Schema.STRING_SCHEMA);
    const fields = builder.fields() as unknown[];
    fields.pop();
    expect(builder.fields().map((f) => f.name)).toEqual(['a']);
  });

  it('builds arrays and maps from schemas or builders', () => {
    const array = SchemaBuilder.array(SchemaBuilder.string().optional()).build();
    expect(array.type).toBe('ARRAY');
    expect(array.valueSchema?.optional).toBe(true);
    const map = SchemaBuilder.map(Schema.STRING_SCHEMA, SchemaBuilder.float64()).build();
    expect(map.keySchema?.type).toBe('STRING');
    expect(map.valueSchema?.type).toBe('FLOAT64');
    expect(() => SchemaBuilder.array(null as unknown as Schema)).toThrow(
      'valueSchema cannot be null.',
    );
    expect(() => SchemaBuilder.map(null as unknown as Schema, Schema.INT8_SCHEMA)).toThrow(
      'keySchema cannot be null.',
    );
    expect(() => SchemaBuilder.map(Schema.INT8_SCHEMA, null as unknown as Schema)).toThrow(
      'valueSchema cannot be null.',
    );
  });

  it('builds independent immutable schemas; the builder can keep growing', () => {
    const builder = SchemaBuilder.struct().field('a', Schema.STRING_SCHEMA);
    const first = builder.build();
    builder.field('b', Schema.STRING_SCHEMA);
    const second = builder.build();
    expect(first.fields).toHaveLength(1);
    expect(second.fields).toHaveLength(2);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.fields)).toBe(true);
  });

  it('copies an existing schema with from(), to change and rebuild it', () => {
    const original = SchemaBuilder.struct()
      .name('P')
      .version(1)
      .doc('d')
      .field('a', Schema.STRING_SCHEMA)
      .optional()
      .build();
    const copy = SchemaBuilder.from(original).build();
    expect(schemaEquals(copy, original)).toBe(true);
    const extended = SchemaBuilder.from(original).field('b', Schema.INT8_SCHEMA).build();
    expect(extended.fields.map((f) => f.name)).toEqual(['a', 'b']);
    expect(original.fields).toHaveLength(1);
    const withDefault = SchemaBuilder.int32().defaultValue(7).build();
    expect(SchemaBuilder.from(withDefault).build().defaultValue).toBe(7);
  });

  it('lets a copy made by from() replace the copied metadata once, then guards it again', () => {
    const original = SchemaBuilder.int32().name('old').version(1).doc('d').defaultValue(7).build();
    const changed = SchemaBuilder.from(original)
      .name('new')
      .version(2)
      .doc('e')
      .optional()
      .defaultValue(8)
      .build();
    expect([changed.name, changed.version, changed.doc, changed.optional]).toEqual([
      'new',
      2,
      'e',
      true,
    ]);
    expect(changed.defaultValue).toBe(8);
    expect(original.name).toBe('old');
    expect(() => SchemaBuilder.from(original).name('a').name('b')).toThrow(
      'name has already been set',
    );
  });

  it('reports whether it is optional so far', () => {
    const builder = SchemaBuilder.string();
    expect(builder.isOptional).toBe(false);
    builder.optional();
    expect(builder.isOptional).toBe(true);
  });
});
