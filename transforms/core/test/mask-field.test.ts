import { DataException, Decimal, Schema, SchemaBuilder, Struct } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { MaskFieldKey, MaskFieldValue } from '../src/index.js';
import { sinkRecord } from './records.js';

const schema = SchemaBuilder.struct()
  .field('i8', Schema.INT8_SCHEMA)
  .field('i64', Schema.INT64_SCHEMA)
  .field('f32', Schema.FLOAT32_SCHEMA)
  .field('flag', Schema.BOOLEAN_SCHEMA)
  .field('name', Schema.STRING_SCHEMA)
  .field('price', Decimal.schema(2))
  .field('list', SchemaBuilder.array(Schema.INT32_SCHEMA).build())
  .field('opt', Schema.OPTIONAL_STRING_SCHEMA)
  .field('blob', Schema.OPTIONAL_BYTES_SCHEMA)
  .build();

function value(): Struct {
  return new Struct(schema)
    .put('i8', 5)
    .put('i64', 9n)
    .put('f32', 1.5)
    .put('flag', true)
    .put('name', 'Ada')
    .put('price', new Decimal(1234n, 2))
    .put('list', [1, 2]);
}

function mask(props: Record<string, unknown>, key = false) {
  const t = key ? new MaskFieldKey() : new MaskFieldValue();
  t.configure(props);
  return t;
}

describe('MaskField', () => {
  it('masks struct fields with the empty value of their type; nulls stay null', () => {
    const out = mask({ fields: 'i8,i64,f32,flag,name,price,list,opt' }).apply(
      sinkRecord({ valueSchema: schema, value: value() }),
    );
    const s = out.value as Struct;
    expect([s.get('i8'), s.get('i64'), s.get('f32'), s.get('flag'), s.get('name')]).toEqual([
      0,
      0n,
      0,
      false,
      '',
    ]);
    expect((s.get('price') as Decimal).compareTo(new Decimal(0n, 0))).toBe(0);
    expect(s.get('list')).toEqual([]);
    expect(s.get('opt')).toBeNull();
    expect(out.valueSchema).toBe(schema);
  });

  it('masks with a replacement converted to the field type', () => {
    const out = mask({ fields: 'i8,i64,name,price', replacement: '300' }).apply(
      sinkRecord({ valueSchema: schema, value: value() }),
    );
    const s = out.value as Struct;
    // Java narrows 300 to a byte: 44.
    expect([s.get('i8'), s.get('i64'), s.get('name')]).toEqual([44, 300n, '300']);
    expect((s.get('price') as Decimal).toString()).toBe('300.00');
  });

  it('masks schemaless maps, adding missing fields as null', () => {
    const out = mask({ fields: 'n,s,b,l,m,missing' }, true).apply(
      sinkRecord({ key: { n: 3, s: 'x', b: true, l: [1], m: { a: 1 }, keep: 1 } }),
    );
    expect(out.key).toEqual({ n: 0, s: '', b: false, l: [], m: {}, missing: null, keep: 1 });
  });

  it('raises DataException for types it cannot mask or replacements that do not convert', () => {
    const withBlob = value().put('blob', new Uint8Array([1]));
    expect(() =>
      mask({ fields: 'blob' }).apply(sinkRecord({ valueSchema: schema, value: withBlob })),
    ).toThrow(/Cannot mask value of type/);
    expect(() =>
      mask({ fields: 'flag', replacement: 'x' }).apply(
        sinkRecord({ valueSchema: schema, value: value() }),
      ),
    ).toThrow(/with custom replacement/);
    expect(() =>
      mask({ fields: 'i8', replacement: 'abc' }).apply(
        sinkRecord({ valueSchema: schema, value: value() }),
      ),
    ).toThrow(DataException);
    expect(() => mask({ fields: 'a' }).apply(sinkRecord({ value: null }))).toThrow(DataException);
  });

  it('refuses an empty list or empty replacement naming the key', () => {
    expect(() => mask({ fields: '' })).toThrow(/fields: Empty list/);
    expect(() => mask({ fields: 'a', replacement: '' })).toThrow(/replacement/);
  });
});
