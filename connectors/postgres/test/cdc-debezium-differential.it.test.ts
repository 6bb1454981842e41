import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ConsumerRecord,
  createLogger,
  createStandalone,
  KafkajsClientFactory,
  type StandaloneHerder,
} from '@sluice/runtime';
import {
  DEBEZIUM_VERSION,
  ephemeralPort,
  installDebeziumPostgres,
  installKafkaConnect,
  kafkaBrokers,
  startConnectWorker,
  type WorkerProcess,
} from '@sluice/test-fixtures';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../src/version.js';
import { cdcProps, dropReplicationObjects, uniqueName } from './cdc-harness.js';
import { connect, freshSchema } from './harness.js';

/**
 * Debezium 3.6.1.Final, run inside Apache Kafka Connect 4.1.1 (the worker the bench runs), and
 * Sluice's CDC source capture the same tables through their own slots while the same changes are
 * made; their topics must hold the same keys and values (JSON with schemas) in the same order,
 * except for the differences listed in DIFFERENCES, which the README explains.
 */

const here = dirname(fileURLToPath(import.meta.url));
const PLUGIN_PATH = [resolve(here, '..'), resolve(here, '../../../converters/json')].join(',');
const log = createLogger({ level: process.env.SLUICE_LOG_LEVEL ?? 'error' });
const clients = new KafkajsClientFactory({ 'bootstrap.servers': kafkaBrokers().join(',') }, log);

const TABLES = ['all_types', 'full_ident', 'toasty', 'nokey', 'composite', 'defaults', 'done'];

let admin: pg.Client;
let schema: string;
let herder: StandaloneHerder;
let debezium: WorkerProcess | null = null;
let restPort = 0;

const ALL_TYPES_COLUMNS = `(
  id serial PRIMARY KEY,
  b boolean, i2 smallint, i4 integer, i8 bigint, o oid, f4 real, f8 double precision,
  n_10_2 numeric(10,2), n_plain numeric, n_5_0 numeric(5,0), m money,
  c char(3), vc varchar(20), t text, nm name, bpc bpchar,
  ba bytea, d date, tm time, tm3 time(3), tmtz timetz, ts timestamp, ts3 timestamp(3), tstz timestamptz, tstz0 timestamptz(0), iv interval,
  js json, jsb jsonb, x xml, u uuid, pt point, inet_ inet, cidr_ cidr, mac macaddr, mac8 macaddr8,
  r4 int4range, r8 int8range, rn numrange, rts tsrange, rtstz tstzrange, rd daterange,
  e mood, bit1 bit(1), bit8 bit(8), vb varbit(16), tsv tsvector, hs hstore, ct citext, lt ltree, bx box,
  a_i4 int4[], a_t text[], a_n numeric(6,2)[], a_d date[], a_ts timestamp[], a_tstz timestamptz[], a_u uuid[], a_e mood[], a_b bool[], a_f8 float8[], a_js jsonb[], a_tmtz timetz[],
  dom posint, dom_m money2,
  dflt_i int DEFAULT 42, dflt_t text DEFAULT 'hello', nn text NOT NULL DEFAULT 'x'
)`;

const ALL_TYPES_ROW = `(b,i2,i4,i8,o,f4,f8,n_10_2,n_plain,n_5_0,m,c,vc,t,nm,bpc,ba,d,tm,tm3,tmtz,ts,ts3,tstz,tstz0,iv,js,jsb,x,u,pt,inet_,cidr_,mac,mac8,r4,r8,rn,rts,rtstz,rd,e,bit1,bit8,vb,tsv,hs,ct,lt,bx,a_i4,a_t,a_n,a_d,a_ts,a_tstz,a_u,a_e,a_b,a_f8,a_js,a_tmtz,dom,dom_m)
VALUES (true, -32768, 2147483647, 9223372036854775807, 4294967295, 1.5, 3.141592653589793,
 12345678.91, 1.2300, 99999, 1234.56, 'ab', 'varchar', 'text é', 'nm', 'bp',
 '\\x00ff10', '2024-02-29', '13:45:59.123456', '13:45:59.123456', '13:45:59.5+02', '2024-02-29 13:45:59.123456', '2024-02-29 13:45:59.123456', '2024-02-29 13:45:59.123456+02', '2024-01-01 10:00:00+00', '1 year 2 mons 3 days 04:05:06.789',
 '{"a": 1}', '{"b": [1, 2]}', '<a>x</a>', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '(1.5,-2)', '192.168.0.1/24', '10.0.0.0/8', '08:00:2b:01:02:03', '08:00:2b:01:02:03:04:05',
 '[1,10)', '[5,)', '(1.5,2.5]', '[2024-01-01 00:00,2024-01-02 00:00)', '[2024-01-01 00:00+00,2024-01-02 00:00+00)', '[2024-01-01,2024-02-01)',
 'happy', B'1', B'10101010', B'1101', 'a fat cat', 'k1=>v1, k2=>NULL, aa=>3', 'CaSe', 'Top.Science.Astronomy', '((0,0),(1,1))',
 '{1,NULL,3}', '{"a b","c\\"d",NULL}', '{1.50,2.25}', '{2024-01-01,NULL}', '{"2024-01-01 10:00:00.5"}', '{"2024-01-01 10:00:00+03"}', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', '{sad,ok}', '{t,f,NULL}', '{1.5,NaN}', ARRAY['{"x":1}'::jsonb], '{"10:00:00+01"}',
 7, 12.5)`;

/** The deliberate differences: topic and JSON path, what Debezium sends, what Sluice sends. */
const DIFFERENCES = [
  // Sluice reports its own version in the source block.
  ...TABLES.map((t) => `${t} value.payload.source.version: "${DEBEZIUM_VERSION}" → "${VERSION}"`),
  // Debezium's stream has no value for columns of type name (its snapshot does); Sluice sends it.
  'all_types value.payload.after.nm: null → "nm"',
];

async function createExtensionsAndTypes(): Promise<void> {
  for (const extension of ['hstore', 'citext', 'ltree']) {
    await admin.query(`CREATE EXTENSION IF NOT EXISTS ${extension}`).catch(async () => {
      await new Promise((r) => setTimeout(r, 500));
      await admin.query(`CREATE EXTENSION IF NOT EXISTS ${extension}`);
    });
  }
  await admin.query(`SET search_path = "${schema}", public`);
  await admin.query(`CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')`);
  await admin.query('CREATE DOMAIN posint AS integer CHECK (VALUE > 0)');
  await admin.query('CREATE DOMAIN money2 AS numeric(10,2)');
}

beforeAll(async () => {
  admin = await connect();
  schema = await freshSchema(admin, 'cdcdiff');
  await createExtensionsAndTypes();
  const dir = await mkdtemp(join(tmpdir(), 'sluice-cdc-diff-'));
  ({ herder } = await createStandalone(
    {
      'bootstrap.servers': kafkaBrokers().join(','),
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'offset.storage.file.filename': join(dir, 'sluice-offsets.json'),
      'offset.flush.interval.ms': '1000',
      'plugin.path': PLUGIN_PATH,
    },
    { log },
  ));
  await herder.start();
});

afterAll(async () => {
  await herder?.stop();
  await debezium?.stop(20_000);
  await dropReplicationObjects(admin);
  await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
  await admin.end();
});

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 180_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Every record of the topics, read from the start by a fresh consumer group. */
async function readTopics(
  topics: string[],
  enough: (records: ConsumerRecord[]) => boolean,
): Promise<ConsumerRecord[]> {
  const records: ConsumerRecord[] = [];
  const consumer = clients.consumer({
    clientId: 'cdc-diff-reader',
    groupId: uniqueName('cdc_diff'),
    overrides: {},
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      onBatch: async (batch, control) => {
        records.push(...batch);
        const last = batch[batch.length - 1];
        if (last) control.markProcessed(last.offset);
      },
      onAssignment: async () => {},
      onCrash: () => {},
    });
    await waitFor('the records', async () => enough(records), 180_000);
    // What arrives a moment later (END records, tombstones) too.
    await new Promise((r) => setTimeout(r, 3000));
    return records;
  } finally {
    await consumer.disconnect();
  }
}

interface Event {
  key: unknown;
  value: unknown;
  headers: Record<string, string>;
}

function decode(records: ConsumerRecord[], topic: string, prefix: string): Event[] {
  const text = (b: Uint8Array | null) =>
    b === null ? null : Buffer.from(b).toString('utf8').replaceAll(prefix, 'PREFIX');
  return records
    .filter((r) => r.topic === topic)
    .sort((a, b) => (a.offset < b.offset ? -1 : 1))
    .map((r) => ({
      key: JSON.parse(text(r.key) ?? 'null'),
      value: JSON.parse(text(r.value) ?? 'null'),
      headers: Object.fromEntries(r.headers.map((h) => [h.key, text(h.value) ?? ''])),
    }));
}

/** Fields that differ by nature between two connectors: wall-clock times, and a snapshot's own position. */
function normalize(event: Event): Event {
  if ('__debezium.context.runId' in event.headers)
    event.headers['__debezium.context.runId'] = '<run>';
  // biome-ignore lint/suspicious/noExplicitAny: event payloads are JSON of many shapes.
  const value = event.value as { payload?: Record<string, any> } | null;
  const payload = value?.payload;
  if (payload !== undefined && payload !== null && 'op' in payload) {
    for (const k of ['ts_ms', 'ts_us', 'ts_ns']) payload[k] = '<now>';
    const source = payload.source as Record<string, unknown>;
    if (source.snapshot !== 'false') {
      for (const k of ['ts_ms', 'ts_us', 'ts_ns', 'txId', 'lsn', 'sequence'])
        source[k] = '<snapshot>';
    }
  }
  return event;
}

function differences(topic: string, dbz: Event[], slc: Event[]): string[] {
  const out: string[] = [];
  if (dbz.length !== slc.length)
    out.push(`${topic}: ${dbz.length} records → ${slc.length} records`);
  const walk = (path: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const k of keys)
        walk(`${path}.${k}`, (a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]);
      if (Object.keys(a).join() !== Object.keys(b).join() && keys.size === Object.keys(a).length) {
        out.push(
          `${topic} ${path}: field order ${Object.keys(a).join(',')} → ${Object.keys(b).join(',')}`,
        );
      }
      return;
    }
    out.push(`${topic} ${path.slice(1)}: ${JSON.stringify(a)} → ${JSON.stringify(b)}`);
  };
  for (let i = 0; i < Math.min(dbz.length, slc.length); i++) {
    walk('', normalize(dbz[i] as Event), normalize(slc[i] as Event));
  }
  return [...new Set(out)];
}

describe('PostgreSQL CDC beside Debezium', () => {
  it(`sends the same keys and values as Debezium ${DEBEZIUM_VERSION} for the same snapshot and changes, but for the listed differences`, {
    timeout: 600_000,
  }, async () => {
    const s = `"${schema}"`;
    await admin.query(`CREATE TABLE ${s}.all_types ${ALL_TYPES_COLUMNS}`);
    await admin.query(`CREATE TABLE ${s}.full_ident (id int PRIMARY KEY, v text, big text)`);
    await admin.query(`ALTER TABLE ${s}.full_ident REPLICA IDENTITY FULL`);
    await admin.query(`CREATE TABLE ${s}.toasty (id int PRIMARY KEY, v text, big text)`);
    await admin.query(`CREATE TABLE ${s}.nokey (a int, b text)`);
    await admin.query(`ALTER TABLE ${s}.nokey REPLICA IDENTITY FULL`);
    await admin.query(
      `CREATE TABLE ${s}.composite (a int, b text, v numeric(8,3), PRIMARY KEY (b, a))`,
    );
    await admin.query(`CREATE TABLE ${s}.defaults (
      id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, big bigserial, n int DEFAULT 5, neg int DEFAULT -3,
      t text DEFAULT 'x', vc varchar(10) DEFAULT 'v', flag bool DEFAULT true, amount numeric(6,2) DEFAULT 1.5,
      day date DEFAULT '2024-01-01', at timestamptz DEFAULT now(), at3 timestamp(3) DEFAULT '2024-01-01 10:00:00.5',
      wake time DEFAULT '12:30', span interval DEFAULT '1 day', doc jsonb DEFAULT '{}', ref uuid DEFAULT gen_random_uuid(),
      e mood DEFAULT 'ok', bit1 bit(1) DEFAULT B'1', f8 float8 DEFAULT 2.5, req text NOT NULL DEFAULT 'r')`);
    await admin.query(`CREATE TABLE ${s}.done (id int PRIMARY KEY)`);
    const big = "(SELECT string_agg(md5(g::text), '') FROM generate_series(1, 300) g)";
    await admin.query(`INSERT INTO ${s}.all_types ${ALL_TYPES_ROW}`);
    await admin.query(`INSERT INTO ${s}.all_types (nn) VALUES ('only')`);
    await admin.query(`INSERT INTO ${s}.full_ident VALUES (1, 'a', ${big}), (2, 'b', 'small')`);
    await admin.query(`INSERT INTO ${s}.toasty VALUES (1, 'a', ${big}), (2, 'b', ${big})`);
    await admin.query(`INSERT INTO ${s}.nokey VALUES (1, 'a'), (2, 'b')`);
    await admin.query(
      `INSERT INTO ${s}.composite VALUES (1, 'x', 1.5), (2, 'x', 2.25), (1, 'y', 0)`,
    );
    await admin.query(`INSERT INTO ${s}.defaults DEFAULT VALUES`);

    const id = uniqueName('d');
    const common = {
      'skipped.operations': 'none',
      'provide.transaction.metadata': 'true',
      'snapshot.mode': 'initial',
      // Debezium's default is decoderbufs; Sluice only has pgoutput.
      'plugin.name': 'pgoutput',
    };
    const dbzProps = cdcProps(schema, {
      ...common,
      name: `dbz_${id}`,
      'topic.prefix': `dbz_${id}`,
    }) as Record<string, string>;
    const slcProps = cdcProps(schema, {
      ...common,
      name: `slc_${id}`,
      'topic.prefix': `slc_${id}`,
    }) as Record<string, string>;
    const connectorClass = 'io.debezium.connector.postgresql.PostgresConnector';
    // Debezium's own keys: Sluice's test props plus nothing Debezium lacks.
    for (const p of [dbzProps, slcProps]) {
      p['connector.class'] = connectorClass;
      p['tasks.max'] = '1';
      p['database.password'] = '';
      delete p['poll.interval.ms'];
    }
    const topics = (prefix: string) => [
      ...TABLES.map((t) => `${prefix}.${schema}.${t}`),
      `${prefix}.transaction`,
    ];
    const kafkaAdmin = clients.admin({ clientId: 'cdc-diff-admin', overrides: {} });
    await kafkaAdmin.connect();
    await kafkaAdmin.createTopics(
      [...topics(`dbz_${id}`), ...topics(`slc_${id}`)].map((topic) => ({
        topic,
        numPartitions: 1,
        replicationFactor: 1,
      })),
    );
    await kafkaAdmin.disconnect();

    const kafkaConnect = await installKafkaConnect();
    const plugin = await installDebeziumPostgres();
    const dir = await mkdtemp(join(tmpdir(), 'sluice-cdc-diff-kc-'));
    restPort = await ephemeralPort();
    debezium = await startConnectWorker({
      system: 'kafka-connect',
      dir,
      kafkaConnect,
      worker: {
        'bootstrap.servers': kafkaBrokers().join(','),
        'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
        'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
        'offset.storage.file.filename': join(dir, 'offsets.dat'),
        'offset.flush.interval.ms': '1000',
        'plugin.path': plugin.pluginPath,
        listeners: `http://127.0.0.1:${restPort}`,
      },
      connectors: [dbzProps],
    });
    await herder.putConnectorConfig(slcProps.name as string, slcProps, false);

    // Both snapshots done: the last snapshot record of each is in Kafka.
    const snapshotDone = (prefix: string) => (records: ConsumerRecord[]) =>
      records.some(
        (r) =>
          r.topic.startsWith(prefix) &&
          r.value !== null &&
          Buffer.from(r.value).toString().includes('"snapshot":"last"'),
      );
    await readTopics(topics(`dbz_${id}`), snapshotDone(`dbz_${id}`));
    await readTopics(topics(`slc_${id}`), snapshotDone(`slc_${id}`));

    // The same changes, seen by both through their own slots.
    await admin.query(`INSERT INTO ${s}.all_types ${ALL_TYPES_ROW}`);
    await admin.query(`UPDATE ${s}.all_types SET i4 = 5, t = 'changed', a_i4 = '{9}' WHERE id = 2`);
    await admin.query(`UPDATE ${s}.all_types SET id = 100 WHERE id = 2`);
    await admin.query(
      `UPDATE ${s}.all_types SET n_plain = 'NaN', f8 = 'NaN', f4 = '-Infinity', m = -5.5, iv = '-1 day 02:00', ts = 'infinity', d = '-infinity', tstz = 'infinity' WHERE id = 3`,
    );
    await admin.query(`DELETE FROM ${s}.all_types WHERE id = 100`);
    await admin.query('BEGIN');
    await admin.query(`UPDATE ${s}.toasty SET v = 'b' WHERE id = 1`);
    await admin.query(`UPDATE ${s}.full_ident SET v = 'c' WHERE id = 1`);
    await admin.query(`DELETE FROM ${s}.full_ident WHERE id = 2`);
    await admin.query(`INSERT INTO ${s}.nokey VALUES (3, 'c')`);
    await admin.query(`UPDATE ${s}.nokey SET b = 'z' WHERE a = 1`);
    await admin.query(`DELETE FROM ${s}.nokey WHERE a = 2`);
    await admin.query('COMMIT');
    await admin.query(`UPDATE ${s}.composite SET v = 9.875 WHERE a = 1 AND b = 'x'`);
    await admin.query(`UPDATE ${s}.composite SET a = 7 WHERE a = 2`);
    await admin.query(`DELETE FROM ${s}.toasty WHERE id = 2`);
    await admin.query(`TRUNCATE ${s}.toasty`);
    await admin.query(`ALTER TABLE ${s}.composite ADD COLUMN extra text DEFAULT 'e'`);
    await admin.query(`INSERT INTO ${s}.composite VALUES (3, 'z', 1, 'added')`);
    await admin.query(`ALTER TABLE ${s}.composite DROP COLUMN v`);
    await admin.query(`INSERT INTO ${s}.composite VALUES (4, 'z', 'dropped')`);
    await admin.query(`INSERT INTO ${s}.defaults (n, t) VALUES (1, NULL)`);
    await admin.query(`INSERT INTO ${s}.done VALUES (1)`);

    const finished = (prefix: string) => (records: ConsumerRecord[]) =>
      records.some(
        (r) =>
          r.topic === `${prefix}.${schema}.done` &&
          r.value !== null &&
          Buffer.from(r.value).toString().includes('"op":"c"'),
      );
    const dbz = await readTopics(topics(`dbz_${id}`), finished(`dbz_${id}`));
    const slc = await readTopics(topics(`slc_${id}`), finished(`slc_${id}`));
    expect(dbz.filter((r) => r.topic.endsWith('.done')).length).toBeGreaterThan(0);

    const found: string[] = [];
    for (const table of [...TABLES, 'transaction']) {
      const suffix = table === 'transaction' ? 'transaction' : `${schema}.${table}`;
      const a = decode(dbz, `dbz_${id}.${suffix}`, `dbz_${id}`);
      const b = decode(slc, `slc_${id}.${suffix}`, `slc_${id}`);
      expect(a.length, `Debezium's ${table} topic`).toBeGreaterThan(0);
      found.push(...differences(table, a, b));
    }
    expect(found.sort()).toEqual([...DIFFERENCES].sort());

    // Offsets: the same position once both committed the last change.
    const dbzOffset = async () => {
      const response = await fetch(`http://127.0.0.1:${restPort}/connectors/dbz_${id}/offsets`);
      const body = (await response.json()) as { offsets: { offset: Record<string, unknown> }[] };
      return body.offsets[0]?.offset ?? {};
    };
    const slcOffset = async () =>
      ((await herder.connectorOffsets(`slc_${id}`)).offsets[0]?.offset ?? {}) as Record<
        string,
        unknown
      >;
    await waitFor('both offsets at the last change', async () => {
      const [a, b] = [await dbzOffset(), await slcOffset()];
      return a.lsn !== undefined && String(a.lsn) === String(b.lsn);
    });
    const normalizeOffset = (o: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(o).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]),
      );
    expect(normalizeOffset(await slcOffset())).toEqual(normalizeOffset(await dbzOffset()));
  });
});
