import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUrl } from '../src/connection-info.js';

describe('postgres service', () => {
  const client = new pg.Client({ connectionString: postgresUrl() });

  beforeAll(async () => {
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
  });

  it('writes a row and reads it back', async () => {
    await client.query(
      'CREATE TEMP TABLE fixture_roundtrip (id int PRIMARY KEY, name text, at timestamptz)',
    );
    await client.query('INSERT INTO fixture_roundtrip VALUES ($1, $2, $3)', [
      7,
      'sluice',
      new Date('2024-01-02T03:04:05.678Z'),
    ]);
    const { rows } = await client.query(
      'SELECT id, name, at FROM fixture_roundtrip WHERE id = $1',
      [7],
    );
    expect(rows).toEqual([{ id: 7, name: 'sluice', at: new Date('2024-01-02T03:04:05.678Z') }]);
  });

  it('runs with logical decoding enabled, as CDC connectors need', async () => {
    const { rows } = await client.query('SHOW wal_level');
    expect(rows[0]?.wal_level).toBe('logical');
    const slot = `fixture_slot_${process.pid}`;
    await client.query("SELECT pg_create_logical_replication_slot($1, 'test_decoding')", [slot]);
    await client.query('SELECT pg_drop_replication_slot($1)', [slot]);
  });
});
