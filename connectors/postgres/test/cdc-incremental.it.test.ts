import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CdcRun,
  cdcProps,
  dropReplicationObjects,
  type JsonRecord,
  uniqueName,
} from './cdc-harness.js';
import { connect, freshSchema, MemoryOffsets } from './harness.js';

let admin: pg.Client;
let schema: string;
const running: CdcRun[] = [];

beforeAll(async () => {
  admin = await connect();
  schema = await freshSchema(admin, 'cdcinc');
  await admin.query(
    `CREATE TABLE "${schema}".signals (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048))`,
  );
});

afterEach(async () => {
  for (const run of running.splice(0)) await run.stop();
});

afterAll(async () => {
  await dropReplicationObjects(admin);
  await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
  await admin.end();
});

function props(table: string, extra: Record<string, string> = {}) {
  return cdcProps(schema, {
    'table.include.list': `${schema}\\.${table}`,
    'snapshot.mode': 'no_data',
    'signal.data.collection': `${schema}.signals`,
    'incremental.snapshot.chunk.size': '50',
    ...extra,
  });
}

async function signal(type: string, tables: string[]): Promise<void> {
  await admin.query(`INSERT INTO "${schema}".signals VALUES ($1, $2, $3)`, [
    uniqueName('sig'),
    type,
    JSON.stringify({ 'data-collections': tables, type: 'incremental' }),
  ]);
}

/** Applies the topic's events in order: what a compacted topic or a sink would hold. */
function fold(records: readonly JsonRecord[], table: string): Map<number, unknown> {
  const rows = new Map<number, unknown>();
  for (const r of records) {
    if (r.value === null || r.value.payload.source?.table !== table) continue;
    const p = r.value.payload;
    if (p.op === 'd') rows.delete(p.before.id);
    else rows.set(p.after.id, p.after);
  }
  return rows;
}

async function tableRows(table: string): Promise<Map<number, unknown>> {
  const { rows } = await admin.query(`SELECT id, v FROM "${schema}".${table} ORDER BY id`);
  return new Map(rows.map((r) => [r.id as number, { id: r.id, v: r.v }]));
}

/**
 * Random inserts, updates and deletes until stopped, at most `limit` of them: each touches at
 * most one of the snapshotted rows, so however slow the snapshot, at least 1000 - `limit` of
 * them are still there, unchanged, to be read.
 */
function writer(table: string, limit = 400) {
  let stop = false;
  let next = 100_000;
  const done = (async () => {
    for (let n = 0; n < limit && !stop; n++) {
      const id = 1 + Math.floor(Math.random() * 1200);
      const what = Math.random();
      if (what < 0.5)
        await admin.query(`UPDATE "${schema}".${table} SET v = v + 1 WHERE id = $1`, [id]);
      else if (what < 0.75)
        await admin.query(`DELETE FROM "${schema}".${table} WHERE id = $1`, [id]);
      else await admin.query(`INSERT INTO "${schema}".${table} VALUES ($1, 0)`, [next++]);
    }
  })();
  return {
    async stop() {
      stop = true;
      await done;
    },
  };
}

async function until(run: CdcRun, done: () => boolean, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for the incremental snapshot: ${JSON.stringify(run.log.entries.slice(-5))}`,
      );
    }
    await run.pollOnce();
  }
}

const completed = (run: CdcRun) =>
  run.log.messages('info').includes('Incremental snapshot completed');

describe('PostgreSQL CDC incremental snapshots', () => {
  it('snapshots a table chunk by chunk while writes continue, and the topic ends consistent with the table', async () => {
    await admin.query(`CREATE TABLE "${schema}".live (id int PRIMARY KEY, v int NOT NULL)`);
    await admin.query(`INSERT INTO "${schema}".live SELECT g, 0 FROM generate_series(1, 1000) g`);
    const run = await CdcRun.start(props('live'));
    running.push(run);
    await run.drain(200);
    const writes = writer('live');
    await signal('execute-snapshot', [`${schema}.live`]);
    await until(run, () => completed(run));
    await writes.stop();
    // A last row marks the end of the writes: once it arrived, everything before it did.
    await admin.query(`INSERT INTO "${schema}".live VALUES (999999, 0)`);
    await until(run, () => run.records.some((r) => r.value?.payload.after?.id === 999999));
    const reads = run.records.filter((r) => r.value?.payload.op === 'r');
    expect(reads.length).toBeGreaterThan(500);
    expect(reads[0]?.value?.payload.source).toMatchObject({
      snapshot: 'incremental',
      txId: null,
      lsn: null,
    });
    expect(reads[0]?.offset).toMatchObject({
      incremental_snapshot_collections: expect.stringContaining(
        `"incremental_snapshot_collections_id":"${schema}.live"`,
      ),
      incremental_snapshot_maximum_key: expect.stringMatching(/^aced0005/),
    });
    // Nothing of the signal table (signals, watermarks) reaches the topics.
    expect(run.records.some((r) => r.topic.endsWith('.signals'))).toBe(false);
    expect(fold(run.records, 'live')).toEqual(await tableRows('live'));
    expect(run.records.at(-1)?.offset?.incremental_snapshot_collections).toBeUndefined();
  });

  it('resumes an interrupted incremental snapshot with the next chunk after a restart', async () => {
    await admin.query(`CREATE TABLE "${schema}".resumed (id int PRIMARY KEY, v int NOT NULL)`);
    await admin.query(`INSERT INTO "${schema}".resumed SELECT g, g FROM generate_series(1, 400) g`);
    const offsets = new MemoryOffsets();
    const slot = uniqueName('slot');
    const extra = {
      'slot.name': slot,
      'publication.name': `pub_${slot}`,
      'slot.drop.on.stop': 'false',
    };
    const first = await CdcRun.start(props('resumed', extra), offsets);
    await first.drain(200);
    await signal('execute-snapshot', [`${schema}.resumed`]);
    await until(
      first,
      () => first.records.filter((r) => r.value?.payload.op === 'r').length >= 120,
    );
    await first.stop();
    const second = await CdcRun.start(
      props('resumed', { ...extra, 'slot.drop.on.stop': 'true' }),
      offsets,
    );
    running.push(second);
    await until(second, () => completed(second));
    expect(
      second.log.messages('info').some((m) => m.startsWith('Resuming the incremental snapshot')),
    ).toBe(true);
    const firstIds = first.records
      .filter((r) => r.value?.payload.op === 'r')
      .map((r) => r.value?.payload.after.id);
    const secondIds = second.records
      .filter((r) => r.value?.payload.op === 'r')
      .map((r) => r.value?.payload.after.id);
    // The second run starts where the committed offset stopped: nothing is skipped, and it does not start over.
    expect(new Set([...firstIds, ...secondIds]).size).toBe(400);
    expect(secondIds[0]).toBeGreaterThan(1);
  });

  it('stops a running incremental snapshot on stop-snapshot', async () => {
    await admin.query(`CREATE TABLE "${schema}".stopped (id int PRIMARY KEY, v int NOT NULL)`);
    await admin.query(
      `INSERT INTO "${schema}".stopped SELECT g, g FROM generate_series(1, 2000) g`,
    );
    // Heartbeats carry the offset after the stop.
    const run = await CdcRun.start(props('stopped', { 'heartbeat.interval.ms': '100' }));
    running.push(run);
    await run.drain(200);
    await signal('execute-snapshot', [`${schema}.stopped`]);
    await until(run, () => run.records.some((r) => r.value?.payload.op === 'r'));
    await signal('stop-snapshot', [`${schema}.stopped`]);
    await until(run, () => run.log.messages('info').some((m) => m.includes('stopped by signal')));
    await run.drain(500);
    expect(run.records.filter((r) => r.value?.payload.op === 'r').length).toBeLessThan(2000);
    expect(run.records.at(-1)?.topic).toBe('__debezium-heartbeat.cdc');
    expect(run.records.at(-1)?.offset?.incremental_snapshot_collections).toBeUndefined();
  });
});
