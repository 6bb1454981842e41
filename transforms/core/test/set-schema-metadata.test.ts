import { DataException, Schema, SchemaBuilder, Struct } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { SetSchemaMetadataKey, SetSchemaMetadataValue } from '../src/index.js';
import { sinkRecord } from './records.js';

const schema = SchemaBuilder.struct()
  .name('old.Name')
  .version(1)
  .doc('docs')
  .field('id', Schema.INT32_SCHEMA)
  .field('tag', SchemaBuilder.string().optional().defaultValue('x').build())
  .build();

function set(props: Record<string, unknown>, key = false) {
  const t = key ? new SetSchemaMetadataKey() : new SetSchemaMetadataValue();
  t.configure(props);
  return t;
}

describe('SetSchemaMetadata', () => {
  it('renames and re-versions a struct schema, rebuilding the struct under it', () => {
    const value = new Struct(schema).put('id', 1);
    const out = set({ 'schema.name': 'new.Name', 'schema.version': '7' }).apply(
      sinkRecord({ valueSchema: schema, value }),
    );
    expect(out.valueSchema?.name).toBe('new.Name');
    expect(out.valueSchema?.version).toBe(7);
    expect(out.valueSchema?.doc).toBe('docs');
    expect((out.value as Struct).schema).toBe(out.valueSchema);
    expect((out.value as Struct).getWithoutDefault('tag')).toBe('x');
    const keep = set({ 'schema.version': 2, 'replace.null.with.default': 'false' }).apply(
      sinkRecord({ valueSchema: schema, value }),
    );
    expect(keep.valueSchema?.name).toBe('old.Name');
    expect((keep.value as Struct).getWithoutDefault('tag')).toBeNull();
  });

  it('refuses a primitive schema as Kafka 4.1 does (it lists struct fields)', () => {
    expect(() =>
      set({ 'schema.name': 'Id' }, true).apply(
        sinkRecord({ keySchema: Schema.INT64_SCHEMA, key: 3n }),
      ),
    ).toThrow(/Cannot list fields on non-struct type/);
  });

  it('renames a struct key schema', () => {
    const out = set({ 'schema.name': 'Key' }, true).apply(
      sinkRecord({ keySchema: schema, key: new Struct(schema).put('id', 2) }),
    );
    expect(out.keySchema?.name).toBe('Key');
    expect((out.key as Struct).get('id')).toBe(2);
  });

  it('passes a schemaless null through and refuses other schemaless values', () => {
    const tombstone = sinkRecord({ value: null });
    expect(set({ 'schema.name': 'a' }).apply(tombstone)).toBe(tombstone);
    expect(() => set({ 'schema.name': 'a' }).apply(sinkRecord({ value: { a: 1 } }))).toThrow(
      DataException,
    );
  });

  it('needs a name or a version; a bad version names the key', () => {
    expect(() => set({})).toThrow(/Neither schema name nor version configured/);
    expect(() => set({ 'schema.version': 'one' })).toThrow(/schema\.version/);
  });
});
