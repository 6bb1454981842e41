import type { ConsumerRecord, KafkaAdmin, KafkaClientFactory } from '../kafka/kafka-port.js';
import type { Logger } from '../logging/logger.js';
import type { ConnectState } from '../worker-task/task-status.js';
import { type InternalTopic, KafkaBasedLog } from './kafka-based-log.js';

/** One status record, as Kafka's KafkaStatusBackingStore writes it. */
export interface StatusRecord {
  state: ConnectState;
  trace: string | null;
  worker_id: string;
  generation: number;
  /** The connector plugin's version (KIP-891, Kafka 4.1). */
  version: string | null;
}

/** A topic a connector's task used (KIP-558), as the status topic keeps it. */
export interface TopicStatus {
  topic: string;
  connector: string;
  task: number;
  discoverTimestamp: number;
}

const STATES = new Set<ConnectState>([
  'UNASSIGNED',
  'RUNNING',
  'PAUSED',
  'STOPPED',
  'FAILED',
  'RESTARTING',
]);

/**
 * Connector and task states shared through the status topic, in Kafka Connect's formats:
 * `status-connector-<name>`, `status-task-<name>-<n>` → `{"state","trace","worker_id",
 * "generation"}`; `status-topic-<topic>:connector-<name>` → `{"topic": {...}}`. Each worker
 * writes the states of what it runs and reads everyone's, so any worker answers status.
 */
export class StatusStore {
  private readonly log: KafkaBasedLog;
  private readonly connectors = new Map<string, StatusRecord>();
  private readonly tasks = new Map<string, Map<number, StatusRecord>>();
  private readonly topics = new Map<string, Map<string, TopicStatus>>();

  constructor(
    spec: InternalTopic,
    clients: KafkaClientFactory,
    admin: KafkaAdmin,
    clientId: string,
    private readonly logger: Logger,
  ) {
    this.log = new KafkaBasedLog({
      spec,
      clients,
      admin,
      clientId: `${clientId}-statuses`,
      onRecord: (r) => this.apply(r),
      log: logger,
    });
  }

  start(): Promise<void> {
    return this.log.start();
  }

  stop(): Promise<void> {
    return this.log.stop();
  }

  readToEnd(timeoutMs?: number): Promise<void> {
    return this.log.readToEnd(timeoutMs);
  }

  connector(name: string): StatusRecord | undefined {
    return this.connectors.get(name);
  }

  /** The states of the connector's tasks, by task id. */
  connectorTasks(name: string): ReadonlyMap<number, StatusRecord> {
    return this.tasks.get(name) ?? new Map();
  }

  /** Topics the connector's tasks used, sorted. */
  connectorTopics(name: string): string[] {
    return [...(this.topics.get(name)?.keys() ?? [])].sort();
  }

  /**
   * Writes a state; the local view changes at once (what this worker says of its own work is
   * never older than what it reads back).
   */
  async putConnector(name: string, status: StatusRecord): Promise<void> {
    this.connectors.set(name, status);
    await this.log.send(`status-connector-${name}`, encode(status));
  }

  async putTask(name: string, task: number, status: StatusRecord): Promise<void> {
    this.taskMap(name).set(task, status);
    await this.log.send(`status-task-${name}-${task}`, encode(status));
  }

  /** Forgets a deleted connector's state (tombstone). */
  async deleteConnector(name: string): Promise<void> {
    this.connectors.delete(name);
    await this.log.send(`status-connector-${name}`, null);
  }

  async deleteTask(name: string, task: number): Promise<void> {
    this.tasks.get(name)?.delete(task);
    await this.log.send(`status-task-${name}-${task}`, null);
  }

  async putTopic(status: TopicStatus): Promise<void> {
    this.topicMap(status.connector).set(status.topic, status);
    await this.log.send(
      `status-topic-${status.topic}:connector-${status.connector}`,
      Buffer.from(
        JSON.stringify({
          topic: {
            name: status.topic,
            connector: status.connector,
            task: status.task,
            discoverTimestamp: status.discoverTimestamp,
          },
        }),
      ),
    );
  }

  /** Forgets the connector's active topics (`PUT /connectors/{name}/topics/reset`). */
  async resetTopics(connector: string): Promise<void> {
    const topics = [...(this.topics.get(connector)?.keys() ?? [])];
    this.topics.delete(connector);
    for (const topic of topics)
      await this.log.send(`status-topic-${topic}:connector-${connector}`, null);
  }

  private taskMap(name: string): Map<number, StatusRecord> {
    let map = this.tasks.get(name);
    if (!map) {
      map = new Map();
      this.tasks.set(name, map);
    }
    return map;
  }

  private topicMap(connector: string): Map<string, TopicStatus> {
    let map = this.topics.get(connector);
    if (!map) {
      map = new Map();
      this.topics.set(connector, map);
    }
    return map;
  }

  private apply(record: ConsumerRecord): void {
    const key = record.key ? Buffer.from(record.key).toString('utf8') : '';
    const value = record.value === null ? null : parse(record.value);
    if (key.startsWith('status-connector-')) {
      const name = key.slice(17);
      if (value === null) this.connectors.delete(name);
      else {
        const status = decode(value);
        if (status && newer(status, this.connectors.get(name))) this.connectors.set(name, status);
      }
    } else if (key.startsWith('status-task-')) {
      const rest = key.slice(12);
      const dash = rest.lastIndexOf('-');
      const name = rest.slice(0, dash);
      const task = Number(rest.slice(dash + 1));
      if (dash <= 0 || !Number.isInteger(task)) return;
      if (value === null) this.tasks.get(name)?.delete(task);
      else {
        const status = decode(value);
        if (status && newer(status, this.tasks.get(name)?.get(task)))
          this.taskMap(name).set(task, status);
      }
    } else if (key.startsWith('status-topic-')) {
      const rest = key.slice(13);
      const at = rest.lastIndexOf(':connector-');
      if (at < 0) return;
      const topic = rest.slice(0, at);
      const connector = rest.slice(at + 11);
      if (value === null) this.topics.get(connector)?.delete(topic);
      else {
        const t = value.topic as Record<string, unknown> | undefined;
        if (t && typeof t === 'object')
          this.topicMap(connector).set(topic, {
            topic,
            connector,
            task: Number(t.task),
            discoverTimestamp: Number(t.discoverTimestamp),
          });
      }
    } else {
      this.logger.debug({ key }, 'ignoring a status topic record with an unknown key');
    }
  }
}

function encode(status: StatusRecord): Uint8Array {
  return Buffer.from(JSON.stringify(status), 'utf8');
}

function parse(bytes: Uint8Array): Record<string, unknown> | null {
  try {
    const value = JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function decode(value: Record<string, unknown>): StatusRecord | null {
  const state = value.state as ConnectState;
  if (!STATES.has(state) || typeof value.worker_id !== 'string') return null;
  return {
    state,
    trace: typeof value.trace === 'string' ? value.trace : null,
    worker_id: value.worker_id,
    generation: Number(value.generation ?? 0),
    version: typeof value.version === 'string' ? value.version : null,
  };
}

/**
 * A state read back replaces the known one unless it comes from an older generation of another
 * worker (a worker that lost the work and wrote late), as Kafka's store does.
 */
function newer(read: StatusRecord, known: StatusRecord | undefined): boolean {
  if (!known) return true;
  return read.worker_id === known.worker_id || read.generation >= known.generation;
}
