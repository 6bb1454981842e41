import {
  ConnectDate,
  ConnectTime,
  ConnectTimestamp,
  DataException,
  Decimal,
  Schema,
  SchemaBuilder,
} from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { mapColumn, sqlTypeOf } from '../src/index.js';
import { numericPrecisionScale, toPgParam } from '../src/schema-mapping.js';
import type { PgTypeInfo } from '../src/type-catalog.js';

const type = (name: string, extra: Partial<PgTypeInfo> = {}): PgTypeInfo => ({
  oid: 0,
  name,
  kind: 'base',
  element: null,
  delimiter: ',',
  typmod: -1,
  ...extra,
});

describe('schema mapping', () => {
  it('decodes numeric typmods, negative scales included', () => {
    expect(numericPrecisionScale((40 << 16) + 20 + 4)).toEqual({ precision: 40, scale: 20 });
    expect(numericPrecisionScale((5 << 16) + (2048 - 2) + 4)).toEqual({ precision: 5, scale: -2 });
    expect(numericPrecisionScale(-1)).toBeNull();
  });

  it('refuses values a Connect type cannot hold, naming the column', () => {
    const numeric = mapColumn({
      name: 'price',
      type: type('numeric'),
      typmod: (10 << 16) + 6,
      nullable: true,
    });
    expect(() => numeric.decode('NaN')).toThrow(/Column "price" \(numeric\).*"NaN"/);
    const ts = mapColumn({ name: 'at', type: type('timestamptz'), typmod: -1, nullable: true });
    expect(() => ts.decode('infinity')).toThrow(DataException);
    const arr = mapColumn({
      name: 'grid',
      type: type('_int4', { kind: 'array', element: type('int4') }),
      typmod: -1,
      nullable: true,
    });
    expect(() => arr.decode('{{1,2},{3,4}}')).toThrow(/grid.*multi-dimensional/);
    expect(() =>
      mapColumn({ name: 'spent', type: type('interval'), typmod: -1, nullable: false }),
    ).toThrow(/Column "spent" has type interval/);
  });

  it('writes Connect values as exact PostgreSQL parameters', () => {
    expect(toPgParam('t', ConnectTime.SCHEMA, new Date(86_400_000))).toBe('24:00:00.000');
    expect(toPgParam('d', ConnectDate.SCHEMA, new Date(-86_400_000))).toBe('1969-12-31');
    expect(toPgParam('ts', ConnectTimestamp.SCHEMA, new Date(-1))).toBe('1969-12-31T23:59:59.999Z');
    expect(toPgParam('n', Decimal.schema(3), Decimal.fromString('-0.001'))).toBe('-0.001');
    expect(toPgParam('i', Schema.INT64_SCHEMA, -9223372036854775808n)).toBe('-9223372036854775808');
    expect(toPgParam('b', Schema.BYTES_SCHEMA, new Uint8Array([1]))).toEqual(Buffer.from([1]));
    const map = SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build();
    expect(() => toPgParam('m', map, new Map())).toThrow(/Field "m" of type MAP/);
  });

  it('chooses column types for auto.create, refusing nested types by field name', () => {
    expect(sqlTypeOf('a', SchemaBuilder.array(Decimal.schema(2)).build())).toBe('numeric[]');
    expect(sqlTypeOf('b', Schema.INT8_SCHEMA)).toBe('smallint');
    expect(() => sqlTypeOf('s', SchemaBuilder.struct().build())).toThrow(
      /Field "s" has Connect type STRUCT/,
    );
  });
});
