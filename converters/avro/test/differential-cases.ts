/**
 * The Connect schemas and values the Avro differential test converts on both sides, in the
 * typed form of @sluice/test-fixtures' connect-typed-values (Java builds the same data from it
 * with ConnectValues.java).
 */
import { f32, f64, type TypedValue, type VectorSchema } from '@sluice/test-fixtures';
import { DECIMAL_EDGES } from './decimal-edges.js';

export interface DifferentialCase {
  readonly name: string;
  readonly schema: VectorSchema | null;
  readonly value: TypedValue;
  /** Converted by a key converter (subject `<topic>-key`). */
  readonly isKey?: boolean;
  /** Run with the default AvroData settings only: the others change nothing in it. */
  readonly defaultConfigOnly?: boolean;
}

/** AvroData settings each case runs under (both sides know these keys). */
export const AVRO_DATA_CONFIGS: readonly Record<string, string>[] = [
  {},
  { 'connect.meta.data': 'false' },
  { 'enhanced.avro.schema.support': 'true' },
];

const DECIMAL = 'org.apache.kafka.connect.data.Decimal';
const decimal = (scale: number, extra: Record<string, string> = {}): VectorSchema => ({
  type: 'bytes',
  name: DECIMAL,
  version: 1,
  parameters: { scale: String(scale), ...extra },
});
const dec = (unscaled: bigint | number, scale: number): TypedValue => ({
  decimal: { unscaled: String(unscaled), scale },
});
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
const DAY_MS = 86_400_000;

const opt = (schema: VectorSchema): VectorSchema => ({ ...schema, optional: true });
const field = (name: string, schema: VectorSchema) => ({ name, schema });
const b64 = (...bytes: number[]) => ({ bytes: Buffer.from(bytes).toString('base64') });
const str = (s: string): TypedValue => ({ string: s });
const i32 = (n: number): TypedValue => ({ int32: n });
const i64 = (n: bigint | number): TypedValue => ({ int64: String(n) });
const struct = (...fields: [string, TypedValue][]): TypedValue => ({ struct: fields });

const LINE: VectorSchema = {
  type: 'struct',
  name: 'shop.Line',
  fields: [
    field('sku', { type: 'string' }),
    field('quantity', { type: 'int16' }),
    field('price', decimal(2)),
  ],
};
const line = (sku: string, quantity: number, cents: number): TypedValue =>
  struct(['sku', str(sku)], ['quantity', { int16: quantity }], ['price', dec(cents, 2)]);

const ALL_TYPES: VectorSchema = {
  type: 'struct',
  name: 'shop.AllTypes',
  fields: [
    field('i8', { type: 'int8' }),
    field('i16', { type: 'int16' }),
    field('i32', { type: 'int32' }),
    field('i64', { type: 'int64' }),
    field('f32', { type: 'float32' }),
    field('f64', { type: 'float64' }),
    field('bool', { type: 'boolean' }),
    field('text', { type: 'string' }),
    field('raw', { type: 'bytes' }),
    field('amount', decimal(4)),
    field('day', DATE),
    field('time', TIME),
    field('at', TIMESTAMP),
  ],
};

const OPTIONALS: VectorSchema = {
  type: 'struct',
  name: 'shop.Optionals',
  fields: [
    field('i8', opt({ type: 'int8' })),
    field('i32', opt({ type: 'int32' })),
    field('i64', opt({ type: 'int64' })),
    field('f64', opt({ type: 'float64' })),
    field('text', opt({ type: 'string' })),
    field('raw', opt({ type: 'bytes' })),
    field('amount', opt(decimal(2))),
    field('day', opt(DATE)),
    field('at', opt(TIMESTAMP)),
    field('tags', opt({ type: 'array', items: { type: 'string' } })),
    field('attrs', opt({ type: 'map', keys: { type: 'string' }, values: { type: 'int32' } })),
    field('line', opt(LINE)),
  ],
};

const DEFAULTS: VectorSchema = {
  type: 'struct',
  name: 'shop.Defaults',
  fields: [
    field('i8', { type: 'int8', default: { int8: -5 } }),
    field('i32', { type: 'int32', default: i32(42) }),
    field('i64', { type: 'int64', default: i64(9007199254740993n) }),
    field('f32', { type: 'float32', default: f32(1.5) }),
    field('f64', { type: 'float64', default: f64(-0.25) }),
    field('bool', { type: 'boolean', default: { boolean: true } }),
    field('text', { type: 'string', default: str('n/a') }),
    field('raw', { type: 'bytes', default: b64(1, 2, 255) }),
    field('optText', opt({ type: 'string', default: str('fallback') })),
    field('optI64', opt({ type: 'int64', default: i64(-1) })),
    field('amount', { ...decimal(2), default: dec(-150, 2) }),
    field('day', { ...DATE, default: { date: String(3 * DAY_MS) } }),
    field('time', { ...TIME, default: { time: '1000' } }),
    field('at', { ...TIMESTAMP, default: { timestamp: '1700000000000' } }),
    field('tags', { type: 'array', items: { type: 'string' }, default: { array: [str('a')] } }),
    field('attrs', {
      type: 'map',
      keys: { type: 'string' },
      values: { type: 'int32' },
      default: { map: [[str('k'), i32(1)]] },
    }),
  ],
};

const defaultsValue = (override: Partial<Record<string, TypedValue>> = {}): TypedValue => {
  const values: Record<string, TypedValue> = {
    i8: { int8: 3 },
    i32: i32(1),
    i64: i64(2),
    f32: f32(0.5),
    f64: f64(2.5),
    bool: { boolean: false },
    text: str('t'),
    raw: b64(9),
    optText: null,
    optI64: i64(4),
    amount: dec(1, 2),
    day: { date: '0' },
    time: { time: '0' },
    at: { timestamp: '0' },
    tags: { array: [] },
    attrs: { map: [] },
    ...override,
  };
  return struct(...Object.entries(values));
};

const COLOR: VectorSchema = {
  type: 'string',
  name: 'shop.Color',
  parameters: {
    'io.confluent.connect.avro.Enum': 'shop.Color',
    'io.confluent.connect.avro.Enum.RED': 'RED',
    'io.confluent.connect.avro.Enum.GREEN': 'GREEN',
    'io.confluent.connect.avro.Enum.BLUE': 'BLUE',
  },
};

const UNION: VectorSchema = {
  type: 'struct',
  name: 'io.confluent.connect.avro.Union',
  fields: [
    field('int', opt({ type: 'int32' })),
    field('string', opt({ type: 'string' })),
    field('shop.Line', opt(LINE)),
  ],
};

const DOCUMENTED: VectorSchema = {
  type: 'struct',
  name: 'shop.Documented',
  version: 4,
  doc: 'A record with metadata',
  parameters: { owner: 'team-a', 'retention.days': '7' },
  fields: [
    field('id', { type: 'int64', doc: 'the key', parameters: { pii: 'false' } }),
    field('label', {
      type: 'string',
      name: 'shop.Label',
      version: 2,
      doc: 'a named string',
      parameters: { lang: 'en' },
    }),
    field('count', { type: 'int32', doc: 'with a default', default: i32(0) }),
  ],
};

const ANONYMOUS: VectorSchema = {
  type: 'struct',
  fields: [
    field('a', { type: 'struct', fields: [field('x', { type: 'int32' })] }),
    field('b', { type: 'struct', fields: [field('y', { type: 'string' })] }),
    field('c', opt({ type: 'struct', fields: [field('z', { type: 'boolean' })] })),
  ],
};

const NESTED: VectorSchema = {
  type: 'struct',
  name: 'shop.Order',
  fields: [
    field('id', { type: 'int64' }),
    field('customer', {
      type: 'struct',
      name: 'shop.Customer',
      fields: [
        field('name', { type: 'string' }),
        field('address', {
          type: 'struct',
          name: 'shop.Address',
          fields: [field('city', { type: 'string' }), field('zip', opt({ type: 'string' }))],
        }),
      ],
    }),
    field('lines', { type: 'array', items: LINE }),
    field('byId', { type: 'map', keys: { type: 'int64' }, values: LINE }),
    field('bySku', { type: 'map', keys: { type: 'string' }, values: LINE }),
    field('matrix', { type: 'array', items: { type: 'array', items: { type: 'float64' } } }),
    field('notes', { type: 'array', items: opt({ type: 'string' }) }),
    field('scores', { type: 'map', keys: { type: 'string' }, values: opt({ type: 'float32' }) }),
    field('flags', { type: 'map', keys: opt({ type: 'string' }), values: { type: 'boolean' } }),
    field('color', COLOR),
    field('either', UNION),
  ],
};

const nestedValue = (either: [string, TypedValue]): TypedValue =>
  struct(
    ['id', i64(1)],
    [
      'customer',
      struct(['name', str('Ada')], ['address', struct(['city', str('Delft')], ['zip', null])]),
    ],
    ['lines', { array: [line('a', 1, 100), line('b', -2, -5)] }],
    ['byId', { map: [[i64(-1), line('c', 3, 7)]] }],
    ['bySku', { map: [[str('d'), line('d', 4, 0)]] }],
    ['matrix', { array: [{ array: [f64(1), f64(-2.5)] }, { array: [] }] }],
    ['notes', { array: [str('x'), null] }],
    [
      'scores',
      {
        map: [
          [str('p'), f32(0.25)],
          [str('q'), null],
        ],
      },
    ],
    ['flags', { map: [[str('on'), { boolean: true }]] }],
    ['color', str('GREEN')],
    ['either', struct(['int', null], ['string', null], ['shop.Line', null], either)],
  );

export const CASES: readonly DifferentialCase[] = [
  // Primitives at top level.
  { name: 'int8', schema: { type: 'int8' }, value: { int8: -128 } },
  { name: 'int16', schema: { type: 'int16' }, value: { int16: 32767 } },
  { name: 'int32 min', schema: { type: 'int32' }, value: i32(-2147483648) },
  { name: 'int64 min', schema: { type: 'int64' }, value: i64(-(2n ** 63n)) },
  { name: 'int64 max', schema: { type: 'int64' }, value: i64(2n ** 63n - 1n) },
  { name: 'float32', schema: { type: 'float32' }, value: f32(3.4028234663852886e38) },
  { name: 'float32 NaN', schema: { type: 'float32' }, value: f32(Number.NaN) },
  { name: 'float64', schema: { type: 'float64' }, value: f64(Math.PI) },
  { name: 'float64 -0', schema: { type: 'float64' }, value: f64(-0) },
  { name: 'float64 -Infinity', schema: { type: 'float64' }, value: f64(-Infinity) },
  { name: 'boolean', schema: { type: 'boolean' }, value: { boolean: true } },
  { name: 'string', schema: { type: 'string' }, value: str('héllo ☃ 𝄞') },
  { name: 'string empty', schema: { type: 'string' }, value: str('') },
  { name: 'bytes', schema: { type: 'bytes' }, value: b64(0, 1, 255) },
  { name: 'optional int32', schema: opt({ type: 'int32' }), value: i32(5) },
  { name: 'optional int32 null', schema: opt({ type: 'int32' }), value: null },
  { name: 'required string null', schema: { type: 'string' }, value: null },
  {
    name: 'named int32',
    schema: {
      type: 'int32',
      name: 'shop.Count',
      version: 3,
      doc: 'a count',
      parameters: { unit: 'items' },
      default: i32(7),
    },
    value: i32(8),
  },
  { name: 'string key', schema: { type: 'string' }, value: str('k1'), isKey: true },
  // Logical types.
  // A decimal at top level is the raw two's complement in Confluent's framing (see the test);
  // the edge values go in an array, where both write Avro bytes.
  { name: 'decimal', schema: decimal(2), value: dec(-12345, 2) },
  {
    name: 'decimal edges',
    schema: { type: 'array', items: decimal(2) },
    value: { array: DECIMAL_EDGES.map((unscaled) => dec(unscaled, 2)) },
  },
  {
    name: 'decimal with precision',
    schema: decimal(4, { 'connect.decimal.precision': '10' }),
    value: dec(12345678, 4),
  },
  { name: 'decimal scale 0', schema: decimal(0), value: dec(-42, 0) },
  { name: 'date', schema: DATE, value: { date: String(19675 * DAY_MS) } },
  { name: 'date before 1970', schema: DATE, value: { date: String(-DAY_MS) } },
  { name: 'time', schema: TIME, value: { time: '45296789' } },
  { name: 'timestamp', schema: TIMESTAMP, value: { timestamp: '1700000000123' } },
  { name: 'timestamp before 1970', schema: TIMESTAMP, value: { timestamp: '-1' } },
  // Structs.
  {
    name: 'all types',
    schema: ALL_TYPES,
    value: struct(
      ['i8', { int8: 127 }],
      ['i16', { int16: -32768 }],
      ['i32', i32(2147483647)],
      ['i64', i64(9007199254740993n)],
      ['f32', f32(-1.25)],
      ['f64', f64(1e-300)],
      ['bool', { boolean: false }],
      ['text', str('Ünïcode')],
      ['raw', b64()],
      ['amount', dec(-123456789, 4)],
      ['day', { date: String(DAY_MS) }],
      ['time', { time: String(DAY_MS - 1) }],
      ['at', { timestamp: '-62135596800000' }],
    ),
  },
  {
    name: 'optionals set',
    schema: OPTIONALS,
    value: struct(
      ['i8', { int8: 1 }],
      ['i32', i32(2)],
      ['i64', i64(3)],
      ['f64', f64(4.5)],
      ['text', str('five')],
      ['raw', b64(6)],
      ['amount', dec(700, 2)],
      ['day', { date: String(8 * DAY_MS) }],
      ['at', { timestamp: '9' }],
      ['tags', { array: [str('ten')] }],
      ['attrs', { map: [[str('eleven'), i32(11)]] }],
      ['line', line('twelve', 12, 1200)],
    ),
  },
  {
    name: 'optionals null',
    schema: OPTIONALS,
    value: struct(
      ...(OPTIONALS.fields ?? []).map(({ name }): [string, TypedValue] => [name, null]),
    ),
  },
  { name: 'defaults', schema: DEFAULTS, value: defaultsValue() },
  {
    name: 'struct default',
    schema: {
      type: 'struct',
      name: 'shop.StructDefault',
      fields: [
        field('point', {
          type: 'struct',
          name: 'shop.Point',
          fields: [field('x', { type: 'int32' }), field('y', { type: 'int32' })],
          default: struct(['x', i32(1)], ['y', i32(2)]),
        }),
      ],
    },
    value: struct(['point', struct(['x', i32(3)], ['y', i32(4)])]),
  },
  {
    name: 'default of a map with int32 keys',
    schema: {
      type: 'struct',
      name: 'shop.MapDefault',
      fields: [
        field('byId', {
          type: 'map',
          keys: { type: 'int32' },
          values: { type: 'string' },
          default: { map: [[i32(7), str('seven')]] },
        }),
      ],
    },
    value: struct(['byId', { map: [[i32(1), str('one')]] }]),
  },
  {
    name: 'documented',
    schema: DOCUMENTED,
    value: struct(['id', i64(1)], ['label', str('one')], ['count', i32(1)]),
  },
  {
    name: 'anonymous structs',
    schema: ANONYMOUS,
    value: struct(['a', struct(['x', i32(1)])], ['b', struct(['y', str('y')])], ['c', null]),
  },
  { name: 'nested, union int', schema: NESTED, value: nestedValue(['int', i32(5)]) },
  {
    name: 'nested, union record',
    schema: NESTED,
    value: nestedValue(['shop.Line', line('u', 1, 1)]),
  },
  {
    name: 'struct key',
    schema: { type: 'struct', name: 'shop.Key', fields: [field('id', { type: 'int64' })] },
    value: struct(['id', i64(77)]),
    isKey: true,
  },
  {
    name: 'struct missing a required field',
    schema: LINE,
    value: struct(['sku', str('x')], ['quantity', { int16: 1 }]),
  },
  // Arrays, maps, enums and unions at top level.
  {
    name: 'array of int32',
    schema: { type: 'array', items: { type: 'int32' } },
    value: { array: [i32(1), i32(-1)] },
  },
  {
    name: 'array empty',
    schema: { type: 'array', items: { type: 'string' } },
    value: { array: [] },
  },
  {
    name: 'array of structs',
    schema: { type: 'array', items: LINE },
    value: { array: [line('a', 1, 1)] },
  },
  {
    name: 'map string keys',
    schema: { type: 'map', keys: { type: 'string' }, values: { type: 'int64' } },
    value: {
      map: [
        [str('a'), i64(1)],
        [str('b'), i64(-2)],
      ],
    },
  },
  {
    name: 'map int32 keys',
    schema: { type: 'map', keys: { type: 'int32' }, values: { type: 'string' } },
    value: {
      map: [
        [i32(1), str('one')],
        [i32(-2), str('minus two')],
      ],
    },
  },
  {
    name: 'map struct keys',
    schema: { type: 'map', keys: LINE, values: { type: 'boolean' } },
    value: { map: [[line('k', 1, 1), { boolean: true }]] },
  },
  {
    name: 'map decimal values',
    schema: { type: 'map', keys: { type: 'string' }, values: opt(decimal(3)) },
    value: {
      map: [
        [str('pi'), dec(3142, 3)],
        [str('none'), null],
      ],
    },
  },
  { name: 'enum', schema: COLOR, value: str('BLUE') },
  {
    name: 'union string',
    schema: UNION,
    value: struct(['int', null], ['string', str('s')], ['shop.Line', null]),
  },
  // Schemaless (no Connect schema): Confluent's Anything record.
  { name: 'schemaless string', schema: null, value: str('free'), defaultConfigOnly: true },
  { name: 'schemaless int32', schema: null, value: i32(5), defaultConfigOnly: true },
  { name: 'schemaless int64', schema: null, value: i64(5), defaultConfigOnly: true },
  {
    name: 'schemaless int64 beyond int32',
    schema: null,
    value: i64(2n ** 40n),
    defaultConfigOnly: true,
  },
  { name: 'schemaless float64', schema: null, value: f64(0.5), defaultConfigOnly: true },
  { name: 'schemaless boolean', schema: null, value: { boolean: false }, defaultConfigOnly: true },
  { name: 'schemaless bytes', schema: null, value: b64(1, 2), defaultConfigOnly: true },
  {
    name: 'schemaless array',
    schema: null,
    value: { array: [str('a'), { boolean: true }, null] },
    defaultConfigOnly: true,
  },
  {
    name: 'schemaless map',
    schema: null,
    value: {
      map: [
        [str('a'), str('x')],
        [i64(2.5e9), null],
      ],
    },
    defaultConfigOnly: true,
  },
  { name: 'schemaless null', schema: null, value: null, defaultConfigOnly: true },
];
