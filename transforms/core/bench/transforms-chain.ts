/**
 * Per-record cost of a 3-transform chain (InsertField$Value, ReplaceField$Value, Cast$Value)
 * against passing the record through untouched, with schemas and without; the middle row is
 * the floor every transform pays: copying the record with `newRecord`.
 *
 *   pnpm --filter @sluice/transforms bench
 */
import {
  type ConnectRecord,
  Schema,
  SchemaBuilder,
  SinkRecord,
  Struct,
  type Transformation,
} from '@sluice/api';
import { CastValue, InsertFieldValue, ReplaceFieldValue } from '../src/index.js';

const RECORDS = 200_000;
const ROUNDS = 5;

const schema = SchemaBuilder.struct()
  .name('com.example.Order')
  .field('id', Schema.INT64_SCHEMA)
  .field('customer', Schema.STRING_SCHEMA)
  .field('amount', Schema.FLOAT64_SCHEMA)
  .field('quantity', Schema.INT32_SCHEMA)
  .field('note', Schema.OPTIONAL_STRING_SCHEMA)
  .build();

function record(i: number, withSchema: boolean): SinkRecord {
  const value = withSchema
    ? new Struct(schema)
        .put('id', BigInt(i))
        .put('customer', `customer-${i % 100}`)
        .put('amount', i * 1.25)
        .put('quantity', i % 7)
    : { id: i, customer: `customer-${i % 100}`, amount: i * 1.25, quantity: i % 7, note: null };
  return new SinkRecord({
    topic: 'orders',
    kafkaPartition: 0,
    kafkaOffset: i,
    valueSchema: withSchema ? schema : null,
    value,
    timestamp: 1_700_000_000_000 + i,
  });
}

function chain(): Transformation[] {
  const insert = new InsertFieldValue();
  insert.configure({ 'topic.field': 'source_topic', 'offset.field': 'source_offset' });
  const replace = new ReplaceFieldValue();
  replace.configure({ exclude: 'note', renames: 'customer:customer_name' });
  const cast = new CastValue();
  cast.configure({ spec: 'quantity:int64,amount:string' });
  return [insert, replace, cast];
}

function run(records: SinkRecord[], steps: Transformation[]): number {
  let kept = 0;
  const start = process.hrtime.bigint();
  for (const input of records) {
    let current: ConnectRecord | null = input;
    for (const step of steps) {
      if (current === null) break;
      current = step.apply(current);
    }
    if (current !== null) kept++;
  }
  const elapsed = Number(process.hrtime.bigint() - start);
  if (kept !== records.length) throw new Error('records were dropped');
  return elapsed / records.length;
}

/** A step that only copies the record (`newRecord`), as every real transform at least does. */
const copyOnly: Transformation = {
  configure: () => undefined,
  apply: (r) => r.newRecord({}),
  config: () => {
    throw new Error('unused');
  },
  close: () => undefined,
};

const passThrough: Transformation = {
  configure: () => undefined,
  apply: (r) => r,
  config: () => {
    throw new Error('unused');
  },
  close: () => undefined,
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const rows: [string, string, number][] = [];
for (const withSchema of [true, false]) {
  const records = Array.from({ length: RECORDS }, (_, i) => record(i, withSchema));
  const label = withSchema ? 'Struct + schema' : 'schemaless map';
  const cases: [string, Transformation[]][] = [
    ['untouched (identity step)', [passThrough]],
    ['3 × newRecord only (floor)', [copyOnly, copyOnly, copyOnly]],
    ['InsertField → ReplaceField → Cast', chain()],
  ];
  for (const [name, steps] of cases) {
    run(records.slice(0, 20_000), steps); // warm up
    const samples = Array.from({ length: ROUNDS }, () => run(records, steps));
    rows.push([label, name, median(samples)]);
  }
}

const baseline = new Map(
  rows.filter(([, n]) => n.startsWith('untouched')).map(([l, , ns]) => [l, ns]),
);
console.log(
  `\n${RECORDS} records per round, median of ${ROUNDS} rounds, Node ${process.version}\n`,
);
console.log('| data | chain | ns/record | records/s | over untouched |');
console.log('|---|---|---:|---:|---:|');
for (const [label, name, ns] of rows) {
  const base = baseline.get(label) ?? ns;
  const over = name.startsWith('untouched') ? '—' : `+${(ns - base).toFixed(0)} ns`;
  console.log(
    `| ${label} | ${name} | ${ns.toFixed(0)} | ${Math.round(1e9 / ns).toLocaleString('en-US')} | ${over} |`,
  );
}
