import type { ConsumerRecord, KafkaAdmin, KafkaClientFactory } from '../kafka/kafka-port.js';
import type { Logger } from '../logging/logger.js';
import { canonicalKey, type OffsetBackingStore } from '../storage/offset-store.js';
import { type InternalTopic, KafkaBasedLog } from './kafka-based-log.js';

/**
 * Source offsets in the offsets topic (Kafka's KafkaOffsetBackingStore): key
 * `["<connector>",{partition}]`, value `{offset}` as JSON, a null value removes the entry. Reads
 * first catch up with the topic, so a task moved from another worker resumes from what that
 * worker committed.
 */
export class KafkaOffsetStore implements OffsetBackingStore {
  private readonly log: KafkaBasedLog;
  private readonly data = new Map<string, { key: string; value: string }>();

  constructor(
    spec: InternalTopic,
    clients: KafkaClientFactory,
    admin: KafkaAdmin,
    clientId: string,
    logger: Logger,
  ) {
    this.log = new KafkaBasedLog({
      spec,
      clients,
      admin,
      clientId: `${clientId}-offsets`,
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

  async get(keys: readonly string[]): Promise<Map<string, string>> {
    await this.log.readToEnd();
    const out = new Map<string, string>();
    for (const key of keys) {
      const entry = this.data.get(canonicalKey(key));
      if (entry) out.set(key, entry.value);
    }
    return out;
  }

  async set(entries: ReadonlyMap<string, string | null>): Promise<void> {
    await Promise.all(
      [...entries].map(([key, value]) =>
        this.log.send(key, value === null ? null : Buffer.from(value, 'utf8')),
      ),
    );
  }

  async keys(): Promise<string[]> {
    await this.log.readToEnd();
    return [...this.data.values()].map((e) => e.key);
  }

  private apply(record: ConsumerRecord): void {
    if (record.key === null) return;
    const key = Buffer.from(record.key).toString('utf8');
    const canonical = canonicalKey(key);
    if (record.value === null) this.data.delete(canonical);
    else this.data.set(canonical, { key, value: Buffer.from(record.value).toString('utf8') });
  }
}
