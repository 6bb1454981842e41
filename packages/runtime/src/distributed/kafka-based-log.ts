import { ConnectException } from '@sluice/api';
import type {
  ConsumerRecord,
  KafkaAdmin,
  KafkaClientFactory,
  KafkaLogReader,
  KafkaProducer,
  RecordMetadata,
} from '../kafka/kafka-port.js';
import type { Logger } from '../logging/logger.js';
import { Signal } from '../worker-task/task-status.js';

/** How long one fetch waits for new records of the internal topic. */
const FETCH_WAIT_MS = 500;

/** An internal topic of distributed mode: its name, the key naming it, and its shape. */
export interface InternalTopic {
  topic: string;
  /** The worker key that names the topic (`config.storage.topic`, ...), for error messages. */
  configKey: string;
  /** What the topic holds ("connector configurations"), for error messages. */
  holds: string;
  partitions: number;
  replicationFactor: number;
  /** The config topic must have exactly one partition (a total order of config changes). */
  singlePartition?: boolean;
}

export interface KafkaBasedLogOptions {
  spec: InternalTopic;
  clients: KafkaClientFactory;
  admin: KafkaAdmin;
  clientId: string;
  /** Applies one record read from the topic, in offset order per partition. */
  onRecord: (record: ConsumerRecord) => void;
  log: Logger;
}

/**
 * A compacted topic read from the beginning and followed to its end, plus a producer to append
 * to it (Kafka's KafkaBasedLog): the storage under the config, offset and status stores. The
 * topic is created compacted when missing; an existing topic that is not compacted is refused.
 */
export class KafkaBasedLog {
  private readonly reader: KafkaLogReader;
  private readonly producer: KafkaProducer;
  private readonly positions = new Map<number, bigint>();
  private readonly progressed = new Signal();
  private loop: Promise<void> | null = null;
  private stopped = false;
  private lastError: Error | null = null;

  constructor(private readonly o: KafkaBasedLogOptions) {
    this.reader = o.clients.logReader({
      clientId: `${o.clientId}-reader`,
      overrides: {},
      log: o.log,
    });
    this.producer = o.clients.producer({
      clientId: `${o.clientId}-writer`,
      overrides: { 'linger.ms': '0' },
      log: o.log,
    });
  }

  get topic(): string {
    return this.o.spec.topic;
  }

  /** Creates or checks the topic, reads it to the end, then keeps following it. */
  async start(): Promise<void> {
    await this.ensureTopic();
    await this.reader.connect();
    await this.producer.connect();
    const offsets = await this.o.admin.topicOffsets(this.o.spec.topic);
    for (const p of offsets) this.positions.set(p.partition, p.low);
    this.loop = this.follow();
    await this.readToEnd();
  }

  private async ensureTopic(): Promise<void> {
    const { spec, admin } = this.o;
    const created = await admin.createTopics([
      {
        topic: spec.topic,
        numPartitions: spec.singlePartition ? 1 : spec.partitions,
        replicationFactor: spec.replicationFactor,
        configs: { 'cleanup.policy': 'compact' },
      },
    ]);
    if (created.length > 0) {
      this.o.log.info({ topic: spec.topic }, `created ${spec.configKey} ${spec.topic} (compacted)`);
      return;
    }
    const { 'cleanup.policy': policy = '' } = await admin.topicConfigs(spec.topic, [
      'cleanup.policy',
    ]);
    if (policy.replace(/\s/g, '') !== 'compact') {
      throw new ConnectException(
        `Topic '${spec.topic}' supplied via the '${spec.configKey}' property is required to have 'cleanup.policy=compact' to guarantee consistency and durability of ${spec.holds}, but found the topic currently has 'cleanup.policy=${policy}'. Continuing would likely result in eventually losing ${spec.holds} and problems restarting this Connect cluster in the future. Change the '${spec.configKey}' property in the Connect worker configurations to use a topic with 'cleanup.policy=compact'.`,
      );
    }
    if (spec.singlePartition) {
      const partitions = await admin.partitionCount(spec.topic);
      if (partitions !== 1) {
        throw new ConnectException(
          `Topic '${spec.topic}' supplied via the '${spec.configKey}' property is required to have a single partition in order to guarantee consistency of ${spec.holds}, but found ${partitions} partitions.`,
        );
      }
    }
  }

  private async follow(): Promise<void> {
    let backoff = 100;
    while (!this.stopped) {
      try {
        const fetched = await this.reader.fetch(
          [...this.positions].map(([partition, offset]) => ({
            topic: this.o.spec.topic,
            partition,
            offset,
          })),
          FETCH_WAIT_MS,
        );
        for (const part of fetched) {
          for (const record of part.records) this.o.onRecord(record);
          this.positions.set(part.partition, part.nextOffset);
        }
        this.lastError = null;
        backoff = 100;
      } catch (error) {
        if (this.stopped) break;
        this.lastError = error as Error;
        this.o.log.warn(
          { err: (error as Error).message, topic: this.o.spec.topic },
          `reading ${this.o.spec.configKey} ${this.o.spec.topic} failed; retrying`,
        );
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 5_000);
      }
      this.progressed.notify();
    }
  }

  /**
   * Resolves once every record written before the call has been read and applied; rejects after
   * `timeoutMs` (the reader keeps going).
   */
  async readToEnd(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const ends = await this.o.admin.topicOffsets(this.o.spec.topic);
    for (;;) {
      if (ends.every((e) => (this.positions.get(e.partition) ?? 0n) >= e.high)) return;
      if (this.stopped) throw new ConnectException(`${this.o.spec.topic} reader stopped`);
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new ConnectException(
          `Could not read ${this.o.spec.configKey} ${this.o.spec.topic} to its end within ${timeoutMs} ms${this.lastError ? `: ${this.lastError.message}` : ''}`,
        );
      }
      await this.progressed.wait(Math.min(left, 1_000));
    }
  }

  /** The next offset to read of each partition (the config topic's one partition: its position). */
  position(partition = 0): bigint {
    return this.positions.get(partition) ?? 0n;
  }

  /** Appends a record; resolves once Kafka acknowledged it (acks=all). */
  send(key: string, value: Uint8Array | null): Promise<RecordMetadata> {
    return this.producer.send({ topic: this.o.spec.topic, key: Buffer.from(key, 'utf8'), value });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.progressed.notify();
    await this.producer.disconnect().catch(() => {});
    await this.loop;
    await this.reader.disconnect().catch(() => {});
  }
}
