import { spawnWorkerProcess, type WorkerProcess } from '@sluice/connector-testkit';
import { mongodbUrl } from '@sluice/test-fixtures';
import type { Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, mongoClient } from './harness.js';
import {
  createTopics,
  produce,
  readTopic,
  topicSize,
  unique,
  waitFor,
  workerProps,
} from './kafka.js';

let client: MongoClient;
let db: Db;

beforeAll(async () => {
  client = await mongoClient();
  db = freshDb(client, 'crash');
});

afterAll(async () => {
  await db?.dropDatabase();
  await client?.close();
});

/** `waitFor`, whose timeout also says where the counts stood and what the worker printed. */
async function waitWithWorker(
  worker: WorkerProcess,
  what: string,
  check: () => Promise<boolean>,
  counts: () => Promise<string>,
  timeoutMs?: number,
): Promise<void> {
  try {
    await waitFor(what, check, timeoutMs);
  } catch (error) {
    throw new Error(
      `${(error as Error).message} (${await counts()}); worker output:\n${worker.output().slice(-4000)}`,
    );
  }
}

const SCHEMA = {
  type: 'struct',
  optional: false,
  fields: [
    { field: '_id', type: 'int32', optional: false },
    { field: 'n', type: 'string', optional: false },
  ],
};
const record = (id: number) =>
  JSON.stringify({ schema: SCHEMA, payload: { _id: id, n: `row ${id}` } });
const rows = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ _id: from + i, n: `doc ${from + i}` }));

describe('crashes', () => {
  it('loses nothing when the worker is killed (kill -9) while the sink and the polling source run, and restarted', async () => {
    const input = unique('crash-in');
    await createTopics(input);
    await produce(
      input,
      Array.from({ length: 5000 }, (_, i) => record(i)),
    );
    const source = db.collection('source');
    await source.insertMany(rows(0, 5000) as never[]);
    const output = `${db.databaseName}.source`;
    await createTopics(output);
    // Consumers of a killed worker leave the group after the session timeout: keep it short.
    const worker = await workerProps({
      'consumer.session.timeout.ms': '6000',
      'consumer.heartbeat.interval.ms': '1000',
      'consumer.max.poll.records': '100',
    });
    const connectors = {
      'mongodb-crash-sink': {
        'connector.class': 'com.mongodb.kafka.connect.MongoSinkConnector',
        topics: input,
        'connection.uri': mongodbUrl(),
        database: db.databaseName,
        collection: 'sink',
        'document.id.strategy':
          'com.mongodb.kafka.connect.sink.processor.id.strategy.ProvidedInValueStrategy',
        // Small bulk writes, so the kill lands in the middle of the stream.
        'max.batch.size': '20',
      },
      'mongodb-crash-source': {
        'connector.class': 'com.mongodb.kafka.connect.MongoSourceConnector',
        'connection.uri': mongodbUrl(),
        database: db.databaseName,
        collection: 'source',
        'polling.mode': 'incrementing',
        'polling.interval.ms': '200',
        'startup.mode': 'copy_existing',
        'poll.max.batch.size': '50',
        'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      },
    };
    const sink = db.collection('sink');
    const first = await spawnWorkerProcess(worker, connectors);
    try {
      await waitWithWorker(
        first,
        'some documents and records',
        async () => (await sink.countDocuments()) >= 300 && (await topicSize(output)) >= 300,
        async () => `documents ${await sink.countDocuments()}, records ${await topicSize(output)}`,
      );
    } finally {
      await first.kill();
    }
    const atKill = await sink.countDocuments();
    expect(atKill).toBeLessThan(5000);
    await produce(
      input,
      Array.from({ length: 1000 }, (_, i) => record(5000 + i)),
    );
    await source.insertMany(rows(5000, 1000) as never[]);
    const second = await spawnWorkerProcess(worker, connectors);
    try {
      await waitWithWorker(
        second,
        '6000 documents',
        async () => (await sink.countDocuments()) === 6000,
        async () => `documents ${await sink.countDocuments()}`,
        300_000,
      );
      const written = await sink.find().toArray();
      expect(written.every((d) => d.n === `row ${d._id}`)).toBe(true);
      // At least once: records sent before the kill but after the last offset flush come again.
      const ids = (records: readonly { value: Uint8Array | null }[]) =>
        new Set(
          records.map(
            (r) =>
              (
                JSON.parse(new TextDecoder().decode(r.value ?? new Uint8Array())) as {
                  documentKey: { _id: number };
                }
              ).documentKey._id,
          ),
        );
      const copied = await readTopic(output, (records) => ids(records).size >= 6000, 300_000);
      expect(ids(copied).size).toBe(6000);
    } finally {
      await second.kill();
    }
  }, 600_000);
});
