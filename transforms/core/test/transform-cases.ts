/**
 * The shared (config, record) cases of the differential test: each runs through Kafka's own
 * transform or predicate (by its Java class name) and through ours (found by that name as an
 * alias in our plugin manifest). Values and schemas use the typed form of `@sluice/test-fixtures`
 * (`connect-typed-values.ts`).
 */
import { f32, f64, type TypedValue, type VectorSchema } from '@sluice/test-fixtures';

export interface HeaderSpec {
  key: string;
  schema: VectorSchema | null;
  value: TypedValue;
}

export interface RecordSpec {
  sink?: boolean;
  topic?: string;
  partition?: number | null;
  offset?: number;
  timestamp?: string | null;
  keySchema?: VectorSchema | null;
  key?: TypedValue;
  valueSchema?: VectorSchema | null;
  value?: TypedValue;
  headers?: HeaderSpec[];
}

export interface DifferentialCase {
  name: string;
  kind: 'transform' | 'predicate';
  className: string;
  config: Record<string, string>;
  record: RecordSpec;
}

const PKG = 'org.apache.kafka.connect.transforms.';

// Schemas.
const int8: VectorSchema = { type: 'int8' };
const int16: VectorSchema = { type: 'int16' };
const int32: VectorSchema = { type: 'int32' };
const int64: VectorSchema = { type: 'int64' };
const float32: VectorSchema = { type: 'float32' };
const float64: VectorSchema = { type: 'float64' };
const boolean: VectorSchema = { type: 'boolean' };
const string: VectorSchema = { type: 'string' };
const bytes: VectorSchema = { type: 'bytes' };
const opt = (s: VectorSchema): VectorSchema => ({ ...s, optional: true });
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
const decimal = (scale: number): VectorSchema => ({
  type: 'bytes',
  name: 'org.apache.kafka.connect.data.Decimal',
  version: 1,
  parameters: { scale: String(scale) },
});
const array = (items: VectorSchema): VectorSchema => ({ type: 'array', items });
const map = (keys: VectorSchema, values: VectorSchema): VectorSchema => ({
  type: 'map',
  keys,
  values,
});
const struct = (
  fields: [string, VectorSchema][],
  extra: Partial<VectorSchema> = {},
): VectorSchema => ({
  type: 'struct',
  fields: fields.map(([name, schema]) => ({ name, schema })),
  ...extra,
});

// Values.
const i8 = (n: number): TypedValue => ({ int8: n });
const i16 = (n: number): TypedValue => ({ int16: n });
const i32 = (n: number): TypedValue => ({ int32: n });
const i64 = (n: number | bigint | string): TypedValue => ({ int64: String(n) });
const str = (s: string): TypedValue => ({ string: s });
const bool = (b: boolean): TypedValue => ({ boolean: b });
const bin = (base64: string): TypedValue => ({ bytes: base64 });
const dec = (unscaled: number | bigint | string, scale: number): TypedValue => ({
  decimal: { unscaled: String(unscaled), scale },
});
const date = (ms: number): TypedValue => ({ date: String(ms) });
const time = (ms: number): TypedValue => ({ time: String(ms) });
const ts = (ms: number): TypedValue => ({ timestamp: String(ms) });
const arr = (items: TypedValue[]): TypedValue => ({ array: items });
const mapOf = (entries: [TypedValue, TypedValue][]): TypedValue => ({ map: entries });
const obj = (entries: Record<string, TypedValue>): TypedValue =>
  mapOf(Object.entries(entries).map(([k, v]) => [str(k), v]));
const st = (entries: Record<string, TypedValue>): TypedValue => ({
  struct: Object.entries(entries),
});

const MS = Date.UTC(2024, 2, 5, 10, 20, 30, 400);
const DAY = Date.UTC(2024, 2, 5);

const ADDRESS = opt(
  struct([
    ['city', string],
    ['zip', { ...opt(string), default: str('0000') }],
  ]),
);
const PERSON = struct(
  [
    ['id', int64],
    ['name', string],
    ['age', { ...opt(int32), default: i32(18) }],
    ['email', opt(string)],
    ['score', float64],
    ['active', boolean],
    ['address', ADDRESS],
    ['tags', array(string)],
    ['balance', decimal(2)],
    ['born', DATE],
    ['updated', TIMESTAMP],
  ],
  { name: 'com.example.Person', version: 2, doc: 'a person' },
);
const PERSON_FULL = st({
  id: i64(7),
  name: str('Ada'),
  age: i32(36),
  email: str('ada@example.com'),
  score: f64(9.5),
  active: bool(true),
  address: st({ city: str('London'), zip: str('N1') }),
  tags: arr([str('a'), str('b')]),
  balance: dec(123456, 2),
  born: date(DAY),
  updated: ts(MS),
});
const PERSON_SPARSE = st({
  id: i64(8),
  name: str('Bob'),
  score: f64(-0.25),
  active: bool(false),
  tags: arr([]),
  balance: dec(-5, 2),
  born: date(0),
  updated: ts(0),
});
const NUMBERS = struct([
  ['i8', int8],
  ['i16', int16],
  ['i32', int32],
  ['i64', int64],
  ['f32', float32],
  ['f64', float64],
  ['flag', boolean],
  ['text', string],
  ['num', string],
  ['blob', bytes],
  ['opt', { ...opt(int32), default: i32(5) }],
  ['born', DATE],
  ['at', TIME],
  ['when', TIMESTAMP],
  ['money', decimal(3)],
]);
const NUMBERS_VALUE = st({
  i8: i8(-7),
  i16: i16(300),
  i32: i32(70000),
  i64: i64('9007199254740993'),
  f32: f32(1.5),
  f64: f64(1234.5678),
  flag: bool(true),
  text: str('hello'),
  num: str('42'),
  blob: bin('AQID'),
  born: date(DAY),
  at: time(MS % 86_400_000),
  when: ts(MS),
  money: dec(1234567, 3),
});
const SCHEMALESS = obj({
  id: i64(7),
  name: str('Ada'),
  price: f64(2.5),
  flag: bool(true),
  nothing: null,
  list: arr([i64(1), i64(2)]),
  nested: obj({ a: obj({ b: i64(1) }), c: str('x') }),
});

const sinkValue = (valueSchema: VectorSchema | null, value: TypedValue): RecordSpec => ({
  valueSchema,
  value,
});

function both(
  name: string,
  transform: string,
  config: Record<string, string>,
  records: Record<string, RecordSpec>,
): DifferentialCase[] {
  const cases: DifferentialCase[] = [];
  for (const side of ['Key', 'Value'] as const) {
    for (const [label, record] of Object.entries(records)) {
      const moved: RecordSpec =
        side === 'Key'
          ? {
              ...record,
              keySchema: record.valueSchema ?? null,
              key: record.value ?? null,
              valueSchema: string,
              value: str('v'),
            }
          : record;
      cases.push({
        name: `${name} ${side} ${label}`,
        kind: 'transform',
        className: `${PKG}${transform}$${side}`,
        config,
        record: moved,
      });
    }
  }
  return cases;
}

function single(
  name: string,
  transform: string,
  config: Record<string, string>,
  records: Record<string, RecordSpec>,
  kind: 'transform' | 'predicate' = 'transform',
): DifferentialCase[] {
  return Object.entries(records).map(([label, record]) => ({
    name: `${name} ${label}`,
    kind,
    className: `${PKG}${kind === 'predicate' ? 'predicates.' : ''}${transform}`,
    config,
    record,
  }));
}

const STRUCT_RECORDS = {
  full: sinkValue(PERSON, PERSON_FULL),
  sparse: sinkValue(PERSON, PERSON_SPARSE),
  tombstone: sinkValue(opt(PERSON), null),
  schemaless: sinkValue(null, SCHEMALESS),
  'schemaless null': sinkValue(null, null),
  'schemaless string': sinkValue(null, str('text')),
  'schema string': sinkValue(string, str('text')),
};

const HEADERS: HeaderSpec[] = [
  { key: 'trace', schema: string, value: str('abc') },
  { key: 'count', schema: int32, value: i32(3) },
  { key: 'trace', schema: null, value: str('second') },
  { key: 'empty', schema: null, value: null },
];

export const CASES: DifferentialCase[] = [
  // InsertField
  ...both(
    'InsertField all',
    'InsertField',
    {
      'topic.field': 'topic!',
      'partition.field': 'partition',
      'offset.field': 'offset?',
      'timestamp.field': 'ts',
      'static.field': 'src',
      'static.value': 'db1',
    },
    STRUCT_RECORDS,
  ),
  ...both(
    'InsertField no default',
    'InsertField',
    {
      'topic.field': 't',
      'replace.null.with.default': 'false',
    },
    { sparse: sinkValue(PERSON, PERSON_SPARSE) },
  ),
  ...single(
    'InsertField source offset',
    'InsertField$Value',
    { 'offset.field': 'o' },
    {
      source: { sink: false, partition: null, valueSchema: PERSON, value: PERSON_FULL },
      'source schemaless': { sink: false, partition: null, timestamp: null, value: SCHEMALESS },
    },
  ),
  ...single(
    'InsertField source',
    'InsertField$Value',
    { 'partition.field': 'p', 'timestamp.field': 't' },
    {
      'no partition': {
        sink: false,
        partition: null,
        timestamp: null,
        valueSchema: PERSON,
        value: PERSON_FULL,
      },
      'no partition schemaless': {
        sink: false,
        partition: null,
        timestamp: null,
        value: SCHEMALESS,
      },
    },
  ),
  ...single('InsertField config', 'InsertField$Value', {}, { none: sinkValue(null, SCHEMALESS) }),
  ...single(
    'InsertField config',
    'InsertField$Value',
    { 'static.field': 's' },
    {
      'static without value': sinkValue(null, SCHEMALESS),
    },
  ),
  // ReplaceField
  ...both(
    'ReplaceField exclude+rename',
    'ReplaceField',
    {
      exclude: 'email,tags',
      renames: 'id:key,name:full_name',
    },
    STRUCT_RECORDS,
  ),
  ...both(
    'ReplaceField include',
    'ReplaceField',
    {
      include: 'id,age,price,nested',
      exclude: 'price',
      'replace.null.with.default': 'false',
    },
    {
      full: STRUCT_RECORDS.full,
      sparse: STRUCT_RECORDS.sparse,
      schemaless: STRUCT_RECORDS.schemaless,
    },
  ),
  ...single(
    'ReplaceField config',
    'ReplaceField$Value',
    { renames: 'a:b,c' },
    {
      bad: STRUCT_RECORDS.schemaless,
    },
  ),
  // MaskField
  ...both(
    'MaskField empty',
    'MaskField',
    { fields: 'i8,i16,i32,i64,f32,f64,flag,text,opt,born,at,when' },
    {
      numbers: sinkValue(NUMBERS, NUMBERS_VALUE),
    },
  ),
  ...both(
    'MaskField schemaless',
    'MaskField',
    { fields: 'id,name,price,flag,nothing,list,nested,missing' },
    {
      schemaless: STRUCT_RECORDS.schemaless,
      'schemaless null': STRUCT_RECORDS['schemaless null'],
      'schema string': STRUCT_RECORDS['schema string'],
    },
  ),
  ...both(
    'MaskField replacement',
    'MaskField',
    { fields: 'i8,i16,i32,i64,f32,f64,text', replacement: '300' },
    {
      numbers: sinkValue(NUMBERS, NUMBERS_VALUE),
    },
  ),
  ...single(
    'MaskField replacement fraction',
    'MaskField$Value',
    { fields: 'i32,f64,i64', replacement: '12.75' },
    {
      numbers: sinkValue(NUMBERS, NUMBERS_VALUE),
    },
  ),
  ...single(
    'MaskField replacement schemaless',
    'MaskField$Value',
    { fields: 'id,name,price', replacement: '99' },
    {
      schemaless: STRUCT_RECORDS.schemaless,
    },
  ),
  ...single(
    'MaskField bad replacement',
    'MaskField$Value',
    { fields: 'i32', replacement: 'abc' },
    {
      numbers: sinkValue(NUMBERS, NUMBERS_VALUE),
    },
  ),
  ...single(
    'MaskField boolean replacement',
    'MaskField$Value',
    { fields: 'flag', replacement: 'abc' },
    {
      numbers: sinkValue(NUMBERS, NUMBERS_VALUE),
    },
  ),
  ...single(
    'MaskField decimal',
    'MaskField$Value',
    { fields: 'money' },
    { numbers: sinkValue(NUMBERS, NUMBERS_VALUE) },
  ),
  ...single(
    'MaskField decimal replacement',
    'MaskField$Value',
    { fields: 'money', replacement: '2.5' },
    {
      numbers: sinkValue(NUMBERS, NUMBERS_VALUE),
    },
  ),
  ...single(
    'MaskField bytes',
    'MaskField$Value',
    { fields: 'blob' },
    { numbers: sinkValue(NUMBERS, NUMBERS_VALUE) },
  ),
  ...single(
    'MaskField config',
    'MaskField$Value',
    { fields: '' },
    { empty: STRUCT_RECORDS.schemaless },
  ),
  // ValueToKey
  ...single('ValueToKey', 'ValueToKey', { fields: 'id,age,address' }, STRUCT_RECORDS),
  ...single(
    'ValueToKey no default',
    'ValueToKey',
    { fields: 'age', 'replace.null.with.default': 'false' },
    {
      sparse: STRUCT_RECORDS.sparse,
    },
  ),
  ...single(
    'ValueToKey unknown',
    'ValueToKey',
    { fields: 'id,nope' },
    { full: STRUCT_RECORDS.full },
  ),
  ...single('ValueToKey config', 'ValueToKey', { fields: '' }, { empty: STRUCT_RECORDS.full }),
  // HoistField
  ...both(
    'HoistField',
    'HoistField',
    { field: 'wrapped' },
    {
      ...STRUCT_RECORDS,
      'int64 key': sinkValue(int64, i64(5)),
      'required null': sinkValue(int64, null),
    },
  ),
  // ExtractField
  ...both('ExtractField', 'ExtractField', { field: 'name' }, STRUCT_RECORDS),
  ...both(
    'ExtractField default',
    'ExtractField',
    { field: 'age' },
    { sparse: STRUCT_RECORDS.sparse },
  ),
  ...both(
    'ExtractField no default',
    'ExtractField',
    { field: 'age', 'replace.null.with.default': 'false' },
    {
      sparse: STRUCT_RECORDS.sparse,
    },
  ),
  ...both(
    'ExtractField nested V2',
    'ExtractField',
    { field: 'address.city', 'field.syntax.version': 'V2' },
    {
      full: STRUCT_RECORDS.full,
      sparse: STRUCT_RECORDS.sparse,
      schemaless: sinkValue(null, obj({ address: obj({ city: str('Oslo') }) })),
      'schemaless missing': sinkValue(null, obj({ address: null })),
      'schemaless wrong': sinkValue(null, obj({ address: str('x') })),
    },
  ),
  ...single(
    'ExtractField nested V2 default',
    'ExtractField$Value',
    { field: 'address.zip', 'field.syntax.version': 'v2' },
    {
      full: sinkValue(
        PERSON,
        st({
          ...Object.fromEntries((PERSON_FULL as { struct: [string, TypedValue][] }).struct),
          address: st({ city: str('X') }),
        }),
      ),
    },
  ),
  ...single(
    'ExtractField dotted V1',
    'ExtractField$Value',
    { field: 'nested.c' },
    {
      schemaless: sinkValue(
        null,
        obj({ 'nested.c': str('flat'), nested: obj({ c: str('deep') }) }),
      ),
    },
  ),
  ...single(
    'ExtractField backticks',
    'ExtractField$Value',
    { field: '`nested.c`.d', 'field.syntax.version': 'V2' },
    {
      schemaless: sinkValue(null, obj({ 'nested.c': obj({ d: i64(4) }) })),
    },
  ),
  ...single(
    'ExtractField unknown',
    'ExtractField$Value',
    { field: 'nope' },
    { full: STRUCT_RECORDS.full },
  ),
  ...single(
    'ExtractField config',
    'ExtractField$Value',
    { field: 'a', 'field.syntax.version': 'V9' },
    {
      any: STRUCT_RECORDS.full,
    },
  ),
  // SetSchemaMetadata
  ...both(
    'SetSchemaMetadata',
    'SetSchemaMetadata',
    { 'schema.name': 'com.example.Renamed', 'schema.version': '9' },
    STRUCT_RECORDS,
  ),
  ...both(
    'SetSchemaMetadata version only',
    'SetSchemaMetadata',
    { 'schema.version': '3', 'replace.null.with.default': 'false' },
    {
      sparse: STRUCT_RECORDS.sparse,
      map: sinkValue(map(string, int32), mapOf([[str('a'), i32(1)]])),
      array: sinkValue(array(int32), arr([i32(1)])),
    },
  ),
  ...single(
    'SetSchemaMetadata config',
    'SetSchemaMetadata$Value',
    {},
    { none: STRUCT_RECORDS.full },
  ),
  // Flatten
  ...both('Flatten', 'Flatten', {}, STRUCT_RECORDS),
  ...both(
    'Flatten delimiter',
    'Flatten',
    { delimiter: '_' },
    {
      deep: sinkValue(
        struct(
          [
            [
              'a',
              struct([
                ['b', opt(struct([['c', { ...int32, default: i32(4) }]]))],
                ['d', opt(string)],
              ]),
            ],
            ['e', array(int32)],
          ],
          { name: 'Deep' },
        ),
        st({ a: st({ d: str('x') }), e: arr([i32(1)]) }),
      ),
      'schemaless deep': sinkValue(
        null,
        obj({ a: obj({ b: obj({ c: i64(1) }), d: null }), e: arr([obj({ f: i64(2) })]) }),
      ),
    },
  ),
  ...single(
    'Flatten map field',
    'Flatten$Value',
    {},
    {
      map: sinkValue(
        struct([['m', map(string, string)]]),
        st({ m: mapOf([[str('a'), str('b')]]) }),
      ),
      'schemaless date': sinkValue(null, obj({ d: ts(0) })),
    },
  ),
  // Cast
  ...both(
    'Cast fields',
    'Cast',
    {
      spec: 'i8:int16,i16:int8,i32:int8,i64:int32,f32:int64,f64:int32,flag:float64,num:int32,blob:string,opt:string,born:int32,at:int64,when:int64,money:float64',
    },
    { numbers: sinkValue(NUMBERS, NUMBERS_VALUE) },
  ),
  ...single(
    'Cast to string',
    'Cast$Value',
    {
      spec: 'i8:string,i64:string,f32:string,f64:string,flag:string,born:string,at:string,when:string,money:string',
    },
    { numbers: sinkValue(NUMBERS, NUMBERS_VALUE) },
  ),
  ...single(
    'Cast to boolean',
    'Cast$Value',
    { spec: 'i8:boolean,f64:boolean,text:boolean,money:boolean' },
    {
      numbers: sinkValue(NUMBERS, NUMBERS_VALUE),
    },
  ),
  ...single(
    'Cast to float32',
    'Cast$Value',
    { spec: 'i64:float32,f64:float32,num:float32,money:float32' },
    {
      numbers: sinkValue(NUMBERS, NUMBERS_VALUE),
    },
  ),
  ...single(
    'Cast no default',
    'Cast$Value',
    { spec: 'opt:int64', 'replace.null.with.default': 'false' },
    {
      numbers: sinkValue(NUMBERS, NUMBERS_VALUE),
    },
  ),
  ...single(
    'Cast unparseable',
    'Cast$Value',
    { spec: 'text:int32' },
    { numbers: sinkValue(NUMBERS, NUMBERS_VALUE) },
  ),
  ...both(
    'Cast whole',
    'Cast',
    { spec: 'int8' },
    {
      int64: sinkValue(int64, i64(1000)),
      string: sinkValue(string, str('12')),
      'string out of range': sinkValue(string, str('1000')),
      'optional default': sinkValue({ ...opt(int32), default: i32(300) }, i32(7)),
      tombstone: sinkValue(opt(int32), null),
      'schemaless string': sinkValue(null, str('-5')),
      'schemaless int': sinkValue(null, i64(129)),
      'schemaless fraction': sinkValue(null, f64(3.99)),
      struct: STRUCT_RECORDS.full,
    },
  ),
  ...single(
    'Cast whole string',
    'Cast$Value',
    { spec: 'string' },
    {
      float64: sinkValue(float64, f64(1e21)),
      float64small: sinkValue(float64, f64(0.000125)),
      float32: sinkValue(float32, f32(0.1)),
      bytes: sinkValue(bytes, bin('AAEC/w==')),
      decimal: sinkValue(decimal(9), dec(5, 9)),
      timestamp: sinkValue(TIMESTAMP, ts(MS)),
      date: sinkValue(DATE, date(DAY)),
      boolean: sinkValue(boolean, bool(false)),
      'schemaless boolean': sinkValue(null, bool(true)),
    },
  ),
  ...single(
    'Cast schemaless fields',
    'Cast$Value',
    { spec: 'id:string,price:int32,flag:int8,name:boolean,missing:int64' },
    {
      schemaless: STRUCT_RECORDS.schemaless,
    },
  ),
  ...single(
    'Cast schemaless nested',
    'Cast$Value',
    { spec: 'nested:string' },
    { schemaless: STRUCT_RECORDS.schemaless },
  ),
  ...single('Cast config', 'Cast$Value', { spec: 'a:array' }, { any: STRUCT_RECORDS.schemaless }),
  ...single(
    'Cast config',
    'Cast$Value',
    { spec: 'int8,a:int16' },
    { whole: STRUCT_RECORDS.schemaless },
  ),
  ...single(
    'Cast config',
    'Cast$Value',
    { spec: 'a:nope' },
    { unknown: STRUCT_RECORDS.schemaless },
  ),
  // TimestampConverter
  ...both(
    'TimestampConverter unix',
    'TimestampConverter',
    { field: 'updated', 'target.type': 'unix' },
    {
      full: STRUCT_RECORDS.full,
      tombstone: STRUCT_RECORDS.tombstone,
    },
  ),
  ...both(
    'TimestampConverter to string',
    'TimestampConverter',
    {
      field: 'when',
      'target.type': 'string',
      format: "yyyy-MM-dd'T'HH:mm:ss.SSS",
    },
    { numbers: sinkValue(NUMBERS, NUMBERS_VALUE) },
  ),
  ...single(
    'TimestampConverter date to Timestamp',
    'TimestampConverter$Value',
    { field: 'born', 'target.type': 'Timestamp' },
    {
      numbers: sinkValue(NUMBERS, NUMBERS_VALUE),
    },
  ),
  ...single(
    'TimestampConverter to Time',
    'TimestampConverter$Value',
    { field: 'when', 'target.type': 'Time' },
    {
      numbers: sinkValue(NUMBERS, NUMBERS_VALUE),
    },
  ),
  ...single(
    'TimestampConverter to Date',
    'TimestampConverter$Value',
    { field: 'when', 'target.type': 'Date' },
    {
      numbers: sinkValue(NUMBERS, NUMBERS_VALUE),
    },
  ),
  ...single(
    'TimestampConverter int64 seconds',
    'TimestampConverter$Value',
    {
      field: 'i64',
      'target.type': 'Timestamp',
      'unix.precision': 'microseconds',
    },
    { numbers: sinkValue(NUMBERS, NUMBERS_VALUE) },
  ),
  ...both(
    'TimestampConverter whole',
    'TimestampConverter',
    { 'target.type': 'Date' },
    {
      timestamp: sinkValue(TIMESTAMP, ts(MS)),
      'optional unix': sinkValue(opt(int64), i64(MS)),
      'schemaless unix': sinkValue(null, i64(MS)),
      'schemaless null': sinkValue(null, null),
      'wrong schema': sinkValue(boolean, bool(true)),
    },
  ),
  ...single(
    'TimestampConverter whole to unix seconds',
    'TimestampConverter$Value',
    {
      'target.type': 'unix',
      'unix.precision': 'seconds',
    },
    {
      timestamp: sinkValue(TIMESTAMP, ts(MS)),
      'before epoch': sinkValue(TIMESTAMP, ts(-1500)),
      time: sinkValue(TIME, time(45_000)),
    },
  ),
  ...single(
    'TimestampConverter time to Timestamp',
    'TimestampConverter$Value',
    { 'target.type': 'Timestamp' },
    {
      time: sinkValue(TIME, time(45_000)),
      date: sinkValue(opt(DATE), date(DAY)),
    },
  ),
  ...single(
    'Cast decimal',
    'Cast$Value',
    { spec: 'int32' },
    {
      decimal: sinkValue(decimal(2), dec(-123456, 2)),
      'big decimal': sinkValue(decimal(0), dec('123456789012345678901234', 0)),
    },
  ),
  ...single(
    'TimestampConverter parse string',
    'TimestampConverter$Value',
    {
      'target.type': 'Timestamp',
      format: 'yyyy-MM-dd HH:mm:ss',
    },
    {
      string: sinkValue(string, str('2024-03-05 10:20:30')),
      'schemaless string': sinkValue(null, str('1999-12-31 23:59:59')),
      'trailing text': sinkValue(string, str('2024-03-05 10:20:30 UTC')),
      unparseable: sinkValue(string, str('yesterday')),
    },
  ),
  ...single(
    'TimestampConverter compact',
    'TimestampConverter$Value',
    {
      'target.type': 'string',
      format: 'yyyyMMddHHmmss',
    },
    {
      string: sinkValue(string, str('20240305102030')),
      timestamp: sinkValue(TIMESTAMP, ts(MS)),
    },
  ),
  ...single(
    'TimestampConverter schemaless field',
    'TimestampConverter$Value',
    {
      field: 'at',
      'target.type': 'unix',
      'unix.precision': 'milliseconds',
      format: 'yyyy-MM-dd',
    },
    {
      string: sinkValue(null, obj({ at: str('2024-03-05'), other: i64(1) })),
      missing: sinkValue(null, obj({ other: i64(1) })),
    },
  ),
  ...single(
    'TimestampConverter config',
    'TimestampConverter$Value',
    { 'target.type': 'string' },
    {
      'no format': STRUCT_RECORDS.schemaless,
    },
  ),
  ...single(
    'TimestampConverter config',
    'TimestampConverter$Value',
    { 'target.type': 'epoch' },
    {
      'bad type': STRUCT_RECORDS.schemaless,
    },
  ),
  // HeaderFrom
  ...both(
    'HeaderFrom copy',
    'HeaderFrom',
    { fields: 'name,age,address', headers: 'h-name,h-age,h-address', operation: 'copy' },
    {
      full: { ...STRUCT_RECORDS.full, headers: HEADERS },
      sparse: STRUCT_RECORDS.sparse,
      schemaless: STRUCT_RECORDS.schemaless,
    },
  ),
  ...both(
    'HeaderFrom move',
    'HeaderFrom',
    { fields: 'name,nested,missing', headers: 'n,nested,m', operation: 'move' },
    {
      schemaless: { ...STRUCT_RECORDS.schemaless, headers: HEADERS },
      'unknown struct field': STRUCT_RECORDS.full,
    },
  ),
  ...both(
    'HeaderFrom move struct',
    'HeaderFrom',
    { fields: 'name,address,age', headers: 'n,a,age', operation: 'move' },
    {
      full: { ...STRUCT_RECORDS.full, headers: HEADERS },
      'no default': sinkValue(PERSON, PERSON_SPARSE),
    },
  ),
  ...single(
    'HeaderFrom move no default',
    'HeaderFrom$Value',
    {
      fields: 'age',
      headers: 'age',
      operation: 'move',
      'replace.null.with.default': 'false',
    },
    { sparse: STRUCT_RECORDS.sparse },
  ),
  ...single(
    'HeaderFrom tombstone',
    'HeaderFrom$Value',
    { fields: 'a', headers: 'a', operation: 'copy' },
    {
      tombstone: STRUCT_RECORDS.tombstone,
      'schemaless null': STRUCT_RECORDS['schemaless null'],
    },
  ),
  ...single(
    'HeaderFrom config',
    'HeaderFrom$Value',
    { fields: 'a,b', headers: 'a', operation: 'copy' },
    {
      mismatch: STRUCT_RECORDS.schemaless,
    },
  ),
  ...single(
    'HeaderFrom config',
    'HeaderFrom$Value',
    { fields: 'a', headers: 'a', operation: 'steal' },
    {
      operation: STRUCT_RECORDS.schemaless,
    },
  ),
  // InsertHeader
  ...single(
    'InsertHeader string',
    'InsertHeader',
    { header: 'source', 'value.literal': 'orders db' },
    {
      plain: { ...STRUCT_RECORDS.schemaless, headers: HEADERS },
    },
  ),
  ...Object.entries({
    int8: '42',
    int16: '-300',
    int32: '70000',
    int64: '9999999999',
    float: '1.5',
    double: '1e-50',
    decimal: '123456789012345678901234567890',
    bool: 'true',
    null: 'null',
    date: '2024-03-05',
    time: '10:20:30.400Z',
    timestamp: '2024-03-05T10:20:30.400Z',
    array: '[1, 2, 300]',
    'mixed array': '[1, 2.5]',
    'string array': '["a", "b"]',
    map: '{"a": 1, "b": 2}',
    'broken array': '[1,',
    'null array': '[null, null]',
    'nested array': '[[1], [2]]',
    quoted: '"quoted"',
    spaces: '  padded  ',
  }).flatMap(([label, literal]) =>
    single(
      `InsertHeader ${label}`,
      'InsertHeader',
      { header: 'h', 'value.literal': literal },
      {
        tombstone: STRUCT_RECORDS['schemaless null'],
      },
    ),
  ),
  ...single(
    'InsertHeader config',
    'InsertHeader',
    { header: 'h' },
    { missing: STRUCT_RECORDS.schemaless },
  ),
  // DropHeaders
  ...single(
    'DropHeaders',
    'DropHeaders',
    { headers: 'trace,empty' },
    {
      headers: { ...STRUCT_RECORDS.full, headers: HEADERS },
      none: STRUCT_RECORDS.schemaless,
    },
  ),
  ...single(
    'DropHeaders config',
    'DropHeaders',
    { headers: '' },
    { empty: STRUCT_RECORDS.schemaless },
  ),
  // Filter
  ...single(
    'Filter',
    'Filter',
    {},
    { full: STRUCT_RECORDS.full, tombstone: STRUCT_RECORDS.tombstone },
  ),
  // RegexRouter
  ...single(
    'RegexRouter groups',
    'RegexRouter',
    { regex: '(.*)-(\\d+)', replacement: '$2_$1' },
    {
      match: { ...STRUCT_RECORDS.full, topic: 'orders-7' },
      'no match': { ...STRUCT_RECORDS.full, topic: 'orders' },
    },
  ),
  ...single(
    'RegexRouter lazy',
    'RegexRouter',
    { regex: '(.*?)', replacement: 'x-' },
    {
      any: { ...STRUCT_RECORDS.schemaless, topic: 'abc' },
    },
  ),
  ...single(
    'RegexRouter named',
    'RegexRouter',
    { regex: '(?<db>[a-z]+)\\.(?<table>[a-z]+)', replacement: '${table}.${db}\\$' },
    {
      named: { ...STRUCT_RECORDS.schemaless, topic: 'shop.orders' },
    },
  ),
  ...single(
    'RegexRouter config',
    'RegexRouter',
    { regex: '(', replacement: 'x' },
    { bad: STRUCT_RECORDS.schemaless },
  ),
  // TimestampRouter
  ...single(
    'TimestampRouter default',
    'TimestampRouter',
    {},
    {
      full: STRUCT_RECORDS.full,
      'no timestamp': { ...STRUCT_RECORDS.full, timestamp: null },
      'before epoch': { ...STRUCT_RECORDS.full, timestamp: String(Date.UTC(1969, 6, 20, 20, 17)) },
    },
  ),
  ...single(
    'TimestampRouter custom',
    'TimestampRouter',
    {
      'topic.format': '${timestamp}/${topic}/${topic}',
      'timestamp.format': "yyyy-MM-dd'T'HH.mm.ss.SSS D w EEE MMM a hh",
    },
    { full: STRUCT_RECORDS.full },
  ),
  // Edge cases: date formats, number formatting and parsing, literals, regex replacements.
  ...[
    'dd/MM/yyyy',
    'MMM d, yyyy',
    'MMMM',
    "yyyy-MM-dd'T'HH:mm:ssXXX",
    "yyyy-MM-dd'T'HH:mm:ss.SSSZ",
    'h:mm a',
    'EEE, d MMM yyyy HH:mm:ss z',
    'yy-M-d H:m:s.S',
    'D F u k K',
    "'quoted ''text''' yyyy",
  ].flatMap((format) =>
    single(
      `TimestampConverter format ${format}`,
      'TimestampConverter$Value',
      {
        'target.type': 'string',
        format,
      },
      {
        timestamp: sinkValue(TIMESTAMP, ts(MS)),
        'before epoch': sinkValue(TIMESTAMP, ts(Date.UTC(1969, 11, 31, 23, 5, 6, 7))),
        midnight: sinkValue(TIMESTAMP, ts(Date.UTC(2000, 0, 1))),
        noon: sinkValue(TIMESTAMP, ts(Date.UTC(2000, 0, 1, 12))),
      },
    ),
  ),
  ...Object.entries({
    'dd/MM/yyyy': ['05/03/2024', '5/3/2024', '31/02/2024', '05-03-2024'],
    'MMM d, yyyy': ['Mar 5, 2024', 'march 5, 2024', 'Mrz 5, 2024'],
    "yyyy-MM-dd'T'HH:mm:ssXXX": [
      '2024-03-05T10:20:30+02:00',
      '2024-03-05T10:20:30Z',
      '2024-03-05T10:20:30-0530',
    ],
    'yyyy-MM-dd HH:mm:ss.SSS': [
      '2024-03-05 10:20:30.4',
      '2024-03-05 10:20:30.400',
      '2024-13-05 25:61:61.000',
    ],
    yyyyMMdd: ['20240305', '2024035', '202403051'],
    'yy-MM-dd': ['24-03-05', '99-12-31', '2024-03-05'],
    'h:mm a': ['3:04 PM', '12:00 AM', '12:30 pm'],
  }).flatMap(([format, inputs]) =>
    single(
      `TimestampConverter parse ${format}`,
      'TimestampConverter$Value',
      {
        'target.type': 'unix',
        format,
      },
      Object.fromEntries(inputs.map((input) => [input, sinkValue(string, str(input))])),
    ),
  ),
  ...single(
    'Cast doubles to string',
    'Cast$Value',
    { spec: 'string' },
    Object.fromEntries(
      [
        0.1,
        1e-4,
        123456789,
        1e7,
        9999999.5,
        1.5e300,
        -2.5e-10,
        5e-324,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        -0,
        100,
        1 / 3,
      ].map((x) => [String(x), sinkValue(float64, f64(x))]),
    ),
  ),
  ...single(
    'Cast floats to string',
    'Cast$Value',
    { spec: 'string' },
    Object.fromEntries(
      [0.1, 1e-4, 16777216, 3.4e38, 1e10, 1 / 3, 1.17549435e-38].map((x) => [
        String(x),
        sinkValue(float32, f32(x)),
      ]),
    ),
  ),
  ...['int8', 'int16', 'int32', 'int64', 'boolean'].flatMap((target) =>
    single(
      `Cast doubles to ${target}`,
      'Cast$Value',
      { spec: target },
      Object.fromEntries(
        [-1.9, 200.7, 40000.5, 3e9, -3e9, 1e19, Number.NaN, Number.NEGATIVE_INFINITY, 0.4].map(
          (x) => [String(x), sinkValue(float64, f64(x))],
        ),
      ),
    ),
  ),
  ...['int8', 'int16', 'int32', 'int64', 'float32', 'float64', 'boolean'].flatMap((target) =>
    single(
      `Cast strings to ${target}`,
      'Cast$Value',
      { spec: target },
      Object.fromEntries(
        [
          '127',
          '-128',
          '+12',
          ' 5',
          '1e3',
          '0x10',
          '3.5',
          'TRUE',
          'yes',
          'NaN',
          '-Infinity',
          '1.5f',
          '99999999999',
          '9223372036854775808',
          '',
        ].map((x) => [JSON.stringify(x), sinkValue(string, str(x))]),
      ),
    ),
  ),
  ...single(
    'Cast int64 extremes',
    'Cast$Value',
    { spec: 'a:int8,b:int32,c:float32,d:float64,e:boolean' },
    {
      max: sinkValue(
        struct([
          ['a', int64],
          ['b', int64],
          ['c', int64],
          ['d', int64],
          ['e', int64],
        ]),
        st({
          a: i64('9223372036854775807'),
          b: i64('-9223372036854775808'),
          c: i64('9223372036854775807'),
          d: i64('9007199254740993'),
          e: i64('4294967296'),
        }),
      ),
    },
  ),
  ...single(
    'Cast schemaless whole values',
    'Cast$Value',
    { spec: 'float32' },
    {
      int: sinkValue(null, i64(16777217)),
      string: sinkValue(null, str('0.1')),
      bool: sinkValue(null, bool(true)),
      bytes: sinkValue(null, bin('AQ==')),
    },
  ),
  ...Object.entries({
    'minus zero': '-0',
    plus: '+5',
    'one point zero': '1.0',
    tenth: '0.1',
    huge: '1e400',
    'long max': '9223372036854775807',
    'past long': '9223372036854775808',
    'nested map': '{"a": [1, 2]}',
    colon: 'a:b',
    comma: 'hello, world',
    bracket: 'x]',
    'empty array': '[]',
    'empty map': '{}',
    escaped: 'a\\,b',
    'bool array': '[true, false]',
    'mixed map': '{"a": 1, "b": "x"}',
    'int keys': '{1: "a", 2: "b"}',
    'date array': '["2024-01-01", "2024-01-02"]',
    'time with space': ' 10:20:30.400Z',
  }).flatMap(([label, literal]) =>
    single(
      `InsertHeader more ${label}`,
      'InsertHeader',
      { header: 'h', 'value.literal': literal },
      {
        tombstone: STRUCT_RECORDS['schemaless null'],
      },
    ),
  ),
  ...Object.entries({
    '$10 with one group': ['(a)b', '$10'],
    '$12 with twelve groups': ['(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)', '$12$1'],
    'escaped backslash': ['(.*)', 'x\\\\$1'],
    'whole match': ['o.*', '[$0]'],
    'case flag': ['(?i)ORDERS', 'found'],
  }).flatMap(([label, [regex, replacement]]) =>
    single(
      `RegexRouter ${label}`,
      'RegexRouter',
      { regex: regex as string, replacement: replacement as string },
      {
        orders: { ...STRUCT_RECORDS.schemaless, topic: 'orders' },
        ab: { ...STRUCT_RECORDS.schemaless, topic: 'ab' },
        abc: { ...STRUCT_RECORDS.schemaless, topic: 'abcdefghijkl' },
      },
    ),
  ),
  ...['yyyy-MM-dd', 'yyyyMMddHH', "'week'w-yyyy", 'YYYY-ww', 'E'].flatMap((format) =>
    single(
      `TimestampRouter ${format}`,
      'TimestampRouter',
      { 'timestamp.format': format, 'topic.format': '${topic}_${timestamp}' },
      {
        now: STRUCT_RECORDS.schemaless,
        'new year': { ...STRUCT_RECORDS.schemaless, timestamp: String(Date.UTC(2021, 0, 1, 5)) },
        'year end': { ...STRUCT_RECORDS.schemaless, timestamp: String(Date.UTC(2024, 11, 30, 5)) },
      },
    ),
  ),
  ...both(
    'ReplaceField collision',
    'ReplaceField',
    { renames: 'id:name' },
    {
      full: STRUCT_RECORDS.full,
      schemaless: STRUCT_RECORDS.schemaless,
    },
  ),
  ...single(
    'MaskField schemaless logical',
    'MaskField$Value',
    { fields: 'd,t,n' },
    {
      values: sinkValue(null, obj({ d: dec(1234, 2), t: ts(MS), n: i64('9007199254740993') })),
    },
  ),
  ...single(
    'ValueToKey nested',
    'ValueToKey',
    { fields: 'address' },
    {
      full: STRUCT_RECORDS.full,
      map: sinkValue(null, obj({ address: obj({ city: str('x') }) })),
    },
  ),
  // Predicates
  ...single(
    'TopicNameMatches',
    'TopicNameMatches',
    { pattern: 'ord.*' },
    {
      match: STRUCT_RECORDS.full,
      'no match': { ...STRUCT_RECORDS.full, topic: 'my-orders' },
    },
    'predicate',
  ),
  ...single(
    'TopicNameMatches config',
    'TopicNameMatches',
    { pattern: '[' },
    { bad: STRUCT_RECORDS.full },
    'predicate',
  ),
  ...single(
    'HasHeaderKey',
    'HasHeaderKey',
    { name: 'trace' },
    {
      has: { ...STRUCT_RECORDS.full, headers: HEADERS },
      'has not': STRUCT_RECORDS.full,
    },
    'predicate',
  ),
  ...single(
    'HasHeaderKey null value',
    'HasHeaderKey',
    { name: 'empty' },
    {
      has: { ...STRUCT_RECORDS.full, headers: HEADERS },
    },
    'predicate',
  ),
  ...single(
    'RecordIsTombstone',
    'RecordIsTombstone',
    {},
    {
      tombstone: STRUCT_RECORDS.tombstone,
      value: STRUCT_RECORDS.full,
      'schemaless null': STRUCT_RECORDS['schemaless null'],
    },
    'predicate',
  ),
];
