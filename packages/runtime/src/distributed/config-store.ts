import type { TargetState } from '../herder/herder.js';
import type { ConsumerRecord, KafkaAdmin, KafkaClientFactory } from '../kafka/kafka-port.js';
import type { Logger } from '../logging/logger.js';
import { type InternalTopic, KafkaBasedLog } from './kafka-based-log.js';

/**
 * The config topic in Kafka Connect's own record formats (KafkaConfigBackingStore), so a cluster
 * can start on topics written by Apache Kafka Connect: keys `connector-<name>`,
 * `task-<name>-<n>`, `commit-<name>`, `target-state-<name>`, `restart-connector-<name>`,
 * `session-key`; values the schemaless JSON of Kafka's JsonConverter.
 */
export const CONFIG_KEYS = {
  connector: (name: string) => `connector-${name}`,
  task: (name: string, task: number) => `task-${name}-${task}`,
  commit: (name: string) => `commit-${name}`,
  targetState: (name: string) => `target-state-${name}`,
  restart: (name: string) => `restart-connector-${name}`,
  loggerLevel: (namespace: string) => `logger-cluster-${namespace}`,
  sessionKey: 'session-key',
} as const;

/** The key requests between workers are signed with (written by the leader). */
export interface SessionKey {
  /** Base64 of the key bytes. */
  key: string;
  algorithm: string;
  creationTimestamp: number;
}

/** A restart of a connector (and its tasks) asked through any worker, processed by the owners. */
export interface RestartRequest {
  connector: string;
  includeTasks: boolean;
  onlyFailed: boolean;
}

/** Everything the config topic says, as read up to `offset` (Kafka's ClusterConfigState). */
export interface ClusterConfigState {
  /** The next offset of the config topic to read: how far this snapshot goes. */
  offset: bigint;
  connectors: ReadonlyMap<string, Readonly<Record<string, string>>>;
  targetStates: ReadonlyMap<string, TargetState>;
  /** Committed task configs per connector, indexed by task id. */
  taskConfigs: ReadonlyMap<string, ReadonlyArray<Readonly<Record<string, string>>>>;
  /** Connectors whose task configs in the topic are incomplete (compaction, a leader that died mid-write). */
  inconsistent: ReadonlySet<string>;
  sessionKey: SessionKey | null;
}

/** What changed, for the herder (called only after the initial read). */
export interface ConfigUpdateListener {
  onConnectorConfig(name: string, removed: boolean): void;
  onTargetState(name: string): void;
  onTaskConfigs(name: string): void;
  onRestartRequest(request: RestartRequest): void;
  onSessionKey(key: SessionKey): void;
  /** A cluster-wide logger level (KIP-976), written after this worker started. */
  onLoggerLevel(namespace: string, level: string): void;
}

const TARGET_STATES = new Set<TargetState>(['STARTED', 'PAUSED', 'STOPPED']);

function json(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

function stringMap(value: unknown): Record<string, string> | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Reads and writes the config topic; the topic is the single source of truth of the cluster. */
export class ConfigStore {
  private readonly log: KafkaBasedLog;
  private readonly connectors = new Map<string, Record<string, string>>();
  private readonly targetStates = new Map<string, TargetState>();
  private readonly taskConfigs = new Map<string, Array<Record<string, string>>>();
  /** Task configs read but not yet committed, per connector. */
  private readonly deferred = new Map<string, Map<number, Record<string, string>>>();
  private readonly inconsistent = new Set<string>();
  private sessionKey: SessionKey | null = null;
  private started = false;

  constructor(
    spec: InternalTopic,
    clients: KafkaClientFactory,
    admin: KafkaAdmin,
    clientId: string,
    private readonly listener: ConfigUpdateListener,
    private readonly logger: Logger,
  ) {
    this.log = new KafkaBasedLog({
      spec: { ...spec, singlePartition: true },
      clients,
      admin,
      clientId: `${clientId}-configs`,
      onRecord: (r) => this.apply(r),
      log: logger,
    });
  }

  async start(): Promise<void> {
    await this.log.start();
    this.started = true;
  }

  stop(): Promise<void> {
    return this.log.stop();
  }

  /** Reads every record written so far (read-your-writes for REST answers). */
  readToEnd(timeoutMs?: number): Promise<void> {
    return this.log.readToEnd(timeoutMs);
  }

  snapshot(): ClusterConfigState {
    return {
      offset: this.log.position(),
      connectors: new Map(this.connectors),
      targetStates: new Map(this.targetStates),
      taskConfigs: new Map(this.taskConfigs),
      inconsistent: new Set(this.inconsistent),
      sessionKey: this.sessionKey,
    };
  }

  /** The config topic's read position. */
  get offset(): bigint {
    return this.log.position();
  }

  /** Writes a connector config, with its target state first when given (created paused/stopped). */
  async putConnectorConfig(name: string, props: Record<string, string>, target?: TargetState) {
    if (target) await this.putTargetState(name, target);
    await this.log.send(CONFIG_KEYS.connector(name), json({ properties: props }));
  }

  /** Removes a connector: tombstones for its config and target state. */
  async removeConnector(name: string): Promise<void> {
    await this.log.send(CONFIG_KEYS.connector(name), null);
    await this.log.send(CONFIG_KEYS.targetState(name), null);
  }

  /** Kafka writes STOPPED as `state: PAUSED` for workers that predate it, and `state.v2` for all. */
  async putTargetState(name: string, state: TargetState): Promise<void> {
    await this.log.send(
      CONFIG_KEYS.targetState(name),
      json({ state: state === 'STOPPED' ? 'PAUSED' : state, 'state.v2': state }),
    );
  }

  /** Task configs, then the commit record that makes them take effect together. */
  async putTaskConfigs(name: string, configs: ReadonlyArray<Record<string, string>>) {
    for (const [i, config] of configs.entries()) {
      await this.log.send(CONFIG_KEYS.task(name, i), json({ properties: config }));
    }
    await this.log.send(CONFIG_KEYS.commit(name), json({ tasks: configs.length }));
  }

  async putRestartRequest(request: RestartRequest): Promise<void> {
    await this.log.send(
      CONFIG_KEYS.restart(request.connector),
      json({ 'include-tasks': request.includeTasks, 'only-failed': request.onlyFailed }),
    );
  }

  async putLoggerLevel(namespace: string, level: string): Promise<void> {
    await this.log.send(CONFIG_KEYS.loggerLevel(namespace), json({ level }));
  }

  async putSessionKey(key: SessionKey): Promise<void> {
    await this.log.send(
      CONFIG_KEYS.sessionKey,
      json({ key: key.key, algorithm: key.algorithm, 'creation-timestamp': key.creationTimestamp }),
    );
  }

  private apply(record: ConsumerRecord): void {
    const key = record.key ? Buffer.from(record.key).toString('utf8') : '';
    let value: Record<string, unknown> | null = null;
    if (record.value !== null) {
      try {
        const parsed = JSON.parse(Buffer.from(record.value).toString('utf8')) as unknown;
        if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
          value = parsed as Record<string, unknown>;
      } catch {
        // Handled below as a record in the wrong format.
      }
      if (value === null) {
        this.logger.error(
          { key, offset: record.offset.toString() },
          'ignoring a config topic record whose value is not a JSON object',
        );
        return;
      }
    }
    if (key.startsWith('target-state-')) this.applyTargetState(key.slice(13), value);
    else if (key.startsWith('connector-')) this.applyConnector(key.slice(10), value);
    else if (key.startsWith('task-')) this.applyTask(key.slice(5), value);
    else if (key.startsWith('commit-')) this.applyCommit(key.slice(7), value);
    else if (key.startsWith('restart-connector-')) this.applyRestart(key.slice(18), value);
    else if (key === CONFIG_KEYS.sessionKey) this.applySessionKey(value);
    else if (key.startsWith('logger-cluster-')) this.applyLoggerLevel(key.slice(15), value);
    // tasks-fencing-* records belong to exactly-once source delivery, not built yet.
  }

  private applyTargetState(name: string, value: Record<string, unknown> | null): void {
    if (value === null) {
      this.targetStates.delete(name);
      return;
    }
    const raw = typeof value['state.v2'] === 'string' ? value['state.v2'] : value.state;
    if (!TARGET_STATES.has(raw as TargetState)) {
      this.logger.error({ connector: name, state: raw }, 'invalid target state in config topic');
      return;
    }
    const changed = this.targetStates.get(name) !== raw;
    this.targetStates.set(name, raw as TargetState);
    if (this.started && changed && this.connectors.has(name)) this.listener.onTargetState(name);
  }

  private applyConnector(name: string, value: Record<string, unknown> | null): void {
    if (value === null) {
      this.removed(name);
      if (this.started) this.listener.onConnectorConfig(name, true);
      return;
    }
    const props = stringMap(value.properties);
    if (!props) {
      this.logger.error({ connector: name }, "connector config without a 'properties' map");
      return;
    }
    this.connectors.set(name, props);
    if (!this.targetStates.has(name)) this.targetStates.set(name, 'STARTED');
    if (this.started) this.listener.onConnectorConfig(name, false);
  }

  private removed(name: string): void {
    this.connectors.delete(name);
    this.targetStates.delete(name);
    this.taskConfigs.delete(name);
    this.deferred.delete(name);
    this.inconsistent.delete(name);
  }

  private applyTask(rest: string, value: Record<string, unknown> | null): void {
    const dash = rest.lastIndexOf('-');
    const name = rest.slice(0, dash);
    const task = Number(rest.slice(dash + 1));
    const props = value ? stringMap(value.properties) : null;
    if (dash <= 0 || !Number.isInteger(task) || !props) {
      this.logger.error(
        { key: `task-${rest}` },
        'ignoring a task config record in the wrong format',
      );
      return;
    }
    let pending = this.deferred.get(name);
    if (!pending) {
      pending = new Map();
      this.deferred.set(name, pending);
    }
    pending.set(task, props);
  }

  private applyCommit(name: string, value: Record<string, unknown> | null): void {
    const pending = this.deferred.get(name) ?? new Map<number, Record<string, string>>();
    this.deferred.delete(name);
    if (!this.connectors.has(name)) return; // deleted before its tasks were committed
    const count = value ? Number(value.tasks) : Number.NaN;
    if (!Number.isInteger(count) || count < 0) {
      this.logger.error({ connector: name }, 'ignoring a task commit record without a task count');
      return;
    }
    const configs: Array<Record<string, string>> = [];
    for (let i = 0; i < count; i++) {
      const config = pending.get(i);
      if (!config) break;
      configs.push(config);
    }
    if (configs.length !== count) {
      // Compaction (or a leader that died while writing) left an incomplete set: the connector's
      // owner writes them again (see the herder).
      this.inconsistent.add(name);
    } else {
      this.inconsistent.delete(name);
      this.taskConfigs.set(name, configs);
    }
    if (this.started) this.listener.onTaskConfigs(name);
  }

  private applyRestart(name: string, value: Record<string, unknown> | null): void {
    if (value === null || !this.started) return;
    this.listener.onRestartRequest({
      connector: name,
      includeTasks: value['include-tasks'] === true,
      onlyFailed: value['only-failed'] === true,
    });
  }

  /** As Kafka: levels set before this worker started are not applied (they do not persist). */
  private applyLoggerLevel(namespace: string, value: Record<string, unknown> | null): void {
    if (!this.started || value === null || typeof value.level !== 'string') return;
    this.listener.onLoggerLevel(namespace, value.level);
  }

  private applySessionKey(value: Record<string, unknown> | null): void {
    if (value === null) return;
    const key = value.key;
    const algorithm = value.algorithm;
    const created = Number(value['creation-timestamp']);
    if (typeof key !== 'string' || typeof algorithm !== 'string' || !Number.isFinite(created)) {
      this.logger.error('ignoring a session key record in the wrong format');
      return;
    }
    this.sessionKey = { key, algorithm, creationTimestamp: created };
    if (this.started) this.listener.onSessionKey(this.sessionKey);
  }
}
