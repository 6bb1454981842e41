/**
 * Through the real Kafka broker with the Sluice standalone worker, the connectors found by their
 * mongo-kafka class names through plugin.path, against FerretDB.
 */
import { createStandalone, type StandaloneHerder } from '@sluice/runtime';
import { mongodbUrl } from '@sluice/test-fixtures';
import { Binary, BSON, type Db, Int32, Long, type MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, mongoClient } from './harness.js';
import {
  createTopics,
  failures,
  log,
  produce,
  readTopic,
  unique,
  waitFor,
  workerProps,
} from './kafka.js';

let client: MongoClient;
let db: Db;
let herder: StandaloneHerder;

beforeAll(async () => {
  client = await mongoClient();
  db = freshDb(client, 'e2e');
  ({ herder } = await createStandalone(await workerProps(), { log }));
  await herder.start();
});

afterAll(async () => {
  await herder?.stop();
  await db?.dropDatabase();
  await client?.close();
});

const text = (bytes: Uint8Array | null) => new TextDecoder().decode(bytes ?? new Uint8Array());
const STRINGS = {
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
};

/**
 * A JsonConverter record {_id, name, qty (int64), at (Timestamp)}; without _id when `id` is null.
 * (No Decimal: FerretDB 1.x drops the connection on a Decimal128, see test-fixtures' README.)
 */
function order(id: number | null, name: string): string {
  const fields = [
    { field: 'name', type: 'string', optional: false },
    { field: 'qty', type: 'int64', optional: false },
    {
      field: 'at',
      type: 'int64',
      name: 'org.apache.kafka.connect.data.Timestamp',
      optional: false,
    },
  ];
  if (id !== null) fields.unshift({ field: '_id', type: 'int32', optional: false });
  const payload = {
    ...(id === null ? {} : { _id: id }),
    name,
    qty: 2 ** 40,
    at: 1_700_000_000_123,
  };
  return JSON.stringify({ schema: { type: 'struct', fields, optional: false }, payload });
}

async function waitRunning(name: string): Promise<void> {
  await waitFor(`${name} running`, () => {
    const failed = failures(herder, [name]);
    if (failed.length > 0) throw new Error(failed.join('\n'));
    return herder.connectorStatus(name).tasks.some((t) => t.state === 'RUNNING');
  });
}

describe('end to end through Kafka', () => {
  it('sinks JsonConverter records; a record without an id and a write MongoDB refuses go to the DLQ with the reason, the rest is written', async () => {
    const topic = unique('orders');
    const dlq = unique('orders-dlq');
    await createTopics(topic, dlq);
    const values = Array.from({ length: 300 }, (_, i) => order(i, `order ${i}`));
    values.splice(100, 0, order(null, 'no id'));
    values.splice(200, 0, order(5, 'duplicate of 5'));
    await produce(topic, values);
    const name = unique('sink');
    await herder.putConnectorConfig(
      name,
      {
        'connector.class': 'com.mongodb.kafka.connect.MongoSinkConnector',
        topics: topic,
        'connection.uri': mongodbUrl(),
        database: db.databaseName,
        collection: 'orders',
        'document.id.strategy':
          'com.mongodb.kafka.connect.sink.processor.id.strategy.ProvidedInValueStrategy',
        'writemodel.strategy':
          'com.mongodb.kafka.connect.sink.writemodel.strategy.InsertOneDefaultStrategy',
        'max.batch.size': '50',
        'errors.tolerance': 'all',
        'errors.deadletterqueue.topic.name': dlq,
        'errors.deadletterqueue.topic.replication.factor': '1',
        'errors.deadletterqueue.context.headers.enable': 'true',
      },
      false,
    );
    try {
      await waitRunning(name);
      const coll = db.collection('orders');
      await waitFor('300 documents', async () => (await coll.countDocuments()) === 300);
      const five = await coll.findOne({ _id: 5 as never }, { promoteValues: false });
      expect(BSON.EJSON.stringify(five, { relaxed: false })).toBe(
        '{"_id":{"$numberInt":"5"},"name":"order 5","qty":{"$numberLong":"1099511627776"},"at":{"$date":{"$numberLong":"1700000000123"}}}',
      );
      const dead = await readTopic(dlq, (records) => records.length >= 2);
      const reasons = dead.map((r) => {
        const header = (key: string) => text(r.headers.find((h) => h.key === key)?.value ?? null);
        return {
          offset: header('__connect.errors.offset'),
          message: header('__connect.errors.exception.message'),
        };
      });
      expect(reasons).toEqual([
        {
          offset: '100',
          message: expect.stringContaining(
            'Provided id strategy is used but the document structure either contained no _id field',
          ),
        },
        { offset: '200', message: expect.stringMatching(/E11000|duplicate key/) },
      ]);
    } finally {
      await herder.deleteConnector(name);
    }
  });

  it('copies a collection with the polling source, then new documents, and a sink with the change stream CDC handler replays them into another collection exactly', async () => {
    const source = db.collection('source');
    const doc = (n: number) => ({
      _id: new ObjectId(),
      n: new Int32(n),
      big: Long.fromString(`900719925474099${n % 10}`),
      at: new Date(1_700_000_000_000 + n),
      uuid: new Binary(Buffer.alloc(16, n), 4),
      nested: { list: [new Int32(n), 'x', { deep: null }] },
    });
    const docs = Array.from({ length: 40 }, (_, n) => doc(n));
    await source.insertMany(docs.slice(0, 30));
    const topic = `${db.databaseName}.source`;
    await createTopics(topic);
    const sourceName = unique('source');
    const sinkName = unique('replay');
    await herder.putConnectorConfig(
      sourceName,
      {
        'connector.class': 'com.mongodb.kafka.connect.MongoSourceConnector',
        'connection.uri': mongodbUrl(),
        database: db.databaseName,
        collection: 'source',
        'polling.mode': 'incrementing',
        'polling.interval.ms': '200',
        'startup.mode': 'copy_existing',
        ...STRINGS,
      },
      false,
    );
    await herder.putConnectorConfig(
      sinkName,
      {
        'connector.class': 'com.mongodb.kafka.connect.MongoSinkConnector',
        topics: topic,
        'connection.uri': mongodbUrl(),
        database: db.databaseName,
        collection: 'replayed',
        'change.data.capture.handler':
          'com.mongodb.kafka.connect.sink.cdc.mongodb.ChangeStreamHandler',
        ...STRINGS,
      },
      false,
    );
    try {
      await waitRunning(sourceName);
      await waitRunning(sinkName);
      const replayed = db.collection('replayed');
      await waitFor('30 copied', async () => (await replayed.countDocuments()) === 30);
      await source.insertMany(docs.slice(30));
      await waitFor('40 replayed', async () => (await replayed.countDocuments()) === 40);
      const canonical = async (name: string) =>
        BSON.EJSON.stringify(
          await db.collection(name).find({}, { promoteValues: false }).sort({ _id: 1 }).toArray(),
          { relaxed: false },
        );
      expect(await canonical('replayed')).toBe(await canonical('source'));
      const events = await readTopic(topic, (records) => records.length >= 40);
      expect(events).toHaveLength(40);
      const first = JSON.parse(text(events[0]?.value ?? null));
      expect(first.operationType).toBe('insert');
      expect(first.fullDocument.big).toEqual({ $numberLong: '9007199254740990' });
    } finally {
      await herder.deleteConnector(sourceName);
      await herder.deleteConnector(sinkName);
    }
  });
});
