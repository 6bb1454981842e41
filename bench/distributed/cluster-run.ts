/**
 * One repetition on one system: a cluster of workers runs N file source connectors (tasks.max=1);
 * a further worker joins, then leaves gracefully, then a follower is killed with SIGKILL. Each
 * change is timed and checked for needless restarts through the status topic; RSS is sampled.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTopicsAndWait, rssOf } from '@sluice/test-fixtures';
import type { Admin, Kafka } from 'kafkajs';
import { deleteGroupsContaining, deleteTopics } from '../connect/kafka-client.js';
import { sluiceBuildStamp, type WorkerSystem } from '../connect/worker-process.js';
import {
  BenchCluster,
  type BenchWorker,
  type ClusterContext,
  type GroupSettings,
  putConnector,
} from './bench-cluster.js';
import {
  allRunningOn,
  analyse,
  balancedOn,
  type ScenarioName,
  type ScenarioResult,
  waitUntilDone,
} from './scenario.js';
import { type ItemId, type ItemStatus, StatusLog } from './status-log.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const STEADY_SAMPLES = 10;

export interface RunSettings {
  readonly workers: number;
  readonly connectors: number;
  readonly linesPerFile: number;
  readonly group: GroupSettings;
  /** No status record for this long: the cluster has stopped moving things. */
  readonly quietMs: number;
  /** Longest a step (a worker start, a scenario) may take before the repetition is given up. */
  readonly timeoutMs: number;
  /** Followers killed one after another (a new worker replaces each before the next kill). */
  readonly kills: number;
  /** How long the settled cluster sits idle before its RSS is read again (0: not). */
  readonly idleMs: number;
}

export interface RunContext extends ClusterContext {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly workDir: string;
  readonly runId: string;
  /** Keep each repetition's folder (worker logs) even when it succeeded. */
  readonly keepLogs: boolean;
}

/** RSS of one worker. */
export interface WorkerMemory {
  readonly worker: string;
  /** Every connector running, nothing moving any more (median of 10 samples, 1 s apart). */
  readonly settledRssBytes: number;
  /** The same after `idleMs` more (runtimes give memory back after a while idle). */
  readonly idleRssBytes: number;
  /** Largest sample (every 200 ms) over the whole repetition. */
  readonly peakRssBytes: number;
}

export interface ClusterRun {
  readonly system: WorkerSystem;
  readonly rep: number;
  /** First connector created → every connector and task RUNNING, s. */
  readonly createSeconds: number;
  readonly memory: readonly WorkerMemory[];
  readonly scenarios: readonly ScenarioResult[];
  /** A scenario that did not finish, with why. */
  readonly error?: string;
  readonly sluiceBuild?: string;
}

/** One change to the cluster. */
interface Change {
  readonly name: ScenarioName;
  /** Whether the worker that leaves or dies is the group's leader. */
  readonly wasLeader: boolean;
  /** Makes the change; resolves with the worker that joined, left or died. */
  readonly act: () => Promise<BenchWorker>;
  /** When the cluster has absorbed the change. */
  readonly done: (status: ReadonlyMap<ItemId, ItemStatus>, worker: BenchWorker) => boolean;
  /** Whether a connector or task was on the change's path (it had to move). */
  readonly affected: (
    before: ItemStatus | undefined,
    after: ItemStatus | undefined,
    worker: BenchWorker,
  ) => boolean;
}

/** Runs the repetition; a scenario that fails ends it with `error` set (what ran is kept). */
export async function runCluster(
  ctx: RunContext,
  system: WorkerSystem,
  rep: number,
  reps: number,
  settings: RunSettings,
): Promise<ClusterRun> {
  const label = `[${system} rep ${rep}/${reps}]`;
  const name = `bench-dist-${ctx.runId}-${system}-${rep}`;
  const dir = join(ctx.workDir, name);
  await mkdir(dir, { recursive: true });
  const cluster = new BenchCluster(system, name, dir, ctx, settings.group);
  const dataTopic = `${name}-lines`;
  const items = settings.connectors * 2;
  const log = new StatusLog(ctx.kafka, cluster.topics.status);
  const scenarios: ScenarioResult[] = [];
  const memory: WorkerMemory[] = [];
  let createSeconds = Number.NaN;
  let error: string | undefined;
  const settled = new Map<string, number>();
  const idle = new Map<string, number>();
  const ids = (workers: readonly BenchWorker[]) => new Set(workers.map((w) => w.id));

  /** Makes one change and reads what it did from the status records. */
  const scenario = async (change: Change): Promise<void> => {
    const mark = log.events.length;
    const before = log.current();
    // The workers heartbeat every heartbeat.interval.ms from their last rebalance, which the
    // bench's own steps follow closely: a random pause puts each change at a random point of
    // that cycle, so neither system is always caught just before (or after) a heartbeat.
    const phaseWaitMs = Math.round(Math.random() * settings.group.heartbeatIntervalMs);
    await sleep(phaseWaitMs);
    const startedAt = Date.now();
    const worker = await change.act();
    const done = (s: ReadonlyMap<ItemId, ItemStatus>) => change.done(s, worker);
    await waitUntilDone(
      log,
      done,
      startedAt,
      settings.quietMs,
      settings.timeoutMs,
      `${label} ${change.name}`,
    );
    const window = log.events.slice(mark);
    const a = analyse(before, window, startedAt, done, (_item, b, f) =>
      change.affected(b, f, worker),
    );
    const result: ScenarioResult = {
      scenario: change.name,
      worker: worker.id,
      wasLeader: change.wasLeader,
      phaseWaitMs,
      seconds: a.doneAt === null ? Number.NaN : (a.doneAt - startedAt) / 1000,
      firstMovedSeconds: a.firstMovedAt === null ? Number.NaN : (a.firstMovedAt - startedAt) / 1000,
      ...(change.name === 'join'
        ? { restSeconds: (worker.restUpAt - worker.spawnedAt) / 1000 }
        : {}),
      movedConnectors: a.movedConnectors,
      movedTasks: a.movedTasks,
      unaffectedConnectorsRestarted: a.unaffectedConnectorsRestarted,
      unaffectedTasksRestarted: a.unaffectedTasksRestarted,
      disturbed: a.disturbed,
      statusRecords: window.length,
    };
    ctx.log(
      `${label} ${change.name} of ${worker.id}${change.wasLeader ? ' (leader)' : ''}: done after ${result.seconds.toFixed(2)} s (first moved item RUNNING after ${result.firstMovedSeconds.toFixed(2)} s); moved ${a.movedConnectors} connectors + ${a.movedTasks} tasks; unaffected restarted: ${a.unaffectedConnectorsRestarted} connectors, ${a.unaffectedTasksRestarted} tasks; ${window.length} status records`,
    );
    scenarios.push(result);
  };
  const others = (worker: BenchWorker) => ids(cluster.live().filter((w) => w !== worker));

  try {
    await createTopicsAndWait(ctx.admin, [{ topic: dataTopic }]);
    const started = await Promise.all(
      Array.from({ length: settings.workers }, () => cluster.spawn()),
    );
    await Promise.all(started.map((w) => w.waitForRest(settings.timeoutMs)));
    await waitForTopic(ctx.admin, cluster.topics.status);
    await log.start();
    ctx.log(
      `${label} ${settings.workers} workers answer; creating ${settings.connectors} connectors`,
    );

    const via = started[0] as BenchWorker;
    const createdAt = Date.now();
    for (let i = 0; i < settings.connectors; i++) {
      const file = join(dir, `input-${i}.txt`);
      const lines = Array.from({ length: settings.linesPerFile }, (_, n) => `file ${i} line ${n}`);
      await writeFile(file, `${lines.join('\n')}\n`);
      await putConnector(via.url, `source-${i}`, {
        'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
        'tasks.max': '1',
        file,
        topic: dataTopic,
      });
    }
    const everyoneRunning = (s: ReadonlyMap<ItemId, ItemStatus>) =>
      balancedOn(s, ids(cluster.live()), items);
    await waitUntilDone(
      log,
      everyoneRunning,
      createdAt,
      settings.quietMs,
      settings.timeoutMs,
      `${label} start`,
    );
    const created = analyse(new Map(), log.events, createdAt, everyoneRunning, () => true);
    createSeconds = created.doneAt === null ? Number.NaN : (created.doneAt - createdAt) / 1000;
    ctx.log(
      `${label} every connector and task RUNNING, balanced, ${createSeconds.toFixed(2)} s after the first was created`,
    );

    await Promise.all(cluster.live().map(async (w) => settled.set(w.id, await steadyRss(w))));
    if (settings.idleMs > 0) {
      ctx.log(`${label} idle for ${settings.idleMs / 1000} s, then RSS again`);
      await sleep(settings.idleMs);
      await Promise.all(cluster.live().map(async (w) => idle.set(w.id, await steadyRss(w))));
    }

    // A worker joins: done when the load is balanced over all of them.
    await scenario({
      name: 'join',
      wasLeader: false,
      act: async () => {
        const joined = await cluster.spawn();
        void joined.waitForRest(settings.timeoutMs).catch(() => undefined);
        return joined;
      },
      done: (s) => balancedOn(s, ids(cluster.live()), items),
      affected: (b, f, joined) => f?.workerId === joined.id && b?.workerId !== joined.id,
    });
    const joined = cluster.workers[cluster.workers.length - 1] as BenchWorker;

    // It leaves again gracefully (SIGTERM): its work goes to the others.
    await scenario({
      name: 'leave',
      wasLeader: (await cluster.leaderUrl()) === joined.url,
      act: async () => {
        joined.process.child.kill('SIGTERM');
        return joined;
      },
      done: (s) => allRunningOn(s, others(joined), items),
      affected: (b) => b?.workerId === joined.id,
    });
    await joined.process.exited;

    // A follower is killed (kill -9): its work waits for the session timeout and the delay.
    // Then a new worker takes the dead one's place, and another follower is killed, `kills`
    // times in all (each kill is one more sample of the slowest, noisiest change).
    for (let k = 1; k <= settings.kills; k++) {
      if (k > 1) {
        const replacement = await cluster.spawn();
        await replacement.waitForRest(settings.timeoutMs);
        await waitUntilDone(
          log,
          (s) => balancedOn(s, ids(cluster.live()), items),
          Date.now(),
          settings.quietMs,
          settings.timeoutMs,
          `${label} replacement worker ${replacement.id}`,
        );
      }
      const leader = await cluster.leaderUrl();
      const status = log.current();
      const load = (w: BenchWorker) =>
        [...status.values()].filter((s) => s.workerId === w.id).length;
      const victim = cluster
        .live()
        .filter((w) => w.url !== leader)
        .sort((a, b) => load(b) - load(a) || a.index - b.index)[0];
      if (!victim) throw new Error(`${label}: no follower to kill (leader ${leader})`);
      await scenario({
        name: 'kill',
        wasLeader: false,
        act: async () => {
          await victim.kill();
          return victim;
        },
        done: (s) => allRunningOn(s, ids(cluster.live()), items),
        affected: (b) => b?.workerId === victim.id,
      });
    }
  } catch (e) {
    error = (e as Error).message;
    ctx.log(`${label} FAILED: ${error}`);
  } finally {
    for (const w of cluster.workers) {
      memory.push({
        worker: w.id,
        settledRssBytes: settled.get(w.id) ?? Number.NaN,
        idleRssBytes: idle.get(w.id) ?? Number.NaN,
        peakRssBytes: w.process.peakRss(),
      });
    }
    await cluster.stopAll();
    await log.stop().catch(() => undefined);
    const t = cluster.topics;
    await deleteTopics(ctx.admin, [t.config, t.offset, t.status, dataTopic]);
    await deleteGroupsContaining(ctx.admin, name).catch(() => undefined);
    if (error === undefined && !ctx.keepLogs) await rm(dir, { recursive: true, force: true });
    else ctx.log(`${label} worker logs kept in ${dir}`);
  }
  return {
    system,
    rep,
    createSeconds,
    memory,
    scenarios,
    ...(error === undefined ? {} : { error }),
    ...(system === 'sluice' ? { sluiceBuild: sluiceBuildStamp() } : {}),
  };
}

/**
 * Median of RSS samples taken every second for `STEADY_SAMPLES` seconds: a worker that has just
 * started its connectors still holds garbage of the start for a few seconds.
 */
async function steadyRss(worker: BenchWorker): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < STEADY_SAMPLES; i++) {
    const pid = worker.process.child.pid;
    const rss = pid === undefined ? undefined : await rssOf(pid);
    if (rss !== undefined) samples.push(rss);
    await sleep(1000);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}

/** The workers create their internal topics; the bench reads the status topic once it exists. */
async function waitForTopic(admin: Admin, topic: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exists = await admin
      .fetchTopicMetadata({ topics: [topic] })
      .then((m) => m.topics.length === 1 && (m.topics[0]?.partitions.length ?? 0) > 0)
      .catch(() => false);
    if (exists) return;
    if (Date.now() > deadline) throw new Error(`the workers did not create ${topic}`);
    await sleep(200);
  }
}
