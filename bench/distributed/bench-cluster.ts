/**
 * A Connect cluster of one system for the distributed bench: worker processes started with
 * @sluice/test-fixtures (`sluice distributed` or Kafka's ConnectDistributed), each with its own
 * folder, REST port and log, all with the same worker config apart from their addresses.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ephemeralPort, type KafkaConnectInstall } from '@sluice/test-fixtures';
import { startWorker, type WorkerProcess, type WorkerSystem } from '../connect/worker-process.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The group settings both systems get (the issue: the same session timeout and delay). */
export interface GroupSettings {
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly scheduledRebalanceMaxDelayMs: number;
  /**
   * `connect.protocol` for Kafka Connect only (default: its own default, sessioned). `eager`
   * (every worker stops everything at each rebalance) checks that the bench sees restarts;
   * Sluice refuses it.
   */
  readonly kafkaConnectProtocol?: string | undefined;
}

/** What a cluster needs from the bench. */
export interface ClusterContext {
  readonly brokers: readonly string[];
  readonly kafkaConnect: KafkaConnectInstall | undefined;
  readonly log: (line: string) => void;
}

/** The internal topics of a cluster named `name`. */
export function internalTopics(name: string) {
  return {
    config: `${name}-configs`,
    offset: `${name}-offsets`,
    status: `${name}-status`,
  };
}

/**
 * One worker config for both systems: Kafka Connect's distributed keys, the internal topics'
 * defaults written out (25 offset partitions, 5 status partitions), replication factor 1 (one
 * broker), JSON values without schemas, and the REST address advertised as `127.0.0.1:<port>`
 * (the `worker_id` both write in statuses).
 */
export function distributedWorkerConfig(
  system: WorkerSystem,
  name: string,
  brokers: readonly string[],
  settings: GroupSettings,
  port: number,
): Record<string, string> {
  const topics = internalTopics(name);
  const protocol = system === 'kafka-connect' ? settings.kafkaConnectProtocol : undefined;
  return {
    ...(protocol === undefined ? {} : { 'connect.protocol': protocol }),
    'bootstrap.servers': brokers.join(','),
    'group.id': name,
    'config.storage.topic': topics.config,
    'offset.storage.topic': topics.offset,
    'status.storage.topic': topics.status,
    'config.storage.replication.factor': '1',
    'offset.storage.replication.factor': '1',
    'status.storage.replication.factor': '1',
    'offset.storage.partitions': '25',
    'status.storage.partitions': '5',
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'false',
    'offset.flush.interval.ms': '10000',
    'session.timeout.ms': String(settings.sessionTimeoutMs),
    'heartbeat.interval.ms': String(settings.heartbeatIntervalMs),
    'scheduled.rebalance.max.delay.ms': String(settings.scheduledRebalanceMaxDelayMs),
    listeners: `http://127.0.0.1:${port}`,
    'rest.advertised.host.name': '127.0.0.1',
    'rest.advertised.port': String(port),
  };
}

/** One worker process of the cluster. */
export class BenchWorker {
  /** `Date.now()` just after the process was spawned. */
  readonly spawnedAt = Date.now();
  /** `Date.now()` when its REST API first answered. */
  restUpAt = 0;
  private gone = false;

  constructor(
    readonly index: number,
    readonly port: number,
    readonly process: WorkerProcess,
  ) {
    void process.exited.then(() => {
      this.gone = true;
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The worker id both systems write in statuses: the advertised `host:port`. */
  get id(): string {
    return `127.0.0.1:${this.port}`;
  }

  get alive(): boolean {
    return !this.gone;
  }

  /** Waits until `GET /` answers 200 (records when). */
  async waitForRest(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.gone)
        throw new Error(`worker ${this.id} exited before answering (log: ${this.process.logFile})`);
      const answered = await fetch(`${this.url}/`, { signal: AbortSignal.timeout(1000) })
        .then((r) => r.ok)
        .catch(() => false);
      if (answered) {
        this.restUpAt = Date.now();
        return;
      }
      await sleep(50);
    }
    throw new Error(`worker ${this.id} did not answer within ${timeoutMs} ms`);
  }

  /** kill -9: no goodbye to the group. */
  async kill(): Promise<void> {
    this.process.child.kill('SIGKILL');
    await this.process.exited;
  }
}

/** The workers of one system's cluster. */
export class BenchCluster {
  readonly workers: BenchWorker[] = [];
  private spawned = 0;

  constructor(
    readonly system: WorkerSystem,
    readonly name: string,
    readonly dir: string,
    private readonly ctx: ClusterContext,
    private readonly settings: GroupSettings,
  ) {}

  get topics() {
    return internalTopics(this.name);
  }

  /** Spawns one more worker; `waitForRest()` on it to know it is up. */
  async spawn(): Promise<BenchWorker> {
    // Numbered before the first await: workers are spawned in parallel.
    const index = ++this.spawned;
    const port = await ephemeralPort();
    const dir = join(this.dir, `worker-${index}`);
    await mkdir(dir, { recursive: true });
    const process = await startWorker({
      system: this.system,
      mode: 'distributed',
      dir,
      worker: distributedWorkerConfig(
        this.system,
        this.name,
        this.ctx.brokers,
        this.settings,
        port,
      ),
      connectors: [],
      kafkaConnect: this.ctx.kafkaConnect,
    });
    const worker = new BenchWorker(index, port, process);
    this.workers.push(worker);
    return worker;
  }

  live(): BenchWorker[] {
    return this.workers.filter((w) => w.alive);
  }

  /**
   * The leader's REST URL: Sluice says it in `GET /cluster`; Kafka Connect only in its log, on
   * each "Joined group at generation N ... got assignment: Assignment{..., leaderUrl='...'}"
   * line (the newest generation wins).
   */
  async leaderUrl(): Promise<string | null> {
    const live = this.live();
    if (this.system === 'sluice') {
      for (const w of live) {
        const view = (await fetch(`${w.url}/cluster`)
          .then((r) => r.json())
          .catch(() => null)) as { leader_url?: string | null } | null;
        if (view?.leader_url) return view.leader_url.replace(/\/$/, '');
      }
      return null;
    }
    let best: { generation: number; url: string } | null = null;
    for (const w of live) {
      const text = await readFile(w.process.logFile, 'utf8').catch(() => '');
      for (const m of text.matchAll(
        /Joined group at generation (\d+)[^\n]*?leaderUrl='([^']*)'/g,
      )) {
        const generation = Number(m[1]);
        if (!best || generation > best.generation)
          best = { generation, url: (m[2] ?? '').replace(/\/$/, '') };
      }
    }
    return best?.url ?? null;
  }

  /** Graceful stop of every live worker (SIGTERM, SIGKILL after 60 s). */
  async stopAll(): Promise<void> {
    await Promise.all(this.live().map((w) => w.process.stop(60_000)));
  }
}

/** A REST answer. */
export interface RestAnswer {
  readonly status: number;
  readonly body: unknown;
}

export async function rest(
  url: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<RestAnswer> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed };
}

/**
 * `PUT /connectors/<name>/config`, retried while the cluster rebalances (409) or the leader is
 * not known yet (Kafka Connect answers 500/503 for a moment after start).
 */
export async function putConnector(
  url: string,
  name: string,
  config: Record<string, string>,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: RestAnswer | string = '';
  while (Date.now() < deadline) {
    try {
      last = await rest(url, 'PUT', `/connectors/${encodeURIComponent(name)}/config`, config);
      if (last.status === 200 || last.status === 201) return;
      if (last.status < 409 || last.status === 501) break;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`creating connector ${name} through ${url} failed: ${JSON.stringify(last)}`);
}
