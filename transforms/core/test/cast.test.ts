import {
  ConfigException,
  ConnectDate,
  ConnectTimestamp,
  DataException,
  Decimal,
  Schema,
  SchemaBuilder,
  Struct,
} from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { CastKey, CastValue } from '../src/index.js';
import { sinkRecord } from './records.js';

function cast(spec: string, key = false, extra: Record<string, unknown> = {}) {
  const t = key ? new CastKey() : new CastValue();
  t.configure({ spec, ...extra });
  return t;
}

const schema = SchemaBuilder.struct()
  .name('Row')
  .field('big', Schema.INT64_SCHEMA)
  .field('ratio', Schema.FLOAT64_SCHEMA)
  .field('flag', Schema.BOOLEAN_SCHEMA)
  .field('text', Schema.STRING_SCHEMA)
  .field('blob', Schema.BYTES_SCHEMA)
  .field('day', ConnectDate.SCHEMA)
  .field('opt', SchemaBuilder.int32().optional().defaultValue(7).build())
  .build();

function row(): Struct {
  return new Struct(schema)
    .put('big', 300n)
    .put('ratio', 2.75)
    .put('flag', true)
    .put('text', '42')
    .put('blob', new Uint8Array([1, 2, 3]))
    .put('day', new Date(Date.UTC(2024, 0, 2)));
}

describe('Cast', () => {
  it('casts struct fields as Java narrows and converts them', () => {
    const out = cast(
      'big:int8,ratio:int32,flag:float32,text:int16,blob:string,day:int32,opt:string',
    ).apply(sinkRecord({ valueSchema: schema, value: row() }));
    const s = out.value as Struct;
    expect(s.get('big')).toBe(44);
    expect(s.get('ratio')).toBe(2);
    expect(s.get('flag')).toBe(1);
    expect(s.get('text')).toBe(42);
    expect(s.get('blob')).toBe('AQID');
    expect(s.get('day')).toBe(19724);
    expect(s.get('opt')).toBe('7');
    const types = (out.valueSchema as Schema).fields.map((f) => f.schema.type);
    expect(types).toEqual(['INT8', 'INT32', 'FLOAT32', 'INT16', 'STRING', 'INT32', 'STRING']);
    expect(out.valueSchema?.field('opt')?.schema.defaultValue).toBe('7');
    expect(out.valueSchema?.name).toBe('Row');
  });

  it('formats floats, decimals and dates as Java does when casting to string', () => {
    const t = cast('string');
    const str = (schema: Schema, value: unknown) =>
      t.apply(sinkRecord({ valueSchema: schema, value })).value;
    expect(str(Schema.FLOAT64_SCHEMA, 1e7)).toBe('1.0E7');
    expect(str(Schema.FLOAT64_SCHEMA, 0.001)).toBe('0.001');
    expect(str(Schema.FLOAT64_SCHEMA, 100)).toBe('100.0');
    expect(str(Schema.FLOAT32_SCHEMA, Math.fround(0.1))).toBe('0.1');
    expect(str(Decimal.schema(9), new Decimal(5n, 9))).toBe('5E-9');
    expect(str(ConnectTimestamp.SCHEMA, new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)))).toBe(
      '2024-01-02T03:04:05.006Z',
    );
  });

  it('casts a whole schemaless value and schemaless map entries', () => {
    expect(cast('int64', true).apply(sinkRecord({ key: '12' })).key).toBe(12n);
    expect(cast('boolean').apply(sinkRecord({ value: 0.5 })).value).toBe(false);
    const out = cast('a:string,b:float64,c:int32').apply(sinkRecord({ value: { a: 1, b: '2.5' } }));
    expect(out.value).toEqual({ a: '1', b: 2.5, c: null });
  });

  it('passes tombstones through', () => {
    const record = sinkRecord({ valueSchema: Schema.OPTIONAL_STRING_SCHEMA, value: null });
    expect(cast('int32').apply(record)).toBe(record);
  });

  it('raises DataException for unparseable strings and unsupported input types', () => {
    expect(() => cast('int8').apply(sinkRecord({ value: '300' }))).toThrow(
      /Value \(300\) was out of range for requested data type/,
    );
    expect(() => cast('int32').apply(sinkRecord({ value: 'abc' }))).toThrow(DataException);
    expect(() => cast('int32').apply(sinkRecord({ value: [1] }))).toThrow(
      /does not support casting from ARRAY/,
    );
    expect(() => cast('a:int32').apply(sinkRecord({ value: 'x' }))).toThrow(/cast types/);
  });

  it('refuses bad specs naming spec', () => {
    for (const spec of ['', 'a:nope', 'a:array', 'int8,a:int16', 'a:b:c']) {
      try {
        cast(spec);
        expect.unreachable(spec);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigException);
        expect((error as ConfigException).key).toBe('spec');
      }
    }
  });
});
