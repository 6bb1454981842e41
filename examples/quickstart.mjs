#!/usr/bin/env node
// The quickstart. Starts the services it needs with @sluice/test-fixtures' sluice-services (no
// Docker), then runs a pipeline with the `sluice` worker while new data keeps arriving:
//
//   node examples/quickstart.mjs            PostgreSQL table → Kafka → another PostgreSQL table,
//                                           with configs written for Confluent's JDBC connectors
//   node examples/quickstart.mjs file       a file → Kafka → another file
//   node examples/quickstart.mjs distributed
//                                           the file pipeline on a cluster of three
//                                           `sluice distributed` workers (quickstart-cluster.mjs)
//
// Stop with Ctrl-C: the worker(s) drain and commit, then input and output are compared. The
// services keep running for the next run (`pnpm services down` stops them).
//
// `pnpm quickstart` starts this script with `exec`: the shell pnpm runs scripts in (dash) dies of
// the Ctrl-C it receives too, and pnpm would report that as a failed command; exec'd, node takes
// the shell's place and pnpm sees this script's exit code (the worker's, 0 after a clean stop).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCluster } from './quickstart-cluster.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const bin = join(root, 'packages', 'worker', 'bin', 'sluice.js');
const say = (text) => process.stdout.write(`[quickstart] ${text}\n`);
const which = process.argv[2] ?? 'postgres';

const PIPELINES = {
  postgres: {
    folder: 'postgres-pipeline',
    services: ['kafka', 'postgres'],
    connectors: ['orders-source.properties', 'orders-sink.properties'],
    prepare: preparePostgres,
    feed: (env, n) =>
      psql(env, `INSERT INTO orders (customer, amount) VALUES ('new customer ${n}', ${n}.99)`),
    report: async (env) => {
      const count = (table) => psql(env, `SELECT count(*) FROM ${table}`, true).trim() || '0';
      return `rows in orders: ${count('orders')}, rows in orders_copy: ${count('orders_copy')} (a row inserted after the last poll is copied on the next run)`;
    },
  },
  file: {
    folder: 'file-pipeline',
    services: ['kafka'],
    connectors: ['file-source.properties', 'file-sink.properties'],
    prepare: prepareFile,
    feed: (_env, n, pipeline) =>
      appendFile(join(pipeline, 'data', 'input.txt'), `appended line ${Date.now()} #${n}\n`),
    report: async (_env, pipeline) => {
      const count = async (file) =>
        (await readFile(join(pipeline, 'data', file), 'utf8').catch(() => ''))
          .split('\n')
          .filter(Boolean).length;
      return `lines in input: ${await count('input.txt')}, lines in output: ${await count('output.txt')}`;
    },
  },
  // Runs its own way (three workers, connectors created through REST): see quickstart-cluster.mjs.
  distributed: { folder: 'distributed', services: ['kafka'], cluster: true },
};

const chosen = PIPELINES[which];
if (!chosen) {
  say(`Unknown pipeline "${which}": use one of ${Object.keys(PIPELINES).join(', ')}.`);
  process.exit(2);
}
if (!existsSync(join(root, 'packages', 'worker', 'dist', 'cli', 'main.js'))) {
  say('The worker is not built yet: run `pnpm quickstart` (it builds first), or `pnpm build`.');
  process.exit(1);
}
const pipeline = join(here, chosen.folder);
const stopHint = () =>
  say(
    chosen.services.length === 1
      ? `${chosen.services[0]} keeps running for the next run; stop it with \`pnpm services down\`.`
      : `${chosen.services.join(' and ')} keep running for the next run; stop them with \`pnpm services down\`.`,
  );

// Ctrl-C reaches every process of the terminal's group: the standalone worker stops gracefully on
// its own (tasks drain and commit), and this script waits for it, then ends with the worker's
// code. The cluster's workers run in process groups of their own: the script stops them.
let interrupted = false;
let worker = null;
let feeder = null;
const onInterrupt = [];
const interrupt = (signal) => {
  interrupted = true;
  if (feeder) clearInterval(feeder);
  if (signal === 'SIGTERM') worker?.kill('SIGTERM');
  for (const action of onInterrupt) action(signal);
};
process.on('SIGINT', () => interrupt('SIGINT'));
process.on('SIGTERM', () => interrupt('SIGTERM'));
const stopIfInterrupted = () => {
  if (!interrupted) return;
  say('Interrupted before the worker started.');
  stopHint();
  process.exit(0);
};

const env = { ...process.env, ...(await startServices(chosen.services)) };
stopIfInterrupted();
if (chosen.cluster) {
  const code = await runCluster({
    root,
    pipeline,
    env,
    say,
    onInterrupt: (action) => onInterrupt.push(action),
  });
  stopHint();
  process.exit(code);
}
await mkdir(join(pipeline, 'data'), { recursive: true });
await chosen.prepare(env, pipeline);
stopIfInterrupted();
say('Press Ctrl-C to stop; the worker logs progress every 10 seconds.');
// The worker's REST listener is the default one (worker.properties sets no listeners).
say('Watch the pipeline in the web console: http://localhost:8083/ui');

// The bin itself, as a user's `sluice` runs: its first line starts Node with the worker's flags.
worker = spawn(bin, ['standalone', 'worker.properties', ...chosen.connectors], {
  cwd: pipeline,
  // The file connectors read and write only in the folders this names (none by default).
  env: { ...env, SLUICE_FILE_ALLOWED_PATHS: join(pipeline, 'data') },
  stdio: 'inherit',
});
let n = 0;
feeder = setInterval(() => {
  Promise.resolve(chosen.feed(env, n++, pipeline)).catch((error) =>
    say(`feeding failed: ${error.message}`),
  );
}, 1000);
const code = await new Promise((resolve) => worker.on('exit', (c) => resolve(c ?? 1)));
clearInterval(feeder);
say(`Worker exited with code ${code}.`);
say(await chosen.report(env, pipeline));
stopHint();
process.exit(code);

/** Starts (or reuses) the services and returns their SLUICE_* variables. */
async function startServices(names) {
  say(`Starting ${names.join(' and ')} (the first run installs them; later runs reuse them)...`);
  const services = join(root, 'test-fixtures', 'bin', 'sluice-services.js');
  const up = spawn(process.execPath, [services, 'up', ...names], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  up.stdout.on('data', (chunk) => {
    output += chunk;
  });
  const upCode = await new Promise((resolve) => up.on('exit', (c) => resolve(c ?? 1)));
  const vars = Object.fromEntries(
    [...output.matchAll(/^(SLUICE_[A-Z0-9_]+)=(\S*)$/gm)].map((m) => [m[1], m[2]]),
  );
  // Ctrl-C stopped the starting services too: the caller says so.
  if (interrupted) return vars;
  if (upCode !== 0 || !vars.SLUICE_KAFKA_BROKERS) {
    say('The services did not start; see the messages above.');
    process.exit(1);
  }
  for (const [key, value] of Object.entries(vars)) say(`${key}=${value}`);
  return vars;
}

/** Runs one SQL statement with psql; returns its unaligned output. */
function psql(env, sql, quiet = false) {
  const result = spawnSync(
    'psql',
    [env.SLUICE_POSTGRES_URL, '-v', 'ON_ERROR_STOP=1', '-Atc', sql],
    {
      encoding: 'utf8',
    },
  );
  if (result.error || result.status !== 0) {
    throw new Error(`psql failed: ${result.error?.message ?? result.stderr.trim()}`);
  }
  if (!quiet && result.stderr.trim()) say(result.stderr.trim());
  return result.stdout;
}

/**
 * The orders table with 100 rows on first use. Kept across runs with the source's offsets, so a
 * restart goes on where it stopped; when the table is new (a new database), old offsets go too.
 */
async function preparePostgres(env, pipeline) {
  const exists = psql(env, "SELECT to_regclass('orders') IS NOT NULL", true).trim() === 't';
  if (!exists) {
    psql(
      env,
      `DROP TABLE IF EXISTS orders_copy;
       CREATE TABLE orders (id bigserial PRIMARY KEY, customer text NOT NULL,
         amount numeric(12,2) NOT NULL, created timestamptz NOT NULL DEFAULT now());
       INSERT INTO orders (customer, amount)
         SELECT 'customer ' || i, i + 0.25 FROM generate_series(1, 100) AS i;`,
      true,
    );
    await rm(join(pipeline, 'data', 'connect.offsets'), { force: true });
  }
  say(`Table orders (${env.SLUICE_POSTGRES_URL}) gets a new row every second.`);
  say('The sink creates orders_copy and upserts every row by id.');
}

/** An input file of 1000 lines (kept across runs), tailed as it grows. */
async function prepareFile(_env, pipeline) {
  const input = join(pipeline, 'data', 'input.txt');
  if (!existsSync(input)) {
    const lines = Array.from({ length: 1000 }, (_, i) => `quickstart line ${i}`);
    await writeFile(input, `${lines.join('\n')}\n`);
  }
  say(`Input: ${input} (a new line is appended every second)`);
  say(`Output: ${join(pipeline, 'data', 'output.txt')}`);
}
