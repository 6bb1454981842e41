import { ConfigException, Schema, SchemaBuilder, Struct } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { ReplaceFieldKey, ReplaceFieldValue } from '../src/index.js';
import { sinkRecord } from './records.js';

const schema = SchemaBuilder.struct()
  .name('Row')
  .field('id', Schema.INT32_SCHEMA)
  .field('name', Schema.STRING_SCHEMA)
  .field('secret', Schema.STRING_SCHEMA)
  .field('note', SchemaBuilder.string().optional().defaultValue('n/a').build())
  .build();

function replace(props: Record<string, unknown>, key = false) {
  const t = key ? new ReplaceFieldKey() : new ReplaceFieldValue();
  t.configure(props);
  return t;
}

describe('ReplaceField', () => {
  it('excludes, includes and renames struct fields', () => {
    const value = new Struct(schema).put('id', 1).put('name', 'a').put('secret', 's');
    const out = replace({ exclude: 'secret', renames: 'id:key,name:title' }).apply(
      sinkRecord({ valueSchema: schema, value }),
    );
    expect(out.valueSchema?.name).toBe('Row');
    expect(out.valueSchema?.fields.map((f) => f.name)).toEqual(['key', 'title', 'note']);
    const s = out.value as Struct;
    expect([s.get('key'), s.get('title'), s.getWithoutDefault('note')]).toEqual([1, 'a', 'n/a']);
    const only = replace({ include: 'id,secret', exclude: 'secret' }).apply(
      sinkRecord({ valueSchema: schema, value }),
    );
    expect(only.valueSchema?.fields.map((f) => f.name)).toEqual(['id']);
    const noDefault = replace({ include: 'note', 'replace.null.with.default': 'false' }).apply(
      sinkRecord({ valueSchema: schema, value }),
    );
    expect((noDefault.value as Struct).getWithoutDefault('note')).toBeNull();
  });

  it('filters and renames schemaless entries', () => {
    const out = replace({ exclude: 'b', renames: 'a:x' }, true).apply(
      sinkRecord({ key: { a: 1, b: 2, c: 3 } }),
    );
    expect(out.key).toEqual({ x: 1, c: 3 });
  });

  it('keeps a `__proto__` entry of a parsed JSON object as data', () => {
    const out = replace({ exclude: 'a' }).apply(
      sinkRecord({ value: JSON.parse('{"__proto__": {"x": 1}, "a": 2}') }),
    );
    const value = out.value as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ x: 1 });
  });

  it('passes tombstones through and refuses other values with a DataException', () => {
    const tombstone = sinkRecord({ valueSchema: schema, value: null });
    expect(replace({ exclude: 'id' }).apply(tombstone)).toBe(tombstone);
    expect(() => replace({ exclude: 'id' }).apply(sinkRecord({ value: 5 }))).toThrow(
      /field replacement/,
    );
  });

  it('refuses a malformed rename naming renames', () => {
    try {
      replace({ renames: 'a:b,c' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigException);
      expect((error as ConfigException).key).toBe('renames');
      expect((error as Error).message).toMatch(/Invalid rename mapping: c/);
    }
  });
});
