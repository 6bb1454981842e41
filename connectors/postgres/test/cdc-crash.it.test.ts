import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWorkerProcess } from '@sluice/connector-testkit';
import { createLogger, KafkajsClientFactory } from '@sluice/runtime';
import { kafkaBrokers } from '@sluice/test-fixtures';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cdcProps, dropReplicationObjects, slotPositions, uniqueName } from './cdc-harness.js';
import { connect, freshSchema } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
/** This package and the JSON converter, found through plugin.path like any installed plugin. */
/** The worker's log, kept in its output for the assertions and failure messages. */
const INFO = { SLUICE_LOG_LEVEL: 'info' };
const PLUGIN_PATH = [resolve(here, '..'), resolve(here, '../../../converters/json')].join(',');
const log = createLogger({ level: 'error' });
const clients = new KafkajsClientFactory({ 'bootstrap.servers': kafkaBrokers().join(',') }, log);

let admin: pg.Client;
let schema: string;

beforeAll(async () => {
  admin = await connect();
  schema = await freshSchema(admin, 'cdccrash');
});

afterAll(async () => {
  await dropReplicationObjects(admin);
  await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
  await admin.end();
});

interface Event {
  op: string;
  id: number;
  v: number | null;
}

/** The events of `topic` (a fresh consumer group each time), read until `done` says so or time is up. */
async function readTopic(
  topic: string,
  done: (events: Event[]) => boolean,
  timeoutMs: number,
): Promise<Event[]> {
  const events: Event[] = [];
  const consumer = clients.consumer({
    clientId: 'cdc-crash-reader',
    groupId: uniqueName('cdc_crash_reader'),
    overrides: {},
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      onBatch: async (records, control) => {
        for (const r of records) {
          if (r.value === null) continue;
          const payload = JSON.parse(Buffer.from(r.value).toString('utf8')).payload;
          const row = payload.after ?? payload.before;
          events.push({ op: payload.op, id: row.id, v: row.v });
        }
        const last = records[records.length - 1];
        if (last) control.markProcessed(last.offset);
      },
      onAssignment: async () => {},
      onCrash: () => {},
    });
    const deadline = Date.now() + timeoutMs;
    while (!done(events) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    return events;
  } finally {
    await consumer.disconnect();
  }
}

describe('PostgreSQL CDC through a worker that is killed', () => {
  it('after kill -9 mid-stream and a restart, every change is in Kafka: none lost, none skipped', async () => {
    await admin.query(`CREATE TABLE "${schema}".ledger (id int PRIMARY KEY, v int NOT NULL)`);
    await admin.query(`INSERT INTO "${schema}".ledger SELECT g, 0 FROM generate_series(1, 200) g`);
    const dir = await mkdtemp(join(tmpdir(), 'sluice-cdc-crash-'));
    const prefix = uniqueName('crash');
    const props = cdcProps(schema, {
      name: prefix,
      'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
      'topic.prefix': prefix,
      'slot.drop.on.stop': 'false',
      'max.batch.size': '50',
    });
    const slot = props['slot.name'] as string;
    const workerConfig = {
      'bootstrap.servers': kafkaBrokers().join(','),
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'offset.storage.file.filename': join(dir, 'offsets.json'),
      'offset.flush.interval.ms': '300',
      'plugin.path': PLUGIN_PATH,
    };
    const connectors = { [prefix]: props as Record<string, string> };
    const topic = `${prefix}.${schema}.ledger`;
    // Created up front: a consumer subscribed before the topic exists would not see it for minutes.
    const kafkaAdmin = clients.admin({ clientId: 'cdc-crash-admin', overrides: {} });
    await kafkaAdmin.connect();
    await kafkaAdmin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1 }]);
    await kafkaAdmin.disconnect();

    const missing = (events: Event[], last: number) => {
      const inserts = new Set(events.filter((e) => e.op === 'c').map((e) => e.id));
      const updates = new Set(events.filter((e) => e.op === 'u').map((e) => e.v));
      const out: string[] = [];
      for (let id = 201; id <= last; id++) {
        if (!inserts.has(id)) out.push(`insert ${id}`);
        if (!updates.has(id)) out.push(`update ${id}`);
      }
      return out;
    };

    let worker = startWorkerProcess(workerConfig, connectors, INFO);
    // Each transaction inserts one row and updates another: the topic must end with all of them.
    let next = 201;
    let writing = true;
    let writer: Promise<void> = Promise.resolve();
    try {
      const snapshot = await readTopic(topic, (e) => e.length >= 200, 90_000);
      expect(
        snapshot.filter((e) => e.op === 'r'),
        worker.output(),
      ).toHaveLength(200);
      writer = (async () => {
        while (writing) {
          const id = next++;
          await admin.query('BEGIN');
          await admin.query(`INSERT INTO "${schema}".ledger VALUES ($1, $1)`, [id]);
          await admin.query(`UPDATE "${schema}".ledger SET v = $1 WHERE id = $2`, [
            id,
            (id % 200) + 1,
          ]);
          await admin.query('COMMIT');
        }
      })();
      // Streaming for a while, then killed without any chance to flush or commit.
      await readTopic(topic, (e) => e.length >= 200 + 150, 90_000);
      await worker.kill();
      const killedAt = next;
      while (next < killedAt + 100) await new Promise((r) => setTimeout(r, 50));
      worker = startWorkerProcess(workerConfig, connectors, INFO);
      while (next < killedAt + 200) await new Promise((r) => setTimeout(r, 50));
      writing = false;
      await writer;
      const last = next - 1;
      const events = await readTopic(topic, (e) => missing(e, last).length === 0, 120_000);
      expect(missing(events, last), worker.output()).toEqual([]);
      expect(worker.output()).toMatch(/Streaming changes from replication slot/);
      // The slot moved past the snapshot, confirmed only for what reached Kafka.
      const positions = await slotPositions(admin, slot);
      expect(positions?.confirmed).toBeGreaterThan(0n);
    } finally {
      writing = false;
      await writer;
      await worker.kill();
      // The server may not have noticed the killed worker yet: end its walsender so that
      // afterAll can drop the slot.
      const deadline = Date.now() + 30_000;
      while ((await slotPositions(admin, slot))?.active === true && Date.now() < deadline) {
        await admin.query(
          'SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1 AND active',
          [slot],
        );
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  });
});
