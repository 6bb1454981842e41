/** Test vectors shared by our converter and Kafka's (through the Java harness). */
import { f32, f64, type TypedValue, type VectorSchema } from '@sluice/test-fixtures';

export interface Vector {
  readonly name: string;
  readonly schema: VectorSchema | null;
  readonly value: TypedValue;
}

const DECIMAL = 'org.apache.kafka.connect.data.Decimal';
const decimal = (scale: number, optional = false): VectorSchema => ({
  type: 'bytes',
  name: DECIMAL,
  version: 1,
  parameters: { scale: String(scale) },
  optional,
});
const dec = (unscaled: string, scale: number): TypedValue => ({ decimal: { unscaled, scale } });
const DATE: VectorSchema = {
  type: 'int32',
  name: 'org.apache.kafka.connect.data.Date',
  version: 1,
};
const TIME: VectorSchema = {
  type: 'int32',
  name: 'org.apache.kafka.connect.data.Time',
  version: 1,
};
const TIMESTAMP: VectorSchema = {
  type: 'int64',
  name: 'org.apache.kafka.connect.data.Timestamp',
  version: 1,
};
const s = (str: string): TypedValue => ({ string: str });
/** A text longer than the converter's short-string limit (256), with no character to escape. */
const LONG = 'lorem ipsum dolor sit amet, consectetur adipiscing elit / é 漢字 '.repeat(6);
const i32 = (n: number): TypedValue => ({ int32: n });
const i64 = (n: string): TypedValue => ({ int64: n });

const ADDRESS: VectorSchema = {
  type: 'struct',
  name: 'com.example.Address',
  optional: true,
  fields: [
    { name: 'street', schema: { type: 'string' } },
    { name: 'zip', schema: { type: 'string', optional: true } },
  ],
};

const CUSTOMER: VectorSchema = {
  type: 'struct',
  name: 'com.example.Customer',
  version: 3,
  doc: 'A customer "record" — with ünïcode',
  parameters: { 'connect.example': 'yes', other: 'x' },
  fields: [
    { name: 'id', schema: { type: 'int64' } },
    { name: 'name', schema: { type: 'string' } },
    { name: 'score', schema: { type: 'float64', optional: true } },
    { name: 'ratio', schema: { type: 'float32' } },
    { name: 'small', schema: { type: 'int8' } },
    { name: 'medium', schema: { type: 'int16' } },
    { name: 'active', schema: { type: 'boolean', default: { boolean: true } } },
    { name: 'balance', schema: decimal(2) },
    { name: 'born', schema: DATE },
    { name: 'wake', schema: TIME },
    { name: 'updated', schema: TIMESTAMP },
    { name: 'photo', schema: { type: 'bytes', optional: true } },
    { name: 'tags', schema: { type: 'array', items: { type: 'string', optional: true } } },
    { name: 'address', schema: ADDRESS },
    { name: 'previous', schema: { type: 'array', items: ADDRESS } },
    {
      name: 'counters',
      schema: { type: 'map', keys: { type: 'string' }, values: { type: 'int64' } },
    },
    {
      name: 'byId',
      schema: { type: 'map', keys: { type: 'int32' }, values: { type: 'string', optional: true } },
    },
    {
      name: 'level',
      schema: { type: 'int32', optional: true, default: { int32: 7 } },
    },
  ],
};

const customer = (id: string, level: TypedValue, score: TypedValue): TypedValue => ({
  struct: [
    ['id', i64(id)],
    ['name', s('Ada "Lovelace" \\ / \n\t\u0001 é 漢字 😀')],
    ['score', score],
    ['ratio', f32(0.1)],
    ['small', { int8: -128 }],
    ['medium', { int16: 32767 }],
    ['active', { boolean: false }],
    ['balance', dec('-123456', 2)],
    ['born', { date: String(-5 * 86400000) }],
    ['wake', { time: '3723004' }],
    ['updated', { timestamp: '1700000000123' }],
    ['photo', { bytes: 'AAECAwT/' }],
    ['tags', { array: [s('a'), null, s('')] }],
    [
      'address',
      {
        struct: [
          ['street', s('1 Main St')],
          ['zip', null],
        ],
      },
    ],
    [
      'previous',
      {
        array: [
          {
            struct: [
              ['street', s('Old Rd')],
              ['zip', s('12345')],
            ],
          },
          null,
        ],
      },
    ],
    [
      'counters',
      {
        map: [
          [s('x'), i64('1')],
          [s('y'), i64('-9223372036854775808')],
        ],
      },
    ],
    [
      'byId',
      {
        map: [
          [i32(3), s('three')],
          [i32(-1), null],
        ],
      },
    ],
    ['level', level],
  ],
});

const primitives: Vector[] = [
  { name: 'int8 min', schema: { type: 'int8' }, value: { int8: -128 } },
  { name: 'int8 max', schema: { type: 'int8' }, value: { int8: 127 } },
  { name: 'int16', schema: { type: 'int16' }, value: { int16: -32768 } },
  { name: 'int32 min', schema: { type: 'int32' }, value: i32(-2147483648) },
  { name: 'int32 max', schema: { type: 'int32' }, value: i32(2147483647) },
  { name: 'int64 min', schema: { type: 'int64' }, value: i64('-9223372036854775808') },
  { name: 'int64 max', schema: { type: 'int64' }, value: i64('9223372036854775807') },
  { name: 'int64 2^53+1', schema: { type: 'int64' }, value: i64('9007199254740993') },
  { name: 'int64 zero', schema: { type: 'int64' }, value: i64('0') },
  { name: 'boolean', schema: { type: 'boolean' }, value: { boolean: true } },
  { name: 'string empty', schema: { type: 'string' }, value: s('') },
  {
    name: 'string escapes',
    schema: { type: 'string' },
    value: s('q"b\\s/\b\f\n\r\t\u0000\u001f\u007f\u2028 ü 𝄞'),
  },
  // Longer than 256 characters: found by a regular expression rather than a loop.
  { name: 'string long', schema: { type: 'string' }, value: s(LONG) },
  { name: 'string long quoted', schema: { type: 'string' }, value: s(`${LONG}"q"\\s/\n\t`) },
  { name: 'string long control', schema: { type: 'string' }, value: s(`${LONG}\u0001\u007f`) },
  { name: 'string long emoji', schema: { type: 'string' }, value: s(`😀${LONG}𝄞 ü`) },
  { name: 'bytes empty', schema: { type: 'bytes' }, value: { bytes: '' } },
  { name: 'bytes', schema: { type: 'bytes' }, value: { bytes: 'AP8QIDBAUGBwgJCgsMDQ4PA=' } },
  { name: 'optional null', schema: { type: 'string', optional: true }, value: null },
  {
    name: 'null with default',
    schema: { type: 'int64', optional: true, default: i64('42') },
    value: null,
  },
];

const doubles = [
  0.1,
  -0.1,
  1,
  -1,
  100,
  1e7,
  9999999,
  1e-3,
  9.99e-4,
  123456.789,
  1e21,
  1e22,
  1e-7,
  5e-324,
  Number.MAX_VALUE,
  -0,
  0,
  2 ** 53,
  Math.PI,
  1.5e300,
  0.3,
  2 / 3,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
];
const floats = [
  0.1,
  -2.5,
  1,
  1e7,
  1.4e-45,
  3.4028234663852886e38,
  1e-3,
  16777216,
  0.3333333432674408,
  123.456,
  -0,
  Number.NaN,
  Number.POSITIVE_INFINITY,
];

/** A fixed pseudo-random sequence, so that the vectors are the same every run. */
function* pseudoRandom(seed: number): Generator<number> {
  let state = seed;
  for (;;) {
    state = (state * 1103515245 + 12345) % 2147483648;
    yield state / 2147483648;
  }
}
const random = pseudoRandom(42);
const randomDoubles = Array.from({ length: 40 }, () => {
  const mantissa = random.next().value as number;
  const exponent = Math.floor((random.next().value as number) * 40) - 20;
  return (mantissa - 0.5) * 10 ** exponent;
});

const floating: Vector[] = [
  ...[...doubles, ...randomDoubles].map((d) => ({
    name: `float64 ${d}`,
    schema: { type: 'float64' },
    value: f64(d),
  })),
  ...floats.map((f) => ({ name: `float32 ${f}`, schema: { type: 'float32' }, value: f32(f) })),
];

const logical: Vector[] = [
  { name: 'decimal scale 2', schema: decimal(2), value: dec('12345', 2) },
  { name: 'decimal negative', schema: decimal(2), value: dec('-1', 2) },
  { name: 'decimal zero', schema: decimal(3), value: dec('0', 3) },
  { name: 'decimal -128', schema: decimal(0), value: dec('-128', 0) },
  { name: 'decimal 255', schema: decimal(0), value: dec('255', 0) },
  { name: 'decimal small', schema: decimal(10), value: dec('5', 10) },
  {
    name: 'decimal 38 digits',
    schema: decimal(18),
    value: dec('-12345678901234567890123456789012345678', 18),
  },
  { name: 'decimal negative scale', schema: decimal(-2), value: dec('123', -2) },
  { name: 'decimal optional null', schema: decimal(2, true), value: null },
  { name: 'date epoch', schema: DATE, value: { date: '0' } },
  { name: 'date 2024', schema: DATE, value: { date: String(19723 * 86400000) } },
  { name: 'time', schema: TIME, value: { time: '86399999' } },
  { name: 'time 24:00', schema: TIME, value: { time: '86400000' } },
  { name: 'timestamp', schema: TIMESTAMP, value: { timestamp: '1700000000123' } },
  { name: 'timestamp before epoch', schema: TIMESTAMP, value: { timestamp: '-1' } },
];

const complex: Vector[] = [
  { name: 'customer', schema: CUSTOMER, value: customer('9007199254740993', i32(3), f64(1.5)) },
  {
    name: 'customer with defaults',
    schema: CUSTOMER,
    value: customer('-9223372036854775808', null, null),
  },
  {
    name: 'array of decimals',
    schema: { type: 'array', items: decimal(4) },
    value: { array: [dec('1', 4), dec('-99999', 4)] },
  },
  {
    name: 'map of struct keys',
    schema: {
      type: 'map',
      keys: { type: 'struct', fields: [{ name: 'k', schema: { type: 'int16' } }] },
      values: { type: 'array', items: { type: 'int64' } },
    },
    value: {
      map: [
        [{ struct: [['k', { int16: 1 }]] }, { array: [i64('1'), i64('2')] }],
        [{ struct: [['k', { int16: 2 }]] }, { array: [] }],
      ],
    },
  },
  {
    name: 'struct with complex defaults',
    schema: {
      type: 'struct',
      fields: [
        {
          name: 'list',
          schema: {
            type: 'array',
            items: { type: 'int32' },
            optional: true,
            default: { array: [i32(1), i32(2)] },
          },
        },
        {
          name: 'when',
          schema: { ...TIMESTAMP, optional: true, default: { timestamp: '86400000' } },
        },
        {
          name: 'price',
          schema: { ...decimal(2, true), default: dec('999', 2) },
        },
        {
          name: 'names',
          schema: {
            type: 'map',
            keys: { type: 'string' },
            values: { type: 'string' },
            optional: true,
            default: { map: [[s('a'), s('b')]] },
          },
        },
      ],
    },
    value: {
      struct: [
        ['list', null],
        ['when', null],
        ['price', null],
        ['names', null],
      ],
    },
  },
  { name: 'empty struct', schema: { type: 'struct', fields: [] }, value: { struct: [] } },
];

const schemaless: Vector[] = [
  { name: 'schemaless string', schema: null, value: s('plain') },
  { name: 'schemaless int64 big', schema: null, value: i64('-9223372036854775807') },
  { name: 'schemaless int', schema: null, value: i64('42') },
  { name: 'schemaless double', schema: null, value: f64(0.25) },
  { name: 'schemaless NaN', schema: null, value: f64(Number.NaN) },
  { name: 'schemaless bytes', schema: null, value: { bytes: 'aGVsbG8=' } },
  {
    name: 'schemaless nested',
    schema: null,
    value: {
      map: [
        [s('a'), { array: [i64('1'), s('x'), { boolean: false }, null, f64(-1.25)] }],
        [s('b'), { map: [[s('c'), i64('12345678901234567')]] }],
        [s('é"'), null],
      ],
    },
  },
  {
    name: 'schemaless long texts',
    schema: null,
    value: {
      map: [
        [s('plain'), s(LONG)],
        [s('quoted'), s(`"${LONG}"`)],
        [s(`key ${LONG}`), s(`${LONG}\u0002`)],
      ],
    },
  },
  {
    name: 'schemaless non-string keys',
    schema: null,
    value: {
      map: [
        [i64('1'), s('one')],
        [i64('2'), s('two')],
      ],
    },
  },
];

/** Every vector. */
export const VECTORS: readonly Vector[] = [
  ...primitives,
  ...floating,
  ...logical,
  ...complex,
  ...schemaless,
];

/** The converter configurations every vector goes through. */
export const CONFIGS: readonly Record<string, string>[] = [
  {},
  { 'decimal.format': 'NUMERIC' },
  { 'schemas.enable': 'false' },
  { 'schemas.enable': 'false', 'decimal.format': 'NUMERIC' },
  { 'replace.null.with.default': 'false' },
];
