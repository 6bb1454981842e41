import { Decimal, SchemaBuilder, Struct } from '@sluice/api';
import {
  Binary,
  BSON,
  BSONRegExp,
  Decimal128,
  type Document,
  Double,
  Int32,
  Long,
  MaxKey,
  ObjectId,
  Timestamp,
} from 'mongodb';
import { describe, expect, it } from 'vitest';
import {
  BSON_SCHEMA_NAMES,
  deserialize,
  inferDocumentSchema,
  parseExtendedJson,
  structToDocument,
  toConnect,
} from '../src/schema-mapping.js';
import { BSON_VECTORS } from './bson-vectors.js';

const canonical = (doc: Document) => BSON.EJSON.stringify(doc, { relaxed: false });

/** A document read as the source does with inferred schemas, then written back as the sink does. */
function roundTrip(doc: Document): { struct: Struct; back: Document } {
  const read = deserialize(BSON.serialize(doc));
  const schema = inferDocumentSchema(read);
  const struct = toConnect(schema, read, '', 'strict') as Struct;
  struct.validate();
  return { struct, back: structToDocument(struct) };
}

describe('BSON ↔ Connect', () => {
  it('writes back exactly what it read: Decimal128, int64, ObjectId, dates, binary subtypes, nested documents and arrays', () => {
    const doc = {
      _id: new ObjectId('65f0a1b2c3d4e5f601234567'),
      price: Decimal128.fromString('12345678901234567890.123456789'),
      negative: Decimal128.fromString('-0.000001'),
      notANumber: Decimal128.fromString('NaN'),
      big: Long.fromString('9223372036854775807'),
      small: new Int32(-5),
      ratio: new Double(0.1),
      whole: new Double(3),
      at: new Date(1_700_000_000_123),
      bytes: new Binary(Buffer.from([0, 1, 255]), 0),
      uuid: new Binary(Buffer.from('3c7d2a1e1b2c4d5e8f900123456789ab', 'hex'), 4),
      custom: new Binary(Buffer.from('x'), 0x80),
      stamp: new Timestamp({ t: 1_700_000_000, i: 3 }),
      pattern: new BSONRegExp('^a.*', 'i'),
      top: new MaxKey(),
      nested: { deeper: { list: [new Int32(1), new Int32(2)] }, empty: {} },
      rows: [{ a: new Int32(1) }, { a: new Int32(2), b: 'x' }],
      mixed: [new Int32(1), 'two', { three: new Int32(3) }],
      matrix: [[Long.fromNumber(1)], [Long.fromNumber(2), Long.fromNumber(3)]],
      nothing: null,
      flag: false,
      text: 'é 😀',
    };
    const { struct, back } = roundTrip(doc);
    // Rows of one array share a schema: the missing b is null in the first row.
    const expected = { ...doc, rows: [{ a: new Int32(1), b: null }, doc.rows[1]] };
    expect(canonical(back)).toBe(canonical(expected));
    // The Connect values themselves: int64 as bigint, Decimal exact, ObjectId as its hex text.
    expect(struct.get('big')).toBe(9223372036854775807n);
    expect((struct.get('price') as Decimal).toString()).toBe('12345678901234567890.123456789');
    expect(struct.get('_id')).toBe('65f0a1b2c3d4e5f601234567');
    expect(struct.schema.field('_id')?.schema.name).toBe(BSON_SCHEMA_NAMES.objectId);
    expect(struct.schema.field('uuid')?.schema.parameters).toEqual({ subtype: '4' });
    expect(struct.schema.field('mixed')?.schema.valueSchema?.name).toBe(
      BSON_SCHEMA_NAMES.extendedJson,
    );
  });

  it('round-trips every test vector whose types all have a Connect form', () => {
    for (const name of [
      'doubles',
      'integers',
      'strings',
      'dates',
      'binaries',
      'decimals',
      'nested',
    ]) {
      const doc = deserialize(BSON_VECTORS[name] as Buffer);
      expect(canonical(roundTrip(doc).back), name).toBe(canonical(doc));
    }
  });

  it('reads a document into a given schema with mongo-kafka’s conversions and clear errors', () => {
    const schema = SchemaBuilder.struct()
      .field('n', SchemaBuilder.int64().build())
      .field('s', SchemaBuilder.string().optional().build())
      .field('d', Decimal.builder(2).build())
      .field('dotted.path', SchemaBuilder.int32().optional().build())
      .build();
    const doc = parseExtendedJson(
      '{"n": 5, "s": {"a": 1}, "d": {"$numberDecimal": "1.5"}, "dotted": {"path": 7}}',
    );
    const struct = toConnect(schema, doc, '', 'simplified') as Struct;
    expect(struct.get('n')).toBe(5n);
    expect(struct.get('s')).toBe('{"a": 1}');
    expect((struct.get('d') as Decimal).toString()).toBe('1.50');
    expect(struct.get('dotted.path')).toBe(7);
    expect(() => toConnect(schema, parseExtendedJson('{"n": "x", "d": 1}'), '', 'strict')).toThrow(
      'Field n: schema type of int64 but value was of type string',
    );
    expect(() => toConnect(schema, parseExtendedJson('{"s": "x"}'), '', 'strict')).toThrow(
      "Missing field 'n' in",
    );
  });

  it('refuses a Connect decimal that does not fit a Decimal128, naming the field', () => {
    const schema = SchemaBuilder.struct().field('d', Decimal.builder(0).build()).build();
    const struct = new Struct(schema).put('d', new Decimal(10n ** 35n + 1n, 0));
    expect(() => structToDocument(struct)).toThrow(
      'Field d: the decimal 100000000000000000000000000000000001 does not fit a Decimal128 (34 significant digits)',
    );
  });
});
