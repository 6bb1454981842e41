import { restoreReferences } from '../config/config-providers.js';
import { RunningWork } from '../herder/running-work.js';
import type { Logger } from '../logging/logger.js';
import type { Worker } from '../worker/worker.js';
import type { ConnectorTaskId, ConnectState } from '../worker-task/task-status.js';
import type { ClusterConfigState, ConfigStore } from './config-store.js';
import { parseTaskKey, taskKey } from './connect-protocol.js';
import type { WorkSet } from './incremental-assignor.js';
import type { StatusStore } from './status-store.js';

/** Two task config lists with the same configs in the same order. */
export function sameConfigs(
  a: ReadonlyArray<Readonly<Record<string, string>>> | undefined,
  b: ReadonlyArray<Readonly<Record<string, string>>> | undefined,
): boolean {
  if (!a || !b || a.length !== b.length) return false;
  return a.every((c, i) => sameConfig(c, b[i]));
}

function sameConfig(
  a: Readonly<Record<string, string>> | undefined,
  b: Readonly<Record<string, string>> | undefined,
): boolean {
  if (!a || !b) return a === b;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

export interface AssignedWorkOptions {
  worker: Worker;
  configStore: ConfigStore;
  statusStore: StatusStore;
  log: Logger;
  /** This worker's id in statuses and the group generation it writes them in. */
  identity(): { workerId: string; generation: number };
  /** Task configs a connector here generated that differ from the committed ones. */
  onNewTaskConfigs(name: string, configs: Array<Record<string, string>>): void;
  /** The set of connectors or tasks changed: the group must rebalance. */
  onRebalanceNeeded(reason: string): void;
  /** Runs follow-up work after what is under way (the herder's serial queue). */
  later(work: () => Promise<void>): void;
}

/**
 * The connectors and tasks the group assigned to this worker: started and stopped as
 * assignments, config changes and restart requests say, with their states published in the
 * status topic. Runs one change at a time (the herder calls it from its serial queue).
 */
export class AssignedWork {
  private readonly running: RunningWork;
  private readonly connectors = new Set<string>();
  private readonly tasks = new Set<string>();
  private readonly publishedTopics = new Map<string, Set<string>>();
  /** The config the work runs with (the config topic as read when it last changed). */
  snapshot: ClusterConfigState;

  constructor(private readonly o: AssignedWorkOptions) {
    this.snapshot = o.configStore.snapshot();
    this.running = new RunningWork(
      o.worker,
      {
        onConnectorState: (name, state, trace, version) =>
          this.publishConnectorState(name, state, trace, version),
        onTaskState: (id, state, trace, version) =>
          this.publishTaskState(id, state, trace, version),
        onTaskReconfigurationRequest: (name) => o.later(() => this.reconfigure(name)),
      },
      o.log,
    );
  }

  /** Starts of connectors and tasks (for metrics). */
  get startups() {
    return this.running.startups;
  }

  /** What this worker runs, as it reports it when joining. */
  owned(): WorkSet {
    return { connectors: [...this.connectors].sort(), tasks: [...this.tasks].sort() };
  }

  ownsConnector(name: string): boolean {
    return this.connectors.has(name);
  }

  ownsTask(id: ConnectorTaskId): boolean {
    return this.tasks.has(taskKey(id.connector, id.task));
  }

  /**
   * Applies a round's assignment: stops what is revoked, then starts what is assigned (with the
   * config topic read as far as the leader read it). Resolves with how much was revoked.
   */
  async apply(assigned: WorkSet, revoked: WorkSet): Promise<number> {
    this.snapshot = this.o.configStore.snapshot();
    const revokedTasks = revoked.tasks.filter((k) => this.tasks.has(k));
    const revokedConnectors = revoked.connectors.filter((n) => this.connectors.has(n));
    await Promise.all(revokedTasks.map((k) => this.stopTask(k)));
    await Promise.all(revokedConnectors.map((n) => this.stopConnector(n)));
    for (const n of assigned.connectors) this.connectors.add(n);
    for (const k of assigned.tasks) this.tasks.add(k);
    await Promise.all(assigned.connectors.map((n) => this.startConnector(n)));
    await Promise.all(assigned.tasks.map((k) => this.startTask(k)));
    for (const n of assigned.connectors) this.o.later(() => this.reconfigure(n));
    return revokedTasks.length + revokedConnectors.length;
  }

  /** True when every configured connector and task was known to the work as last applied. */
  coversConfig(): boolean {
    const live = this.o.configStore.snapshot();
    if (live.connectors.size !== this.snapshot.connectors.size) return false;
    for (const name of live.connectors.keys())
      if (!this.snapshot.connectors.has(name)) return false;
    for (const [name, configs] of live.taskConfigs)
      if ((this.snapshot.taskConfigs.get(name)?.length ?? 0) !== configs.length) return false;
    return true;
  }

  /** Stops everything this worker runs (graceful stop, lost membership, out of sync). */
  async stopAll(why: string): Promise<void> {
    if (this.connectors.size + this.tasks.size === 0) return;
    this.o.log.info({ why }, 'stopping every connector and task of this worker');
    await Promise.all([...this.tasks].map((k) => this.stopTask(k)));
    await Promise.all([...this.connectors].map((n) => this.stopConnector(n)));
  }

  private async startConnector(name: string): Promise<void> {
    const config = this.snapshot.connectors.get(name);
    if (!config) return;
    const target = this.snapshot.targetStates.get(name) ?? 'STARTED';
    await this.running.startConnector(name, { ...config }, target);
  }

  private async stopConnector(name: string): Promise<void> {
    this.connectors.delete(name);
    await this.running.stopConnector(name);
  }

  private async startTask(key: string): Promise<void> {
    const id = parseTaskKey(key);
    const connector = this.snapshot.connectors.get(id.connector);
    const task = this.snapshot.taskConfigs.get(id.connector)?.[id.task];
    const target = this.snapshot.targetStates.get(id.connector) ?? 'STARTED';
    if (!connector || !task || target === 'STOPPED') return;
    await this.running.startTask(id, { ...connector }, { ...task }, target);
  }

  private async stopTask(key: string): Promise<void> {
    this.tasks.delete(key);
    const id = parseTaskKey(key);
    const topics = await this.running.stopTask(id);
    await this.publishTaskTopics(id, topics);
  }

  // --- config changes read from the config topic --------------------------------------------

  /** A connector config was written or removed. */
  async connectorConfigChanged(name: string, removed: boolean): Promise<void> {
    const previous = this.snapshot;
    this.snapshot = this.o.configStore.snapshot();
    if (removed) {
      for (const key of [...this.tasks]) {
        const id = parseTaskKey(key);
        if (id.connector !== name) continue;
        await this.stopTask(key);
        await this.o.statusStore.deleteTask(name, id.task);
      }
      if (this.connectors.has(name)) {
        await this.stopConnector(name);
        await this.o.statusStore.deleteConnector(name);
      }
      this.o.onRebalanceNeeded(`connector ${name} was deleted`);
      return;
    }
    if (!previous.connectors.has(name)) {
      this.o.onRebalanceNeeded(`connector ${name} was created`);
      return;
    }
    if (
      this.connectors.has(name) &&
      !sameConfig(previous.connectors.get(name), this.snapshot.connectors.get(name))
    ) {
      this.o.log.info({ connector: name }, 'connector config changed; restarting the connector');
      await this.running.stopConnector(name);
      await this.startConnector(name);
      this.o.later(() => this.reconfigure(name));
    }
  }

  /** A connector was paused, resumed or stopped (through any worker). */
  async targetStateChanged(name: string): Promise<void> {
    this.snapshot = this.o.configStore.snapshot();
    const target = this.snapshot.targetStates.get(name) ?? 'STARTED';
    if (target === 'STOPPED') {
      for (const key of this.tasks) {
        if (parseTaskKey(key).connector === name) await this.running.stopTask(parseTaskKey(key));
      }
      if (this.connectors.has(name)) {
        await this.running.stopConnector(name);
        await this.startConnector(name); // records STOPPED
      }
      return;
    }
    if (this.connectors.has(name) && this.running.connectorState(name)?.state === 'STOPPED') {
      await this.running.stopConnector(name);
      await this.startConnector(name);
      this.o.later(() => this.reconfigure(name));
    } else {
      this.running.setTargetState(name, target);
    }
  }

  /** New task configs were committed: restart those that changed; a new task count rebalances. */
  async taskConfigsChanged(name: string): Promise<void> {
    const previous = this.snapshot;
    this.snapshot = this.o.configStore.snapshot();
    const before = previous.taskConfigs.get(name) ?? [];
    const now = this.snapshot.taskConfigs.get(name) ?? [];
    if (before.length !== now.length) this.o.onRebalanceNeeded(`connector ${name}'s tasks changed`);
    for (const key of [...this.tasks]) {
      const id = parseTaskKey(key);
      if (id.connector !== name) continue;
      if (id.task >= now.length) {
        await this.stopTask(key);
        await this.o.statusStore.deleteTask(name, id.task);
      } else if (!sameConfig(before[id.task], now[id.task])) {
        await this.running.stopTask(id);
        await this.startTask(key);
      }
    }
  }

  /** A restart request in the config topic: this worker restarts what of it runs here. */
  async restartRequested(name: string, includeTasks: boolean, onlyFailed: boolean) {
    this.snapshot = this.o.configStore.snapshot();
    if (!this.snapshot.connectors.has(name)) return;
    if (this.connectors.has(name)) {
      const state = this.running.connectorState(name)?.state;
      if (!onlyFailed || state === 'FAILED') await this.restartConnector(name);
    }
    if (!includeTasks) return;
    for (const key of this.tasks) {
      const id = parseTaskKey(key);
      if (id.connector !== name) continue;
      if (onlyFailed && this.running.taskState(id)?.state !== 'FAILED') continue;
      await this.restartTask(id);
    }
  }

  async restartConnector(name: string): Promise<void> {
    this.publishConnectorState(name, 'RESTARTING', null);
    await this.running.stopConnector(name);
    await this.startConnector(name);
    this.o.later(() => this.reconfigure(name));
  }

  async restartTask(id: ConnectorTaskId): Promise<void> {
    this.publishTaskState(id, 'RESTARTING', null);
    await this.running.stopTask(id);
    await this.startTask(taskKey(id.connector, id.task));
  }

  /** Asks a connector running here for task configs; reports them when they changed. */
  async reconfigure(name: string): Promise<void> {
    const state = this.running.connectorState(name)?.state;
    if (!this.connectors.has(name) || (state !== 'RUNNING' && state !== 'PAUSED')) return;
    let configs: Array<Record<string, string>>;
    try {
      configs = await this.running.generateTaskConfigs(name);
    } catch {
      return; // the connector is FAILED with the cause
    }
    // Stored with `${provider:...}` references, never resolved secrets (Kafka's reverse transform).
    const raw = this.snapshot.connectors.get(name) ?? {};
    const resolved = this.running.resolvedConfig(name) ?? raw;
    const stored = configs.map((c) => restoreReferences(c, raw, resolved));
    const live = this.o.configStore.snapshot();
    if (!live.inconsistent.has(name) && sameConfigs(stored, live.taskConfigs.get(name))) return;
    this.o.onNewTaskConfigs(name, stored);
  }

  // --- status --------------------------------------------------------------------------------

  private publishConnectorState(
    name: string,
    state: ConnectState,
    trace: string | null,
    version: string | null = this.o.statusStore.connector(name)?.version ?? null,
  ): void {
    const { workerId, generation } = this.o.identity();
    this.o.statusStore
      .putConnector(name, { state, trace, worker_id: workerId, generation, version })
      .catch((e: unknown) =>
        this.o.log.warn({ connector: name, err: (e as Error).message }, 'writing a status failed'),
      );
  }

  private publishTaskState(
    id: ConnectorTaskId,
    state: ConnectState,
    trace: string | null,
    version: string | null = this.o.statusStore.connectorTasks(id.connector).get(id.task)
      ?.version ?? null,
  ): void {
    const { workerId, generation } = this.o.identity();
    this.o.statusStore
      .putTask(id.connector, id.task, { state, trace, worker_id: workerId, generation, version })
      .catch((e: unknown) =>
        this.o.log.warn(
          { connector: id.connector, task: id.task, err: (e as Error).message },
          'writing a status failed',
        ),
      );
  }

  /** Records the topics the tasks here used since the last call (KIP-558). */
  async publishTopics(): Promise<void> {
    for (const id of this.running.taskIds())
      await this.publishTaskTopics(id, this.running.taskTopics(id));
  }

  private async publishTaskTopics(id: ConnectorTaskId, topics: ReadonlySet<string>) {
    let published = this.publishedTopics.get(id.connector);
    if (!published) {
      published = new Set(this.o.statusStore.connectorTopics(id.connector));
      this.publishedTopics.set(id.connector, published);
    }
    for (const topic of topics) {
      if (published.has(topic)) continue;
      published.add(topic);
      await this.o.statusStore.putTopic({
        topic,
        connector: id.connector,
        task: id.task,
        discoverTimestamp: Date.now(),
      });
    }
  }

  /** The connector's topics as this worker knows them: published, plus what its tasks use now. */
  activeTopics(name: string): string[] {
    const topics = new Set(this.o.statusStore.connectorTopics(name));
    for (const id of this.running.taskIds())
      if (id.connector === name) for (const t of this.running.taskTopics(id)) topics.add(t);
    return [...topics].sort();
  }

  /** Forgets what was published of the connector's topics (after `topics/reset`). */
  forgetTopics(name: string): void {
    this.publishedTopics.delete(name);
  }

  taskCounters(name: string) {
    return this.running.taskCounters(name);
  }
}
