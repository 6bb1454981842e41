import type { KafkaAdmin, KafkaClientFactory } from '../kafka/kafka-port.js';
import type { Logger } from '../logging/logger.js';
import type { SourceOffsetTopics } from '../storage/connector-offset-store.js';
import type { OffsetBackingStore } from '../storage/offset-store.js';
import { KafkaOffsetStore } from './kafka-offset-store.js';

interface Shared {
  store: Promise<OffsetBackingStore>;
  users: number;
}

/**
 * The offsets topics of a distributed worker: the worker's `offset.storage.topic`, and those
 * source connectors name in their own `offsets.storage.topic` (created when missing with the
 * worker's `offset.storage.*` settings, as Kafka does). A connector's topic is read by one store
 * shared by the connector and its tasks on this worker, stopped when the last of them releases it.
 */
export class ConnectorOffsetTopics implements SourceOffsetTopics {
  private readonly shared = new Map<string, Shared>();

  constructor(
    readonly workerTopic: string,
    private readonly o: {
      partitions: number;
      replicationFactor: number;
      clients: KafkaClientFactory;
      admin: KafkaAdmin;
      clientId: string;
      log: Logger;
    },
  ) {}

  async acquire(topic: string): Promise<OffsetBackingStore> {
    let entry = this.shared.get(topic);
    if (!entry) {
      const store = new KafkaOffsetStore(
        {
          topic,
          configKey: 'offsets.storage.topic',
          holds: 'source connector offsets',
          partitions: this.o.partitions,
          replicationFactor: this.o.replicationFactor,
        },
        this.o.clients,
        this.o.admin,
        `${this.o.clientId}-${topic}`,
        this.o.log,
      );
      const started = store.start().then(() => store);
      entry = { store: started, users: 0 };
      this.shared.set(topic, entry);
      // A store that failed to start is not kept: the next user tries again.
      started.catch(() => {
        if (this.shared.get(topic) === entry) this.shared.delete(topic);
      });
    }
    entry.users++;
    try {
      return await entry.store;
    } catch (error) {
      entry.users--;
      throw error;
    }
  }

  async release(topic: string): Promise<void> {
    const entry = this.shared.get(topic);
    if (!entry) return;
    entry.users--;
    if (entry.users > 0) return;
    this.shared.delete(topic);
    await (await entry.store.catch(() => null))?.stop();
  }

  async stop(): Promise<void> {
    const entries = [...this.shared.values()];
    this.shared.clear();
    await Promise.all(entries.map(async (e) => (await e.store.catch(() => null))?.stop()));
  }
}
