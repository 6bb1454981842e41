import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnWorkerProcess } from '@sluice/connector-testkit';
import { createLogger, KafkajsClientFactory } from '@sluice/runtime';
import { kafkaBrokers, postgresUrl } from '@sluice/test-fixtures';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, freshSchema } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
/** This package and the JSON converter, found through plugin.path like any installed plugin. */
const PLUGIN_PATH = [resolve(here, '..'), resolve(here, '../../../converters/json')].join(',');
const log = createLogger({ level: process.env.SLUICE_LOG_LEVEL ?? 'error' });
const clients = new KafkajsClientFactory({ 'bootstrap.servers': kafkaBrokers().join(',') }, log);
const PARTITIONS = 3;

let admin: pg.Client;
let schema: string;

beforeAll(async () => {
  admin = await connect();
  schema = await freshSchema(admin, 'crash');
});

afterAll(async () => {
  await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
  await admin.end();
});

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 240_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const encoder = new TextEncoder();
const value = (id: number) =>
  encoder.encode(
    JSON.stringify({
      schema: {
        type: 'struct',
        optional: false,
        fields: [
          { field: 'id', type: 'int32', optional: false },
          { field: 'n', type: 'string', optional: false },
        ],
      },
      payload: { id, n: `row ${id}` },
    }),
  );

/** Produces records `from` to `to - 1` spread over the partitions, all acknowledged. */
async function produce(topic: string, from: number, to: number): Promise<void> {
  const producer = clients.producer({ clientId: 'pg-crash-producer', overrides: {} });
  await producer.connect();
  const sends = [];
  for (let id = from; id < to; id++) {
    sends.push(producer.send({ topic, partition: id % PARTITIONS, key: null, value: value(id) }));
  }
  await Promise.all(sends);
  await producer.disconnect();
}

describe('exactly-once sink under kill -9', () => {
  it('in insert mode without a key, the table equals the topic after the worker is killed twice while writing and restarted: no duplicate, no gap', async () => {
    const topic = `pg-crash-${process.pid}-${Date.now().toString(36)}`;
    const kafkaAdmin = clients.admin({ clientId: 'pg-crash-admin', overrides: {} });
    await kafkaAdmin.connect();
    await kafkaAdmin.createTopics([{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }]);
    await kafkaAdmin.disconnect();
    const table = `"${schema}".crash`;
    await admin.query(`CREATE TABLE ${table} (id integer NOT NULL, n text NOT NULL)`);
    const count = async () =>
      (await admin.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

    const worker = {
      'bootstrap.servers': kafkaBrokers().join(','),
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'offset.storage.file.filename': join(await mkdtemp(join(tmpdir(), 'sluice-pg-crash-')), 'o'),
      // Consumer offsets are committed every second: the table is always ahead of them, so
      // the restarted task must take its position from the table.
      'offset.flush.interval.ms': '1000',
      'plugin.path': PLUGIN_PATH,
      // The killed worker's member leaves the group after the session timeout: keep it short.
      'consumer.session.timeout.ms': '6000',
      'consumer.heartbeat.interval.ms': '1000',
      // Small transactions, many of them: the kill lands between or inside one.
      'consumer.max.poll.records': '50',
    };
    const connectors = {
      'pg-crash': {
        'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
        'connection.url': postgresUrl(),
        topics: topic,
        'tasks.max': '2',
        'table.name.format': `${schema}.crash`,
        'insert.mode': 'insert',
        'pk.mode': 'none',
        'exactly.once.enabled': 'true',
        'exactly.once.offsets.table': `${schema}.offsets`,
      },
    };
    const total = 30_000;
    await produce(topic, 0, 20_000);

    let n = 0;
    for (const atLeast of [2_000, 9_000]) {
      const child = await spawnWorkerProcess(worker, connectors);
      try {
        await waitFor(`${atLeast} rows`, async () => (await count()) >= atLeast);
      } finally {
        await child.kill();
      }
      const atKill = await count();
      expect(atKill).toBeGreaterThan(n);
      n = atKill;
      // Still writing when killed: the topic was not drained.
      expect(n).toBeLessThan(20_000);
    }
    await produce(topic, 20_000, total);
    const last = await spawnWorkerProcess(worker, connectors);
    try {
      await waitFor('every record in the table', async () => (await count()) >= total);
      // A duplicate written late would show up now.
      await new Promise((r) => setTimeout(r, 2000));
      const { rows } = await admin.query(
        `SELECT count(*)::int AS rows, count(DISTINCT id)::int AS ids, min(id) AS min, max(id) AS max,
                count(*) FILTER (WHERE n <> 'row ' || id)::int AS wrong FROM ${table}`,
      );
      expect(rows).toEqual([{ rows: total, ids: total, min: 0, max: total - 1, wrong: 0 }]);
      const offsets = await admin.query(
        `SELECT "partition", next_offset::int AS next FROM "${schema}".offsets WHERE topic = $1 ORDER BY "partition"`,
        [topic],
      );
      expect(offsets.rows).toEqual(
        Array.from({ length: PARTITIONS }, (_, p) => ({
          partition: p,
          next: total / PARTITIONS,
        })),
      );
    } finally {
      await last.kill();
    }
  }, 600_000);
});
