/**
 * Every connector and task status record a Connect cluster writes to its status topic, as both
 * Kafka Connect and Sluice write them (`status-connector-<name>`, `status-task-<name>-<n>` →
 * `{"state","trace","worker_id","generation"}`). The bench reads the topic from the beginning
 * while the scenarios run: the records say when each connector and task started or stopped,
 * and on which worker, the same way for both systems.
 */
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';

/** A connector (`c:<name>`) or task (`t:<name>-<n>`) of the cluster. */
export type ItemId = string;

/** One status record. */
export interface StatusEvent {
  readonly item: ItemId;
  /** The record's timestamp (the worker's clock when it wrote it: same machine as the bench). */
  readonly at: number;
  /** null for a tombstone (a deleted connector). */
  readonly state: string | null;
  readonly workerId: string | null;
}

/** What an item's latest status says. */
export interface ItemStatus {
  readonly state: string;
  readonly workerId: string;
}

const PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ['status-connector-', 'c:'],
  ['status-task-', 't:'],
];

/** The item a status record key is about, or undefined for other records (topics, ...). */
export function itemOfKey(key: string): ItemId | undefined {
  for (const [prefix, kind] of PREFIXES)
    if (key.startsWith(prefix)) return kind + key.slice(prefix.length);
  return undefined;
}

export const isTask = (item: ItemId): boolean => item.startsWith('t:');

/** The latest status of every item after `events` (tombstones remove the item). */
export function statusAfter(
  events: readonly StatusEvent[],
  from: ReadonlyMap<ItemId, ItemStatus> = new Map(),
): Map<ItemId, ItemStatus> {
  const out = new Map(from);
  for (const e of events) {
    if (e.state === null || e.workerId === null) out.delete(e.item);
    else out.set(e.item, { state: e.state, workerId: e.workerId });
  }
  return out;
}

/** A consumer of one status topic that keeps every record in arrival order. */
export class StatusLog {
  readonly events: StatusEvent[] = [];
  /** `Date.now()` when the last record arrived. */
  lastArrival = 0;
  private consumer: Consumer | null = null;

  constructor(
    private readonly kafka: Kafka,
    readonly topic: string,
  ) {}

  /** Subscribes from the beginning of the topic (it must exist). */
  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: `bench-status-reader-${randomUUID()}`,
      // The scenarios poll this log: records should arrive soon after they are written.
      maxWaitTimeInMs: 100,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        const item = itemOfKey(message.key?.toString() ?? '');
        if (item === undefined) return;
        let state: string | null = null;
        let workerId: string | null = null;
        if (message.value !== null && message.value.length > 0) {
          const value = JSON.parse(message.value.toString()) as {
            state?: string;
            worker_id?: string;
          };
          state = value.state ?? null;
          workerId = value.worker_id ?? null;
        }
        this.events.push({ item, at: Number(message.timestamp), state, workerId });
        this.lastArrival = Date.now();
      },
    });
  }

  /** The latest status of every item. */
  current(): Map<ItemId, ItemStatus> {
    return statusAfter(this.events);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = null;
  }
}
