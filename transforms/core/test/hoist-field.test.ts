import { Schema, type Struct } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { HoistFieldKey, HoistFieldValue } from '../src/index.js';
import { sinkRecord } from './records.js';

describe('HoistField', () => {
  it('wraps a schema value in a one-field struct, reusing the derived schema', () => {
    const t = new HoistFieldValue();
    t.configure({ field: 'line' });
    const a = t.apply(sinkRecord({ valueSchema: Schema.STRING_SCHEMA, value: 'hello' }));
    const b = t.apply(sinkRecord({ valueSchema: Schema.STRING_SCHEMA, value: 'again' }));
    expect(a.valueSchema?.fields.map((f) => [f.name, f.schema])).toEqual([
      ['line', Schema.STRING_SCHEMA],
    ]);
    expect((a.value as Struct).get('line')).toBe('hello');
    expect(b.valueSchema).toBe(a.valueSchema);
  });

  it('wraps schemaless values (even null) in a map', () => {
    const t = new HoistFieldKey();
    t.configure({ field: 'id' });
    expect(t.apply(sinkRecord({ key: 5 })).key).toEqual({ id: 5 });
    expect(t.apply(sinkRecord({ key: null })).key).toEqual({ id: null });
  });

  it('refuses a null value for a required schema with a DataException', () => {
    const t = new HoistFieldValue();
    t.configure({ field: 'x' });
    expect(() => t.apply(sinkRecord({ valueSchema: Schema.STRING_SCHEMA, value: null }))).toThrow(
      /null used for required/,
    );
    const out = t.apply(sinkRecord({ valueSchema: Schema.OPTIONAL_STRING_SCHEMA, value: null }));
    expect((out.value as Struct).get('x')).toBeNull();
  });

  it('requires field', () => {
    expect(() => new HoistFieldValue().configure({})).toThrow(/"field"/);
  });
});
