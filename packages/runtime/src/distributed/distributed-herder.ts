import {
  AlreadyExistsException,
  ConfigException,
  type ConfigProblem,
  ConnectException,
  NotFoundException,
} from '@sluice/api';
import type { DistributedConfig } from '../config/distributed-config.js';
import { restoreRedacted } from '../config/password-keys.js';
import { readConnectorOffsets } from '../herder/connector-offsets-reader.js';
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
} from '../herder/herder.js';
import {
  NotAssignedException,
  NotLeaderException,
  RebalanceNeededException,
} from '../herder/request-target.js';
import type { JoinGroupResult, KafkaAdmin, KafkaClientFactory } from '../kafka/kafka-port.js';
import type { Logger } from '../logging/logger.js';
import { restRequest } from '../rest/rest-client.js';
import { RestException } from '../rest/rest-exception.js';
import type { ConnectorType, Worker } from '../worker/worker.js';
import type { ConnectorTaskId } from '../worker-task/task-status.js';
import { AssignedWork, sameConfigs } from './assigned-work.js';
import { type ClusterConfigState, ConfigStore, type SessionKey } from './config-store.js';
import {
  decodeAssignment,
  decodeMetadata,
  encodeAssignment,
  encodeMetadata,
  taskKey,
} from './connect-protocol.js';
import { type AssignorMemory, assign } from './incremental-assignor.js';
import { RebalanceMetrics } from './rebalance-metrics.js';
import { newSessionKey, signatureHeaders, verifySignature } from './request-signature.js';
import { type StatusRecord, StatusStore } from './status-store.js';
import { WorkerGroupMember } from './worker-group-member.js';

/** `GET /cluster` (a Sluice extension): the group as this worker sees it. */
export interface ClusterInfo {
  group_id: string;
  worker_id: string;
  worker_url: string;
  leader_url: string | null;
  generation: number;
  rebalancing: boolean;
  /** Every worker of the last generation, by REST URL. */
  workers: string[];
  /** What this worker runs. */
  connectors: string[];
  tasks: string[];
}

export interface DistributedHerderOptions {
  /** The worker under the herder; its offset store is the offsets topic. */
  worker: Worker;
  config: DistributedConfig;
  clients: KafkaClientFactory;
  /** An admin client for the internal topics. */
  admin: KafkaAdmin;
  log: Logger;
  /** Called when the worker cannot stay in the group (the process should stop). */
  onFatal?: (error: Error) => void;
  /** Applies a cluster-wide logger level read from the config topic. */
  applyLoggerLevel?: (namespace: string, level: string) => void;
}

const RECONFIGURE_BACKOFF_MS = 250;
const RECONFIGURE_MAX_BACKOFF_MS = 60_000;
/** How often topics newly used by local tasks are published to the status topic (KIP-558). */
const TOPIC_PUBLISH_INTERVAL_MS = 5_000;

/**
 * Distributed mode's herder (Kafka's DistributedHerder): workers sharing a `group.id` form one
 * Connect cluster through Kafka's group coordinator. The config topic is the single source of
 * truth; the leader writes configs and assigns connectors and tasks incrementally; each worker
 * runs what it is assigned and publishes its states in the status topic, so any worker answers
 * any status request. Writes that need the leader (or the owner of a connector or task) throw a
 * RequestTargetException that the REST layer forwards.
 */
export class DistributedHerder implements Herder {
  readonly rebalance = new RebalanceMetrics();
  private readonly configStore: ConfigStore;
  private readonly statusStore: StatusStore;
  private readonly work: AssignedWork;
  private member: WorkerGroupMember | null = null;
  private url = '';
  private workerIdValue = '';
  private generation = -1;
  private memberId = '';
  private leaderId = '';
  private leaderUrlValue: string | null = null;
  private memberUrls: string[] = [];
  private memory: AssignorMemory | null = null;
  /** Config changed in a way that needs a new assignment (connectors or tasks added or removed). */
  private rebalanceNeeded = true;
  private sessionKey: SessionKey | null = null;
  private serial: Promise<void> = Promise.resolve();
  private delayTimer: NodeJS.Timeout | null = null;
  private topicTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  private leaving = false;
  private leftGroup: (() => void) | null = null;
  private readonly log: Logger;

  constructor(private readonly o: DistributedHerderOptions) {
    this.log = o.log;
    const c = o.config;
    this.configStore = new ConfigStore(
      {
        topic: c.configTopic,
        configKey: 'config.storage.topic',
        holds: 'connector configurations',
        partitions: 1,
        replicationFactor: c.configReplicationFactor,
      },
      o.clients,
      o.admin,
      c.clientId,
      {
        onConnectorConfig: (name, removed) =>
          this.exclusive(() => this.work.connectorConfigChanged(name, removed)),
        onTargetState: (name) => this.exclusive(() => this.work.targetStateChanged(name)),
        onTaskConfigs: (name) => this.exclusive(() => this.work.taskConfigsChanged(name)),
        onRestartRequest: (r) =>
          this.exclusive(() =>
            this.work.restartRequested(r.connector, r.includeTasks, r.onlyFailed),
          ),
        onSessionKey: (key) => {
          this.sessionKey = key;
        },
        onLoggerLevel: (namespace, level) => this.o.applyLoggerLevel?.(namespace, level),
      },
      o.log,
    );
    this.statusStore = new StatusStore(
      {
        topic: c.statusTopic,
        configKey: 'status.storage.topic',
        holds: 'connector and task statuses',
        partitions: c.statusPartitions,
        replicationFactor: c.statusReplicationFactor,
      },
      o.clients,
      o.admin,
      c.clientId,
      o.log,
    );
    this.work = new AssignedWork({
      worker: o.worker,
      configStore: this.configStore,
      statusStore: this.statusStore,
      log: o.log,
      identity: () => ({ workerId: this.workerIdValue, generation: this.generation }),
      onNewTaskConfigs: (name, configs) => {
        void this.publishTaskConfigs(name, configs);
      },
      onRebalanceNeeded: (reason) => this.requestRebalance(reason),
      later: (work) => {
        this.exclusive(work).catch(() => {});
      },
    });
  }

  get startups(): StartupCounters {
    return this.work.startups;
  }

  /** This worker's id in statuses: its advertised `host:port`. */
  get workerId(): string {
    return this.workerIdValue;
  }

  /** The leader's REST URL, when known. */
  get leaderUrl(): string | null {
    return this.leaderUrlValue;
  }

  isLeader(): boolean {
    return this.leaderId !== '' && this.leaderId === this.memberId;
  }

  /**
   * Joins the cluster: the offsets, status and config topics are created or checked and read,
   * then the worker joins the group as `advertisedUrl` (its REST API must be listening).
   */
  async start(advertisedUrl: string): Promise<void> {
    this.url = advertisedUrl.replace(/\/$/, '');
    this.workerIdValue = new URL(this.url).host;
    await this.o.worker.start();
    await this.statusStore.start();
    await this.configStore.start();
    this.sessionKey = this.configStore.snapshot().sessionKey;
    const c = this.o.config;
    this.member = new WorkerGroupMember({
      client: this.o.clients.groupCoordinator({
        clientId: `${c.clientId}-group`,
        overrides: {},
        log: this.log,
      }),
      groupId: c.groupId,
      sessionTimeoutMs: c.sessionTimeoutMs,
      rebalanceTimeoutMs: c.rebalanceTimeoutMs,
      heartbeatIntervalMs: c.heartbeatIntervalMs,
      log: this.log.child({ group: c.groupId }),
      listener: {
        metadata: () => {
          this.rebalance.started();
          return encodeMetadata({
            url: this.url,
            configOffset: this.configStore.offset,
            owned: this.work.owned(),
            leaving: this.leaving,
          });
        },
        assign: (join) => this.assignAsLeader(join),
        onAssignment: (bytes, generation, memberId) =>
          this.exclusive(() => this.applyAssignment(bytes, generation, memberId)),
        onFenced: () => this.exclusive(() => this.work.stopAll('lost contact with the group')),
        onFatal: (error) => {
          this.log.error({ err: error }, 'this worker cannot stay in the Connect cluster');
          this.o.onFatal?.(error);
        },
      },
    });
    this.member.start();
    this.topicTimer = setInterval(() => {
      this.work
        .publishTopics()
        .catch((e: unknown) =>
          this.log.warn({ err: (e as Error).message }, 'publishing active topics failed'),
        );
    }, TOPIC_PUBLISH_INTERVAL_MS);
    this.topicTimer.unref();
    this.log.info(
      { workerId: this.workerIdValue, groupId: c.groupId },
      `distributed herder started; joining group ${c.groupId}`,
    );
  }

  /** Runs herder work one piece at a time (Kafka's herder thread). */
  private exclusive(work: () => Promise<void>): Promise<void> {
    const run = this.serial.then(work);
    this.serial = run.catch((e: unknown) => {
      this.log.error({ err: e }, 'herder work failed');
    });
    return run;
  }

  // --- the leader's assignment -------------------------------------------------------------

  private async assignAsLeader(join: JoinGroupResult): Promise<Map<string, Uint8Array>> {
    await this.configStore.readToEnd(this.o.config.workerSyncTimeoutMs + 30_000);
    const c = this.o.config;
    if (c.signRequests && this.sessionKeyExpired()) {
      await this.configStore.putSessionKey(newSessionKey(c.keyAlgorithm, c.keySizeBits));
      await this.configStore.readToEnd();
    }
    const snapshot = this.configStore.snapshot();
    const members = join.members.map((m) => ({ id: m.memberId, ...decodeMetadata(m.metadata) }));
    const urls = new Map(members.map((m) => [m.id, m.url]));
    const behind = members.some((m) => m.configOffset > snapshot.offset);
    const tasks: string[] = [];
    for (const [name, configs] of snapshot.taskConfigs) {
      if (!snapshot.connectors.has(name)) continue;
      for (let i = 0; i < configs.length; i++) tasks.push(taskKey(name, i));
    }
    const out = assign({
      members,
      connectors: [...snapshot.connectors.keys()],
      tasks,
      memory: this.memory,
      now: Date.now(),
      maxDelayMs: c.scheduledRebalanceMaxDelayMs,
    });
    this.memory = out.memory;
    const result = new Map<string, Uint8Array>();
    for (const m of members) {
      const a = out.assignments.get(m.id) ?? {
        assigned: { connectors: [], tasks: [] },
        revoked: { connectors: [], tasks: [] },
      };
      result.set(
        m.id,
        encodeAssignment({
          error: behind ? 'config-mismatch' : 'none',
          leaderId: join.leaderId,
          leaderUrl: urls.get(join.leaderId) ?? this.url,
          configOffset: snapshot.offset,
          assigned: behind ? { connectors: [], tasks: [] } : a.assigned,
          revoked: behind ? { connectors: [], tasks: [] } : a.revoked,
          delayMs: out.delayMs,
          members: [...new Set(members.map((x) => x.url))].sort(),
        }),
      );
    }
    if (behind) this.memory = null;
    this.log.debug(
      { generation: join.generationId, members: members.length, delayMs: out.delayMs },
      'assigned connectors and tasks',
    );
    return result;
  }

  private sessionKeyExpired(): boolean {
    const key = this.sessionKey;
    return !key || Date.now() - key.creationTimestamp >= this.o.config.keyTtlMs;
  }

  // --- applying an assignment ----------------------------------------------------------------

  private async applyAssignment(bytes: Uint8Array, generation: number, memberId: string) {
    const a = decodeAssignment(bytes);
    this.generation = generation;
    this.memberId = memberId;
    this.leaderId = a.leaderId;
    this.leaderUrlValue = a.leaderUrl || null;
    this.memberUrls = a.members;
    if (a.error === 'config-mismatch') {
      await this.configStore.readToEnd();
      this.member?.requestRejoin('the leader was behind on the config topic');
      return;
    }
    if (this.configStore.offset < a.configOffset) {
      try {
        await this.configStore.readToEnd(this.o.config.workerSyncTimeoutMs);
      } catch (error) {
        this.log.warn(
          { err: (error as Error).message },
          `could not read the config topic up to the leader's position within worker.sync.timeout.ms; backing off worker.unsync.backoff.ms=${this.o.config.workerUnsyncBackoffMs} before rejoining`,
        );
        await this.work.stopAll('out of sync with the config topic');
        await new Promise((r) => setTimeout(r, this.o.config.workerUnsyncBackoffMs));
        this.member?.requestRejoin('config topic caught up');
        return;
      }
    }
    const revoked = await this.work.apply(a.assigned, a.revoked);
    this.rebalanceNeeded = !this.work.coversConfig();
    this.rebalance.completed(generation, this.leaderUrlValue ?? '');
    this.log.info(
      {
        generation,
        leader: this.leaderUrlValue,
        assigned: a.assigned,
        revoked: a.revoked,
        delayMs: a.delayMs,
      },
      `joined generation ${generation}: running ${this.work.owned().connectors.length} connector(s) and ${this.work.owned().tasks.length} task(s)`,
    );
    if (this.leaving) {
      this.leftGroup?.();
      return;
    }
    if (revoked > 0 || this.rebalanceNeeded) this.member?.requestRejoin('work was revoked');
    if (this.delayTimer) clearTimeout(this.delayTimer);
    this.delayTimer = null;
    if (a.delayMs > 0) {
      this.delayTimer = setTimeout(
        () => this.member?.requestRejoin('scheduled rebalance'),
        a.delayMs,
      );
      this.delayTimer.unref();
    }
  }

  private requestRebalance(reason: string): void {
    this.rebalanceNeeded = true;
    this.member?.requestRejoin(reason);
  }

  /** Writes (leader) or sends to the leader the task configs, retrying with backoff. */
  private async publishTaskConfigs(name: string, configs: Array<Record<string, string>>) {
    let backoff = RECONFIGURE_BACKOFF_MS;
    while (!this.stopping && this.work.ownsConnector(name)) {
      try {
        if (this.isLeader()) {
          await this.writeTaskConfigs(name, configs);
        } else {
          await this.sendTaskConfigsToLeader(name, configs);
        }
        return;
      } catch (error) {
        this.log.warn(
          { connector: name, err: (error as Error).message },
          `publishing task configs of ${name} failed; retrying in ${backoff} ms`,
        );
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, RECONFIGURE_MAX_BACKOFF_MS);
      }
    }
  }

  private async sendTaskConfigsToLeader(name: string, configs: Array<Record<string, string>>) {
    const leader = this.leaderUrlValue;
    if (!leader)
      throw new ConnectException(
        'Request to leader to reconfigure connector tasks failed because the URL of the leader is not known yet',
      );
    const body = JSON.stringify(configs);
    const c = this.o.config;
    const headers =
      c.signRequests && this.sessionKey
        ? signatureHeaders(this.sessionKey, c.signatureAlgorithm, body)
        : {};
    const res = await restRequest(
      `${leader}/connectors/${encodeURIComponent(name)}/tasks?forward=false`,
      'POST',
      body,
      headers,
    );
    if (res.status >= 300)
      throw new ConnectException(`the leader at ${leader} answered ${res.status}: ${res.text}`);
  }

  /**
   * The leader writes a connector's task configs (`POST /connectors/{name}/tasks` from the
   * connector's owner, or its own connectors); unchanged configs are not written again.
   */
  async writeTaskConfigs(name: string, configs: Array<Record<string, string>>): Promise<void> {
    if (!this.isLeader())
      throw new NotLeaderException(
        'Only the leader may write task configurations.',
        this.leaderUrlValue,
      );
    await this.configStore.readToEnd();
    const live = this.configStore.snapshot();
    if (!live.connectors.has(name)) throw new NotFoundException(`Connector ${name} not found`);
    if (live.targetStates.get(name) === 'STOPPED' && configs.length > 0)
      throw new ConnectException(
        `Cannot submit non-empty set of task configs for stopped connector ${name}`,
      );
    if (!live.inconsistent.has(name) && sameConfigs(configs, live.taskConfigs.get(name))) return;
    await this.configStore.putTaskConfigs(name, configs);
    await this.configStore.readToEnd();
  }

  /**
   * `POST /connectors/{name}/tasks` from the worker running the connector: checked against the
   * session key (`connect.protocol=sessioned`), then written by the leader.
   */
  async putTaskConfigs(
    name: string,
    configs: unknown,
    request?: { text: string; headers: Readonly<Record<string, string | string[] | undefined>> },
  ): Promise<void> {
    const c = this.o.config;
    if (c.signRequests) {
      const refused = verifySignature(
        this.sessionKey,
        c.verificationAlgorithms,
        request?.headers ?? {},
        request?.text ?? '',
      );
      if (refused) throw new RestException(refused.status, refused.message);
    }
    if (
      !Array.isArray(configs) ||
      !configs.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x))
    )
      throw new RestException(400, 'The task configs must be a JSON array of objects');
    await this.writeTaskConfigs(name, configs as Array<Record<string, string>>);
  }

  /**
   * `PUT /connectors/{name}/fence`: Kafka's checks (leader, known, source); Sluice has no
   * transactional producers to fence until exactly-once source delivery is built.
   */
  async fenceZombieSourceTasks(name: string): Promise<void> {
    this.requireLeader('Only the leader may perform zombie fencing.');
    const config = this.configOf(name);
    if (this.typeOf(config) !== 'source')
      throw new RestException(400, `Connector ${name} is not a source connector`);
    throw new RestException(
      400,
      'Sluice does not support exactly-once source delivery yet (exactly.once.source.support): there are no transactional producers to fence',
    );
  }

  // --- what REST asks ------------------------------------------------------------------------

  private live(): ClusterConfigState {
    return this.configStore.snapshot();
  }

  private configOf(name: string): Readonly<Record<string, string>> {
    if (this.generation < 0) throw new RebalanceNeededException();
    const config = this.live().connectors.get(name);
    if (!config) throw new NotFoundException(`Connector ${name} not found`);
    return config;
  }

  private typeOf(config: Readonly<Record<string, string>>): ConnectorType {
    try {
      return this.o.worker.plugins.resolve(
        'connector',
        config['connector.class'] ?? '',
        'connector.class',
      ).kind as ConnectorType;
    } catch {
      return 'source';
    }
  }

  private requireLeader(message: string): void {
    if (!this.isLeader()) throw new NotLeaderException(message, this.leaderUrlValue);
  }

  /** Written to the config topic; every worker (this one too) applies it when it reads it. */
  async setClusterLoggerLevel(namespace: string, level: string): Promise<void> {
    await this.configStore.putLoggerLevel(namespace, level);
  }

  requireOffsetsWriter(): void {
    this.requireLeader('Only the leader can process external offsets modification requests');
  }

  private requireNoRebalance(): void {
    if (this.rebalanceNeeded || this.generation < 0) throw new RebalanceNeededException();
  }

  validateConnectorConfig(config: Record<string, string>): Promise<ConfigProblem[]> {
    return this.o.worker.validateConnectorConfig(config);
  }

  /** As Kafka's herder: the cluster's connectors once this worker joined the group (409 before). */
  connectorNames(): string[] {
    if (this.generation < 0) throw new RebalanceNeededException();
    return [...this.live().connectors.keys()].sort();
  }

  async putConnectorConfig(
    name: string,
    config: Record<string, string>,
    allowReplace: boolean,
    initialTarget?: TargetState,
  ): Promise<{ created: boolean; info: ConnectorInfo }> {
    if (this.stopping) throw new ConnectException('Worker is shutting down');
    this.requireNoRebalance();
    this.requireLeader('Only the leader can set connector configs.');
    await this.configStore.readToEnd();
    const existing = this.live().connectors.get(name);
    const secrets = await this.o.worker.connectorPasswordKeys({ ...config, name });
    const props = restoreRedacted(
      { ...config, name },
      allowReplace ? existing : undefined,
      secrets,
    );
    const problems = await this.o.worker.validateConnectorConfig(props);
    if (problems.length > 0) throw ConfigException.fromProblems(problems);
    if (existing && !allowReplace)
      throw new AlreadyExistsException(`Connector ${name} already exists`);
    await this.configStore.putConnectorConfig(name, props, existing ? undefined : initialTarget);
    await this.configStore.readToEnd();
    return { created: !existing, info: this.connectorInfo(name) };
  }

  async deleteConnector(name: string): Promise<void> {
    this.requireNoRebalance();
    this.requireLeader('Only the leader can delete connector configs.');
    await this.configStore.readToEnd();
    this.configOf(name);
    await this.configStore.removeConnector(name);
    await this.configStore.readToEnd();
  }

  async pauseConnector(name: string): Promise<void> {
    await this.setTargetState(name, 'PAUSED');
  }

  async resumeConnector(name: string): Promise<void> {
    await this.setTargetState(name, 'STARTED');
  }

  private async setTargetState(name: string, target: TargetState): Promise<void> {
    await this.configStore.readToEnd();
    this.configOf(name);
    await this.configStore.putTargetState(name, target);
    await this.configStore.readToEnd();
  }

  async stopConnector(name: string): Promise<void> {
    this.requireNoRebalance();
    this.requireLeader('Only the leader can transition connectors to the STOPPED state.');
    await this.configStore.readToEnd();
    this.configOf(name);
    await this.configStore.putTaskConfigs(name, []);
    await this.configStore.putTargetState(name, 'STOPPED');
    await this.configStore.readToEnd();
  }

  private ownerUrl(status: StateInfo | { worker_id: string } | undefined): string | null {
    if (!status?.worker_id) return this.leaderUrlValue;
    return `${new URL(this.url).protocol}//${status.worker_id}`;
  }

  async restartConnector(name: string, request: RestartRequest = {}): Promise<ConnectorStateInfo> {
    this.requireNoRebalance();
    await this.configStore.readToEnd();
    if (!this.live().connectors.has(name))
      throw new NotFoundException(`Unknown connector: ${name}`);
    const includeTasks = request.includeTasks ?? false;
    const onlyFailed = request.onlyFailed ?? false;
    if (!includeTasks && !onlyFailed) {
      if (!this.work.ownsConnector(name)) {
        throw new NotAssignedException(
          'Cannot restart connector since it is not assigned to this member',
          this.ownerUrl(this.statusStore.connector(name)),
        );
      }
      await this.exclusive(() => this.work.restartConnector(name));
      return this.connectorStatus(name);
    }
    this.requireLeader('Only the leader can process restart requests.');
    const status = this.connectorStatus(name);
    const plan: ConnectorStateInfo = {
      ...status,
      connector:
        !onlyFailed || status.connector.state === 'FAILED'
          ? { ...status.connector, state: 'RESTARTING' }
          : status.connector,
      tasks: status.tasks.map((t) =>
        includeTasks && (!onlyFailed || t.state === 'FAILED') ? { ...t, state: 'RESTARTING' } : t,
      ),
    };
    await this.configStore.putRestartRequest({ connector: name, includeTasks, onlyFailed });
    return plan;
  }

  async restartTask(name: string, taskId: number): Promise<void> {
    this.requireNoRebalance();
    await this.configStore.readToEnd();
    const live = this.live();
    if (!live.connectors.has(name)) throw new NotFoundException(`Unknown connector: ${name}`);
    if (!live.taskConfigs.get(name)?.[taskId])
      throw new NotFoundException(`Unknown task: ${name}-${taskId}`);
    if (!this.work.ownsTask({ connector: name, task: taskId })) {
      throw new NotAssignedException(
        'Cannot restart task since it is not assigned to this member',
        this.ownerUrl(this.statusStore.connectorTasks(name).get(taskId)),
      );
    }
    await this.exclusive(() => this.work.restartTask({ connector: name, task: taskId }));
  }

  async connectorPasswordKeys(name: string): Promise<ReadonlySet<string>> {
    return this.o.worker.connectorPasswordKeys({ ...this.configOf(name) });
  }

  connectorConfig(name: string): Record<string, string> {
    return { ...this.configOf(name) };
  }

  connectorInfo(name: string): ConnectorInfo {
    const config = this.configOf(name);
    const tasks = this.live().taskConfigs.get(name) ?? [];
    return {
      name,
      config: { ...config },
      tasks: tasks.map((_, task) => ({ connector: name, task })),
      type: this.typeOf(config),
    };
  }

  taskConfigs(name: string): Array<{ id: ConnectorTaskId; config: Record<string, string> }> {
    this.configOf(name);
    return (this.live().taskConfigs.get(name) ?? []).map((config, task) => ({
      id: { connector: name, task },
      config: { ...config },
    }));
  }

  connectorStatus(name: string): ConnectorStateInfo {
    const config = this.configOf(name);
    const connector = this.statusStore.connector(name);
    if (!connector) throw new NotFoundException(`No status found for connector ${name}`);
    const count = this.live().taskConfigs.get(name)?.length ?? 0;
    const tasks: ConnectorStateInfo['tasks'] = [];
    for (const [id, status] of [...this.statusStore.connectorTasks(name)].sort(
      (a, b) => a[0] - b[0],
    )) {
      if (id < count) tasks.push({ id, ...stateInfo(status) });
    }
    return { name, connector: stateInfo(connector), tasks, type: this.typeOf(config) };
  }

  taskStatus(name: string, taskId: number): StateInfo & { id: number } {
    this.configOf(name);
    const status = this.statusStore.connectorTasks(name).get(taskId);
    if (!status) throw new NotFoundException(`No status found for task ${name}-${taskId}`);
    return { id: taskId, ...stateInfo(status) };
  }

  connectorOffsets(name: string): Promise<ConnectorOffsets> {
    const config = this.configOf(name);
    return readConnectorOffsets(this.o.worker, name, this.typeOf(config), config);
  }

  connectorActiveTopics(name: string): string[] {
    this.configOf(name);
    return this.work.activeTopics(name);
  }

  async resetConnectorActiveTopics(name: string): Promise<void> {
    this.configOf(name);
    this.work.forgetTopics(name);
    await this.statusStore.resetTopics(name);
  }

  taskCounters(name: string): TaskCountersView[] {
    return this.work.taskCounters(name);
  }

  /** `GET /cluster`: this worker's view of the group. */
  clusterInfo(): ClusterInfo {
    return {
      group_id: this.o.config.groupId,
      worker_id: this.workerIdValue,
      worker_url: this.url,
      leader_url: this.leaderUrlValue,
      generation: this.generation,
      rebalancing: this.rebalance.rebalancing || this.rebalanceNeeded,
      workers: this.memberUrls,
      ...this.work.owned(),
    };
  }

  /** Names of the connectors this worker runs (for progress lines). */
  localConnectorNames(): string[] {
    return this.work.owned().connectors;
  }

  /**
   * Graceful stop: this worker stops its connectors and tasks (offsets flushed), tells the group
   * it is leaving so the others take the work at once, then leaves the group.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.delayTimer) clearTimeout(this.delayTimer);
    if (this.topicTimer) clearInterval(this.topicTimer);
    this.log.info(
      'stopping: tasks drain, flush and commit their offsets; then the work moves to the other workers',
    );
    await this.exclusive(() => this.work.stopAll('the worker is stopping'));
    const member = this.member;
    if (member && this.generation >= 0) {
      this.leaving = true;
      const handedOff = new Promise<void>((resolve) => {
        this.leftGroup = resolve;
      });
      member.requestRejoin('leaving the group');
      const limit = Math.min(this.o.config.rebalanceTimeoutMs, 30_000);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        handedOff,
        new Promise<void>((r) => {
          timer = setTimeout(r, limit);
        }),
      ]);
      if (timer) clearTimeout(timer);
    }
    await member?.leave();
    await this.serial;
    await this.configStore.stop();
    await this.statusStore.stop();
    await this.o.worker.stop();
    this.log.info('distributed herder stopped');
  }
}

function stateInfo(status: StatusRecord): StateInfo {
  const shown: StateInfo = {
    state: status.state,
    worker_id: status.worker_id,
    version: status.version,
  };
  if (status.trace) shown.trace = status.trace;
  return shown;
}
