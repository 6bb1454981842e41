/**
 * BSON documents with every BSON type and the awkward values of each, for the JSON writer's and
 * the schema mapping's tests (the differential test sends the same bytes to mongo-kafka).
 */
import {
  Binary,
  BSON,
  BSONRegExp,
  BSONSymbol,
  Code,
  Decimal128,
  type Document,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
} from 'mongodb';

const serialize = (doc: Document) => BSON.serialize(doc) as Buffer;

/** A document of raw elements, for the types the driver cannot write any more (undefined, DBPointer). */
function rawDocument(elements: Buffer[]): Buffer {
  const length = 4 + elements.reduce((n, e) => n + e.length, 0) + 1;
  const head = Buffer.alloc(4);
  head.writeInt32LE(length);
  return Buffer.concat([head, ...elements, Buffer.from([0])]);
}

function element(type: number, name: string, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), Buffer.from(`${name}\0`, 'utf8'), value]);
}

function bsonString(text: string): Buffer {
  const bytes = Buffer.from(`${text}\0`, 'utf8');
  const head = Buffer.alloc(4);
  head.writeInt32LE(bytes.length);
  return Buffer.concat([head, bytes]);
}

const uuid = Buffer.from('3c7d2a1e1b2c4d5e8f900123456789ab', 'hex');

/** Named vectors: each a whole BSON document. */
export const BSON_VECTORS: Record<string, Buffer> = {
  doubles: serialize({
    one: new Double(1),
    tenth: new Double(0.1),
    million: new Double(1e6),
    tenMillion: new Double(1e7),
    small: new Double(0.001),
    smaller: new Double(1e-4),
    fraction: new Double(123456.789),
    big: new Double(1.2345678901234568e21),
    negZero: new Double(-0),
    nan: new Double(Number.NaN),
    inf: new Double(Number.POSITIVE_INFINITY),
    negInf: new Double(Number.NEGATIVE_INFINITY),
    tiny: new Double(5e-324),
    max: new Double(Number.MAX_VALUE),
    almost: new Double(9999999.999),
  }),
  integers: serialize({
    zero: new Int32(0),
    min: new Int32(-2147483648),
    max: new Int32(2147483647),
    long: Long.fromString('9223372036854775807'),
    minLong: Long.fromString('-9223372036854775808'),
    smallLong: Long.fromString('-1'),
  }),
  strings: serialize({
    plain: 'plain text',
    quotes: 'quote " backslash \\ slash / tick \' lt < gt > amp &',
    controls: 'nul \u0000 soh \u0001 us \u001f del \u007f c1 \u0085',
    escapes: 'tab\tnl\ncr\rbs\bff\f',
    unicode: 'é ü ß 中文 Ελληνικά 😀 ①',
    separators: 'ls \u2028 ps \u2029 shy \u00ad zwsp \u200b bom \ufeff nbsp \u00a0',
    empty: '',
    'field "with" \\ quotes': 1,
    'clé 中': 2,
  }),
  dates: serialize({
    epoch: new Date(0),
    millis: new Date(1_700_000_000_123),
    whole: new Date(1_700_000_000_000),
    beforeEpoch: new Date(-1),
    yearOne: new Date(-62_135_596_800_000),
    year9999: new Date(253_402_300_799_999),
  }),
  binaries: serialize({
    generic: new Binary(Buffer.from([1, 2, 3, 255]), 0),
    empty: new Binary(Buffer.alloc(0), 0),
    function: new Binary(Buffer.from([9]), 1),
    old: new Binary(Buffer.from([1, 2]), 2),
    uuidOld: new Binary(uuid, 3),
    uuid: new Binary(uuid, 4),
    md5: new Binary(Buffer.alloc(16, 7), 5),
    encrypted: new Binary(Buffer.from([1, 2]), 6),
    user: new Binary(Buffer.from('user data'), 0x80),
  }),
  scalars: serialize({
    oid: new ObjectId('65f0a1b2c3d4e5f601234567'),
    yes: true,
    no: false,
    nothing: null,
    regex: new BSONRegExp('^a"b\\d$', 'imsx'),
    code: new Code('function () { return "x"; }'),
    codeWithScope: new Code('function () { return x; }', { x: new Int32(1) }),
    symbol: new BSONSymbol('sym'),
    timestamp: new Timestamp({ t: 1_700_000_000, i: 7 }),
    min: new MinKey(),
    max: new MaxKey(),
  }),
  decimals: serialize({
    plain: Decimal128.fromString('1234.5678'),
    zero: Decimal128.fromString('0'),
    negZero: Decimal128.fromString('-0'),
    scaledZero: Decimal128.fromString('0.000'),
    exponent: Decimal128.fromString('1E+3'),
    trailing: Decimal128.fromString('1.000'),
    nan: Decimal128.fromString('NaN'),
    inf: Decimal128.fromString('Infinity'),
    negInf: Decimal128.fromString('-Infinity'),
    largest: Decimal128.fromString('9.999999999999999999999999999999999E+6144'),
    smallest: Decimal128.fromString('1E-6176'),
    digits34: Decimal128.fromString('-1234567890123456789012345678901234'),
    tinyFraction: Decimal128.fromString('0.0000001'),
  }),
  nested: serialize({
    _id: new ObjectId('65f0a1b2c3d4e5f601234568'),
    doc: { a: { b: [new Int32(1), { c: 'd' }, [new Int32(2), new Int32(3)]] } },
    emptyDoc: {},
    emptyArray: [],
    mixed: [new Int32(1), 'two', null, { three: new Int32(3) }],
    nulls: [null, null],
    longs: [Long.fromNumber(1), Long.fromNumber(2)],
  }),
  common: serialize({
    name: 'Ada',
    age: new Int32(36),
    visits: Long.fromString('12345678901234'),
    score: new Double(97.5),
    active: true,
    at: new Date(1_700_000_000_123),
    address: { city: 'London', zip: 'NW1', floor: new Int32(2) },
    tags: ['a', 'b'],
    points: [new Int32(1), new Int32(2)],
    people: [
      { first: 'x', n: new Int32(1) },
      { first: 'y', n: new Int32(2) },
    ],
    matrix: [[new Double(1.5), new Double(2.5)], [new Double(3.5)]],
  }),
  legacy: rawDocument([
    element(0x06, 'undefined', Buffer.alloc(0)),
    element(
      0x0c,
      'pointer',
      Buffer.concat([bsonString('db.coll'), Buffer.from('65f0a1b2c3d4e5f601234569', 'hex')]),
    ),
    element(0x0e, 'symbol', bsonString('σ')),
  ]),
};

const field = (name: string, schema: object) => ({ field: name, ...schema });

/**
 * Connect records as JsonConverter text (schema + payload), one per Connect type and logical type,
 * for the sink's struct conversion.
 */
export const CONNECT_VECTORS: string[] = [
  JSON.stringify({
    schema: {
      type: 'struct',
      name: 'primitives',
      fields: [
        field('i8', { type: 'int8' }),
        field('i16', { type: 'int16' }),
        field('i32', { type: 'int32' }),
        field('i64', { type: 'int64' }),
        field('f32', { type: 'float' }),
        field('f64', { type: 'double' }),
        field('yes', { type: 'boolean' }),
        field('text', { type: 'string' }),
        field('raw', { type: 'bytes' }),
        field('missing', { type: 'string', optional: true }),
      ],
    },
    payload: {
      i8: -128,
      i16: 32767,
      i32: -2147483648,
      i64: 9007199254740991,
      f32: 1.5,
      f64: 0.1,
      yes: true,
      text: 'é 😀',
      raw: 'AQL/',
      missing: null,
    },
  }),
  JSON.stringify({
    schema: {
      type: 'struct',
      name: 'logical',
      fields: [
        field('price', {
          type: 'bytes',
          name: 'org.apache.kafka.connect.data.Decimal',
          parameters: { scale: '2' },
        }),
        field('day', { type: 'int32', name: 'org.apache.kafka.connect.data.Date' }),
        field('time', { type: 'int32', name: 'org.apache.kafka.connect.data.Time' }),
        field('at', { type: 'int64', name: 'org.apache.kafka.connect.data.Timestamp' }),
      ],
    },
    // 1999 as two's-complement big-endian bytes: 19.99 at scale 2.
    payload: { price: 'B88=', day: 19_700, time: 3_600_000, at: 1_700_000_000_123 },
  }),
  JSON.stringify({
    schema: {
      type: 'struct',
      name: 'nested',
      fields: [
        field('list', { type: 'array', items: { type: 'int64' } }),
        field('map', { type: 'map', keys: { type: 'string' }, values: { type: 'double' } }),
        field('inner', {
          type: 'struct',
          fields: [
            field('a', { type: 'string' }),
            field('deep', { type: 'array', items: { type: 'array', items: { type: 'string' } } }),
          ],
        }),
        field('emptyList', { type: 'array', items: { type: 'string' } }),
      ],
    },
    payload: {
      list: [1, -1, 4294967296],
      map: { x: 1.25, y: -0.5 },
      inner: { a: 'b', deep: [['c'], []] },
      emptyList: [],
    },
  }),
];
