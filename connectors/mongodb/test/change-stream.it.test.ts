/**
 * Change streams need a MongoDB replica set (or sharded cluster); FerretDB, the server test-fixtures
 * starts, has none. vitest.config.ts includes this file only when SLUICE_MONGODB_URL is set, and
 * the first test fails when that server is not a replica set: set it to one, e.g.
 * `SLUICE_MONGODB_URL='mongodb://localhost:27017/?replicaSet=rs0' pnpm vitest run`.
 */
import { SinkRecord, type SourceRecord } from '@sluice/api';
import { mongodbUrl, RecordingLogger } from '@sluice/test-fixtures';
import { BSON, type Db, type MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoSinkTask, MongoSourceTask } from '../src/index.js';
import {
  freshDb,
  MemoryOffsets,
  mongoClient,
  pollRecords,
  startSink,
  startSource,
} from './harness.js';

let client: MongoClient;
let db: Db;

beforeAll(async () => {
  client = await mongoClient();
  db = freshDb(client, 'stream');
});

afterAll(async () => {
  await db?.dropDatabase();
  await client?.close();
});

const props = (collection: string, extra: Record<string, string> = {}) => ({
  'connection.uri': mongodbUrl(),
  database: db.databaseName,
  collection,
  'poll.await.time.ms': '200',
  ...extra,
});

const value = (r: SourceRecord | undefined) => JSON.parse(r?.value as string);

describe('MongoSourceTask, change streams (a replica set at SLUICE_MONGODB_URL)', () => {
  it('runs against a replica set', async () => {
    const hello = await client.db('admin').command({ hello: 1 });
    expect(hello.setName ?? hello.msg, 'SLUICE_MONGODB_URL must name a replica set').toBeTruthy();
  });

  it('publishes inserts, updates (full document looked up), replaces and deletes, and resumes after the committed resume token', async () => {
    const coll = db.collection('events');
    await db.createCollection('events');
    const offsets = new MemoryOffsets();
    const config = props('events', { 'change.stream.full.document': 'updateLookup' });
    const first = await startSource(new MongoSourceTask(), config, offsets);
    await coll.insertOne({ _id: 1 as never, n: 1 });
    await coll.updateOne({ _id: 1 as never }, { $set: { n: 2 } });
    await coll.replaceOne({ _id: 1 as never }, { n: 3 });
    await coll.deleteOne({ _id: 1 as never });
    const events = await pollRecords(first, offsets, 4);
    await first.stop();
    expect(events.map((r) => value(r).operationType)).toEqual([
      'insert',
      'update',
      'replace',
      'delete',
    ]);
    expect(value(events[1]).fullDocument).toEqual({ _id: 1, n: 2 });
    expect(value(events[1]).updateDescription.updatedFields).toEqual({ n: 2 });
    expect(events[0]?.topic).toBe(`${db.databaseName}.events`);
    // mongo-kafka's offset: the resume token as JSON text under _id, partition by hosts and namespace.
    const offset = events[3]?.sourceOffset as { _id: string };
    expect(BSON.EJSON.parse(offset._id)).toEqual(value(events[3])._id);
    expect(events[0]?.sourcePartition?.ns).toMatch(new RegExp(`/${db.databaseName}\\.events$`));

    await coll.insertOne({ _id: 2 as never, n: 1 });
    const second = await startSource(new MongoSourceTask(), config, offsets);
    const rest = await pollRecords(second, offsets, 1);
    await second.stop();
    expect(rest.map((r) => [value(r).operationType, value(r).documentKey._id])).toEqual([
      ['insert', 2],
    ]);
  });

  it('copies existing documents then streams the changes made during and after the copy, publishing full documents only', async () => {
    const coll = db.collection('copied');
    await coll.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: i as never, n: i })));
    const offsets = new MemoryOffsets();
    const task = await startSource(
      new MongoSourceTask(),
      props('copied', {
        'startup.mode': 'copy_existing',
        'publish.full.document.only': 'true',
      }),
      offsets,
    );
    await coll.insertOne({ _id: 50 as never, n: 50 });
    const records = await pollRecords(task, offsets, 51);
    await task.stop();
    expect(records.map((r) => value(r).n).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 51 }, (_, i) => i),
    );
    // While copying the offset says so, so that a restart copies again (as mongo-kafka).
    expect(records[0]?.sourceOffset).toMatchObject({ copy: 'true' });
  });

  it('sends heartbeats carrying the resume token while nothing changes', async () => {
    await db.createCollection('quiet');
    const offsets = new MemoryOffsets();
    const task = await startSource(
      new MongoSourceTask(),
      props('quiet', { 'heartbeat.interval.ms': '300', 'heartbeat.topic.name': 'beats' }),
      offsets,
    );
    const beats = await pollRecords(task, offsets, 1, 30_000);
    await task.stop();
    expect(beats[0]?.topic).toBe('beats');
    expect(beats[0]?.sourceOffset).toMatchObject({ HEARTBEAT: 'true' });
  });

  it('writes the schema output format with inferred value schemas', async () => {
    await db.createCollection('typed');
    const offsets = new MemoryOffsets();
    const task = await startSource(
      new MongoSourceTask(),
      props('typed', {
        'output.format.value': 'schema',
        'output.schema.infer.value': 'true',
        'publish.full.document.only': 'true',
      }),
      offsets,
    );
    await db.collection('typed').insertOne({ _id: 1 as never, name: 'a', n: 2n });
    const [record] = await pollRecords(task, offsets, 1);
    await task.stop();
    expect(record?.valueSchema?.fields.map((f) => f.name)).toEqual(['_id', 'name', 'n']);
  });

  it('replays its own change events into another collection with the sink’s ChangeStreamHandler', async () => {
    const from = db.collection('origin');
    await db.createCollection('origin');
    const offsets = new MemoryOffsets();
    const source = await startSource(
      new MongoSourceTask(),
      props('origin', { 'change.stream.full.document': 'updateLookup' }),
      offsets,
      new RecordingLogger(),
    );
    await from.insertMany([
      { _id: 1 as never, a: 1, b: 'x' },
      { _id: 2 as never, a: 2 },
    ]);
    await from.updateOne({ _id: 1 as never }, { $set: { a: 10 }, $unset: { b: '' } });
    await from.deleteOne({ _id: 2 as never });
    const events = await pollRecords(source, offsets, 4);
    await source.stop();
    const { task: sink } = await startSink(new MongoSinkTask(), {
      'connection.uri': mongodbUrl(),
      topics: events[0]?.topic as string,
      database: db.databaseName,
      collection: 'replica',
      'change.data.capture.handler':
        'com.mongodb.kafka.connect.sink.cdc.mongodb.ChangeStreamHandler',
    });
    await sink.put(
      events.map(
        (e, i) =>
          new SinkRecord({
            topic: e.topic,
            kafkaPartition: 0,
            kafkaOffset: i,
            keySchema: null,
            key: e.key,
            valueSchema: null,
            value: e.value,
          }),
      ),
    );
    await sink.stop();
    expect(await db.collection('replica').find().toArray()).toEqual(await from.find().toArray());
  });
});
