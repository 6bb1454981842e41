import { randomUUID } from 'node:crypto';
import { Long, MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { mongodbUrl } from '../src/connection-info.js';
import { PrivateFerretDb } from '../src/private-ferretdb.js';

describe('mongodb service', () => {
  const client = new MongoClient(mongodbUrl());

  afterAll(async () => {
    await client.close();
  });

  it('finds the document an insert stored', async () => {
    const db = client.db(`test_fixtures_${randomUUID().replaceAll('-', '')}`);
    const orders = db.collection('orders');
    await orders.insertOne({
      _id: 'order-1' as never,
      note: 'hello sluice',
      quantity: Long.fromString('9007199254740993'),
      customer: { name: 'Ada', vip: true },
      placed: new Date('2026-01-02T03:04:05.678Z'),
      tags: ['a', 'b'],
    });
    await orders.insertOne({ _id: 'order-2' as never, note: 'another' });

    const found = await orders.findOne({ note: 'hello sluice' }, { promoteLongs: false });
    expect(found).toEqual({
      _id: 'order-1',
      note: 'hello sluice',
      quantity: Long.fromString('9007199254740993'),
      customer: { name: 'Ada', vip: true },
      placed: new Date('2026-01-02T03:04:05.678Z'),
      tags: ['a', 'b'],
    });

    await db.dropDatabase();
  });

  it('replaces 1,000 existing documents in one bulk write (the update handler releases its connections)', async () => {
    const db = client.db(`test_fixtures_${randomUUID().replaceAll('-', '')}`);
    const docs = db.collection('docs');
    const upserts = (round: number) =>
      Array.from({ length: 1000 }, (_, i) => ({
        replaceOne: {
          filter: { _id: `d${i}` as never },
          replacement: { n: i, round },
          upsert: true,
        },
      }));
    expect((await docs.bulkWrite(upserts(1))).upsertedCount).toBe(1000);
    // Unpatched, the 50th statement that matches a document waits forever for a connection.
    const second = await docs.bulkWrite(upserts(2));
    expect(second.matchedCount).toBe(1000);
    expect(second.modifiedCount).toBe(1000);
    expect(await docs.countDocuments({ round: 2 })).toBe(1000);
    await db.dropDatabase();
  });

  it('starts a private server that keeps its documents across a kill -9 and a restart', async () => {
    const server = await PrivateFerretDb.create();
    try {
      await server.start();
      const own = new MongoClient(server.url, { serverSelectionTimeoutMS: 5_000 });
      try {
        await own
          .db('kept')
          .collection('docs')
          .insertOne({ _id: 'survivor' as never, n: 1 });
      } finally {
        await own.close();
      }
      await server.kill('SIGKILL');
      await server.start();
      const again = new MongoClient(server.url, { serverSelectionTimeoutMS: 5_000 });
      try {
        expect(await again.db('kept').collection('docs').findOne({})).toEqual({
          _id: 'survivor',
          n: 1,
        });
      } finally {
        await again.close();
      }
    } finally {
      await server.destroy();
    }
  });
});
