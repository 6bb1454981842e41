import {
  AlreadyExistsException,
  ConfigException,
  type ConfigProblem,
  ConnectException,
  NotFoundException,
} from '@sluice/api';
import { connectorPluginOf } from '../config/connector-class.js';
import { restoreRedacted } from '../config/password-keys.js';
import { stackTrace } from '../errors/processing-context.js';
import { connectorLogger, type Logger } from '../logging/logger.js';
import type { ConnectorContextLike } from '../plugins/contracts.js';
import { parseOffsetJson } from '../storage/offset-json.js';
import { OffsetStorageReaderImpl } from '../storage/offset-storage-reader.js';
import { parseOffsetKey } from '../storage/offset-store.js';
import type { ConnectorInstance, ConnectorType, TaskRunner, Worker } from '../worker/worker.js';
import type {
  ConnectorTaskId,
  ConnectState,
  TaskStatusListener,
} from '../worker-task/task-status.js';

/** What the user asked a connector to be (Kafka's TargetState). */
export type TargetState = 'STARTED' | 'PAUSED' | 'STOPPED';

/** One connector or task state as the REST API shows it. */
export interface StateInfo {
  state: ConnectState;
  worker_id: string;
  /** The version of the connector plugin running it (KIP-891). */
  version: string | null;
  trace?: string;
}

/** `GET /connectors/{name}/status`. */
export interface ConnectorStateInfo {
  name: string;
  connector: StateInfo;
  tasks: Array<StateInfo & { id: number }>;
  type: ConnectorType;
}

/** `GET /connectors/{name}`. */
export interface ConnectorInfo {
  name: string;
  config: Record<string, string>;
  tasks: ConnectorTaskId[];
  type: ConnectorType;
}

/** `GET /connectors/{name}/offsets`: source partitions/offsets or sink topic-partition offsets. */
export interface ConnectorOffsets {
  offsets: Array<{ partition: Record<string, unknown>; offset: Record<string, unknown> | null }>;
}

export interface RestartRequest {
  includeTasks?: boolean;
  onlyFailed?: boolean;
}

interface TaskEntry {
  id: number;
  config: Record<string, string>;
  runner: TaskRunner | null;
  state: ConnectState;
  trace?: string;
}

interface ConnectorEntry {
  name: string;
  /** As given (config provider references unresolved): what REST shows and what is kept. */
  config: Record<string, string>;
  target: TargetState;
  type: ConnectorType;
  instance: ConnectorInstance | null;
  /** Resolved config the connector and tasks run with. */
  resolved: Record<string, string>;
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

/** Starts of connectors and tasks attempted, succeeded and failed since the worker started. */
export interface StartupCounters {
  connectorAttempts: number;
  connectorSuccesses: number;
  connectorFailures: number;
  taskAttempts: number;
  taskSuccesses: number;
  taskFailures: number;
}

export interface StandaloneHerderOptions {
  worker: Worker;
  log: Logger;
}

function errorOf(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Runs connectors and their tasks in this process (Kafka's StandaloneHerder): create, replace,
 * delete, pause, resume, stop, restart, task reconfiguration on the connector's request, status
 * with stack traces, offsets. Every method a REST layer needs is here; operations on one
 * connector run one at a time, in order.
 */
export class StandaloneHerder {
  /** Connector and task starts, as Kafka's connect-worker-metrics count them (for metrics). */
  readonly startups: StartupCounters = {
    connectorAttempts: 0,
    connectorSuccesses: 0,
    connectorFailures: 0,
    taskAttempts: 0,
    taskSuccesses: 0,
    taskFailures: 0,
  };
  private readonly connectors = new Map<string, ConnectorEntry>();
  private readonly worker: Worker;
  private readonly log: Logger;
  private stopping = false;

  constructor(o: StandaloneHerderOptions) {
    this.worker = o.worker;
    this.log = o.log;
  }

  /** Opens the offset store and connects to Kafka (retried with a log line while it is down). */
  async start(): Promise<void> {
    await this.worker.start();
    this.log.info({ workerId: this.worker.workerId }, 'standalone herder started');
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
      instance: null,
      resolved: {},
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

  private context(entry: ConnectorEntry): ConnectorContextLike & {
    offsetStorageReader(): OffsetStorageReaderImpl;
  } {
    return {
      requestTaskReconfiguration: () => this.requestTaskReconfiguration(entry.name),
      raiseError: (error: Error) => {
        entry.log.error({ err: error }, 'connector raised an error');
        entry.state = 'FAILED';
        entry.trace = stackTrace(error);
      },
      offsetStorageReader: () => new OffsetStorageReaderImpl(this.worker.offsetStore, entry.name),
      log: entry.log,
    };
  }

  /**
   * Starts the connector (unless STOPPED), and its tasks when its target is STARTED: as in Kafka,
   * a connector created or stopped and then paused gets its tasks once it is resumed. Failures
   * leave it FAILED, not thrown.
   */
  private async startConnector(entry: ConnectorEntry): Promise<void> {
    if (await this.startConnectorInstance(entry, 'connector failed to start'))
      await this.reconfigureTasks(entry, true);
  }

  /** Starts a new instance of the connector alone; false when STOPPED or it failed. */
  private async startConnectorInstance(entry: ConnectorEntry, failure: string): Promise<boolean> {
    delete entry.trace;
    if (entry.target === 'STOPPED') {
      entry.state = 'STOPPED';
      return false;
    }
    this.startups.connectorAttempts++;
    try {
      entry.resolved = await this.worker.resolveConfig(entry.config);
      const instance = await this.worker.instantiateConnector(entry.resolved);
      entry.instance = instance;
      entry.type = instance.type;
      entry.version = instance.plugin.version;
      instance.connector.initialize?.(this.context(entry));
      await instance.connector.start(entry.resolved);
      this.startups.connectorSuccesses++;
      entry.state = entry.target === 'PAUSED' ? 'PAUSED' : 'RUNNING';
      entry.log.info(
        { plugin: instance.plugin.qualifiedName, version: instance.plugin.version },
        `connector started (${entry.state})`,
      );
      return true;
    } catch (error) {
      this.startups.connectorFailures++;
      this.connectorFailed(entry, error, failure);
      return false;
    }
  }

  private connectorFailed(entry: ConnectorEntry, error: unknown, what: string): void {
    const err = errorOf(error);
    entry.log.error({ err }, what);
    entry.state = 'FAILED';
    entry.trace = stackTrace(err);
  }

  /**
   * Asks the running connector for task configs; restarts the tasks when they changed (or
   * `force`). Only while the target is STARTED, as Kafka's herder updates tasks.
   */
  private async reconfigureTasks(entry: ConnectorEntry, force: boolean): Promise<void> {
    const instance = entry.instance;
    if (!instance || entry.state === 'FAILED' || entry.target !== 'STARTED') return;
    let configs: Array<Record<string, string>>;
    try {
      configs = await this.worker.connectorTaskConfigs(entry.name, instance, entry.resolved);
      configs = await Promise.all(configs.map((c) => this.worker.resolveConfig(c)));
    } catch (error) {
      this.connectorFailed(entry, error, 'generating task configs failed');
      return;
    }
    const same =
      configs.length === entry.tasks.length &&
      configs.every((c, i) => JSON.stringify(c) === JSON.stringify(entry.tasks[i]?.config));
    if (same && !force) return;
    if (!force) entry.log.info({ tasks: configs.length }, 'task configs changed; restarting tasks');
    await this.stopTasks(entry);
    entry.tasks = configs.map((config, id) => ({ id, config, runner: null, state: 'UNASSIGNED' }));
    for (const task of entry.tasks) await this.startTask(entry, task);
  }

  private statusListener(entry: ConnectorEntry, task: TaskEntry): TaskStatusListener {
    const current = () => entry.tasks[task.id] === task;
    // One start of the task: it succeeds when the task runs (or is paused), fails when the task
    // fails before that.
    let started = false;
    const startedNow = () => {
      if (started) return;
      started = true;
      this.startups.taskSuccesses++;
    };
    return {
      onStartup: () => {
        startedNow();
        if (current()) task.state = 'RUNNING';
      },
      // A failed task stays FAILED when its connector is paused or resumed (as in Kafka).
      onPause: () => {
        startedNow();
        if (current() && task.state !== 'FAILED') task.state = 'PAUSED';
      },
      onResume: () => {
        if (current() && task.state !== 'FAILED') task.state = 'RUNNING';
      },
      onFailure: (_id, error) => {
        if (!started) {
          started = true;
          this.startups.taskFailures++;
        }
        if (!current()) return;
        task.state = 'FAILED';
        // The runner already logged the failure with its cause.
        task.trace = stackTrace(error);
      },
      onShutdown: () => {
        if (current() && task.state !== 'FAILED') task.state = 'UNASSIGNED';
      },
    };
  }

  private async startTask(entry: ConnectorEntry, task: TaskEntry): Promise<void> {
    const instance = entry.instance;
    if (!instance) {
      // The connector failed or is stopped: nothing runs the task.
      task.state = 'UNASSIGNED';
      return;
    }
    const id = { connector: entry.name, task: task.id };
    const log = connectorLogger(this.log, entry.name, task.id);
    delete task.trace;
    task.state = 'UNASSIGNED';
    this.startups.taskAttempts++;
    try {
      const runner = await this.worker.buildTask(
        id,
        instance,
        entry.resolved,
        task.config,
        this.statusListener(entry, task),
        log,
      );
      task.runner = runner;
      runner.start(entry.target === 'PAUSED');
    } catch (error) {
      const err = errorOf(error);
      this.startups.taskFailures++;
      log.error({ err }, 'task failed to start');
      task.state = 'FAILED';
      task.trace = stackTrace(err);
    }
  }

  /** Stops one task within task.shutdown.graceful.timeout.ms, then abandons it. */
  private async stopTask(entry: ConnectorEntry, task: TaskEntry): Promise<void> {
    const runner = task.runner;
    if (!runner) return;
    task.runner = null;
    for (const topic of runner.counters.topics) entry.topics.add(topic);
    const timeout = this.worker.config.taskShutdownGracefulTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      runner.stop().then(() => false),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(true), timeout);
      }),
    ]);
    if (timer) clearTimeout(timer);
    if (timedOut) {
      connectorLogger(this.log, entry.name, task.id).error(
        `Graceful stop of task ${entry.name}-${task.id} failed: still running after task.shutdown.graceful.timeout.ms=${timeout}; abandoned`,
      );
      runner.cancel();
    }
  }

  private async stopTasks(entry: ConnectorEntry): Promise<void> {
    await Promise.all(entry.tasks.map((t) => this.stopTask(entry, t)));
  }

  private async stopConnectorAndTasks(entry: ConnectorEntry): Promise<void> {
    await this.stopTasks(entry);
    await this.stopConnectorInstance(entry);
  }

  /** Stops the connector alone (its tasks keep running). */
  private async stopConnectorInstance(entry: ConnectorEntry): Promise<void> {
    const instance = entry.instance;
    entry.instance = null;
    if (instance && entry.state !== 'FAILED') {
      try {
        await instance.connector.stop();
      } catch (error) {
        entry.log.warn({ err: error }, 'connector stop() failed');
      }
    }
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
      if (entry.state === 'RUNNING') entry.state = 'PAUSED';
      for (const t of entry.tasks) t.runner?.pause();
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
      if (entry.state === 'PAUSED') entry.state = 'RUNNING';
      for (const t of entry.tasks) t.runner?.resume();
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
        await this.stopConnectorInstance(entry);
        entry.state = 'RESTARTING';
      }
      await Promise.all(tasks.map((t) => this.stopTask(entry, t)));
      for (const t of tasks) t.state = 'RESTARTING';
      const started =
        restartConnector &&
        (await this.startConnectorInstance(entry, 'connector failed to restart'));
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
    const e = this.entry(name);
    // Tasks run with resolved values; show the `${provider:...}` reference instead wherever a
    // value is the resolved form of one in the connector config (Kafka's reverse transform),
    // so secrets do not leak through the task configs.
    const references = Object.entries(e.config).filter(
      ([k, v]) => v.includes('${') && e.resolved[k] !== undefined && e.resolved[k] !== v,
    );
    return e.tasks.map((t) => {
      const config = { ...t.config };
      for (const [k, raw] of references) if (config[k] === e.resolved[k]) config[k] = raw;
      return { id: { connector: name, task: t.id }, config };
    });
  }

  connectorStatus(name: string): ConnectorStateInfo {
    const e = this.entry(name, `No status found for connector ${name}`);
    const workerId = this.worker.workerId;
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
    if (e.type === 'source') {
      const keys = await this.worker.offsetStore.keys();
      const mine = keys.filter((k) => parseOffsetKey(k)?.connector === name);
      const values = await this.worker.offsetStore.get(mine);
      return {
        offsets: mine.map((k) => {
          const raw = values.get(k);
          return {
            partition: parseOffsetKey(k)?.partition ?? {},
            offset: raw === undefined ? null : (parseOffsetJson(raw) as Record<string, unknown>),
          };
        }),
      };
    }
    const admin = await this.worker.kafkaAdmin();
    const topics = (e.config.topics ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const regex = e.config['topics.regex'];
    if (regex) {
      const re = new RegExp(`^(?:${regex})$`);
      topics.push(...(await admin.listTopics()).filter((t) => re.test(t)));
    }
    const offsets = topics.length > 0 ? await admin.groupOffsets(`connect-${name}`, topics) : [];
    return {
      offsets: offsets
        .filter((o) => o.offset >= 0n)
        .map((o) => ({
          partition: { kafka_topic: o.topic, kafka_partition: o.partition },
          offset: { kafka_offset: Number(o.offset) },
        })),
    };
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
    for (const t of e.tasks) for (const topic of t.runner?.counters.topics ?? []) topics.add(topic);
    return [...topics].sort();
  }

  /** Forgets the connector's active topics (`PUT /connectors/{name}/topics/reset`). */
  resetConnectorActiveTopics(name: string): void {
    const e = this.connectors.get(name);
    if (!e) return;
    e.topics.clear();
    for (const t of e.tasks) t.runner?.counters.topics.clear();
  }

  /** Running tasks' counters, for progress lines and metrics. */
  taskCounters(name: string): Array<{
    id: number;
    counters: TaskRunner['counters'] | null;
    errors: TaskRunner['errorCounters'] | null;
    /** Source: records polled and not yet acknowledged. */
    activeRecords: number | null;
    /** Sink: partitions assigned. */
    partitionCount: number | null;
  }> {
    return this.entry(name).tasks.map((t) => {
      const r = t.runner;
      return {
        id: t.id,
        counters: r?.counters ?? null,
        errors: r?.errorCounters ?? null,
        activeRecords: r && 'activeRecords' in r ? r.activeRecords : null,
        partitionCount: r && 'partitionCount' in r ? r.partitionCount : null,
      };
    });
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
