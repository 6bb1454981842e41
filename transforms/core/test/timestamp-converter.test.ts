import {
  ConfigException,
  ConnectDate,
  ConnectException,
  ConnectTime,
  ConnectTimestamp,
  DataException,
  Schema,
  SchemaBuilder,
  Struct,
} from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { TimestampConverterKey, TimestampConverterValue } from '../src/index.js';
import { sinkRecord } from './records.js';

const MS = Date.UTC(2024, 2, 5, 10, 20, 30, 400);

function convert(props: Record<string, unknown>, key = false) {
  const t = key ? new TimestampConverterKey() : new TimestampConverterValue();
  t.configure(props);
  return t;
}

describe('TimestampConverter', () => {
  it('converts a whole Timestamp value to every target type', () => {
    const rec = sinkRecord({ valueSchema: ConnectTimestamp.SCHEMA, value: new Date(MS) });
    const to = (props: Record<string, unknown>) => convert(props).apply(rec);
    expect(to({ 'target.type': 'unix' }).value).toBe(BigInt(MS));
    expect(to({ 'target.type': 'unix', 'unix.precision': 'seconds' }).value).toBe(
      BigInt(Math.trunc(MS / 1000)),
    );
    expect(to({ 'target.type': 'unix', 'unix.precision': 'nanoseconds' }).value).toBe(
      BigInt(MS) * 1_000_000n,
    );
    expect(to({ 'target.type': 'Date' }).value).toEqual(new Date(Date.UTC(2024, 2, 5)));
    expect(to({ 'target.type': 'Date' }).valueSchema).toBe(ConnectDate.SCHEMA);
    expect(to({ 'target.type': 'Time' }).value).toEqual(new Date(MS % 86_400_000));
    expect(to({ 'target.type': 'Time' }).valueSchema).toBe(ConnectTime.SCHEMA);
    expect(to({ 'target.type': 'string', format: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX" }).value).toBe(
      '2024-03-05T10:20:30.400Z',
    );
  });

  it('parses strings and unix numbers in a struct field, keeping optionality', () => {
    const schema = SchemaBuilder.struct()
      .field('id', Schema.INT32_SCHEMA)
      .field('at', Schema.OPTIONAL_STRING_SCHEMA)
      .build();
    const value = new Struct(schema).put('id', 1).put('at', '2024-03-05 10:20:30');
    const out = convert({
      field: 'at',
      'target.type': 'Timestamp',
      format: 'yyyy-MM-dd HH:mm:ss',
    }).apply(sinkRecord({ valueSchema: schema, value }));
    expect(out.valueSchema?.field('at')?.schema.name).toBe(ConnectTimestamp.LOGICAL_NAME);
    expect(out.valueSchema?.field('at')?.schema.optional).toBe(true);
    expect((out.value as Struct).get('at')).toEqual(new Date(Date.UTC(2024, 2, 5, 10, 20, 30)));
    const unix = convert({ field: 'ts', 'target.type': 'Timestamp', 'unix.precision': 'seconds' });
    expect(unix.apply(sinkRecord({ value: { ts: 1_700_000_000 } })).value).toEqual({
      ts: new Date(1_700_000_000_000),
    });
  });

  it('passes schemaless nulls through and keeps a null struct value', () => {
    expect(convert({ 'target.type': 'unix' }).apply(sinkRecord({ value: null })).value).toBeNull();
    const out = convert({ field: 'x', 'target.type': 'unix' }).apply(
      sinkRecord({ value: { x: null, y: 1 } }),
    );
    expect(out.value).toEqual({ x: null, y: 1 });
  });

  it('raises DataException for unparseable or unsupported timestamps', () => {
    const t = convert({ 'target.type': 'unix', format: 'yyyy-MM-dd' });
    expect(() => t.apply(sinkRecord({ value: 'yesterday' }))).toThrow(
      /Could not parse timestamp: value \(yesterday\) does not match pattern \(yyyy-MM-dd\)/,
    );
    expect(() => t.apply(sinkRecord({ value: true }))).toThrow(DataException);
    expect(() => t.apply(sinkRecord({ valueSchema: Schema.BOOLEAN_SCHEMA, value: true }))).toThrow(
      ConnectException,
    );
  });

  it('refuses string targets without format and bad target types, naming the key', () => {
    expect(() => convert({ 'target.type': 'string' })).toThrow(/requires format option/);
    expect(() => convert({ 'target.type': 'epoch' })).toThrow(/target\.type/);
    expect(() => convert({ 'target.type': 'unix', format: 'yyyy-bb' })).toThrow(ConfigException);
  });
});
