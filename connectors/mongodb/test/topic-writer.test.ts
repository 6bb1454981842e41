/**
 * How records become writes, without a server: every id strategy, write model, post processor and
 * CDC handler (the integration tests apply the same writes to FerretDB).
 */
import { SchemaBuilder, SinkRecord, Struct } from '@sluice/api';
import { RecordingLogger } from '@sluice/test-fixtures';
import { type Binary, type Document, Double, Int32, Long, ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { parseSinkConfig } from '../src/index.js';
import { SinkDocument } from '../src/sink-document.js';
import { TopicWriter } from '../src/topic-writer.js';

const ID = 'com.mongodb.kafka.connect.sink.processor.id.strategy.';
const WM = 'com.mongodb.kafka.connect.sink.writemodel.strategy.';
const PP = 'com.mongodb.kafka.connect.sink.processor.';
const CDC = 'com.mongodb.kafka.connect.sink.cdc.';

// BSON numbers equal the plain numbers they hold: the expectations below are written with plain
// numbers, the types themselves are checked by the differential and integration tests.
expect.addEqualityTesters([
  (a: unknown, b: unknown) => {
    const plain = (v: unknown) => (v instanceof Int32 || v instanceof Double ? v.valueOf() : v);
    return a instanceof Int32 || a instanceof Double || b instanceof Int32 || b instanceof Double
      ? plain(a) === plain(b)
      : undefined;
  },
]);

function record(key: unknown, value: unknown, offset = 7): SinkRecord {
  return new SinkRecord({
    topic: 'orders',
    kafkaPartition: 2,
    kafkaOffset: offset,
    keySchema: null,
    key,
    valueSchema: null,
    value,
    timestamp: 1_700_000_000_000,
    timestampType: 'CreateTime',
  });
}

function writerOf(props: Record<string, string> = {}, log = new RecordingLogger()): TopicWriter {
  const config = parseSinkConfig({ topics: 'orders', database: 'db', ...props });
  return new TopicWriter(config.topicConfig('orders'), log);
}

/** The write of one record with these settings. */
function write(props: Record<string, string>, key: unknown, value: unknown) {
  return writerOf(props).modelOf(new SinkDocument(record(key, value)));
}

/** The `_id` one record's replaceOne gets with these settings. */
function idOf(props: Record<string, string>, key: unknown, value: unknown): unknown {
  const model = write(props, key, value) as { replaceOne: { replacement: Document } };
  return model.replaceOne.replacement._id;
}

describe('document.id.strategy', () => {
  const key = '{"k": 1, "part": "a"}';
  const value = '{"_id": "given", "name": "n", "nested": {"x": 1, "y": 2}}';

  it('makes each strategy’s _id as mongo-kafka does', () => {
    const strategy = (name: string, extra: Record<string, string> = {}) => ({
      'document.id.strategy': `${ID}${name}`,
      'document.id.strategy.overwrite.existing': 'true',
      ...extra,
    });
    expect(idOf(strategy('BsonOidStrategy'), key, value)).toBeInstanceOf(ObjectId);
    expect(idOf(strategy('KafkaMetaDataStrategy'), key, value)).toBe('orders#2#7');
    expect(idOf(strategy('FullKeyStrategy'), key, value)).toEqual({ k: 1, part: 'a' });
    expect(
      idOf(
        strategy('PartialKeyStrategy', {
          'key.projection.type': 'AllowList',
          'key.projection.list': 'part',
        }),
        key,
        value,
      ),
    ).toEqual({ part: 'a' });
    expect(
      idOf(
        strategy('PartialValueStrategy', {
          'document.id.strategy.partial.value.projection.type': 'BlockList',
          'document.id.strategy.partial.value.projection.list': '_id,nested.y',
        }),
        key,
        value,
      ),
    ).toEqual({ name: 'n', nested: { x: 1 } });
    expect(idOf(strategy('ProvidedInKeyStrategy'), '{"_id": 42}', value)).toEqual(42);
    expect(idOf(strategy('ProvidedInValueStrategy'), key, value)).toBe('given');
    expect(idOf(strategy('UuidStrategy'), key, value)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const binary = idOf(
      strategy('UuidStrategy', { 'document.id.strategy.uuid.format': 'binary' }),
      key,
      value,
    ) as Binary;
    expect([binary.sub_type, binary.length()]).toEqual([4, 16]);
    const provided = idOf(
      strategy('UuidProvidedInValueStrategy'),
      key,
      '{"_id": "3c7d2a1e-1b2c-4d5e-8f90-0123456789ab"}',
    ) as Binary;
    expect([provided.sub_type, Buffer.from(provided.buffer).toString('hex')]).toEqual([
      4,
      '3c7d2a1e1b2c4d5e8f900123456789ab',
    ]);
    const inKey = idOf(
      strategy('UuidProvidedInKeyStrategy'),
      '{"_id": "3c7d2a1e1b2c4d5e8f900123456789ab"}',
      value,
    ) as Binary;
    expect(inKey.sub_type).toBe(4);
  });

  it('keeps a value’s own _id unless overwrite.existing, and refuses what a provided strategy cannot use', () => {
    expect(idOf({ 'document.id.strategy': `${ID}KafkaMetaDataStrategy` }, key, value)).toBe(
      'given',
    );
    expect(() =>
      write({ 'document.id.strategy': `${ID}ProvidedInKeyStrategy` }, '{"k": 1}', '{"v": 1}'),
    ).toThrow('Provided id strategy is used but the document structure either contained no _id');
    expect(() =>
      write({ 'document.id.strategy': `${ID}ProvidedInKeyStrategy` }, '{"_id": null}', '{"v": 1}'),
    ).toThrow('contained an _id of type BsonNull');
    expect(() =>
      write(
        { 'document.id.strategy': `${ID}UuidProvidedInKeyStrategy` },
        '{"_id": "x-1"}',
        '{"v": 1}',
      ),
    ).toThrow('UUID cannot be constructed from provided value: `x-1`');
  });
});

describe('writemodel.strategy', () => {
  const value = '{"_id": {"a": 1, "b": 2}, "name": "n"}';
  const businessKey = {
    'document.id.strategy': `${ID}PartialValueStrategy`,
    'document.id.strategy.overwrite.existing': 'true',
    'value.projection.type': 'AllowList',
    'value.projection.list': 'name',
  };

  it('replaces by _id by default, and by business key', () => {
    expect(write({}, null, '{"_id": 5, "name": "n"}')).toEqual({
      replaceOne: { filter: { _id: 5 }, replacement: { _id: 5, name: 'n' }, upsert: true },
    });
    expect(
      write(
        { ...businessKey, 'writemodel.strategy': `${WM}ReplaceOneBusinessKeyStrategy` },
        null,
        value,
      ),
    ).toEqual({
      replaceOne: { filter: { name: 'n' }, replacement: { name: 'n' }, upsert: true },
    });
  });

  it('updates with $set, with timestamps, and by business key with timestamps', () => {
    expect(write({ 'writemodel.strategy': `${WM}UpdateOneDefaultStrategy` }, null, value)).toEqual({
      updateOne: { filter: { _id: { a: 1, b: 2 } }, update: { $set: { name: 'n' } }, upsert: true },
    });
    const timestamps = write(
      { 'writemodel.strategy': `${WM}UpdateOneTimestampsStrategy` },
      null,
      value,
    ) as { updateOne: { filter: Document; update: Document } };
    expect(timestamps.updateOne.filter).toEqual({ _id: { a: 1, b: 2 } });
    const { $set, $setOnInsert } = timestamps.updateOne.update;
    expect($set._modifiedTS).toBeInstanceOf(Date);
    expect($setOnInsert._insertedTS).toEqual($set._modifiedTS);
    const byKey = write(
      { ...businessKey, 'writemodel.strategy': `${WM}UpdateOneBusinessKeyTimestampStrategy` },
      null,
      value,
    ) as { updateOne: { filter: Document; update: Document } };
    expect(byKey.updateOne.filter).toEqual({ name: 'n' });
    expect(byKey.updateOne.update.$setOnInsert._insertedTS).toBeInstanceOf(Date);
  });

  it('inserts, and deletes by key, by business key and by tombstone', () => {
    expect(write({ 'writemodel.strategy': `${WM}InsertOneDefaultStrategy` }, null, value)).toEqual({
      insertOne: { document: { _id: { a: 1, b: 2 }, name: 'n' } },
    });
    expect(
      write(
        { 'delete.on.null.values': 'true', 'document.id.strategy': `${ID}FullKeyStrategy` },
        '{"k": 1}',
        null,
      ),
    ).toEqual({ deleteOne: { filter: { _id: { k: 1 } } } });
    expect(
      write(
        { ...businessKey, 'writemodel.strategy': `${WM}DeleteOneBusinessKeyStrategy` },
        null,
        value,
      ),
    ).toEqual({ deleteOne: { filter: { name: 'n' } } });
    expect(
      write(
        {
          'delete.on.null.values': 'true',
          'delete.writemodel.strategy': `${WM}DeleteOneTombstoneBusinessKeyStrategy`,
          'document.id.strategy': `${ID}PartialKeyStrategy`,
          'key.projection.type': 'AllowList',
          'key.projection.list': 'k.a',
        },
        '{"k": {"a": 1, "b": 2}}',
        null,
      ),
    ).toEqual({ deleteOne: { filter: { 'k.a': 1 } } });
  });

  it('refuses a tombstone without delete.on.null.values and a record with neither key nor value', () => {
    expect(() => write({}, '{"k": 1}', null)).toThrow('set delete.on.null.values=true');
    expect(() => write({}, null, null)).toThrow('neither key doc nor value doc were present');
  });
});

describe('post.processor.chain', () => {
  it('projects, renames, adds Kafka coordinates and removes nulls in chain order', () => {
    const model = write(
      {
        'post.processor.chain': [
          `${PP}KafkaMetaAdder`,
          `${PP}BlockListValueProjector`,
          `${PP}field.renaming.RenameByMapping`,
          `${PP}field.renaming.RenameByRegExp`,
          `${PP}NullFieldValueRemover`,
        ].join(','),
        'value.projection.type': 'BlockList',
        'value.projection.list': 'secret,nested.hidden',
        'field.renamer.mapping': '[{"oldName": "value.nested.x", "newName": "renamed"}]',
        'field.renamer.regexp': '[{"regexp": "^.*_tmp$", "pattern": "_tmp", "replace": ""}]',
      },
      null,
      '{"_id": 1, "secret": 1, "gone": null, "nested": {"x": 1, "hidden": 2, "keep_tmp": 3}}',
    ) as { replaceOne: { replacement: Document } };
    expect(model.replaceOne.replacement).toEqual({
      _id: 1,
      nested: { renamed: 1, keep: 3 },
      'topic-partition-offset': 'orders-2-7',
      // Java's TimestampType enum name, as mongo-kafka writes it.
      CREATE_TIME: Long.fromNumber(1_700_000_000_000),
    });
  });

  it('projects the key before a key-based id when the projector comes first in the chain', () => {
    const model = write(
      {
        'document.id.strategy': `${ID}FullKeyStrategy`,
        'post.processor.chain': `${PP}AllowListKeyProjector,${PP}DocumentIdAdder`,
        'key.projection.type': 'AllowList',
        'key.projection.list': 'a',
      },
      '{"a": 1, "b": 2}',
      '{"v": 1}',
    ) as { replaceOne: { replacement: Document } };
    expect(model.replaceOne.replacement).toEqual({ v: 1, _id: { a: 1 } });
  });

  it('converts a time series time field given as text or a number when auto.convert is on', () => {
    const log = new RecordingLogger();
    const writer = writerOf(
      {
        'timeseries.timefield': 'at',
        'timeseries.timefield.auto.convert': 'true',
      },
      log,
    );
    const at = (value: string) =>
      (
        writer.modelOf(new SinkDocument(record(null, value))) as {
          insertOne: { document: Document };
        }
      ).insertOne.document.at;
    expect(at('{"_id": 1, "at": "2024-05-01 10:00:00"}')).toEqual(new Date('2024-05-01T10:00:00Z'));
    expect(at('{"_id": 1, "at": 1700000000000}')).toEqual(new Date(1_700_000_000_000));
    expect(at('{"_id": 1, "at": "not a date"}')).toBe('not a date');
    expect(log.messages('info').join('\n')).toContain('Failed to convert field `at`');
  });
});

describe('change.data.capture.handler', () => {
  const rdbms = { 'change.data.capture.handler': `${CDC}debezium.rdbms.RdbmsHandler` };
  const envelope = (op: string, before: unknown, after: unknown) =>
    JSON.stringify({ op, before, after, source: { table: 't' } });

  it('Debezium RDBMS: the primary key becomes _id, deletes by it, tables without a key match on before', () => {
    expect(write(rdbms, '{"id": 1}', envelope('c', null, { id: 1, name: 'a' }))).toEqual({
      replaceOne: {
        filter: { _id: { id: 1 } },
        replacement: { _id: { id: 1 }, name: 'a' },
        upsert: true,
      },
    });
    expect(write(rdbms, '{"id": 1}', envelope('u', { id: 1 }, { id: 1, name: 'b' }))).toEqual({
      replaceOne: {
        filter: { _id: { id: 1 } },
        replacement: { _id: { id: 1 }, name: 'b' },
        upsert: true,
      },
    });
    expect(write(rdbms, '{"id": 1}', envelope('d', { id: 1, name: 'b' }, null))).toEqual({
      deleteOne: { filter: { _id: { id: 1 } } },
    });
    expect(write(rdbms, null, envelope('d', { name: 'b' }, null))).toEqual({
      deleteOne: { filter: { name: 'b' } },
    });
    // The tombstone after a delete and a schema change event write nothing.
    expect(write(rdbms, '{"id": 1}', null)).toBeNull();
    expect(write(rdbms, null, '{"ddl": "CREATE TABLE t ()"}')).toBeNull();
    expect(() => write(rdbms, '{"id": 1}', envelope('x', null, {}))).toThrow(
      'Unknown operation type x',
    );
    expect(() => write(rdbms, '{"id": 1}', envelope('c', null, {}))).toThrow(
      "Value document must contain non-empty 'after' field",
    );
  });

  it('Debezium RDBMS events as Connect structs (the PostgreSQL source’s output)', () => {
    const row = SchemaBuilder.struct()
      .name('db.public.t.Value')
      .field('id', SchemaBuilder.int32().build())
      .field('name', SchemaBuilder.string().optional().build())
      .optional()
      .build();
    const schema = SchemaBuilder.struct()
      .name('db.public.t.Envelope')
      .field('before', row)
      .field('after', row)
      .field('op', SchemaBuilder.string().build())
      .build();
    const keySchema = SchemaBuilder.struct().field('id', SchemaBuilder.int32().build()).build();
    const value = new Struct(schema)
      .put('before', null)
      .put('after', new Struct(row).put('id', 3).put('name', null))
      .put('op', 'r');
    const r = new SinkRecord({
      topic: 'orders',
      kafkaPartition: 0,
      kafkaOffset: 0,
      keySchema,
      key: new Struct(keySchema).put('id', 3),
      valueSchema: schema,
      value,
    });
    const writer = writerOf({
      ...rdbms,
      'change.data.capture.handler.remove.null.values': 'true',
    });
    expect(writer.modelOf(new SinkDocument(r))).toEqual({
      replaceOne: { filter: { _id: { id: 3 } }, replacement: { _id: { id: 3 } }, upsert: true },
    });
  });

  it('Debezium MongoDB: after and patch as extended JSON text, with exact numbers', () => {
    const mongo = { 'change.data.capture.handler': `${CDC}debezium.mongodb.MongoDbHandler` };
    const key = '{"id": "{\\"$oid\\": \\"65f0a1b2c3d4e5f601234567\\"}"}';
    const oid = new ObjectId('65f0a1b2c3d4e5f601234567');
    expect(
      write(
        mongo,
        key,
        JSON.stringify({
          op: 'c',
          after: '{"_id": {"$oid": "65f0a1b2c3d4e5f601234567"}, "n": 9007199254740993}',
        }),
      ),
    ).toEqual({
      replaceOne: {
        filter: { _id: oid },
        replacement: { _id: oid, n: Long.fromString('9007199254740993') },
        upsert: true,
      },
    });
    expect(
      write(mongo, key, JSON.stringify({ op: 'u', patch: '{"$v": 1, "$set": {"a": 1}}' })),
    ).toEqual({ updateOne: { filter: { _id: oid }, update: { $set: { a: 1 } } } });
    expect(write(mongo, key, JSON.stringify({ op: 'd' }))).toEqual({
      deleteOne: { filter: { _id: oid } },
    });
    expect(() => write(mongo, key, JSON.stringify({ op: 'u' }))).toThrow(
      'Update document missing `patch` field.',
    );
    const changeStream = {
      'change.data.capture.handler': `${CDC}debezium.mongodb.ChangeStreamHandler`,
    };
    expect(
      write(changeStream, key, JSON.stringify({ op: 'u', after: '{"_id": 1, "a": 2}' })),
    ).toEqual({
      replaceOne: { filter: { _id: oid }, replacement: { _id: 1, a: 2 }, upsert: true },
    });
  });

  it('MongoDB change stream events: inserts, updates with removed fields, deletes; others logged', () => {
    const log = new RecordingLogger();
    const writer = writerOf(
      { 'change.data.capture.handler': `${CDC}mongodb.ChangeStreamHandler` },
      log,
    );
    const apply = (event: object) =>
      writer.modelOf(new SinkDocument(record(null, JSON.stringify(event))));
    expect(
      apply({ operationType: 'insert', documentKey: { _id: 1 }, fullDocument: { _id: 1, a: 1 } }),
    ).toEqual({ replaceOne: { filter: { _id: 1 }, replacement: { _id: 1, a: 1 }, upsert: true } });
    expect(
      apply({
        operationType: 'update',
        documentKey: { _id: 1 },
        updateDescription: { updatedFields: { a: 2 }, removedFields: ['b'], truncatedArrays: [] },
      }),
    ).toEqual({ updateOne: { filter: { _id: 1 }, update: { $set: { a: 2 }, $unset: { b: '' } } } });
    expect(apply({ operationType: 'delete', documentKey: { _id: 1 } })).toEqual({
      deleteOne: { filter: { _id: 1 } },
    });
    expect(apply({ operationType: 'drop' })).toBeNull();
    expect(log.messages('warn')).toContain('Unsupported change stream operation: drop');
    expect(() =>
      apply({ operationType: 'update', documentKey: { _id: 1 }, updateDescription: { x: 1 } }),
    ).toThrow('unexpected field(s) in updateDescription [x]');
    expect(() => apply({ documentKey: { _id: 1 } })).toThrow(
      '`operationType` field is doc is missing',
    );
  });
});
