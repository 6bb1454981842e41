import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CdcRun, cdcProps, dropReplicationObjects, summary, uniqueName } from './cdc-harness.js';
import { connect, freshSchema, MemoryOffsets } from './harness.js';

let admin: pg.Client;
let schema: string;
const running: CdcRun[] = [];

beforeAll(async () => {
  admin = await connect();
  schema = await freshSchema(admin, 'cdcopt');
});

afterEach(async () => {
  for (const run of running.splice(0)) await run.stop();
});

afterAll(async () => {
  await dropReplicationObjects(admin);
  await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
  await admin.end();
});

async function start(extra: Record<string, string>, offsets?: MemoryOffsets): Promise<CdcRun> {
  const run = await CdcRun.start(cdcProps(schema, extra), offsets);
  running.push(run);
  return run;
}

/** Stops a run now (its slot dropped or kept by `slot.drop.on.stop`). */
async function stop(run: CdcRun): Promise<void> {
  running.splice(running.indexOf(run), 1);
  await run.stop();
}

describe('PostgreSQL CDC options', () => {
  it('captures only the tables and columns the filters admit, keys by message.key.columns, and leaves out tombstones when tombstones.on.delete=false', async () => {
    await admin.query(
      `CREATE TABLE "${schema}".people (id int PRIMARY KEY, email text NOT NULL, secret text, note text)`,
    );
    // The old row of a delete holds the key columns of the replica identity only: a key of other
    // columns needs REPLICA IDENTITY FULL (without it, Debezium and Sluice key deletes with the
    // columns' fallback values).
    await admin.query(`ALTER TABLE "${schema}".people REPLICA IDENTITY FULL`);
    await admin.query(`CREATE TABLE "${schema}".audit (id int PRIMARY KEY)`);
    await admin.query(`INSERT INTO "${schema}".people VALUES (1, 'a@x', 's1', 'n1')`);
    await admin.query(`INSERT INTO "${schema}".audit VALUES (1)`);
    const run = await start({
      'table.exclude.list': `${schema}\\.audit`,
      'column.exclude.list': `${schema}\\.people\\.(secret|note)`,
      'message.key.columns': `${schema}\\.people:email`,
      'tombstones.on.delete': 'false',
    });
    const snapshot = await run.take(1);
    expect(snapshot.map(summary)).toEqual(['r {"email":"a@x"}']);
    expect(snapshot[0]?.value?.payload.after).toEqual({ id: 1, email: 'a@x' });

    await admin.query(`INSERT INTO "${schema}".audit VALUES (2)`);
    await admin.query(`INSERT INTO "${schema}".people VALUES (2, 'b@x', 's2', 'n2')`);
    await admin.query(`DELETE FROM "${schema}".people WHERE id = 1`);
    const changes = await run.take(2);
    expect(changes.map(summary)).toEqual(['c {"email":"b@x"}', 'd {"email":"a@x"}']);
    expect(changes.map((r) => r.topic)).toEqual([`cdc.${schema}.people`, `cdc.${schema}.people`]);
    expect(changes[0]?.value?.payload.after).toEqual({ id: 2, email: 'b@x' });
    expect(changes[1]?.value?.payload.before).toEqual({ id: 1, email: 'a@x' });
    // Neither the excluded table's insert nor a tombstone after the delete.
    expect((await run.drain(500)).filter((r) => !r.topic.startsWith('__debezium'))).toEqual([]);
  });

  it('takes only the column.include.list columns', async () => {
    await admin.query(`CREATE TABLE "${schema}".narrow (id int PRIMARY KEY, a int, b int)`);
    await admin.query(`INSERT INTO "${schema}".narrow VALUES (1, 10, 20)`);
    const run = await start({
      'table.include.list': `${schema}\\.narrow`,
      'column.include.list': `${schema}\\.narrow\\.(id|b)`,
    });
    expect((await run.take(1))[0]?.value?.payload.after).toEqual({ id: 1, b: 20 });
    await admin.query(`UPDATE "${schema}".narrow SET a = 11, b = 21`);
    expect((await run.take(1))[0]?.value?.payload.after).toEqual({ id: 1, b: 21 });
  });

  it('snapshot.mode=initial_only copies the tables and streams nothing after', async () => {
    await admin.query(`CREATE TABLE "${schema}".once (id int PRIMARY KEY)`);
    await admin.query(`INSERT INTO "${schema}".once VALUES (1), (2)`);
    const run = await start({
      'table.include.list': `${schema}\\.once`,
      'snapshot.mode': 'initial_only',
    });
    expect((await run.take(2)).map(summary)).toEqual(['r {"id":1}', 'r {"id":2}']);
    await admin.query(`INSERT INTO "${schema}".once VALUES (3)`);
    expect(await run.drain(1000)).toEqual([]);
  });

  it('snapshot.mode=always copies the tables again at every start, then streams', async () => {
    await admin.query(`CREATE TABLE "${schema}".again (id int PRIMARY KEY)`);
    await admin.query(`INSERT INTO "${schema}".again VALUES (1)`);
    const offsets = new MemoryOffsets();
    const slot = uniqueName('slot');
    const extra = {
      'table.include.list': `${schema}\\.again`,
      'snapshot.mode': 'always',
      'slot.name': slot,
      'publication.name': `pub_${slot}`,
      'slot.drop.on.stop': 'false',
    };
    const first = await start(extra, offsets);
    expect((await first.take(1)).map(summary)).toEqual(['r {"id":1}']);
    await admin.query(`INSERT INTO "${schema}".again VALUES (2)`);
    expect((await first.take(1)).map(summary)).toEqual(['c {"id":2}']);
    await stop(first);
    const second = await start({ ...extra, 'slot.drop.on.stop': 'true' }, offsets);
    expect((await second.take(2)).map(summary)).toEqual(['r {"id":1}', 'r {"id":2}']);
    await admin.query(`INSERT INTO "${schema}".again VALUES (3)`);
    expect((await second.take(1)).map(summary)).toEqual(['c {"id":3}']);
  });

  it('snapshot.mode=when_needed copies the tables again when the slot of a stored offset is gone; initial does not', async () => {
    await admin.query(`CREATE TABLE "${schema}".needed (id int PRIMARY KEY)`);
    await admin.query(`INSERT INTO "${schema}".needed VALUES (1)`);
    const offsets = new MemoryOffsets();
    const slot = uniqueName('slot');
    const extra = {
      'table.include.list': `${schema}\\.needed`,
      'slot.name': slot,
      'publication.name': `pub_${slot}`,
    };
    const first = await start({ ...extra, 'snapshot.mode': 'when_needed' }, offsets);
    expect((await first.take(1)).map(summary)).toEqual(['r {"id":1}']);
    await stop(first); // drops the slot (slot.drop.on.stop=true)
    await admin.query(`INSERT INTO "${schema}".needed VALUES (2)`);

    // initial: an offset is stored, so no snapshot, although the change above is lost with the slot.
    const copy = new MemoryOffsets();
    for (const [partition, offset] of offsets.stored) copy.stored.set(partition, offset);
    const plain = await start({ ...extra, 'snapshot.mode': 'initial' }, copy);
    expect(await plain.drain(1000)).toEqual([]);
    expect(plain.log.messages().join('\n')).toMatch(/did not exist although an offset is stored/);
    await stop(plain);

    const second = await start({ ...extra, 'snapshot.mode': 'when_needed' }, offsets);
    expect((await second.take(2)).map(summary)).toEqual(['r {"id":1}', 'r {"id":2}']);
  });
});
