import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createLogger,
  createStandalone,
  KafkajsClientFactory,
  type StandaloneHerder,
} from '@sluice/runtime';
import { kafkaBrokers, postgresUrl } from '@sluice/test-fixtures';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cdcProps, dropReplicationObjects, uniqueName } from './cdc-harness.js';
import { connect, freshSchema } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
/** This package, the JSON converter and the Debezium transforms, found through plugin.path. */
const PLUGIN_PATH = [
  resolve(here, '..'),
  resolve(here, '../../../converters/json'),
  resolve(here, '../../../transforms/debezium'),
].join(',');
const log = createLogger({ level: process.env.SLUICE_LOG_LEVEL ?? 'error' });
const clients = new KafkajsClientFactory({ 'bootstrap.servers': kafkaBrokers().join(',') }, log);

let admin: pg.Client;
let schema: string;
let herder: StandaloneHerder;

beforeAll(async () => {
  admin = await connect();
  schema = await freshSchema(admin, 'cdcrepl');
  const dir = await mkdtemp(join(tmpdir(), 'sluice-cdc-repl-'));
  ({ herder } = await createStandalone(
    {
      'bootstrap.servers': kafkaBrokers().join(','),
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'offset.storage.file.filename': join(dir, 'offsets.json'),
      'offset.flush.interval.ms': '500',
      'plugin.path': PLUGIN_PATH,
    },
    { log },
  ));
  await herder.start();
});

afterAll(async () => {
  await herder?.stop();
  await dropReplicationObjects(admin);
  await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
  await admin.end();
});

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function failures(names: string[]): string[] {
  return names.flatMap((name) => {
    const status = herder.connectorStatus(name);
    return [status.connector, ...status.tasks]
      .filter((s) => s.state === 'FAILED')
      .map((s) => `${name}: ${s.trace ?? 'FAILED'}`);
  });
}

describe('PostgreSQL → Kafka → PostgreSQL with Debezium events', () => {
  it('replicates a table, its updates and deletes (primary key changes included) through ExtractNewRecordState into identical rows', async () => {
    const src = `"${schema}".accounts`;
    const dst = `"${schema}".accounts_replica`;
    await admin.query(`CREATE TABLE ${src} (
      id bigint PRIMARY KEY, owner text NOT NULL, balance numeric(20,4), opened timestamptz, birthday date,
      tags text[], photo bytea, ref uuid, extra jsonb, active bool, visits int4, ratio float8, wakes time,
      local_at timestamp(3))`);
    await admin.query(`CREATE TABLE ${dst} (LIKE ${src} INCLUDING ALL)`);
    await admin.query(`INSERT INTO ${src}
      SELECT g, 'owner ' || g, g * 1.5, timestamptz '2024-03-01 12:00:00.123456+00' + g * interval '1 minute',
             date '1960-01-01' + g, ARRAY['t' || g, NULL], decode(lpad(to_hex(g), 4, '0'), 'hex'),
             md5(g::text)::uuid, jsonb_build_object('g', g), g % 2 = 0, g * 1000, g / 3.0,
             time '06:00:00.5' + g * interval '1 second', timestamp '1950-06-01 00:00:00.125' + g * interval '1 day'
        FROM generate_series(1, 100) g`);
    const prefix = uniqueName('repl');
    const topic = `${prefix}.${schema}.accounts`;
    const kafkaAdmin = clients.admin({ clientId: 'cdc-repl-admin', overrides: {} });
    await kafkaAdmin.connect();
    await kafkaAdmin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1 }]);
    await kafkaAdmin.disconnect();

    await herder.putConnectorConfig(
      'cdc-source',
      {
        ...(cdcProps(schema, {
          'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
          'topic.prefix': prefix,
          'table.include.list': `${schema}\\.accounts`,
          // Connect's logical types, which a JDBC-style sink writes into date/time columns.
          'time.precision.mode': 'connect',
        }) as Record<string, string>),
      },
      false,
    );
    const url = new URL(postgresUrl());
    await herder.putConnectorConfig(
      'pg-sink',
      {
        'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
        'connection.url': `jdbc:postgresql://${url.host}${url.pathname}?user=${url.username}`,
        topics: topic,
        'table.name.format': `${schema}.accounts_replica`,
        'insert.mode': 'upsert',
        'pk.mode': 'record_key',
        'delete.enabled': 'true',
        transforms: 'unwrap',
        'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
        'consumer.override.auto.offset.reset': 'earliest',
      },
      false,
    );
    const rows = async (table: string) =>
      (await admin.query(`SELECT x::text AS row FROM ${table} x ORDER BY id`)).rows.map(
        (r) => r.row as string,
      );
    const same = async () => {
      const failed = failures(['cdc-source', 'pg-sink']);
      if (failed.length > 0) throw new Error(failed.join('\n'));
      return JSON.stringify(await rows(src)) === JSON.stringify(await rows(dst));
    };
    await waitFor('the snapshot in the replica', same);

    await admin.query(
      `UPDATE ${src} SET balance = balance * 2, tags = ARRAY['changed'] WHERE id % 10 = 0`,
    );
    await admin.query(`DELETE FROM ${src} WHERE id % 7 = 0`);
    await admin.query(`UPDATE ${src} SET id = id + 1000 WHERE id IN (1, 2, 3)`);
    await admin.query(`INSERT INTO ${src} (id, owner, opened) VALUES (5000, 'late', now())`);
    await admin.query(`UPDATE ${src} SET owner = 'renamed', extra = NULL WHERE id = 5000`);
    await waitFor('the changes in the replica', same);
    expect(await rows(dst)).toEqual(await rows(src));
    expect((await admin.query(`SELECT count(*)::int AS n FROM ${dst}`)).rows[0].n).toBe(
      100 - 14 + 1,
    );
    await herder.deleteConnector('cdc-source');
    await herder.deleteConnector('pg-sink');
  });
});
