import { DataException, Schema, SchemaBuilder, Struct } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { ValueToKey } from '../src/index.js';
import { sinkRecord } from './records.js';

const schema = SchemaBuilder.struct()
  .field('id', Schema.INT32_SCHEMA)
  .field('region', SchemaBuilder.string().optional().defaultValue('eu').build())
  .field('amount', Schema.FLOAT64_SCHEMA)
  .build();

function toKey(props: Record<string, unknown>) {
  const t = new ValueToKey();
  t.configure(props);
  return t;
}

describe('ValueToKey', () => {
  it('builds a struct key from value fields', () => {
    const value = new Struct(schema).put('id', 1).put('amount', 2.5);
    const out = toKey({ fields: 'region,id' }).apply(sinkRecord({ valueSchema: schema, value }));
    expect(out.keySchema?.fields.map((f) => f.name)).toEqual(['region', 'id']);
    expect((out.key as Struct).get('id')).toBe(1);
    expect((out.key as Struct).get('region')).toBe('eu');
    expect(out.value).toBe(value);
    const raw = toKey({ fields: 'region', 'replace.null.with.default': false }).apply(
      sinkRecord({ valueSchema: schema, value }),
    );
    expect((raw.key as Struct).getWithoutDefault('region')).toBeNull();
  });

  it('builds a map key from a schemaless value, null for missing entries', () => {
    const out = toKey({ fields: 'id,missing' }).apply(sinkRecord({ value: { id: 1, x: 2 } }));
    expect(out.key).toEqual({ id: 1, missing: null });
    expect(out.keySchema).toBeNull();
  });

  it('raises DataException for an unknown field, a tombstone, or a non-map value', () => {
    const value = new Struct(schema).put('id', 1).put('amount', 2.5);
    expect(() =>
      toKey({ fields: 'nope' }).apply(sinkRecord({ valueSchema: schema, value })),
    ).toThrow(/Field does not exist: nope/);
    expect(() => toKey({ fields: 'id' }).apply(sinkRecord({ value: null }))).toThrow(DataException);
    expect(() => toKey({ fields: 'id' }).apply(sinkRecord({ value: [1] }))).toThrow(
      /copying fields from value to key/,
    );
  });

  it('refuses an empty fields list naming the key', () => {
    expect(() => toKey({ fields: '' })).toThrow(/configuration fields: Empty list/);
  });
});
