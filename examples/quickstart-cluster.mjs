// `pnpm quickstart distributed`: a Connect cluster of three `sluice distributed` workers on one
// machine (examples/distributed/worker.properties), a file source and a file sink created through
// the REST API of one of them, a line appended to the input every second, and every few seconds
// how far the lines got and which worker runs what. Ctrl-C sends SIGTERM to every worker: each
// stops its tasks (offsets committed) and leaves the group, then the script ends with code 0.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const WORKERS = 3;
const PREFERRED_PORTS = [8083, 8084, 8085];
const CONNECTORS = ['file-source.json', 'file-sink.json'];
const STATUS_EVERY_MS = 5_000;
/** Interrupts closer together than this are one Ctrl-C. */
const REPEAT_MS = 1_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the cluster until interrupted. `onInterrupt(fn)` registers what Ctrl-C / SIGTERM does;
 * resolves with the exit code (0 when every worker stopped cleanly).
 */
export async function runCluster({ root, pipeline, env, say, onInterrupt }) {
  const bin = join(root, 'packages', 'worker', 'bin', 'sluice.js');
  const cluster = process.env.SLUICE_CLUSTER ?? (await clusterOf(pipeline));
  const ports = await choosePorts(PREFERRED_PORTS);
  const workers = [];
  let stopping = false;
  let feeder = null;
  let reporter = null;

  let stoppedAt = 0;
  const stopAll = () => {
    if (feeder) clearInterval(feeder);
    if (reporter) clearInterval(reporter);
    // One Ctrl-C arrives twice: from the terminal, and forwarded by pnpm. A worker stops at once
    // on a second SIGTERM, so only a Ctrl-C pressed again later sends another.
    if (stopping && Date.now() - stoppedAt < REPEAT_MS) return;
    const live = workers.filter((w) => w.exit === null);
    if (live.length > 0)
      say(
        stopping
          ? `Stopping the ${live.length} remaining worker(s) at once (SIGTERM again).`
          : `Stopping the ${live.length} worker(s) with SIGTERM: each stops its tasks, commits their offsets and leaves the group (Ctrl-C again stops them at once).`,
      );
    stopping = true;
    stoppedAt = Date.now();
    for (const w of live) w.child.kill('SIGTERM');
  };
  onInterrupt(stopAll);
  // Should this script end some other way, the workers must not outlive it.
  process.on('exit', () => {
    for (const w of workers) if (w.exit === null) w.child.kill('SIGTERM');
  });

  await mkdir(join(pipeline, 'data'), { recursive: true });
  say(`Starting ${WORKERS} workers of the Connect cluster ${cluster} (group.id and topic prefix):`);
  for (let i = 0; i < WORKERS && !stopping; i++) {
    workers.push(startWorker(bin, pipeline, env, cluster, i + 1, ports[i], say, () => stopping));
  }
  for (const w of workers) {
    say(
      `  worker ${w.n}: REST API ${w.url} (pid ${w.child.pid}), log lines prefixed [worker ${w.n}]`,
    );
  }
  const exited = Promise.all(workers.map((w) => w.exited));

  try {
    const first = workers[0];
    await waitFor(() => stopping || workers.every((w) => w.up), 'every worker answering', workers);
    const view = await waitFor(
      async () => {
        if (stopping) return true;
        const v = await getJson(`${first.url}/cluster`).catch(() => null);
        return v && !v.rebalancing && v.workers.length === WORKERS ? v : null;
      },
      'the three workers forming one group',
      workers,
    );
    if (!stopping) {
      say(
        `The cluster has ${view.workers.length} workers, generation ${view.generation}; the leader is ${view.leader_url}.`,
      );
      const existing = await getJson(`${first.url}/connectors`);
      const configs = await Promise.all(
        CONNECTORS.map(async (f) => JSON.parse(await readFile(join(pipeline, f), 'utf8'))),
      );
      const fresh = configs.every((c) => !existing.includes(c.name));
      await prepareData(pipeline, fresh, say);
      for (const [i, c] of configs.entries()) {
        const created = await createConnector(first.url, c, () => stopping);
        if (created === null) break;
        say(
          created
            ? `Created connector ${c.name} through ${first.url} (as \`curl -X POST -H 'Content-Type: application/json' --data @examples/distributed/${CONNECTORS[i]} ${first.url}/connectors\`).`
            : `Connector ${c.name} is already in the cluster (its config topic keeps it from an earlier run).`,
        );
      }
    }
    if (!stopping) {
      let n = 0;
      feeder = setInterval(() => {
        appendFile(
          join(pipeline, 'data', 'input.txt'),
          `appended line ${Date.now()} #${n++}\n`,
        ).catch((error) => say(`feeding failed: ${error.message}`));
      }, 1000);
      reporter = setInterval(() => {
        report(pipeline, workers, say).catch(() => {});
      }, STATUS_EVERY_MS);
      say(`Input: ${join(pipeline, 'data', 'input.txt')} (a new line every second)`);
      say(`Output: ${join(pipeline, 'data', 'output.txt')}`);
      say(
        `Statuses: curl '${first.url}/connectors?expand=status'; any worker answers, and \`curl ${first.url}/cluster\` shows the group.`,
      );
      say(
        `Try \`kill -9 <pid>\` on a worker: its connectors and tasks move to the others after scheduled.rebalance.max.delay.ms (15 s). Press Ctrl-C to stop.`,
      );
    }
  } catch (error) {
    say(`${error.message}`);
    stopAll();
  }

  await exited;
  if (feeder) clearInterval(feeder);
  if (reporter) clearInterval(reporter);
  const codes = workers.map((w) => w.exit);
  say(`Workers exited: ${workers.map((w) => `worker ${w.n} ${describeExit(w.exit)}`).join(', ')}.`);
  say(await lineCounts(pipeline));
  // A worker the user killed to watch the others take over does not make this run fail.
  return codes.every((c, i) => c === 0 || workers[i].killedBeforeStop) ? 0 : 1;
}

/** Spawns one worker in its own process group: Ctrl-C reaches this script, which stops them. */
function startWorker(bin, pipeline, env, cluster, n, port, say, isStopping) {
  // The bin itself, as a user's `sluice` runs: its first line starts Node with the worker's flags.
  const child = spawn(bin, ['distributed', 'worker.properties'], {
    cwd: pipeline,
    env: {
      ...env,
      SLUICE_CLUSTER: cluster,
      SLUICE_REST_PORT: String(port),
      SLUICE_LOG_FORMAT: env.SLUICE_LOG_FORMAT ?? 'text',
      // The file connectors read and write only in the folders this names (none by default).
      SLUICE_FILE_ALLOWED_PATHS: join(pipeline, 'data'),
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const w = { n, port, url: `http://127.0.0.1:${port}`, child, up: false, exit: null };
  w.killedBeforeStop = false;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) =>
      process.stdout.write(`[worker ${n}] ${line}\n`),
    );
  }
  w.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      w.exit = code ?? signal;
      if (!isStopping()) {
        w.killedBeforeStop = true;
        say(
          `Worker ${n} exited (${describeExit(w.exit)}); the others take over its connectors and tasks.`,
        );
      }
      resolve();
    });
  });
  const poll = async () => {
    while (w.exit === null && !w.up) {
      w.up = await fetch(`${w.url}/`)
        .then((r) => r.ok)
        .catch(() => false);
      if (!w.up) await sleep(100);
    }
  };
  void poll();
  return w;
}

function describeExit(exit) {
  return typeof exit === 'number' ? `with code ${exit}` : `by ${exit}`;
}

/** Polls `check` until it gives a value; fails when every worker is gone. */
async function waitFor(check, what, workers, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (workers.every((w) => w.exit !== null))
      throw new Error(`The workers exited before ${what}; see their messages above.`);
    if (Date.now() > deadline) throw new Error(`Gave up waiting for ${what}.`);
    await sleep(200);
  }
}

async function getJson(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return res.json();
}

/**
 * POST /connectors. Resolves true when created, false when it already existed, null when
 * interrupted; retries while the cluster rebalances (409, as Kafka Connect answers then).
 */
async function createConnector(url, body, isStopping) {
  for (;;) {
    if (isStopping()) return null;
    const res = await fetch(`${url}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).catch(() => null);
    const text = res ? await res.text() : '';
    if (res?.status === 201) return true;
    if (res?.status === 409 && text.includes('already exists')) return false;
    if (res && res.status !== 409)
      throw new Error(`Creating ${body.name} failed: ${res.status} ${text}`);
    await sleep(500);
  }
}

/**
 * A new cluster (its config topic holds neither connector) starts from a fresh input of 1000
 * lines and no output; a cluster that already runs them goes on where it stopped.
 */
/**
 * The cluster (group and topic prefix) of this pipeline's data folder, named once and kept in
 * it: several checkouts may share one Kafka, and a data folder made anew (a fresh clone, or
 * deleted by hand) gets a new cluster, whose source starts at the new input's first line
 * rather than at an offset the old cluster committed for a file that is gone.
 */
async function clusterOf(pipeline) {
  const file = join(pipeline, 'data', 'cluster');
  const kept = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (kept !== '') return kept;
  const name = `sluice-quickstart-${randomBytes(4).toString('hex')}`;
  await mkdir(join(pipeline, 'data'), { recursive: true });
  await writeFile(file, `${name}\n`);
  return name;
}

async function prepareData(pipeline, fresh, say) {
  const input = join(pipeline, 'data', 'input.txt');
  if (fresh || !existsSync(input)) {
    const lines = Array.from({ length: 1000 }, (_, i) => `quickstart line ${i}`);
    await writeFile(input, `${lines.join('\n')}\n`);
    await rm(join(pipeline, 'data', 'output.txt'), { force: true });
    say('A new cluster: the input starts with 1000 lines, the output empty.');
  } else {
    say('The cluster ran these connectors before: the source goes on from its committed offset.');
  }
}

async function countLines(file) {
  return (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
}

async function lineCounts(pipeline) {
  const data = join(pipeline, 'data');
  return `lines in input: ${await countLines(join(data, 'input.txt'))}, lines in output: ${await countLines(join(data, 'output.txt'))}`;
}

/** One line: how far the lines got, and which worker runs each connector's tasks. */
async function report(pipeline, workers, say) {
  const live = workers.find((w) => w.exit === null && w.up);
  if (!live) return;
  const statuses = await getJson(`${live.url}/connectors?expand=status`);
  // The status topic says what a worker last reported: a killed one's tasks stay RUNNING there
  // until another worker starts them.
  const gone = new Set(workers.filter((w) => w.exit !== null).map((w) => `127.0.0.1:${w.port}`));
  const on = (id) => (gone.has(id) ? `${id} (gone; moves after the delay)` : id);
  const where = Object.values(statuses)
    .map(({ status }) => {
      const tasks =
        status.tasks.map((t) => `${t.state} on ${on(t.worker_id)}`).join(', ') || 'no task';
      return `${status.name}: ${tasks}`;
    })
    .sort()
    .join('; ');
  say(`${await lineCounts(pipeline)} | ${where}`);
}

/** The preferred ports where free, others the kernel picks where not. */
async function choosePorts(preferred) {
  const out = [];
  for (const port of preferred) out.push((await tryListen(port)) ?? (await tryListen(0)));
  return out;
}

function tryListen(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address();
      server.close(() => resolve(bound));
    });
  });
}
