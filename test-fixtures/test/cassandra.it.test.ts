import { randomUUID } from 'node:crypto';
import cassandraDriver from 'cassandra-driver';
import { afterAll, describe, expect, it } from 'vitest';
import { cassandraContactPoints } from '../src/connection-info.js';

describe('cassandra service', () => {
  const client = new cassandraDriver.Client({
    contactPoints: cassandraContactPoints(),
    localDataCenter: 'datacenter1',
    // Schema changes wait for the node's schema agreement, which takes well over the
    // driver's 12 s default while the rest of the suite loads both cores.
    socketOptions: { readTimeout: 60_000 },
  });

  afterAll(async () => {
    await client.shutdown();
  });

  it('reads back a row written with CQL', async () => {
    const keyspace = `test_fixtures_${randomUUID().replaceAll('-', '')}`;
    await client.execute(
      `CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    await client.execute(
      `CREATE TABLE ${keyspace}.orders (id uuid PRIMARY KEY, note text, amount decimal, placed timestamp)`,
    );
    const id = cassandraDriver.types.Uuid.random();
    const placed = new Date('2026-01-02T03:04:05.678Z');
    await client.execute(
      `INSERT INTO ${keyspace}.orders (id, note, amount, placed) VALUES (?, ?, ?, ?)`,
      [id, 'hello sluice', cassandraDriver.types.BigDecimal.fromString('12.34'), placed],
      { prepare: true },
    );

    const result = await client.execute(
      `SELECT note, amount, placed FROM ${keyspace}.orders WHERE id = ?`,
      [id],
      { prepare: true },
    );
    const row = result.first();
    expect(row.get('note')).toBe('hello sluice');
    expect(row.get('amount').toString()).toBe('12.34');
    expect(row.get('placed')).toEqual(placed);

    await client.execute(`DROP KEYSPACE ${keyspace}`);
  });
});
