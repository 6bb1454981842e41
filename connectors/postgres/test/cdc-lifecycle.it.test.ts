import { ConnectException } from '@sluice/api';
import { startScratchPostgres } from '@sluice/test-fixtures';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CdcRun,
  cdcProps,
  dropReplicationObjects,
  fieldSchema,
  slotPositions,
  summary,
} from './cdc-harness.js';
import { connect, freshSchema } from './harness.js';

let admin: pg.Client;
let schema: string;
const running: CdcRun[] = [];

beforeAll(async () => {
  admin = await connect();
  schema = await freshSchema(admin, 'cdclife');
});

afterEach(async () => {
  for (const run of running.splice(0)) await run.stop();
});

afterAll(async () => {
  await dropReplicationObjects(admin);
  await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
  await admin.end();
});

async function start(table: string, extra: Record<string, string> = {}) {
  const props = cdcProps(schema, {
    'table.include.list': `${schema}\\.${table}`,
    'snapshot.mode': 'no_data',
    ...extra,
  });
  const run = await CdcRun.start(props);
  running.push(run);
  await run.drain(200);
  return { run, props };
}

function afterFields(record: Parameters<typeof fieldSchema>[0]): string[] {
  return (fieldSchema(record, 'after').fields ?? []).map((f) => f.field as string);
}

describe('PostgreSQL CDC while the database changes', () => {
  it('picks up added and dropped columns mid-stream, without a restart', async () => {
    await admin.query(`CREATE TABLE "${schema}".evolving (id int PRIMARY KEY, a text)`);
    const { run } = await start('evolving');
    await admin.query(`INSERT INTO "${schema}".evolving VALUES (1, 'x')`);
    await admin.query(`ALTER TABLE "${schema}".evolving ADD COLUMN b int NOT NULL DEFAULT 7`);
    await admin.query(`INSERT INTO "${schema}".evolving VALUES (2, 'y', 8)`);
    await admin.query(`UPDATE "${schema}".evolving SET a = 'z' WHERE id = 1`);
    await admin.query(`ALTER TABLE "${schema}".evolving DROP COLUMN a`);
    await admin.query(`INSERT INTO "${schema}".evolving VALUES (3, 9)`);
    const records = await run.take(4);
    expect(records.map(summary)).toEqual(['c {"id":1}', 'c {"id":2}', 'u {"id":1}', 'c {"id":3}']);
    expect(afterFields(records[0])).toEqual(['id', 'a']);
    expect(afterFields(records[1])).toEqual(['id', 'a', 'b']);
    expect(records[1]?.value?.payload.after).toEqual({ id: 2, a: 'y', b: 8 });
    // The row written before the column existed reads its default afterwards.
    expect(records[2]?.value?.payload.after).toEqual({ id: 1, a: 'z', b: 7 });
    expect(fieldSchema(records[1], 'after').fields?.find((f) => f.field === 'b')).toMatchObject({
      optional: false,
      default: 7,
    });
    expect(afterFields(records[3])).toEqual(['id', 'b']);
    expect(
      run.log.messages('info').some((m) => m.includes('definition of') && m.includes('evolving')),
    ).toBe(true);
  });

  it('keeps the slot moving with heartbeats while the captured tables stay idle and other tables write WAL', async () => {
    await admin.query(`CREATE TABLE "${schema}".quiet (id int PRIMARY KEY)`);
    await admin.query(`CREATE TABLE "${schema}".busy (id serial PRIMARY KEY, v text)`);
    const { run, props } = await start('quiet', { 'heartbeat.interval.ms': '100' });
    const slot = props['slot.name'] as string;
    const initial = await slotPositions(admin, slot);
    // The server sends keepalives on its own only every wal_sender_timeout / 2 (30 s): the
    // connector asks for them, so the slot moves well within this.
    const deadline = Date.now() + 15_000;
    let now = initial;
    let heartbeats = 0;
    while (Date.now() < deadline && (now?.restart ?? 0n) <= (initial?.restart ?? 0n)) {
      await admin.query(`INSERT INTO "${schema}".busy (v) SELECT 'w' FROM generate_series(1, 200)`);
      // A checkpoint logs the running transactions, which lets the server move restart_lsn.
      await admin.query('CHECKPOINT');
      heartbeats += (await run.drain(300)).filter(
        (r) => r.topic === '__debezium-heartbeat.cdc',
      ).length;
      now = await slotPositions(admin, slot);
    }
    expect(heartbeats).toBeGreaterThan(0);
    expect(now?.confirmed).toBeGreaterThan(initial?.confirmed ?? 0n);
    expect(now?.restart).toBeGreaterThan(initial?.restart ?? 0n);
    const beat = run.records.find((r) => r.topic === '__debezium-heartbeat.cdc');
    expect(beat?.key?.payload).toEqual({ serverName: 'cdc' });
    expect(beat?.value?.schema.name).toBe('io.debezium.connector.common.Heartbeat');
    expect(beat?.offset).toMatchObject({ messageType: 'COMMIT' });
  });

  it('runs heartbeat.action.query at each heartbeat', async () => {
    await admin.query(
      `CREATE TABLE "${schema}".beats (id serial PRIMARY KEY, at timestamptz DEFAULT now())`,
    );
    const { run } = await start('beats', {
      'heartbeat.interval.ms': '100',
      'heartbeat.action.query': `INSERT INTO "${schema}".beats DEFAULT VALUES`,
    });
    const records = await run.take(2);
    expect(records.every((r) => r.value?.payload.op === 'c')).toBe(true);
  });

  it('refuses a server without wal_level=logical, saying what to change', async () => {
    const server = await startScratchPostgres({ wal_level: 'replica' });
    try {
      const url = new URL(server.url);
      const props = cdcProps(schema, {
        'database.port': url.port,
        'publication.autocreate.mode': 'disabled',
      });
      const error = await CdcRun.start(props).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConnectException);
      expect((error as Error).message).toMatch(
        /wal_level=replica; change data capture needs wal_level=logical.*ALTER SYSTEM SET wal_level = logical.*restart the server/,
      );
    } finally {
      await server.stop();
    }
  });
});
