import { ConnectException } from '@sluice/api';
import { stackTrace } from '../errors/processing-context.js';
import { connectorLogger, type Logger } from '../logging/logger.js';
import { OffsetStorageReaderImpl } from '../storage/offset-storage-reader.js';
import type { ConnectorInstance, ConnectorType, TaskRunner, Worker } from '../worker/worker.js';
import type { ConnectorTaskId, ConnectState } from '../worker-task/task-status.js';
import type { StartupCounters, TargetState, TaskCountersView } from './herder.js';

/** A state change of something this worker runs, for the herder to publish. */
export interface WorkStateListener {
  /** `version`: of the connector plugin (KIP-891), once it was loaded. */
  onConnectorState(
    name: string,
    state: ConnectState,
    trace: string | null,
    version: string | null,
  ): void;
  onTaskState(
    id: ConnectorTaskId,
    state: ConnectState,
    trace: string | null,
    version: string | null,
  ): void;
  /** A connector asked for its task configs to be generated again. */
  onTaskReconfigurationRequest(name: string): void;
}

interface RunningConnector {
  name: string;
  instance: ConnectorInstance | null;
  /** The config as stored (references unresolved) and as the connector runs with it. */
  config: Record<string, string>;
  resolved: Record<string, string>;
  target: TargetState;
  state: ConnectState;
  trace: string | null;
  log: Logger;
}

interface RunningTask {
  id: ConnectorTaskId;
  version: string | null;
  runner: TaskRunner | null;
  state: ConnectState;
  trace: string | null;
}

function errorOf(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

const taskKey = (id: ConnectorTaskId) => `${id.connector}\u0000${id.task}`;

/**
 * The connectors and tasks running in this worker process, with their states (Kafka's Worker
 * keeps the same): start, stop within `task.shutdown.graceful.timeout.ms`, pause, resume,
 * generate task configs. The herders decide what runs here; this runs it and reports every
 * state change to the listener.
 */
export class RunningWork {
  readonly startups: StartupCounters = {
    connectorAttempts: 0,
    connectorSuccesses: 0,
    connectorFailures: 0,
    taskAttempts: 0,
    taskSuccesses: 0,
    taskFailures: 0,
  };
  private readonly connectors = new Map<string, RunningConnector>();
  private readonly tasks = new Map<string, RunningTask>();

  constructor(
    private readonly worker: Worker,
    private readonly listener: WorkStateListener,
    private readonly log: Logger,
  ) {}

  /** Names of the connectors running (or failed) here. */
  connectorNames(): string[] {
    return [...this.connectors.keys()];
  }

  /** Ids of the tasks running (or failed) here. */
  taskIds(): ConnectorTaskId[] {
    return [...this.tasks.values()].map((t) => t.id);
  }

  hasConnector(name: string): boolean {
    return this.connectors.has(name);
  }

  hasTask(id: ConnectorTaskId): boolean {
    return this.tasks.has(taskKey(id));
  }

  connectorState(name: string): { state: ConnectState; trace: string | null } | undefined {
    const c = this.connectors.get(name);
    return c && { state: c.state, trace: c.trace };
  }

  taskState(id: ConnectorTaskId): { state: ConnectState; trace: string | null } | undefined {
    const t = this.tasks.get(taskKey(id));
    return t && { state: t.state, trace: t.trace };
  }

  /** The type the connector's plugin declares, once it was instantiated. */
  connectorType(name: string): ConnectorType | undefined {
    return this.connectors.get(name)?.instance?.type;
  }

  /** The resolved config a running connector has, for its tasks' converters and transforms. */
  resolvedConfig(name: string): Record<string, string> | undefined {
    return this.connectors.get(name)?.resolved;
  }

  private setConnector(c: RunningConnector, state: ConnectState, trace: string | null = null) {
    c.state = state;
    c.trace = trace;
    this.listener.onConnectorState(c.name, state, trace, c.instance?.plugin.version ?? null);
  }

  private setTask(t: RunningTask, state: ConnectState, trace: string | null = null) {
    t.state = state;
    t.trace = trace;
    this.listener.onTaskState(t.id, state, trace, t.version);
  }

  /**
   * Starts a connector (a STOPPED one only records that state). Failures leave it FAILED with its
   * trace; resolves true when it runs (or is paused).
   */
  async startConnector(
    name: string,
    config: Record<string, string>,
    target: TargetState,
  ): Promise<boolean> {
    const c: RunningConnector = {
      name,
      instance: null,
      config,
      resolved: {},
      target,
      state: 'UNASSIGNED',
      trace: null,
      log: connectorLogger(this.log, name),
    };
    this.connectors.set(name, c);
    if (target === 'STOPPED') {
      this.setConnector(c, 'STOPPED');
      return false;
    }
    this.startups.connectorAttempts++;
    try {
      c.resolved = await this.worker.resolveConfig(config);
      const instance = await this.worker.instantiateConnector(c.resolved);
      c.instance = instance;
      instance.connector.initialize?.({
        requestTaskReconfiguration: () => this.listener.onTaskReconfigurationRequest(name),
        raiseError: (error: Error) => {
          c.log.error({ err: error }, 'connector raised an error');
          this.setConnector(c, 'FAILED', stackTrace(error));
        },
        offsetStorageReader: () => new OffsetStorageReaderImpl(this.worker.offsetStore, name),
      } as never);
      await instance.connector.start(c.resolved);
      this.startups.connectorSuccesses++;
      this.setConnector(c, target === 'PAUSED' ? 'PAUSED' : 'RUNNING');
      c.log.info(
        { plugin: instance.plugin.qualifiedName, version: instance.plugin.version },
        `connector started (${c.state})`,
      );
      return true;
    } catch (error) {
      this.startups.connectorFailures++;
      const err = errorOf(error);
      c.log.error({ err }, 'connector failed to start');
      this.setConnector(c, 'FAILED', stackTrace(err));
      return false;
    }
  }

  /**
   * The connector's task configs (Worker.connectorTaskConfigs) from its resolved config; throws
   * (and fails the connector) when it cannot.
   */
  async generateTaskConfigs(name: string): Promise<Array<Record<string, string>>> {
    const c = this.connectors.get(name);
    const instance = c?.instance;
    if (!c || !instance || c.state === 'FAILED' || c.target === 'STOPPED')
      throw new ConnectException(`Connector ${name} is not running in this worker`);
    try {
      return await this.worker.connectorTaskConfigs(name, instance, c.resolved);
    } catch (error) {
      const err = errorOf(error);
      c.log.error({ err }, 'generating task configs failed');
      this.setConnector(c, 'FAILED', stackTrace(err));
      throw err;
    }
  }

  /** Stops a connector (not its tasks). */
  async stopConnector(name: string): Promise<void> {
    const c = this.connectors.get(name);
    if (!c) return;
    this.connectors.delete(name);
    const instance = c.instance;
    c.instance = null;
    if (instance && c.state !== 'FAILED') {
      try {
        await instance.connector.stop();
      } catch (error) {
        c.log.warn({ err: error }, 'connector stop() failed');
      }
    }
    if (c.state !== 'FAILED') this.setConnector(c, 'UNASSIGNED');
  }

  /** Pauses or resumes a running connector and its tasks here; STOPPED is for the herder to do. */
  setTargetState(name: string, target: 'STARTED' | 'PAUSED'): void {
    const c = this.connectors.get(name);
    if (c) {
      c.target = target;
      if (c.state === 'RUNNING' && target === 'PAUSED') this.setConnector(c, 'PAUSED');
      else if (c.state === 'PAUSED' && target === 'STARTED') this.setConnector(c, 'RUNNING');
    }
    for (const t of this.tasks.values()) {
      if (t.id.connector !== name || !t.runner) continue;
      if (target === 'PAUSED') t.runner.pause();
      else t.runner.resume();
    }
  }

  /**
   * Starts a task of a connector whose resolved config is given (it picks converters,
   * transforms and error handling); `taskConfig` is resolved here. Failures leave it FAILED.
   */
  async startTask(
    id: ConnectorTaskId,
    connectorConfig: Record<string, string>,
    taskConfig: Record<string, string>,
    target: TargetState,
  ): Promise<void> {
    const t: RunningTask = { id, version: null, runner: null, state: 'UNASSIGNED', trace: null };
    this.tasks.set(taskKey(id), t);
    this.setTask(t, 'UNASSIGNED');
    const log = connectorLogger(this.log, id.connector, id.task);
    this.startups.taskAttempts++;
    let started = false;
    const current = () => this.tasks.get(taskKey(id)) === t;
    try {
      const resolvedConnector = await this.worker.resolveConfig(connectorConfig);
      const resolvedTask = await this.worker.resolveConfig(taskConfig);
      const instance = await this.worker.instantiateConnector(resolvedConnector);
      t.version = instance.plugin.version;
      const runner = await this.worker.buildTask(
        id,
        instance,
        resolvedConnector,
        resolvedTask,
        {
          onStartup: () => {
            if (!started) {
              started = true;
              this.startups.taskSuccesses++;
            }
            if (current()) this.setTask(t, 'RUNNING');
          },
          // A failed task stays FAILED when its connector is paused or resumed (as in Kafka).
          onPause: () => {
            if (!started) {
              started = true;
              this.startups.taskSuccesses++;
            }
            if (current() && t.state !== 'FAILED') this.setTask(t, 'PAUSED');
          },
          onResume: () => {
            if (current() && t.state !== 'FAILED') this.setTask(t, 'RUNNING');
          },
          onFailure: (_id, error) => {
            if (!started) {
              started = true;
              this.startups.taskFailures++;
            }
            // The runner already logged the failure with its cause.
            if (current()) this.setTask(t, 'FAILED', stackTrace(error));
          },
          onShutdown: () => {
            if (current() && t.state !== 'FAILED') this.setTask(t, 'UNASSIGNED');
          },
        },
        log,
      );
      t.runner = runner;
      runner.start(target === 'PAUSED');
    } catch (error) {
      const err = errorOf(error);
      this.startups.taskFailures++;
      log.error({ err }, 'task failed to start');
      this.setTask(t, 'FAILED', stackTrace(err));
    }
  }

  /**
   * Stops one task within task.shutdown.graceful.timeout.ms, then abandons it; resolves with the
   * topics it used (KIP-558).
   */
  async stopTask(id: ConnectorTaskId): Promise<Set<string>> {
    const t = this.tasks.get(taskKey(id));
    if (!t) return new Set();
    this.tasks.delete(taskKey(id));
    const runner = t.runner;
    t.runner = null;
    if (!runner) return new Set();
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
      connectorLogger(this.log, id.connector, id.task).error(
        `Graceful stop of task ${id.connector}-${id.task} failed: still running after task.shutdown.graceful.timeout.ms=${timeout}; abandoned`,
      );
      runner.cancel();
    }
    if (t.state !== 'FAILED') this.setTask(t, 'UNASSIGNED');
    return runner.counters.topics;
  }

  /** Forgets the topics the connector's tasks used so far (`topics/reset`). */
  resetTopics(connector: string): void {
    for (const t of this.tasks.values())
      if (t.id.connector === connector) t.runner?.counters.topics.clear();
  }

  /** Topics the task used so far (KIP-558), if it runs here. */
  taskTopics(id: ConnectorTaskId): ReadonlySet<string> {
    return this.tasks.get(taskKey(id))?.runner?.counters.topics ?? new Set();
  }

  /** Live counters of the connector's tasks running here. */
  taskCounters(name: string): TaskCountersView[] {
    return [...this.tasks.values()]
      .filter((t) => t.id.connector === name)
      .sort((a, b) => a.id.task - b.id.task)
      .map((t) => {
        const r = t.runner;
        return {
          id: t.id.task,
          counters: r?.counters ?? null,
          errors: r?.errorCounters ?? null,
          activeRecords: r && 'activeRecords' in r ? r.activeRecords : null,
          partitionCount: r && 'partitionCount' in r ? r.partitionCount : null,
        };
      });
  }
}
