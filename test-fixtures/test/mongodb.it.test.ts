import { randomUUID } from 'node:crypto';
import { Long, MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { mongodbUrl } from '../src/connection-info.js';

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
});
