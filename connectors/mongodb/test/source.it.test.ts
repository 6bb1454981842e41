import { mongodbUrl, RecordingLogger } from '@sluice/test-fixtures';
import { type Db, type MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoSourceTask } from '../src/index.js';
import { drain, freshDb, MemoryOffsets, mongoClient, pollRecords, startSource } from './harness.js';

let client: MongoClient;
let db: Db;

beforeAll(async () => {
  client = await mongoClient();
  db = freshDb(client, 'source');
});

afterAll(async () => {
  await db?.dropDatabase();
  await client?.close();
});

const props = (collection: string, extra: Record<string, string> = {}) => ({
  'connection.uri': mongodbUrl(),
  database: db.databaseName,
  collection,
  'polling.interval.ms': '100',
  ...extra,
});

describe('MongoSourceTask, polling mode', () => {
  it('reads every document in _id order as insert events, then only new ones, and resumes after the committed offset', async () => {
    const coll = db.collection('orders');
    const ids = Array.from({ length: 30 }, () => new ObjectId());
    await coll.insertMany(ids.slice(0, 20).map((_id, n) => ({ _id, n })));
    const offsets = new MemoryOffsets();
    const config = props('orders', {
      'polling.mode': 'incrementing',
      'startup.mode': 'copy_existing',
      'output.json.formatter': 'com.mongodb.kafka.connect.source.json.formatter.SimplifiedJson',
      'poll.max.batch.size': '7',
    });
    const first = await startSource(new MongoSourceTask(), config, offsets);
    const copied = await pollRecords(first, offsets, 20);
    expect(copied.map((r) => JSON.parse(r.value as string).fullDocument.n)).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
    const event = JSON.parse(copied[0]?.value as string);
    expect(event).toEqual({
      _id: { _id: ids[0]?.toHexString() },
      operationType: 'insert',
      documentKey: { _id: ids[0]?.toHexString() },
      fullDocument: { _id: ids[0]?.toHexString(), n: 0 },
      ns: { db: db.databaseName, coll: 'orders' },
    });
    expect(copied[0]?.topic).toBe(`${db.databaseName}.orders`);
    expect(copied[0]?.key).toBe(`{"_id": "${ids[0]?.toHexString()}"}`);
    await first.stop();
    await coll.insertMany(ids.slice(20).map((_id, i) => ({ _id, n: 20 + i })));
    const second = await startSource(new MongoSourceTask(), config, offsets);
    const rest = await drain(second, offsets, 3);
    await second.stop();
    expect(rest.map((r) => JSON.parse(r.value as string).fullDocument.n)).toEqual(
      Array.from({ length: 10 }, (_, i) => 20 + i),
    );
  });

  it('reads changed documents by a timestamp field with ties broken by _id, starting after the last one with startup.mode=latest', async () => {
    const coll = db.collection('items');
    const t0 = new Date('2024-01-01T00:00:00Z');
    await coll.insertMany([
      { _id: 1 as never, up: t0, v: 'old' },
      { _id: 2 as never, up: t0, v: 'old' },
    ]);
    const offsets = new MemoryOffsets();
    const task = await startSource(
      new MongoSourceTask(),
      props('items', {
        'polling.mode': 'timestamp',
        'polling.field': 'up',
        'publish.full.document.only': 'true',
      }),
      offsets,
      new RecordingLogger(),
    );
    try {
      expect(await drain(task, offsets, 2)).toEqual([]);
      const t1 = new Date('2024-01-02T00:00:00Z');
      await coll.updateOne({ _id: 1 as never }, { $set: { up: t1, v: 'new' } });
      await coll.insertOne({ _id: 3 as never, up: t1, v: 'new' });
      const changed = await drain(task, offsets, 2);
      expect(changed.map((r) => r.value)).toEqual([
        '{"_id": 1, "up": {"$date": 1704153600000}, "v": "new"}',
        '{"_id": 3, "up": {"$date": 1704153600000}, "v": "new"}',
      ]);
      expect(changed[1]?.sourceOffset).toEqual({
        value: '{"v":{"$date":{"$numberLong":"1704153600000"}}}',
        id: '{"v":{"$numberInt":"3"}}',
      });
    } finally {
      await task.stop();
    }
  });
});

describe('MongoSourceTask, change streams on a server without them', () => {
  it('fails with a message pointing at the polling mode', async () => {
    const task = await startSource(new MongoSourceTask(), props('orders'), new MemoryOffsets());
    try {
      await expect(task.poll()).rejects.toThrow(
        /The server does not support change streams .*set polling.mode=incrementing or polling.mode=timestamp/,
      );
    } finally {
      await task.stop();
    }
  });
});
