/**
 * PostgreSQL change data capture beside Debezium: Sluice's CDC source in the `sluice` worker and
 * Debezium 3.6.1.Final's PostgreSQL connector in Apache Kafka Connect 4.1.1, one after the other
 * on the same machine, database, Kafka and configuration (JsonConverter with schemas, Debezium's
 * defaults otherwise), each through its own slot:
 *
 * - snapshot: the initial snapshot of a ROWS-row table into Kafka;
 * - streaming: ROWS updates (transactions of 10,000 rows, made while the worker is stopped, so
 *   the slot holds them) streamed into Kafka after a restart, catching up.
 *
 * Events/s from the first record seen in the topic to the last (start-up left out); peak RSS of
 * the worker process sampled every 200 ms during each phase; CPU time of the worker process over
 * the same window per 1,000 events (what the events cost, however busy the shared machine is).
 *
 * `pnpm --filter @sluice/bench bench:cdc` after `pnpm build`. ROWS (default 1000000) and REPS
 * (default 1) tune it; SYSTEMS=sluice or SYSTEMS=debezium runs one side only; CPU_PROF=<dir>
 * writes V8 CPU profiles of the Sluice worker there.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEBEZIUM_VERSION,
  ensureServices,
  installDebeziumPostgres,
  installKafkaConnect,
  startConnectWorker,
} from '@sluice/test-fixtures';
import pg from 'pg';
import { watchFlow } from './connect/flow-watch.js';
import { benchKafka, createTopic, deleteTopics, topicCount } from './connect/kafka-client.js';
import { sluiceBin, type WorkerProcess } from './connect/worker-process.js';
import { postgresUrl } from './rounds.js';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const REPS = Number(process.env.REPS ?? 1);
const SYSTEMS = (process.env.SYSTEMS ?? 'sluice,debezium').split(',') as System[];
const UPDATE_BATCH = 10_000;
const SCHEMA = `bench_cdc_${process.pid}`;
const PLUGIN_PATH = new URL('../connectors/postgres', import.meta.url).pathname;

type System = 'sluice' | 'debezium';

interface Measure {
  system: System;
  rep: number;
  phase: 'snapshot' | 'streaming';
  eventsPerSecond: number;
  peakRssMb: number;
  cpuMsPer1000: number;
}

/** CPU time (user + system) the process used so far, in ms, from /proc (clock ticks of 10 ms). */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  // "pid (comm) state ppid ...": utime and stime are the 12th and 13th fields after ')'.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

let brokers: string[] = [];

async function main(): Promise<void> {
  const services = await ensureServices(['kafka'], {
    onProgress: (event) => log(`[${event.service}] ${event.message}`),
  });
  brokers = (services.kafka?.connection ?? '').split(',');
  const url = postgresUrl();
  const db = new URL(url);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const kafka = benchKafka(brokers, 'bench-cdc');
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  const kafkaConnect = await installKafkaConnect(log);
  const debezium = await installDebeziumPostgres(log);
  const results: Measure[] = [];
  const startedLoad = loadavg()[0] ?? 0;
  // Each run's slot and publication are named by its prefix.
  const prefixes: string[] = [];
  try {
    for (let rep = 1; rep <= REPS; rep++) {
      log(`rep ${rep}: creating ${SCHEMA}.orders with ${ROWS} rows`);
      await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
      await admin.query(`CREATE SCHEMA ${SCHEMA}`);
      await admin.query(`CREATE TABLE ${SCHEMA}.orders (
        id bigint PRIMARY KEY, customer text NOT NULL, amount numeric(12,2) NOT NULL, status text NOT NULL,
        created timestamptz NOT NULL, items int NOT NULL, note text)`);
      await admin.query(`INSERT INTO ${SCHEMA}.orders
        SELECT g, 'customer-' || (g % 5000), (g % 100000) / 100.0, (ARRAY['new','paid','shipped'])[1 + g % 3],
               timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second', g % 7, CASE WHEN g % 10 = 0 THEN NULL ELSE 'note ' || g END
          FROM generate_series(1, ${ROWS}) g`);
      await admin.query(`VACUUM ANALYZE ${SCHEMA}.orders`);
      const order: System[] = rep % 2 === 1 ? SYSTEMS : [...SYSTEMS].reverse();
      const runs = new Map<
        System,
        { dir: string; prefix: string; connector: Record<string, string> }
      >();
      for (const system of order) {
        const prefix = `bench_cdc_${system}_${process.pid}_${rep}`;
        prefixes.push(prefix);
        const dir = await mkdtemp(join(tmpdir(), `bench-cdc-${system}-`));
        const connector: Record<string, string> = {
          name: prefix,
          'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
          'tasks.max': '1',
          'plugin.name': 'pgoutput',
          'database.hostname': db.hostname,
          'database.port': db.port,
          'database.user': decodeURIComponent(db.username),
          'database.password': '',
          'database.dbname': db.pathname.slice(1),
          'topic.prefix': prefix,
          'slot.name': prefix,
          'publication.name': prefix,
          'publication.autocreate.mode': 'filtered',
          'table.include.list': `${SCHEMA}\\.orders`,
          'snapshot.mode': 'initial',
        };
        runs.set(system, { dir, prefix, connector });
        await createTopic(kafkaAdmin, `${prefix}.${SCHEMA}.orders`);
        log(`${system}: snapshot`);
        const worker = await start(system, dir, connector, kafkaConnect, debezium.pluginPath);
        results.push(
          await measure(
            system,
            rep,
            'snapshot',
            worker,
            () => topicCount(kafkaAdmin, `${prefix}.${SCHEMA}.orders`),
            ROWS,
          ),
        );
        // Stopped cleanly: offsets committed, the slot kept to hold the updates.
        await worker.stop();
      }
      log(`updating ${ROWS} rows in transactions of ${UPDATE_BATCH}`);
      for (let from = 1; from <= ROWS; from += UPDATE_BATCH) {
        await admin.query(
          `UPDATE ${SCHEMA}.orders SET amount = amount + 1, status = 'changed' WHERE id >= $1 AND id < $2`,
          [from, from + UPDATE_BATCH],
        );
      }
      for (const system of order) {
        const run = runs.get(system);
        if (run === undefined) continue;
        log(`${system}: streaming`);
        const worker = await start(
          system,
          run.dir,
          run.connector,
          kafkaConnect,
          debezium.pluginPath,
        );
        results.push(
          await measure(
            system,
            rep,
            'streaming',
            worker,
            () => topicCount(kafkaAdmin, `${run.prefix}.${SCHEMA}.orders`),
            2 * ROWS,
          ),
        );
        await worker.stop();
        await dropSlotAndPublication(admin, run.prefix);
        await deleteTopics(kafkaAdmin, [`${run.prefix}.${SCHEMA}.orders`]);
      }
    }
  } finally {
    for (const prefix of prefixes) {
      await dropSlotAndPublication(admin, prefix).catch((error) => log(`cleanup: ${error}`));
    }
    await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => undefined);
    await admin.end();
    await kafkaAdmin.disconnect();
  }
  const report = render(results, startedLoad);
  process.stdout.write(report);
  await writeFile(new URL('results/cdc-latest.md', import.meta.url), report);
}

/**
 * Drops a run's slot once its walsender has gone (a stopped worker's replication connection
 * can outlive the worker's exit by a moment), then its publication.
 */
async function dropSlotAndPublication(admin: pg.Client, name: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { rows } = await admin.query<{ active: boolean }>(
      'SELECT active FROM pg_replication_slots WHERE slot_name = $1',
      [name],
    );
    if (rows[0] === undefined) break;
    if (!rows[0].active || Date.now() > deadline) {
      await admin.query('SELECT pg_drop_replication_slot($1)', [name]);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await admin.query(`DROP PUBLICATION IF EXISTS ${name}`);
}

async function start(
  system: System,
  dir: string,
  connector: Record<string, string>,
  kafkaConnect: Awaited<ReturnType<typeof installKafkaConnect>>,
  debeziumPluginPath: string,
): Promise<WorkerProcess> {
  return startConnectWorker({
    system: system === 'sluice' ? 'sluice' : 'kafka-connect',
    dir,
    kafkaConnect,
    sluiceBin: sluiceBin(),
    ...(process.env.CPU_PROF
      ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${process.env.CPU_PROF}`] }
      : {}),
    worker: {
      'bootstrap.servers': brokers.join(','),
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'offset.storage.file.filename': join(dir, 'offsets'),
      'offset.flush.interval.ms': '10000',
      'plugin.path': system === 'sluice' ? PLUGIN_PATH : debeziumPluginPath,
      listeners: 'http://127.0.0.1:0',
    },
    connectors: [connector],
  });
}

async function measure(
  system: System,
  rep: number,
  phase: Measure['phase'],
  worker: WorkerProcess,
  count: () => Promise<number>,
  target: number,
): Promise<Measure> {
  worker.resetPeakRss();
  let cpuAtFirst: number | undefined;
  const flow = await watchFlow({
    count,
    target,
    worker,
    pollMs: 100,
    stallMs: 300_000,
    onProgress: (arrived) => {
      if (arrived > 0 && cpuAtFirst === undefined) cpuAtFirst = cpuMs(worker.child.pid);
    },
  });
  const cpu = cpuMs(worker.child.pid) - (cpuAtFirst ?? Number.NaN);
  const m: Measure = {
    system,
    rep,
    phase,
    eventsPerSecond: flow.records / flow.seconds,
    peakRssMb: worker.peakRss() / 1024 / 1024,
    cpuMsPer1000: (1000 * cpu) / flow.records,
  };
  log(
    `${system} ${phase}: ${Math.round(m.eventsPerSecond)} events/s, peak RSS ${Math.round(m.peakRssMb)} MB, ${m.cpuMsPer1000.toFixed(0)} CPU ms per 1,000 events`,
  );
  return m;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function render(results: Measure[], startedLoad: number): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const lines = [
    `# CDC: Sluice's PostgresCdcSource beside Debezium ${DEBEZIUM_VERSION}`,
    '',
    `${ROWS.toLocaleString('en-US')} rows, ${REPS} repetition(s), ${new Date().toISOString()}, nproc ${availableParallelism()}, load average ${startedLoad.toFixed(1)}→${(loadavg()[0] ?? 0).toFixed(1)}, Node ${process.version}.`,
    '',
    '| phase | Sluice events/s | Debezium events/s | Sluice / Debezium | Sluice peak RSS | Debezium peak RSS | RSS ratio | Sluice CPU ms / 1k events | Debezium CPU ms / 1k events |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const phase of ['snapshot', 'streaming'] as const) {
    const of = (system: System, f: (m: Measure) => number) =>
      median(results.filter((m) => m.system === system && m.phase === phase).map(f));
    const [sr, dr] = [
      of('sluice', (m) => m.eventsPerSecond),
      of('debezium', (m) => m.eventsPerSecond),
    ];
    const [sm, dm] = [of('sluice', (m) => m.peakRssMb), of('debezium', (m) => m.peakRssMb)];
    const [sc, dc] = [of('sluice', (m) => m.cpuMsPer1000), of('debezium', (m) => m.cpuMsPer1000)];
    lines.push(
      `| ${phase} | ${fmt(sr)} | ${fmt(dr)} | ${Math.round((100 * sr) / dr)}% | ${fmt(sm)} MB | ${fmt(dm)} MB | ${((100 * sm) / dm).toFixed(0)}% | ${fmt(sc)} | ${fmt(dc)} |`,
    );
  }
  lines.push(
    '',
    '| system | rep | phase | events/s | peak RSS | CPU ms / 1k events |',
    '| --- | ---: | --- | ---: | ---: | ---: |',
  );
  for (const m of results) {
    lines.push(
      `| ${m.system} | ${m.rep} | ${m.phase} | ${fmt(m.eventsPerSecond)} | ${fmt(m.peakRssMb)} MB | ${fmt(m.cpuMsPer1000)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

await main();
