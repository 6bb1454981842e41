import { ConfigException, DataException, Schema, SchemaBuilder, Struct } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { HeaderFromKey, HeaderFromValue } from '../src/index.js';
import { sinkRecord } from './records.js';

const schema = SchemaBuilder.struct()
  .field('id', Schema.INT32_SCHEMA)
  .field('user', Schema.OPTIONAL_STRING_SCHEMA)
  .field('trace', SchemaBuilder.string().optional().defaultValue('none').build())
  .build();

function headerFrom(props: Record<string, unknown>, key = false) {
  const t = key ? new HeaderFromKey() : new HeaderFromValue();
  t.configure(props);
  return t;
}

describe('HeaderFrom', () => {
  it('copies struct fields to headers with their schemas', () => {
    const value = new Struct(schema).put('id', 1).put('user', 'ada');
    const out = headerFrom({
      fields: 'user,trace',
      headers: 'h-user,h-trace',
      operation: 'copy',
    }).apply(sinkRecord({ valueSchema: schema, value }));
    expect(out.value).toBe(value);
    expect(out.headers.toArray().map((h) => [h.key, h.value, h.schema])).toEqual([
      ['h-user', 'ada', Schema.OPTIONAL_STRING_SCHEMA],
      ['h-trace', 'none', schema.field('trace')?.schema],
    ]);
  });

  it('moves struct fields out of the value', () => {
    const value = new Struct(schema).put('id', 1).put('user', 'ada');
    const out = headerFrom({ fields: 'user', headers: 'u', operation: 'move' }).apply(
      sinkRecord({ valueSchema: schema, value }),
    );
    expect(out.valueSchema?.fields.map((f) => f.name)).toEqual(['id', 'trace']);
    expect((out.value as Struct).get('id')).toBe(1);
    expect((out.value as Struct).getWithoutDefault('trace')).toBe('none');
    expect(out.headers.lastWithName('u')?.value).toBe('ada');
  });

  it('moves schemaless entries (missing ones become null headers)', () => {
    const out = headerFrom({ fields: 'a,z', headers: 'ha,hz', operation: 'move' }, true).apply(
      sinkRecord({ key: { a: 1, b: 2 } }),
    );
    expect(out.key).toEqual({ b: 2 });
    expect(out.headers.toArray().map((h) => [h.key, h.value, h.schema])).toEqual([
      ['ha', 1, null],
      ['hz', null, null],
    ]);
  });

  it('raises DataException on a value it cannot read', () => {
    const t = headerFrom({ fields: 'a', headers: 'h', operation: 'copy' });
    expect(() => t.apply(sinkRecord({ value: null }))).toThrow(DataException);
    expect(() => t.apply(sinkRecord({ value: 'x' }))).toThrow(/header copy/);
    const value = new Struct(schema).put('id', 1);
    expect(() => t.apply(sinkRecord({ valueSchema: schema, value }))).toThrow(DataException);
  });

  it('refuses mismatched lists or an unknown operation', () => {
    expect(() => headerFrom({ fields: 'a,b', headers: 'h', operation: 'copy' })).toThrow(
      ConfigException,
    );
    expect(() => headerFrom({ fields: 'a', headers: 'h', operation: 'steal' })).toThrow(
      /operation/,
    );
  });
});
