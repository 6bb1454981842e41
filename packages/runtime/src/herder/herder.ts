import type { ConfigProblem } from '@sluice/api';
import type { ConnectorType, TaskRunner } from '../worker/worker.js';
import type { ConnectorTaskId, ConnectState } from '../worker-task/task-status.js';

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

/** Starts of connectors and tasks attempted, succeeded and failed since the worker started. */
export interface StartupCounters {
  connectorAttempts: number;
  connectorSuccesses: number;
  connectorFailures: number;
  taskAttempts: number;
  taskSuccesses: number;
  taskFailures: number;
}

/** One task's live counters, for progress lines and metrics (null where it does not run here). */
export interface TaskCountersView {
  id: number;
  counters: TaskRunner['counters'] | null;
  errors: TaskRunner['errorCounters'] | null;
  /** Source: records polled and not yet acknowledged. */
  activeRecords: number | null;
  /** Sink: partitions assigned. */
  partitionCount: number | null;
}

type Awaitable<T> = T | Promise<T>;

/**
 * What the REST API and metrics ask of a herder (Kafka's Herder): the standalone herder answers
 * from this process, the distributed one from the cluster's internal topics, forwarding writes
 * to the leader when it is not the leader.
 */
export interface Herder {
  readonly startups: StartupCounters;
  validateConnectorConfig(config: Record<string, string>): Promise<ConfigProblem[]>;
  connectorNames(): Awaitable<string[]>;
  putConnectorConfig(
    name: string,
    config: Record<string, string>,
    allowReplace: boolean,
    initialTarget?: TargetState,
  ): Promise<{ created: boolean; info: ConnectorInfo }>;
  deleteConnector(name: string): Promise<void>;
  pauseConnector(name: string): Promise<void>;
  resumeConnector(name: string): Promise<void>;
  stopConnector(name: string): Promise<void>;
  restartConnector(name: string, request?: RestartRequest): Promise<ConnectorStateInfo>;
  restartTask(name: string, taskId: number): Promise<void>;
  connectorPasswordKeys(name: string): Awaitable<ReadonlySet<string>>;
  connectorConfig(name: string): Awaitable<Record<string, string>>;
  connectorInfo(name: string): Awaitable<ConnectorInfo>;
  taskConfigs(
    name: string,
  ): Awaitable<Array<{ id: ConnectorTaskId; config: Record<string, string> }>>;
  connectorStatus(name: string): Awaitable<ConnectorStateInfo>;
  taskStatus(name: string, taskId: number): Awaitable<StateInfo & { id: number }>;
  connectorOffsets(name: string): Promise<ConnectorOffsets>;
  connectorActiveTopics(name: string): Awaitable<string[]>;
  resetConnectorActiveTopics(name: string): Awaitable<void>;
  /** Counters of the connector's tasks running in this worker. */
  taskCounters(name: string): TaskCountersView[];
  /** Throws a RequestTargetException when offsets must be changed through another worker. */
  requireOffsetsWriter?(): void;
  /**
   * `POST /connectors/{name}/tasks`: task configs another worker of the cluster generated, for the
   * leader to write. `request` is the request as sent (signed requests check its exact bytes).
   */
  putTaskConfigs(
    name: string,
    configs: unknown,
    request?: { text: string; headers: Readonly<Record<string, string | string[] | undefined>> },
  ): Promise<void>;
  /** `PUT /connectors/{name}/fence`: fences the source connector's transactional producers. */
  fenceZombieSourceTasks(name: string): Promise<void>;
  /** `GET /cluster` (distributed mode): the group as this worker sees it. */
  clusterInfo?(): unknown;
  /** `PUT /admin/loggers/{namespace}?scope=cluster` (distributed mode): every worker's level. */
  setClusterLoggerLevel?(namespace: string, level: string): Promise<void>;
}
