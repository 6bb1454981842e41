import { ConfigException, DataException, Schema, SchemaBuilder, Struct } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { ExtractFieldKey, ExtractFieldValue, SingleFieldPath } from '../src/index.js';
import { sinkRecord } from './records.js';

const address = SchemaBuilder.struct()
  .field('city', Schema.STRING_SCHEMA)
  .field('zip', SchemaBuilder.string().optional().defaultValue('00000').build())
  .optional()
  .build();
const schema = SchemaBuilder.struct()
  .field('id', Schema.INT64_SCHEMA)
  .field('address', address)
  .field('a.b', Schema.OPTIONAL_STRING_SCHEMA)
  .build();

function value(): Struct {
  return new Struct(schema)
    .put('id', 5n)
    .put('address', new Struct(address).put('city', 'Oslo'))
    .put('a.b', 'dotted');
}

function extract(props: Record<string, unknown>, key = false) {
  const transform = key ? new ExtractFieldKey() : new ExtractFieldValue();
  transform.configure(props);
  return transform;
}

describe('ExtractField', () => {
  it('replaces a struct value with one field and its schema', () => {
    const out = extract({ field: 'id' }).apply(sinkRecord({ valueSchema: schema, value: value() }));
    expect(out.valueSchema).toBe(Schema.INT64_SCHEMA);
    expect(out.value).toBe(5n);
  });

  it('reads nested fields with field.syntax.version=V2, dotted names with backticks', () => {
    const nested = extract({ field: 'address.city', 'field.syntax.version': 'v2' });
    expect(nested.apply(sinkRecord({ valueSchema: schema, value: value() })).value).toBe('Oslo');
    const quoted = extract({ field: '`a.b`', 'field.syntax.version': 'V2' });
    expect(quoted.apply(sinkRecord({ valueSchema: schema, value: value() })).value).toBe('dotted');
    const v1 = extract({ field: 'a.b' });
    expect(v1.apply(sinkRecord({ valueSchema: schema, value: value() })).value).toBe('dotted');
  });

  it('uses defaults unless replace.null.with.default=false', () => {
    const props = { field: 'address.zip', 'field.syntax.version': 'V2' };
    const record = sinkRecord({ valueSchema: schema, value: value() });
    expect(extract(props).apply(record).value).toBe('00000');
    expect(
      extract({ ...props, 'replace.null.with.default': 'false' }).apply(record).value,
    ).toBeNull();
  });

  it('extracts from schemaless maps and plain objects, null for a missing entry', () => {
    expect(extract({ field: 'id' }).apply(sinkRecord({ value: { id: 3 } })).value).toBe(3);
    expect(
      extract({ field: 'id' }, true).apply(sinkRecord({ key: new Map([['id', 4]]) })).key,
    ).toBe(4);
    expect(extract({ field: 'nope' }).apply(sinkRecord({ value: { id: 3 } })).value).toBeNull();
    const nested = extract({ field: 'a.b', 'field.syntax.version': 'V2' });
    expect(nested.apply(sinkRecord({ value: { a: { b: 1 } } })).value).toBe(1);
    expect(nested.apply(sinkRecord({ value: { a: null } })).value).toBeNull();
  });

  it('keeps the field schema for a null struct value (tombstone)', () => {
    const out = extract({ field: 'id' }).apply(sinkRecord({ valueSchema: schema, value: null }));
    expect(out.value).toBeNull();
    expect(out.valueSchema).toBe(Schema.INT64_SCHEMA);
    expect(extract({ field: 'id' }).apply(sinkRecord({ value: null })).value).toBeNull();
  });

  it('raises a DataException for an unknown field or a value of the wrong type', () => {
    const record = sinkRecord({ valueSchema: schema, value: value() });
    expect(() => extract({ field: 'missing' }).apply(record)).toThrow(/Unknown field: missing/);
    expect(() => extract({ field: 'id' }).apply(sinkRecord({ value: 'text' }))).toThrow(
      DataException,
    );
    expect(() =>
      extract({ field: 'id' }).apply(sinkRecord({ valueSchema: Schema.STRING_SCHEMA, value: 'x' })),
    ).toThrow(/Only Struct objects supported for \[field extraction\]/);
  });

  it('refuses a missing field or an unknown syntax version, naming the key', () => {
    expect(() => extract({})).toThrow(/Missing required configuration "field"/);
    try {
      extract({ field: 'a', 'field.syntax.version': 'V3' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigException);
      expect((error as ConfigException).key).toBe('field.syntax.version');
    }
  });
});

describe('SingleFieldPath', () => {
  it('splits V2 paths as Kafka does', () => {
    expect(new SingleFieldPath('a.b.c', 'V2').steps).toEqual(['a', 'b', 'c']);
    expect(new SingleFieldPath('`a.b`.c', 'V2').steps).toEqual(['a.b', 'c']);
    expect(new SingleFieldPath('a.', 'V2').steps).toEqual(['a', '']);
    expect(new SingleFieldPath('`a\\`.b`.c', 'V2').steps).toEqual(['a`.b', 'c']);
    expect(new SingleFieldPath('`a`b`', 'V2').steps).toEqual(['a`b']);
    expect(new SingleFieldPath('a.b', 'V1').steps).toEqual(['a.b']);
    expect(() => new SingleFieldPath('`a.b', 'V2')).toThrow(/Incomplete backtick pair/);
  });
});
