/**
 * A Connect cluster of `sluice distributed` processes, and live numbered-line input for file
 * connectors: the harness of the worker's integration tests and of the reliability scenarios.
 * The `sluice` bin is given by the caller (test-fixtures does not depend on the worker).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeProperties } from './connect-worker-process.js';
import { ephemeralPort } from './free-port.js';
import { sluiceNodeFlags } from './sluice-bin.js';

/** A running `sluice` child process with its output collected. */
export interface SluiceProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

/** Runs `node <the bin's flags> <sluiceBin> <args>` in `cwd`, collecting its output. */
export function runSluice(
  sluiceBin: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): SluiceProcess {
  const child = spawn(process.execPath, [...sluiceNodeFlags(sluiceBin), sluiceBin, ...args], {
    cwd,
    // Sluice's file connectors use only the folders SLUICE_FILE_ALLOWED_PATHS names; tests keep
    // their files in the temporary folder.
    env: { SLUICE_FILE_ALLOWED_PATHS: tmpdir(), ...process.env, SLUICE_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c) => {
    out += String(c);
  });
  child.stderr?.on('data', (c) => {
    out += String(c);
  });
  const exited = new Promise<number | string>((r) =>
    child.on('exit', (code, signal) => r(code ?? signal ?? -1)),
  );
  return { child, output: () => out, exited };
}

/** Polls `check` until true, failing with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 240_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A REST answer: status and parsed body. */
export interface Answer {
  status: number;
  body: unknown;
}

/** Sends one REST request; the body is JSON. */
export async function rest(url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed } as Answer;
}

/** Sends a write, retrying Kafka's 409 answers while the cluster rebalances. */
export async function restWrite(url: string, method: string, path: string, body?: unknown) {
  let answer: Answer = { status: 0, body: undefined };
  await waitFor(
    `${method} ${path} outside a rebalance`,
    async () => {
      answer = await rest(url, method, path, body);
      return answer.status !== 409 || JSON.stringify(answer.body).includes('already exists');
    },
    60_000,
  );
  return answer;
}

export interface StatusEntry {
  state: string;
  worker_id: string;
  trace?: string;
}

export interface ConnectorStatus {
  connector: StatusEntry;
  tasks: Array<StatusEntry & { id: number }>;
}

export interface ClusterView {
  leader_url: string | null;
  generation: number;
  rebalancing: boolean;
  workers: string[];
  connectors: string[];
  tasks: string[];
}

/** One worker process of the cluster, restartable on the same port (same worker id). */
export class ClusterWorker {
  process: SluiceProcess | null = null;
  starts = 0;

  constructor(
    readonly cluster: TestCluster,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get id(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Spawns `sluice distributed` with the cluster's properties, without waiting for it. */
  async spawn(): Promise<SluiceProcess> {
    const file = await writeProperties(join(this.cluster.dir, `worker-${this.port}.properties`), {
      ...this.cluster.props,
      listeners: this.url,
    });
    this.starts++;
    this.process = runSluice(
      this.cluster.sluiceBin,
      ['distributed', '--progress-interval', '0', file],
      this.cluster.dir,
    );
    return this.process;
  }

  /** Starts the worker and waits until its REST API answers. */
  async start(): Promise<void> {
    await this.spawn();
    await waitFor(
      `worker ${this.id} to answer`,
      async () => {
        if (!this.alive)
          throw new Error(`worker ${this.id} exited:\n${this.process?.output().slice(-3000)}`);
        return (await rest(this.url, 'GET', '/').catch(() => ({ status: 0 }))).status === 200;
      },
      60_000,
    );
  }

  /**
   * Spawns the worker and waits for it to exit by itself, as one that refuses to start must;
   * resolves with its exit code and output (a worker still running after `timeoutMs` is killed
   * and the call fails).
   */
  async runUntilExit(timeoutMs = 60_000): Promise<{ code: number | string; output: string }> {
    const process = await this.spawn();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => {
      timer = setTimeout(() => r('timeout'), timeoutMs);
    });
    const code = await Promise.race([process.exited, timedOut]);
    clearTimeout(timer);
    if (code === 'timeout') {
      await this.kill();
      throw new Error(
        `worker ${this.id} still ran after ${timeoutMs} ms:\n${process.output().slice(-3000)}`,
      );
    }
    return { code, output: process.output() };
  }

  get alive(): boolean {
    const child = this.process?.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /** kill -9: no goodbye to the group. */
  async kill(): Promise<void> {
    this.process?.child.kill('SIGKILL');
    await this.process?.exited;
  }

  /** Graceful stop (SIGTERM, as Ctrl-C); resolves with the exit code. */
  async stop(): Promise<number | string | undefined> {
    this.process?.child.kill('SIGTERM');
    return this.process?.exited;
  }

  async cluster_(): Promise<ClusterView> {
    return (await rest(this.url, 'GET', '/cluster')).body as ClusterView;
  }

  /** A counter of the worker's /metrics (e.g. `kafka_connect_worker_task_startup_attempts_total`). */
  async metric(name: string): Promise<number> {
    const res = await fetch(`${this.url}/metrics`);
    const line = (await res.text()).split('\n').find((l) => l.startsWith(`${name} `));
    return line ? Number(line.split(' ')[1]) : Number.NaN;
  }
}

/** Settings that keep failure detection short in tests (Kafka's broker minimum session is 6 s). */
export function clusterProps(
  id: string,
  brokers: string[],
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    'bootstrap.servers': brokers.join(','),
    'group.id': `cluster-${id}`,
    'config.storage.topic': `cluster-${id}-configs`,
    'offset.storage.topic': `cluster-${id}-offsets`,
    'status.storage.topic': `cluster-${id}-status`,
    'config.storage.replication.factor': '1',
    'offset.storage.replication.factor': '1',
    'status.storage.replication.factor': '1',
    'offset.storage.partitions': '5',
    'status.storage.partitions': '3',
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'offset.flush.interval.ms': '1000',
    'session.timeout.ms': '6000',
    'heartbeat.interval.ms': '1000',
    'scheduled.rebalance.max.delay.ms': '4000',
    'consumer.session.timeout.ms': '6000',
    'consumer.heartbeat.interval.ms': '1000',
    ...overrides,
  };
}

/** Workers sharing one group and internal topics, in a temp folder with input/output files. */
export class TestCluster {
  readonly workers: ClusterWorker[] = [];
  readonly id = randomUUID().slice(0, 8);

  private constructor(
    readonly dir: string,
    readonly props: Record<string, string>,
    readonly sluiceBin: string,
  ) {}

  /** A cluster (no worker started yet) of `sluiceBin` workers on `brokers`. */
  static async create(
    sluiceBin: string,
    brokers: string[],
    overrides: Record<string, string> = {},
  ): Promise<TestCluster> {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-cluster-'));
    const cluster = new TestCluster(dir, {}, sluiceBin);
    Object.assign(cluster.props, clusterProps(cluster.id, brokers, overrides));
    return cluster;
  }

  /** A new worker of this cluster on a free port, not started yet. */
  async newWorker(): Promise<ClusterWorker> {
    const w = new ClusterWorker(this, await ephemeralPort());
    this.workers.push(w);
    return w;
  }

  /** Starts `n` more workers, one after another. */
  async add(n: number): Promise<ClusterWorker[]> {
    const added: ClusterWorker[] = [];
    for (let i = 0; i < n; i++) {
      const w = await this.newWorker();
      await w.start();
      added.push(w);
    }
    return added;
  }

  live(): ClusterWorker[] {
    return this.workers.filter((w) => w.alive);
  }

  worker(id: string): ClusterWorker {
    const w = this.workers.find((x) => x.id === id);
    if (!w) throw new Error(`no worker ${id}`);
    return w;
  }

  /** Waits until every live worker is in one generation with no rebalance under way. */
  async settled(): Promise<ClusterView> {
    let view: ClusterView | null = null;
    let views: Array<ClusterView | null> = [];
    await waitFor(
      'the cluster to settle',
      async () => {
        views = await Promise.all(this.live().map((w) => w.cluster_().catch(() => null)));
        if (views.some((v) => v === null || v.rebalancing || v.generation < 0)) return false;
        const generations = new Set(views.map((v) => v?.generation));
        const live = this.live()
          .map((w) => w.url)
          .sort();
        view = views[0] ?? null;
        return generations.size === 1 && JSON.stringify(view?.workers) === JSON.stringify(live);
      },
      120_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last views ${JSON.stringify(views)}\n${this.problems()}`);
    });
    return view as unknown as ClusterView;
  }

  async status(name: string, via = this.live()[0]): Promise<ConnectorStatus> {
    if (!via) throw new Error('no live worker');
    return (await rest(via.url, 'GET', `/connectors/${name}/status`)).body as ConnectorStatus;
  }

  /** Waits until the connector and `tasks` tasks run on live workers; resolves with the status. */
  async running(name: string, tasks: number): Promise<ConnectorStatus> {
    let status: ConnectorStatus | null = null;
    const live = () => new Set(this.live().map((w) => w.id));
    await waitFor(
      `${name} running with ${tasks} task(s)`,
      async () => {
        status = await this.status(name).catch(() => null);
        const ids = live();
        return (
          status?.connector?.state === 'RUNNING' &&
          ids.has(status.connector.worker_id) &&
          status.tasks.length === tasks &&
          status.tasks.every((t) => t.state === 'RUNNING' && ids.has(t.worker_id))
        );
      },
      120_000,
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}; last status ${JSON.stringify(status)}\n${this.problems()}`,
      );
    });
    return status as unknown as ConnectorStatus;
  }

  /** The warning and error lines every worker logged, for failure messages. */
  problems(): string {
    return this.workers
      .map((w) => {
        const lines = (w.process?.output() ?? '')
          .split('\n')
          .filter((l) => /"level":(40|50|60)/.test(l))
          .slice(-15)
          .map((l) => l.slice(0, 600));
        return `--- worker ${w.id} (${w.alive ? 'alive' : 'down'}):\n${lines.join('\n')}`;
      })
      .join('\n');
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.workers.filter((w) => w.alive).map((w) => w.kill()));
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Appends numbered lines `from..to-1` to a file. */
export async function appendLines(file: string, from: number, to: number): Promise<void> {
  let text = '';
  for (let i = from; i < to; i++) text += `line-${i}\n`;
  await appendFile(file, text);
}

/** The lines of a file: how many, how many distinct, and which of `0..expected-1` are missing. */
export async function countLines(file: string, expected: number) {
  const lines = (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  const distinct = new Set(lines);
  const missing: number[] = [];
  for (let i = 0; i < expected; i++) if (!distinct.has(`line-${i}`)) missing.push(i);
  return {
    total: lines.length,
    distinct: distinct.size,
    missing,
    duplicates: lines.length - distinct.size,
  };
}

/** Numbered lines appended to a file on a timer: the live input of a file source. */
export class LineFeed {
  /** Lines written so far (`line-0` .. `line-<written-1>`). */
  written = 0;
  private timer: NodeJS.Timeout | null = null;
  private appending: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    readonly perTick = 20,
    readonly tickMs = 100,
  ) {}

  /** Lines per second while running. */
  get rate(): number {
    return (this.perTick * 1000) / this.tickMs;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      const from = this.written;
      const to = from + this.perTick;
      this.written = to;
      // Chained, so the lines land in order however slow the disk is; `to` is fixed now, or a
      // slow append would write lines a later tick writes too.
      this.appending = this.appending.then(() => appendLines(this.file, from, to));
    }, this.tickMs);
  }

  /** Stops appending; resolves once the last append landed. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.appending;
  }

  /** Appends `n` lines at once (while nothing reads the file, say). */
  async append(n: number): Promise<void> {
    const from = this.written;
    const to = from + n;
    this.written = to;
    this.appending = this.appending.then(() => appendLines(this.file, from, to));
    await this.appending;
  }

  /** Waits until every line written so far is in `output`; resolves with the counts either way. */
  async arrived(
    output: string,
    timeoutMs = 180_000,
  ): Promise<Awaited<ReturnType<typeof countLines>>> {
    let counts = await countLines(output, this.written);
    await waitFor(
      `all ${this.written} lines in ${output}`,
      async () => {
        counts = await countLines(output, this.written);
        return counts.missing.length === 0;
      },
      timeoutMs,
    ).catch(() => {});
    return counts;
  }
}
