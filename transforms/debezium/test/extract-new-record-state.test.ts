import { ConfigException, type Schema, SchemaBuilder, SinkRecord, Struct } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { ExtractNewRecordState } from '../src/index.js';

/** A row schema like Debezium's `<prefix>.<schema>.<table>.Value`. */
const ROW = SchemaBuilder.struct()
  .name('dbserver1.inventory.customers.Value')
  .field('id', SchemaBuilder.int32().build())
  .field('name', SchemaBuilder.string().optional().build())
  .field('tier', SchemaBuilder.string().optional().defaultValue('basic').build())
  .optional()
  .build();

const KEY = SchemaBuilder.struct()
  .name('dbserver1.inventory.customers.Key')
  .field('id', SchemaBuilder.int32().build())
  .build();

const SOURCE = SchemaBuilder.struct()
  .name('io.debezium.connector.postgresql.Source')
  .field('db', SchemaBuilder.string().build())
  .field('table', SchemaBuilder.string().build())
  .field('lsn', SchemaBuilder.int64().optional().build())
  .field('ts_ms', SchemaBuilder.int64().build())
  .build();

const TRANSACTION = SchemaBuilder.struct()
  .name('event.block')
  .field('id', SchemaBuilder.string().build())
  .field('total_order', SchemaBuilder.int64().build())
  .field('data_collection_order', SchemaBuilder.int64().build())
  .optional()
  .build();

const ENVELOPE = SchemaBuilder.struct()
  .name('dbserver1.inventory.customers.Envelope')
  .version(2)
  .field('before', ROW)
  .field('after', ROW)
  .field('source', SOURCE)
  .field('transaction', TRANSACTION)
  .field('op', SchemaBuilder.string().build())
  .field('ts_ms', SchemaBuilder.int64().optional().build())
  .build();

function row(id: number, name: string | null, tier: string | null = null): Struct {
  return new Struct(ROW).put('id', id).put('name', name).put('tier', tier);
}

function event(op: string, before: Struct | null, after: Struct | null): SinkRecord {
  const source = new Struct(SOURCE)
    .put('db', 'inventory')
    .put('table', 'customers')
    .put('lsn', 33n)
    .put('ts_ms', 1700n);
  const value = new Struct(ENVELOPE)
    .put('before', before)
    .put('after', after)
    .put('source', source)
    .put('op', op)
    .put('ts_ms', 1800n);
  const id = ((after ?? before) as Struct | null)?.get('id') ?? 0;
  return new SinkRecord({
    topic: 'dbserver1.inventory.customers',
    kafkaPartition: 0,
    kafkaOffset: 7,
    keySchema: op === 't' ? null : KEY,
    key: op === 't' ? null : new Struct(KEY).put('id', id),
    valueSchema: ENVELOPE,
    value,
  });
}

function tombstone(id: number): SinkRecord {
  return new SinkRecord({
    topic: 'dbserver1.inventory.customers',
    kafkaPartition: 0,
    kafkaOffset: 8,
    keySchema: KEY,
    key: new Struct(KEY).put('id', id),
    valueSchema: null,
    value: null,
  });
}

function transform(props: Record<string, string> = {}): ExtractNewRecordState<SinkRecord> {
  const t = new ExtractNewRecordState<SinkRecord>();
  t.configure(props);
  return t;
}

/** The value of a transformed record, which must be a Struct. */
function struct(record: SinkRecord | null): Struct {
  if (!(record?.value instanceof Struct)) throw new Error(`not a Struct: ${String(record?.value)}`);
  return record.value;
}

function fieldNames(schema: Schema | null): string[] {
  return schema?.fields.map((f) => f.name) ?? [];
}

describe('ExtractNewRecordState', () => {
  it('turns creates, reads and updates into the row after the change, keeping key and topic', () => {
    const t = transform();
    for (const op of ['c', 'r', 'u']) {
      const out = t.apply(event(op, op === 'u' ? row(1, 'old') : null, row(1, 'Ann')));
      expect(out?.value).toEqual(row(1, 'Ann'));
      expect(out?.valueSchema).toBe(ROW);
      expect(out?.topic).toBe('dbserver1.inventory.customers');
      expect((out?.key as Struct | undefined)?.get('id')).toBe(1);
    }
  });

  it('by default (tombstone) turns a delete into a null value with the row schema and drops tombstones', () => {
    const t = transform();
    const out = t.apply(event('d', row(1, 'Ann'), null));
    expect(out?.value).toBeNull();
    expect(out?.valueSchema).toBe(ROW);
    expect(t.apply(tombstone(1))).toBeNull();
  });

  it('drop: removes deletes and tombstones', () => {
    const t = transform({ 'delete.tombstone.handling.mode': 'drop' });
    expect(t.apply(event('d', row(1, 'Ann'), null))).toBeNull();
    expect(t.apply(tombstone(1))).toBeNull();
  });

  it('rewrite: deletes become the row before with __deleted=true, other rows get __deleted=false (defaults filled in)', () => {
    const t = transform({ 'delete.tombstone.handling.mode': 'rewrite' });
    const deleted = t.apply(event('d', row(1, 'Ann'), null));
    expect(struct(deleted).get('__deleted')).toBe('true');
    expect(struct(deleted).getWithoutDefault('tier')).toBe('basic');
    expect(fieldNames(deleted?.valueSchema ?? null)).toEqual(['id', 'name', 'tier', '__deleted']);
    // Kafka's InsertField copies name and version but not optionality.
    expect(deleted?.valueSchema?.name).toBe('dbserver1.inventory.customers.Value');
    expect(deleted?.valueSchema?.optional).toBe(false);
    const updated = t.apply(event('u', null, row(1, 'Bo')));
    expect(struct(updated).get('__deleted')).toBe('false');
    expect(t.apply(tombstone(1))).toBeNull();
  });

  it('rewrite-with-tombstone keeps tombstones; delete-to-tombstone turns deletes into tombstones', () => {
    expect(
      transform({ 'delete.tombstone.handling.mode': 'rewrite-with-tombstone' }).apply(tombstone(1))
        ?.key,
    ).toBeInstanceOf(Struct);
    const t = transform({ 'delete.tombstone.handling.mode': 'delete-to-tombstone' });
    const out = t.apply(event('d', row(1, 'Ann'), null));
    expect(out?.value).toBeNull();
    expect(out?.valueSchema).toBeNull();
    expect(t.apply(tombstone(1))).toBeNull();
  });

  it('honours Debezium 2’s delete.handling.mode and drop.tombstones, and refuses them beside the new key', () => {
    const legacyRewrite = transform({
      'delete.handling.mode': 'rewrite',
      'drop.tombstones': 'false',
    });
    expect(struct(legacyRewrite.apply(event('d', row(1, 'Ann'), null))).get('__deleted')).toBe(
      'true',
    );
    expect(legacyRewrite.apply(tombstone(1))).not.toBeNull();
    const legacyDefault = transform({ 'drop.tombstones': 'true' });
    expect(legacyDefault.apply(event('d', row(1, 'Ann'), null))).toBeNull();
    const legacyNone = transform({ 'delete.handling.mode': 'none' });
    expect(legacyNone.apply(event('d', row(1, 'Ann'), null))?.value).toBeNull();
    expect(() =>
      transform({ 'delete.tombstone.handling.mode': 'drop', 'drop.tombstones': 'false' }),
    ).toThrow(ConfigException);
  });

  it('drops truncate events and passes records that are not envelopes unchanged', () => {
    const t = transform();
    expect(t.apply(event('t', null, null))).toBeNull();
    const heartbeatSchema = SchemaBuilder.struct()
      .name('io.debezium.connector.common.Heartbeat')
      .field('ts_ms', SchemaBuilder.int64().build())
      .build();
    const heartbeat = new SinkRecord({
      topic: '__debezium-heartbeat.dbserver1',
      kafkaPartition: 0,
      kafkaOffset: 1,
      valueSchema: heartbeatSchema,
      value: new Struct(heartbeatSchema).put('ts_ms', 1n),
    });
    expect(t.apply(heartbeat)).toBe(heartbeat);
  });

  it('adds envelope fields to the row with add.fields (source, transaction and envelope fields, renamed on request)', () => {
    const t = transform({
      'add.fields': 'op,table,source.ts_ms,lsn:position,ts_ms,transaction.id',
    });
    const out = t.apply(event('c', null, row(1, 'Ann')));
    const value = out?.value as Struct;
    expect(fieldNames(out?.valueSchema ?? null)).toEqual([
      'id',
      'name',
      'tier',
      '__op',
      '__table',
      '__source_ts_ms',
      '__position',
      '__ts_ms',
      '__transaction_id',
    ]);
    expect([
      value.get('__op'),
      value.get('__table'),
      value.get('__source_ts_ms'),
      value.get('__position'),
      value.get('__ts_ms'),
    ]).toEqual(['c', 'customers', 1700n, 33n, 1800n]);
    expect(value.get('__transaction_id')).toBeNull();
    expect(out?.valueSchema?.field('__op')?.schema.optional).toBe(true);
    // Deletes rewritten to their old row get the fields too.
    const deleted = transform({
      'add.fields': 'op',
      'delete.tombstone.handling.mode': 'rewrite',
    }).apply(event('d', row(2, 'Bo'), null));
    expect(struct(deleted).get('__op')).toBe('d');
  });

  it('adds envelope fields as headers with add.headers; a tombstone gets the op header d', () => {
    const t = transform({
      'add.headers': 'op,db',
      'delete.tombstone.handling.mode': 'rewrite-with-tombstone',
    });
    const out = t.apply(event('u', null, row(1, 'Ann')));
    expect(Object.fromEntries([...(out?.headers ?? [])].map((h) => [h.key, h.value]))).toEqual({
      __op: 'u',
      __db: 'inventory',
    });
    const grave = t.apply(tombstone(1));
    expect([...(grave?.headers ?? [])].map((h) => [h.key, h.value])).toEqual([['__op', 'd']]);
  });

  it('routes records to the topic a row field names (route.by.field)', () => {
    const t = transform({ 'route.by.field': 'name' });
    expect(t.apply(event('c', null, row(1, 'vip')))?.topic).toBe('vip');
  });
});
