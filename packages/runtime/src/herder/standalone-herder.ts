import {
  AlreadyExistsException,
  ConfigException,
  type ConfigProblem,
  ConnectException,
  NotFoundException,
} from '@sluice/api';
import { restoreReferences } from '../config/config-providers.js';
import { connectorPluginOf } from '../config/connector-class.js';
import { restoreRedacted } from '../config/password-keys.js';
import { connectorLogger, type Logger } from '../logging/logger.js';
import type { ConnectorType, Worker } from '../worker/worker.js';
import type { ConnectorTaskId, ConnectState } from '../worker-task/task-status.js';
import { readConnectorOffsets } from './connector-offsets-reader.js';
import type {
  ConnectorInfo,
  ConnectorOffsets,
  ConnectorStateInfo,
  Herder,
  RestartRequest,
  StartupCounters,
  StateInfo,
  TargetState,
  TaskCountersView,
} from './herder.js';
import { RunningWork } from './running-work.js';

interface TaskEntry {
  id: number;
  /** As the connector generated it, `${provider:...}` references kept (shown by REST). */
  config: Record<string, string>;
  state: ConnectState;
  trace?: string;
}

interface ConnectorEntry {
  name: string;
  /** As given (config provider references unresolved): what REST shows and what is kept. */
  config: Record<string, string>;
  target: TargetState;
  type: ConnectorType;
  state: ConnectState;
  trace?: string;
  /** The connector plugin's version, shown in status (KIP-891). */
  version: string;
  tasks: TaskEntry[];
  /** Serializes lifecycle operations of this connector. */
  queue: Promise<void>;
  reconfigurePending: boolean;
  /** Active topics (KIP-558) of tasks that have stopped since the last reset. */
  topics: Set<string>;
  /** Keys the connector declares PASSWORD: hidden in what the REST API shows. */
  passwordKeys: ReadonlySet<string>;
  log: Logger;
}

export interface StandaloneHerderOptions {
  worker: Worker;
  log: Logger;
  /** Shown in status as `worker_id` (Kafka: the advertised REST host:port). */
  workerId: string;
}

/**
 * Runs connectors and their tasks in this process (Kafka's StandaloneHerder): create, replace,
 * delete, pause, resume, stop, restart, task reconfiguration on the connector's request, status
 * with stack traces, offsets. Every method a REST layer needs is here; operations on one
 * connector run one at a time, in order. What runs is run by RunningWork, as in distributed mode.
 */
export class StandaloneHerder implements Herder {
  private readonly connectors = new Map<string, ConnectorEntry>();
  private readonly worker: Worker;
  private readonly running: RunningWork;
  private readonly log: Logger;
  private stopping = false;

  /** `worker_id` in statuses; the worker sets it to its advertised REST host:port once known. */
  workerId: string;

  constructor(o: StandaloneHerderOptions) {
    this.worker = o.worker;
    this.log = o.log;
    this.workerId = o.workerId;
    this.running = new RunningWork(
      o.worker,
      {
        onConnectorState: (name, state, trace, version) => {
          const e = this.connectors.get(name);
          if (!e) return;
          e.state = state;
          if (trace) e.trace = trace;
          else delete e.trace;
          if (version) e.version = version;
        },
        onTaskState: (id, state, trace) => {
          const t = this.connectors.get(id.connector)?.tasks[id.task];
          if (!t) return;
          t.state = state;
          if (trace) t.trace = trace;
          else delete t.trace;
        },
        onTaskReconfigurationRequest: (name) => this.requestTaskReconfiguration(name),
      },
      o.log,
    );
  }

  /** Connector and task starts, as Kafka's connect-worker-metrics count them (for metrics). */
  get startups(): StartupCounters {
    return this.running.startups;
  }

  /** Opens the offset store and connects to Kafka (retried with a log line while it is down). */
  async start(): Promise<void> {
    await this.worker.start();
    this.log.info({ workerId: this.workerId }, 'standalone herder started');
  }

  /** Validates a config without starting anything; every problem by key. */
  validateConnectorConfig(config: Record<string, string>): Promise<ConfigProblem[]> {
    return this.worker.validateConnectorConfig(config);
  }

  /** Names of the connectors. */
  connectorNames(): string[] {
    return [...this.connectors.keys()].sort();
  }

  /** The connector, or a NotFoundException with `message` (Kafka words it per operation). */
  private entry(name: string, message = `Connector ${name} not found`): ConnectorEntry {
    const e = this.connectors.get(name);
    if (!e) throw new NotFoundException(message);
    return e;
  }

  private enqueue<T>(entry: ConnectorEntry, fn: () => Promise<T>): Promise<T> {
    const run = entry.queue.then(fn);
    entry.queue = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  /**
   * Creates a connector, or replaces its config when `allowReplace` (restarting it). The config
   * is validated first; a ConfigException lists every problem by key.
   */
  async putConnectorConfig(
    name: string,
    config: Record<string, string>,
    allowReplace: boolean,
    initialTarget: TargetState = 'STARTED',
  ): Promise<{ created: boolean; info: ConnectorInfo }> {
    if (this.stopping) throw new ConnectException('The worker is shutting down');
    const plugin = connectorPluginOf(this.worker.plugins, { ...config, name });
    const secrets = await this.worker.connectorPasswordKeys({ ...config, name });
    // A secret sent back as the placeholder REST showed keeps its value (GET, edit, PUT).
    const props: Record<string, string> = restoreRedacted(
      { ...config, name },
      allowReplace ? this.connectors.get(name)?.config : undefined,
      secrets,
    );
    const problems = await this.worker.validateConnectorConfig(props);
    if (problems.length > 0) throw ConfigException.fromProblems(problems);
    const existing = this.connectors.get(name);
    if (existing && !allowReplace) {
      throw new AlreadyExistsException(`Connector ${name} already exists`);
    }
    if (existing) {
      await this.enqueue(existing, async () => {
        await this.stopConnectorAndTasks(existing);
        existing.config = props;
        existing.passwordKeys = secrets;
        await this.startConnector(existing);
      });
      return { created: false, info: this.connectorInfo(name) };
    }
    const entry: ConnectorEntry = {
      name,
      config: props,
      target: initialTarget,
      type: plugin.kind as ConnectorType,
      state: 'UNASSIGNED',
      version: plugin.version,
      tasks: [],
      queue: Promise.resolve(),
      reconfigurePending: false,
      topics: new Set(),
      passwordKeys: secrets,
      log: connectorLogger(this.log, name),
    };
    this.connectors.set(name, entry);
    await this.enqueue(entry, () => this.startConnector(entry));
    return { created: true, info: this.connectorInfo(name) };
  }

  /**
   * Starts the connector (unless STOPPED), and its tasks when its target is STARTED: as in Kafka,
   * a connector created or stopped and then paused gets its tasks once it is resumed. Failures
   * leave it FAILED, not thrown.
   */
  private async startConnector(entry: ConnectorEntry): Promise<void> {
    if (await this.running.startConnector(entry.name, { ...entry.config }, entry.target)) {
      entry.type = this.running.connectorType(entry.name) ?? entry.type;
      await this.reconfigureTasks(entry, true);
    }
  }

  /** True while the connector's instance runs (RUNNING or PAUSED). */
  private connectorRuns(entry: ConnectorEntry): boolean {
    const state = this.running.connectorState(entry.name)?.state;
    return state === 'RUNNING' || state === 'PAUSED';
  }

  /**
   * Asks the running connector for task configs; restarts the tasks when they changed (or
   * `force`). Only while the target is STARTED, as Kafka's herder updates tasks.
   */
  private async reconfigureTasks(entry: ConnectorEntry, force: boolean): Promise<void> {
    if (!this.connectorRuns(entry) || entry.target !== 'STARTED') return;
    let configs: Array<Record<string, string>>;
    try {
      // Kept with `${provider:...}` references: secrets do not leak through the task configs.
      const resolved = this.running.resolvedConfig(entry.name) ?? entry.config;
      configs = (await this.running.generateTaskConfigs(entry.name)).map((c) =>
        restoreReferences(c, entry.config, resolved),
      );
    } catch {
      return; // the connector is FAILED with the cause
    }
    const same =
      configs.length === entry.tasks.length &&
      configs.every((c, i) => JSON.stringify(c) === JSON.stringify(entry.tasks[i]?.config));
    if (same && !force) return;
    if (!force) entry.log.info({ tasks: configs.length }, 'task configs changed; restarting tasks');
    await this.stopTasks(entry);
    entry.tasks = configs.map((config, id) => ({ id, config, state: 'UNASSIGNED' }));
    for (const task of entry.tasks) await this.startTask(entry, task);
  }

  private async startTask(entry: ConnectorEntry, task: TaskEntry): Promise<void> {
    delete task.trace;
    task.state = 'UNASSIGNED';
    // The connector failed or is stopped: nothing runs the task.
    if (!this.connectorRuns(entry)) return;
    await this.running.startTask(
      { connector: entry.name, task: task.id },
      { ...entry.config },
      { ...task.config },
      entry.target,
    );
  }

  /** Stops one task within task.shutdown.graceful.timeout.ms, then abandons it. */
  private async stopTask(entry: ConnectorEntry, task: TaskEntry): Promise<void> {
    const topics = await this.running.stopTask({ connector: entry.name, task: task.id });
    for (const topic of topics) entry.topics.add(topic);
  }

  private async stopTasks(entry: ConnectorEntry): Promise<void> {
    await Promise.all(entry.tasks.map((t) => this.stopTask(entry, t)));
  }

  private async stopConnectorAndTasks(entry: ConnectorEntry): Promise<void> {
    await this.stopTasks(entry);
    await this.running.stopConnector(entry.name);
  }

  /** Called by a connector (context.requestTaskReconfiguration); coalesces repeated requests. */
  requestTaskReconfiguration(name: string): void {
    const entry = this.connectors.get(name);
    if (!entry || entry.reconfigurePending) return;
    entry.reconfigurePending = true;
    this.enqueue(entry, async () => {
      entry.reconfigurePending = false;
      await this.reconfigureTasks(entry, false);
    }).catch((e: unknown) => entry.log.error({ err: e }, 'task reconfiguration failed'));
  }

  /** Stops and removes a connector and its tasks. */
  async deleteConnector(name: string): Promise<void> {
    const entry = this.entry(name);
    await this.enqueue(entry, async () => {
      await this.stopConnectorAndTasks(entry);
      this.connectors.delete(name);
      entry.log.info('connector deleted');
    });
  }

  /** Pauses the connector and its tasks (they stay assigned, no data moves). */
  async pauseConnector(name: string): Promise<void> {
    const entry = this.entry(name, `Unknown connector ${name}`);
    await this.enqueue(entry, async () => {
      if (entry.target === 'STOPPED') {
        entry.target = 'PAUSED';
        await this.startConnector(entry);
        return;
      }
      entry.target = 'PAUSED';
      this.running.setTargetState(name, 'PAUSED');
      entry.log.info('connector paused');
    });
  }

  /** Resumes a paused (or stopped) connector; tasks it has none of yet are created. */
  async resumeConnector(name: string): Promise<void> {
    const entry = this.entry(name, `Unknown connector ${name}`);
    await this.enqueue(entry, async () => {
      const wasStopped = entry.target === 'STOPPED';
      entry.target = 'STARTED';
      if (wasStopped) {
        await this.startConnector(entry);
        return;
      }
      this.running.setTargetState(name, 'STARTED');
      entry.log.info('connector resumed');
      await this.reconfigureTasks(entry, false);
    });
  }

  /** Stops the connector and its tasks but keeps its config and offsets (KIP-875 STOPPED). */
  async stopConnector(name: string): Promise<void> {
    const entry = this.entry(name);
    await this.enqueue(entry, async () => {
      await this.stopConnectorAndTasks(entry);
      entry.target = 'STOPPED';
      entry.state = 'STOPPED';
      entry.tasks = [];
      entry.log.info('connector stopped');
    });
  }

  /**
   * Restarts the connector, and its tasks when `includeTasks` (only the failed ones when
   * `onlyFailed`), as Kafka's `POST /connectors/{name}/restart`. Answers Kafka's restart plan:
   * the status as it was, with RESTARTING for what was restarted. Task configs are kept.
   */
  async restartConnector(name: string, request: RestartRequest = {}): Promise<ConnectorStateInfo> {
    const onlyFailed = request.onlyFailed ?? false;
    const includeTasks = request.includeTasks ?? false;
    const entry = this.entry(
      name,
      includeTasks || onlyFailed ? `Unknown connector: ${name}` : `Connector ${name} not found`,
    );
    return this.enqueue(entry, async () => {
      const restartConnector = !onlyFailed || entry.state === 'FAILED';
      const tasks = includeTasks
        ? entry.tasks.filter((t) => !onlyFailed || t.state === 'FAILED')
        : [];
      const plan = this.connectorStatus(name);
      if (restartConnector) plan.connector.state = 'RESTARTING';
      for (const t of plan.tasks) if (tasks.some((r) => r.id === t.id)) t.state = 'RESTARTING';
      if (restartConnector) {
        await this.running.stopConnector(name);
        entry.state = 'RESTARTING';
      }
      await Promise.all(tasks.map((t) => this.stopTask(entry, t)));
      for (const t of tasks) t.state = 'RESTARTING';
      const started =
        restartConnector &&
        (await this.running.startConnector(name, { ...entry.config }, entry.target));
      for (const t of tasks) await this.startTask(entry, t);
      if (started) await this.reconfigureTasks(entry, false);
      return plan;
    });
  }

  /** Restarts one task. */
  async restartTask(name: string, taskId: number): Promise<void> {
    const entry = this.entry(name);
    await this.enqueue(entry, async () => {
      const task = entry.tasks[taskId];
      if (!task) throw new NotFoundException(`Task ${name}-${taskId} not found`);
      task.state = 'RESTARTING';
      await this.stopTask(entry, task);
      await this.startTask(entry, task);
    });
  }

  /**
   * The keys of the connector's config that it declares PASSWORD, whose values the REST API
   * shows as `[hidden]` (see `redactConfig`).
   */
  connectorPasswordKeys(name: string): ReadonlySet<string> {
    return this.entry(name).passwordKeys;
  }

  /** The connector's config as given (secrets included: for the REST layer to redact). */
  connectorConfig(name: string): Record<string, string> {
    return { ...this.entry(name).config };
  }

  connectorInfo(name: string): ConnectorInfo {
    const e = this.entry(name);
    return {
      name,
      config: { ...e.config },
      tasks: e.tasks.map((t) => ({ connector: name, task: t.id })),
      type: e.type,
    };
  }

  /** Task configs as the connector generated them (`GET /connectors/{name}/tasks`). */
  taskConfigs(name: string): Array<{ id: ConnectorTaskId; config: Record<string, string> }> {
    return this.entry(name).tasks.map((t) => ({
      id: { connector: name, task: t.id },
      config: { ...t.config },
    }));
  }

  connectorStatus(name: string): ConnectorStateInfo {
    const e = this.entry(name, `No status found for connector ${name}`);
    const workerId = this.workerId;
    const info = (state: ConnectState, trace?: string): StateInfo => {
      const shown: StateInfo = { state, worker_id: workerId, version: e.version };
      if (trace) shown.trace = trace;
      return shown;
    };
    return {
      name,
      connector: info(e.state, e.trace),
      tasks: e.tasks.map((t) => ({ id: t.id, ...info(t.state, t.trace) })),
      type: e.type,
    };
  }

  /** Task status (`GET /connectors/{name}/tasks/{id}/status`). */
  taskStatus(name: string, taskId: number): StateInfo & { id: number } {
    const s = this.connectors.has(name)
      ? this.connectorStatus(name).tasks.find((t) => t.id === taskId)
      : undefined;
    if (!s) throw new NotFoundException(`No status found for task ${name}-${taskId}`);
    return s;
  }

  /**
   * `PUT /connectors/{name}/fence` (KIP-618 zombie fencing, a request between workers of a
   * cluster): a standalone worker has no exactly-once source support, and answers as Kafka's.
   */
  async fenceZombieSourceTasks(_name: string): Promise<void> {
    throw new ConnectException(
      'Kafka Connect in standalone mode does not support exactly-once source connectors.',
    );
  }

  /**
   * `POST /connectors/{name}/tasks` (task configs written by the cluster's leader): a standalone
   * worker refuses it, as Kafka's.
   */
  async putTaskConfigs(_name: string, _configs: unknown): Promise<void> {
    throw new ConnectException(
      'Kafka Connect in standalone mode does not support externally setting task configurations.',
    );
  }

  /** Committed offsets: source partitions from the offset store, sink partitions from the group. */
  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    const e = this.entry(name);
    return readConnectorOffsets(this.worker, name, e.type, e.config);
  }

  /**
   * Topics the connector's tasks produced to or consumed from since it was created or its
   * topics were reset (KIP-558), sorted.
   */
  connectorActiveTopics(name: string): string[] {
    // Kafka answers an unknown connector with no topics (it has none recorded), not 404.
    const e = this.connectors.get(name);
    if (!e) return [];
    const topics = new Set(e.topics);
    for (const t of e.tasks)
      for (const topic of this.running.taskTopics({ connector: name, task: t.id }))
        topics.add(topic);
    return [...topics].sort();
  }

  /** Forgets the connector's active topics (`PUT /connectors/{name}/topics/reset`). */
  resetConnectorActiveTopics(name: string): void {
    const e = this.connectors.get(name);
    if (!e) return;
    e.topics.clear();
    this.running.resetTopics(name);
  }

  /** Running tasks' counters, for progress lines and metrics. */
  taskCounters(name: string): TaskCountersView[] {
    const running = new Map(this.running.taskCounters(name).map((c) => [c.id, c]));
    return this.entry(name).tasks.map(
      (t) =>
        running.get(t.id) ?? {
          id: t.id,
          counters: null,
          errors: null,
          activeRecords: null,
          partitionCount: null,
        },
    );
  }

  /**
   * Graceful shutdown: every task stops (stop polling, drain, flush, commit) within
   * task.shutdown.graceful.timeout.ms, then connectors stop and the offset store closes.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.log.info('stopping the herder: tasks drain, flush and commit their offsets');
    await Promise.all(
      [...this.connectors.values()].map((entry) =>
        this.enqueue(entry, () => this.stopConnectorAndTasks(entry)).catch((e: unknown) =>
          entry.log.error({ err: e }, 'stopping the connector failed'),
        ),
      ),
    );
    await this.worker.stop();
    this.log.info('herder stopped');
  }
}
