import { DataException, Schema, SchemaBuilder, Struct } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { FlattenKey, FlattenValue } from '../src/index.js';
import { sinkRecord } from './records.js';

const inner = SchemaBuilder.struct()
  .field('city', Schema.STRING_SCHEMA)
  .field('zip', SchemaBuilder.int32().defaultValue(1000).build())
  .optional()
  .build();
const schema = SchemaBuilder.struct()
  .name('Person')
  .field('name', Schema.STRING_SCHEMA)
  .field('address', inner)
  .field('tags', SchemaBuilder.array(Schema.STRING_SCHEMA).build())
  .build();

function flatten(props: Record<string, unknown> = {}, key = false) {
  const t = key ? new FlattenKey() : new FlattenValue();
  t.configure(props);
  return t;
}

describe('Flatten', () => {
  it('flattens nested structs; fields under an optional parent become optional', () => {
    const value = new Struct(schema)
      .put('name', 'Ada')
      .put('address', new Struct(inner).put('city', 'Oslo'))
      .put('tags', ['a']);
    const out = flatten({ delimiter: '_' }).apply(sinkRecord({ valueSchema: schema, value }));
    const s = out.valueSchema as Schema;
    expect(s.name).toBe('Person');
    expect(s.fields.map((f) => [f.name, f.schema.optional])).toEqual([
      ['name', false],
      ['address_city', true],
      ['address_zip', true],
      ['tags', false],
    ]);
    expect(s.field('address_zip')?.schema.defaultValue).toBe(1000);
    const flat = out.value as Struct;
    expect([flat.get('address_city'), flat.get('address_zip'), flat.get('tags')]).toEqual([
      'Oslo',
      1000,
      ['a'],
    ]);
  });

  it('leaves fields of a null nested struct unset', () => {
    const value = new Struct(schema).put('name', 'Ada').put('tags', []);
    const out = flatten().apply(sinkRecord({ valueSchema: schema, value }));
    expect((out.value as Struct).getWithoutDefault('address.city')).toBeNull();
  });

  it('flattens schemaless maps, keeping arrays and nulls', () => {
    const out = flatten({}, true).apply(
      sinkRecord({ key: { a: { b: { c: 1 }, d: null }, e: [1, { f: 2 }] } }),
    );
    expect(out.key).toEqual({ 'a.b.c': 1, 'a.d': null, e: [1, { f: 2 }] });
  });

  it('passes tombstones through', () => {
    const record = sinkRecord({ valueSchema: schema, value: null });
    expect(flatten().apply(record)).toBe(record);
  });

  it('raises DataException for maps in schemas and unsupported schemaless values', () => {
    const withMap = SchemaBuilder.struct()
      .field('m', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build())
      .build();
    expect(() =>
      flatten().apply(
        sinkRecord({ valueSchema: withMap, value: new Struct(withMap).put('m', new Map()) }),
      ),
    ).toThrow(/does not support MAP for record with schemas \(for field m\)/);
    expect(() => flatten().apply(sinkRecord({ value: { d: new Date(0) } }))).toThrow(DataException);
    expect(() => flatten().apply(sinkRecord({ value: 'text' }))).toThrow(/flattening/);
  });
});
