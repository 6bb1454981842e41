/**
 * One scenario (a worker joins, leaves gracefully, or is killed) read from the status records
 * written during it: when the cluster was done, what moved, and which connectors and tasks that
 * had nothing to do with the change were stopped or started anyway.
 */
import {
  type ItemId,
  type ItemStatus,
  isTask,
  type StatusEvent,
  type StatusLog,
  statusAfter,
} from './status-log.js';

export type ScenarioName = 'join' | 'leave' | 'kill';

export interface ScenarioResult {
  readonly scenario: ScenarioName;
  /** The worker that joined, left or was killed. */
  readonly worker: string;
  /** Whether that worker was the group's leader. */
  readonly wasLeader: boolean;
  /** The random pause before the change (see cluster-run.ts), ms. */
  readonly phaseWaitMs: number;
  /** The change (spawn, SIGTERM, SIGKILL) → the done condition held for good, s. */
  readonly seconds: number;
  /**
   * The change → the first connector or task that had to move RUNNING on its new worker, s: for
   * a kill, the group's part (session timeout, then the delay); `seconds` minus this is the
   * workers' part (starting what moved).
   */
  readonly firstMovedSeconds: number;
  /** join: spawn → the new worker's REST API answered, s. */
  readonly restSeconds?: number;
  /** Connectors and tasks that had to move: the leaving worker's, or what the new one took. */
  readonly movedConnectors: number;
  readonly movedTasks: number;
  /** Connectors and tasks not on that path that got a status record anyway (stopped/started). */
  readonly unaffectedConnectorsRestarted: number;
  readonly unaffectedTasksRestarted: number;
  /** Their records, `STATE@worker` in order, by item. */
  readonly disturbed: Readonly<Record<ItemId, string[]>>;
  /** Status records written during the scenario. */
  readonly statusRecords: number;
}

/** Every connector and task RUNNING on one of `workers` (`items` of them in all). */
export function allRunningOn(
  status: ReadonlyMap<ItemId, ItemStatus>,
  workers: ReadonlySet<string>,
  items: number,
): boolean {
  if (status.size !== items) return false;
  for (const s of status.values())
    if (s.state !== 'RUNNING' || !workers.has(s.workerId)) return false;
  return true;
}

/**
 * All running on `workers`, and balanced as the issue defines it: every worker within one
 * connector and within one task of the others.
 */
export function balancedOn(
  status: ReadonlyMap<ItemId, ItemStatus>,
  workers: ReadonlySet<string>,
  items: number,
): boolean {
  if (!allRunningOn(status, workers, items)) return false;
  for (const task of [false, true]) {
    const counts = new Map([...workers].map((w) => [w, 0]));
    for (const [item, s] of status)
      if (isTask(item) === task) counts.set(s.workerId, (counts.get(s.workerId) ?? 0) + 1);
    const values = [...counts.values()];
    if (Math.max(...values) - Math.min(...values) > 1) return false;
  }
  return true;
}

/**
 * Waits until `done` holds on the latest statuses and no status record arrived for `quietMs`
 * (nothing is moving any more).
 */
export async function waitUntilDone(
  log: StatusLog,
  done: (status: ReadonlyMap<ItemId, ItemStatus>) => boolean,
  since: number,
  quietMs: number,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = since + timeoutMs;
  for (;;) {
    const now = Date.now();
    if (done(log.current()) && now - Math.max(log.lastArrival, since) >= quietMs) return;
    if (now > deadline) throw new Error(`${what}: not done after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface Analysis {
  /** When `done` started to hold for good (a record timestamp), or null if it never did. */
  readonly doneAt: number | null;
  /** When the first item that had to move was RUNNING on its new worker (a record timestamp). */
  readonly firstMovedAt: number | null;
  readonly movedConnectors: number;
  readonly movedTasks: number;
  readonly unaffectedConnectorsRestarted: number;
  readonly unaffectedTasksRestarted: number;
  readonly disturbed: Record<ItemId, string[]>;
}

/**
 * Replays the records of a scenario over the statuses before it. `affected(item, before, after)`
 * says whether an item was on the change's path (the leaving worker ran it; the new worker runs
 * it now); every other item with a record in the window was stopped or started needlessly.
 */
export function analyse(
  before: ReadonlyMap<ItemId, ItemStatus>,
  window: readonly StatusEvent[],
  startedAt: number,
  done: (status: ReadonlyMap<ItemId, ItemStatus>) => boolean,
  affected: (
    item: ItemId,
    before: ItemStatus | undefined,
    after: ItemStatus | undefined,
  ) => boolean,
): Analysis {
  const status = new Map(before);
  let clock = startedAt;
  let doneAt: number | null = done(status) ? startedAt : null;
  for (const e of window) {
    // Records arrive in each item's order; the clock only moves forward.
    clock = Math.max(clock, e.at);
    if (e.state === null || e.workerId === null) status.delete(e.item);
    else status.set(e.item, { state: e.state, workerId: e.workerId });
    if (!done(status)) doneAt = null;
    else doneAt ??= clock;
  }
  const after = statusAfter(window, before);
  const touched = new Map<ItemId, string[]>();
  for (const e of window) {
    const list = touched.get(e.item) ?? [];
    list.push(`${e.state ?? 'deleted'}@${e.workerId ?? '-'}`);
    touched.set(e.item, list);
  }
  let firstMovedAt: number | null = null;
  for (const e of window) {
    const was = before.get(e.item);
    if (
      e.state === 'RUNNING' &&
      e.workerId !== was?.workerId &&
      affected(e.item, was, after.get(e.item))
    )
      firstMovedAt = Math.min(firstMovedAt ?? e.at, e.at);
  }
  let movedConnectors = 0;
  let movedTasks = 0;
  let unaffectedConnectorsRestarted = 0;
  let unaffectedTasksRestarted = 0;
  const disturbed: Record<ItemId, string[]> = {};
  for (const item of new Set([...before.keys(), ...after.keys()])) {
    if (affected(item, before.get(item), after.get(item))) {
      if (isTask(item)) movedTasks++;
      else movedConnectors++;
      continue;
    }
    const records = touched.get(item);
    if (!records) continue;
    disturbed[item] = records;
    if (isTask(item)) unaffectedTasksRestarted++;
    else unaffectedConnectorsRestarted++;
  }
  return {
    doneAt,
    firstMovedAt,
    movedConnectors,
    movedTasks,
    unaffectedConnectorsRestarted,
    unaffectedTasksRestarted,
    disturbed,
  };
}
