import { ConnectException, type Struct } from '@sluice/api';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CdcRun,
  cdcProps,
  dropReplicationObjects,
  slotPositions,
  summary,
  uniqueName,
} from './cdc-harness.js';
import { connect, freshSchema, MemoryOffsets } from './harness.js';

let admin: pg.Client;
let schema: string;
const running: CdcRun[] = [];

beforeAll(async () => {
  admin = await connect();
  schema = await freshSchema(admin, 'cdc');
});

afterEach(async () => {
  for (const run of running.splice(0)) await run.stop();
});

afterAll(async () => {
  await dropReplicationObjects(admin);
  await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
  await admin.end();
});

async function start(table: string, extra: Record<string, string> = {}, offsets?: MemoryOffsets) {
  const props = cdcProps(schema, { 'table.include.list': `${schema}\\.${table}`, ...extra });
  const run = await CdcRun.start(props, offsets);
  running.push(run);
  return { run, props };
}

describe('PostgreSQL CDC source', () => {
  it('snapshots existing rows as r events, then streams inserts, updates and deletes with tombstones, in commit order', async () => {
    await admin.query(
      `CREATE TABLE "${schema}".orders (id int PRIMARY KEY, item text NOT NULL, qty int)`,
    );
    await admin.query(`INSERT INTO "${schema}".orders VALUES (1, 'apple', 3), (2, 'pear', 5)`);
    const { run } = await start('orders');
    const snapshot = await run.take(2);
    expect(snapshot.map(summary)).toEqual(['r {"id":1}', 'r {"id":2}']);
    expect(snapshot.map((r) => r.value?.payload.source.snapshot)).toEqual(['first', 'last']);
    expect(snapshot[0]?.topic).toBe(`cdc.${schema}.orders`);
    expect(snapshot[0]?.value?.schema.name).toBe(`cdc.${schema}.orders.Envelope`);
    expect(snapshot[0]?.value?.payload.after).toEqual({ id: 1, item: 'apple', qty: 3 });
    expect(snapshot[1]?.offset).toMatchObject({
      snapshot: 'INITIAL',
      last_snapshot_record: true,
      snapshot_completed: true,
    });

    await admin.query('BEGIN');
    await admin.query(`INSERT INTO "${schema}".orders VALUES (3, 'plum', 1)`);
    await admin.query(`UPDATE "${schema}".orders SET qty = 4 WHERE id = 1`);
    await admin.query('COMMIT');
    await admin.query(`DELETE FROM "${schema}".orders WHERE id = 2`);
    const changes = await run.take(4);
    expect(changes.map(summary)).toEqual([
      'c {"id":3}',
      'u {"id":1}',
      'd {"id":2}',
      'tombstone {"id":2}',
    ]);
    const [insert, update, del] = changes;
    expect(insert?.value?.payload).toMatchObject({
      op: 'c',
      before: null,
      after: { id: 3, item: 'plum', qty: 1 },
    });
    // REPLICA IDENTITY DEFAULT: no before image of an update, only the key of a delete.
    expect(update?.value?.payload).toMatchObject({
      op: 'u',
      before: null,
      after: { id: 1, item: 'apple', qty: 4 },
    });
    expect(del?.value?.payload).toMatchObject({
      op: 'd',
      after: null,
      before: { id: 2, qty: null },
    });
    const source = insert?.value?.payload.source;
    expect(source).toMatchObject({
      connector: 'postgresql',
      name: 'cdc',
      snapshot: 'false',
      schema,
      table: 'orders',
    });
    expect(source.txId).toBe(update?.value?.payload.source.txId);
    expect(source.lsn).toBeLessThan(update?.value?.payload.source.lsn);
    expect(JSON.parse(source.sequence)[1]).toBe(String(source.lsn));
    expect(insert?.offset).toMatchObject({
      lsn: source.lsn,
      lsn_proc: source.lsn,
      txId: source.txId,
      messageType: 'INSERT',
    });
    // The first transaction after a snapshot has no commit before it; later ones do.
    expect(Object.keys(insert?.offset ?? {}).sort()).toEqual([
      'lsn',
      'lsn_proc',
      'messageType',
      'ts_usec',
      'txId',
    ]);
    // The tombstone carries the delete's position; the delete the one before it (see the README).
    const tombstone = changes[3];
    expect(tombstone?.offset).toMatchObject({
      messageType: 'DELETE',
      lsn: del?.value?.payload.source.lsn,
    });
    expect(tombstone?.offset?.lsn_commit).toBeGreaterThan(update?.value?.payload.source.lsn);
    expect(del?.offset).toEqual(update?.offset);
  });

  it('confirms the slot position only for records acknowledged with everything before them, at commit', async () => {
    await admin.query(`CREATE TABLE "${schema}".acks (id int PRIMARY KEY)`);
    const { run, props } = await start('acks', { 'snapshot.mode': 'no_data' });
    const slot = props['slot.name'] as string;
    await run.drain(300);
    const initial = await slotPositions(admin, slot);
    await admin.query(`INSERT INTO "${schema}".acks VALUES (1)`);
    await admin.query(`INSERT INTO "${schema}".acks VALUES (2)`);
    await admin.query(`INSERT INTO "${schema}".acks VALUES (3)`);
    const polled: Awaited<ReturnType<typeof run.task.poll>> = [];
    while ((polled ?? []).length < 3) polled?.push(...((await run.task.poll()) ?? []));
    const [first, second, third] = polled ?? [];
    // Acknowledged out of order: the third and first, not the second.
    run.task.commitRecord(third as never, null);
    run.task.commitRecord(first as never, null);
    run.task.commit();
    await new Promise((r) => setTimeout(r, 300));
    const afterFirst = await slotPositions(admin, slot);
    expect(afterFirst?.confirmed).toBe(initial?.confirmed);
    run.task.commitRecord(second as never, null);
    run.task.commit();
    const deadline = Date.now() + 10_000;
    let after = await slotPositions(admin, slot);
    while ((after?.confirmed ?? 0n) <= (initial?.confirmed ?? 0n) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      after = await slotPositions(admin, slot);
    }
    // The third record's lsn_commit: the end of the second insert's transaction.
    expect(after?.confirmed).toBe(BigInt(third?.sourceOffset?.lsn_commit as number));
  });

  it('resumes after a restart from the committed offset: nothing skipped, nothing sent twice', async () => {
    await admin.query(`CREATE TABLE "${schema}".resume (id int PRIMARY KEY)`);
    const offsets = new MemoryOffsets();
    const slot = uniqueName('slot');
    const extra = {
      'slot.name': slot,
      'publication.name': `pub_${slot}`,
      'slot.drop.on.stop': 'false',
    };
    const first = await start('resume', extra, offsets);
    await admin.query(`INSERT INTO "${schema}".resume SELECT g FROM generate_series(1, 5) g`);
    await admin.query(`INSERT INTO "${schema}".resume VALUES (6)`);
    expect((await first.run.take(6)).map(summary)).toHaveLength(6);
    await first.run.stop();
    running.splice(running.indexOf(first.run), 1);
    await admin.query(`INSERT INTO "${schema}".resume VALUES (7), (8)`);
    const second = await start('resume', { ...extra, 'slot.drop.on.stop': 'true' }, offsets);
    const next = await second.run.take(2);
    expect(next.map(summary)).toEqual(['c {"id":7}', 'c {"id":8}']);
    expect(await second.run.drain(500)).toEqual([]);
  });

  it('sends before images under REPLICA IDENTITY FULL and the placeholder for unchanged TOASTed values', async () => {
    await admin.query(`CREATE TABLE "${schema}".docs (id int PRIMARY KEY, title text, body text)`);
    await admin.query(
      `CREATE TABLE "${schema}".full_docs (id int PRIMARY KEY, title text, body text)`,
    );
    await admin.query(`ALTER TABLE "${schema}".full_docs REPLICA IDENTITY FULL`);
    const big = "(SELECT string_agg(md5(g::text), '') FROM generate_series(1, 500) g)";
    await admin.query(`INSERT INTO "${schema}".docs VALUES (1, 'a', ${big})`);
    await admin.query(`INSERT INTO "${schema}".full_docs VALUES (1, 'a', ${big})`);
    const { run } = await start('(docs|full_docs)', {
      'snapshot.mode': 'no_data',
      'unavailable.value.placeholder': '<unchanged>',
    });
    await run.drain(300);
    await admin.query(`UPDATE "${schema}".docs SET title = 'b' WHERE id = 1`);
    await admin.query(`UPDATE "${schema}".full_docs SET title = 'b' WHERE id = 1`);
    await admin.query(`DELETE FROM "${schema}".full_docs WHERE id = 1`);
    const [docs, full, fullDelete] = await run.take(4);
    expect(docs?.value?.payload.after).toEqual({ id: 1, title: 'b', body: '<unchanged>' });
    expect(full?.value?.payload.before).toMatchObject({ id: 1, title: 'a' });
    expect(String(full?.value?.payload.before.body).length).toBe(16000);
    expect(full?.value?.payload.after.body).toBe(full?.value?.payload.before.body);
    expect(fullDelete?.value?.payload.before).toMatchObject({ id: 1, title: 'b' });
  });

  it('turns an update of the primary key into a delete, a tombstone and a create with the other key in headers', async () => {
    await admin.query(`CREATE TABLE "${schema}".keys (id int PRIMARY KEY, v text)`);
    const { run } = await start('keys', { 'snapshot.mode': 'no_data' });
    await run.drain(300);
    await admin.query(`INSERT INTO "${schema}".keys VALUES (1, 'x')`);
    await admin.query(`UPDATE "${schema}".keys SET id = 2 WHERE id = 1`);
    const records = await run.take(4);
    expect(records.map(summary)).toEqual([
      'c {"id":1}',
      'd {"id":1}',
      'tombstone {"id":1}',
      'c {"id":2}',
    ]);
    expect((records[1]?.headers['__debezium.newkey'] as Struct | undefined)?.get('id')).toBe(2);
    expect((records[3]?.headers['__debezium.oldkey'] as Struct | undefined)?.get('id')).toBe(1);
    // Only the last record of the message carries its own position: a restart after the delete
    // alone reached Kafka replays the whole update.
    expect(records[1]?.offset).toEqual(records[0]?.offset);
    expect(records[3]?.offset?.messageType).toBe('UPDATE');
  });

  it('emits truncate events when skipped.operations does not skip them (Debezium skips t by default)', async () => {
    await admin.query(`CREATE TABLE "${schema}".trunc (id int PRIMARY KEY)`);
    const skipping = await start('trunc', { 'snapshot.mode': 'no_data' });
    const emitting = await start('trunc', {
      'snapshot.mode': 'no_data',
      'skipped.operations': 'none',
    });
    await skipping.run.drain(200);
    await emitting.run.drain(200);
    await admin.query(`INSERT INTO "${schema}".trunc VALUES (1)`);
    await admin.query(`TRUNCATE "${schema}".trunc`);
    await admin.query(`INSERT INTO "${schema}".trunc VALUES (2)`);
    expect((await skipping.run.take(2)).map(summary)).toEqual(['c {"id":1}', 'c {"id":2}']);
    const records = await emitting.run.take(3);
    expect(records.map(summary)).toEqual(['c {"id":1}', 't null', 'c {"id":2}']);
    expect(records[1]?.value?.payload).toMatchObject({
      op: 't',
      before: null,
      after: null,
      source: { table: 'trunc' },
    });
  });

  it('writes transaction metadata: BEGIN and END records and each event’s transaction block', async () => {
    await admin.query(`CREATE TABLE "${schema}".tx_a (id int PRIMARY KEY)`);
    await admin.query(`CREATE TABLE "${schema}".tx_b (id int PRIMARY KEY)`);
    const { run } = await start('tx_.', {
      'snapshot.mode': 'no_data',
      'provide.transaction.metadata': 'true',
    });
    await run.drain(300);
    await admin.query('BEGIN');
    await admin.query(`INSERT INTO "${schema}".tx_a VALUES (1), (2)`);
    await admin.query(`INSERT INTO "${schema}".tx_b VALUES (1)`);
    await admin.query('COMMIT');
    const records = await run.take(5);
    expect(records.map((r) => r.topic)).toEqual([
      'cdc.transaction',
      `cdc.${schema}.tx_a`,
      `cdc.${schema}.tx_a`,
      `cdc.${schema}.tx_b`,
      'cdc.transaction',
    ]);
    const xid = records[1]?.value?.payload.source.txId;
    expect(records[0]?.value?.payload).toMatchObject({ status: 'BEGIN', event_count: null });
    expect(records[0]?.value?.payload.id).toMatch(new RegExp(`^${xid}:\\d+$`));
    expect(records.slice(1, 4).map((r) => r.value?.payload.transaction)).toEqual([
      {
        id: `${xid}:${records[1]?.value?.payload.source.lsn}`,
        total_order: 1,
        data_collection_order: 1,
      },
      {
        id: `${xid}:${records[2]?.value?.payload.source.lsn}`,
        total_order: 2,
        data_collection_order: 2,
      },
      {
        id: `${xid}:${records[3]?.value?.payload.source.lsn}`,
        total_order: 3,
        data_collection_order: 1,
      },
    ]);
    expect(records[4]?.value?.payload).toMatchObject({
      status: 'END',
      event_count: 3,
      // In the order of the java.util.HashMap Debezium counts them in.
      data_collections: expect.arrayContaining([
        { data_collection: `${schema}.tx_a`, event_count: 2 },
        { data_collection: `${schema}.tx_b`, event_count: 1 },
      ]),
    });
    expect(records[4]?.offset).toMatchObject({
      transaction_id: String(xid),
      [`transaction_data_collection_order_${schema}.tx_a`]: 2,
    });
  });

  it('refuses a user without the REPLICATION attribute, saying how to grant it', async () => {
    const role = uniqueName('norepl');
    await admin.query(`CREATE ROLE "${role}" LOGIN`);
    try {
      const props = cdcProps(schema, {
        'database.user': role,
        'snapshot.mode': 'no_data',
        'publication.autocreate.mode': 'disabled',
      });
      const error = await CdcRun.start(props).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConnectException);
      expect(String((error as Error).message)).toMatch(
        new RegExp(`ALTER ROLE "${role}" WITH REPLICATION`),
      );
    } finally {
      await admin.query(`DROP ROLE "${role}"`);
    }
  });
  it('refuses a user who may not create the publication, saying what to grant or create', async () => {
    await admin.query(`CREATE TABLE "${schema}".owned (id int PRIMARY KEY)`);
    const role = uniqueName('noowner');
    await admin.query(`CREATE ROLE "${role}" LOGIN REPLICATION`);
    try {
      await admin.query(`GRANT USAGE ON SCHEMA "${schema}" TO "${role}"`);
      await admin.query(`GRANT SELECT ON "${schema}".owned TO "${role}"`);
      const props = cdcProps(schema, {
        'database.user': role,
        'table.include.list': `${schema}\\.owned`,
        'snapshot.mode': 'no_data',
      });
      const error = await CdcRun.start(props).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConnectException);
      const message = String((error as Error).message);
      expect(message).toMatch(
        /Creating publication "pub_[^"]+" failed: (must be owner|permission denied)/,
      );
      expect(message).toMatch(
        /needs to own the captured tables .* set publication\.autocreate\.mode=disabled/,
      );
    } finally {
      await admin.query(`DROP OWNED BY "${role}"`);
      await admin.query(`DROP ROLE "${role}"`);
    }
  });
});
