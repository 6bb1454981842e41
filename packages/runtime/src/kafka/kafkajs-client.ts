import {
  type Admin,
  type Consumer,
  type IHeaders,
  Kafka,
  type KafkaConfig,
  logLevel,
  type Message,
  Partitioners,
  type Producer,
} from 'kafkajs';
import type { Logger } from '../logging/logger.js';
import {
  type CommonClientSettings,
  commonSettings,
  consumerSettings,
  ignoredClientKeys,
  type ProducerSettings,
  producerSettings,
} from './client-overrides.js';
import type {
  AdminOptions,
  ConsumerListener,
  ConsumerOptions,
  ConsumerRecord,
  GroupCoordinatorClient,
  KafkaAdmin,
  KafkaClientFactory,
  KafkaConsumer,
  KafkaHeader,
  KafkaLogReader,
  KafkaProducer,
  NewTopic,
  ProducerOptions,
  ProducerRecord,
  RecordMetadata,
  SubscribeOptions,
  TopicOffsets,
  TopicPartition,
} from './kafka-port.js';
import { KafkajsGroupCoordinator } from './kafkajs-group-coordinator.js';
import { fromIHeaders, toBuffer, toIHeaders } from './kafkajs-headers.js';
import { KafkajsLogReader } from './kafkajs-log-reader.js';

/** kafkajs' ConfigResourceTypes.TOPIC (not a named export Node's ESM loader can see). */
const TOPIC_RESOURCE = 2;

/** How long a newly created topic may go without partition leaders before creation fails. */
const TOPIC_LEADER_TIMEOUT_MS = 30_000;

function kafkaLogCreator(log: Logger) {
  return () =>
    ({ level, log: entry }: { level: number; log: { message: string; [k: string]: unknown } }) => {
      const { message, timestamp: _t, logger: _l, ...rest } = entry;
      const fields = { kafkajs: rest };
      // Said for every idempotent producer with bounded retries, which is what we want.
      if (message.startsWith('Limiting retries for the idempotent producer')) return;
      if (level === logLevel.ERROR) log.error(fields, message);
      else if (level === logLevel.WARN) log.warn(fields, message);
      else if (level === logLevel.INFO) log.debug(fields, message);
      else log.trace(fields, message);
    };
}

/** Calls `connect` until it succeeds, logging each failure clearly; gives up only when `stopped()` says so. */
export async function connectWithRetry(
  what: string,
  brokers: string[],
  connect: () => Promise<void>,
  log: Logger,
  stopped: () => boolean = () => false,
): Promise<void> {
  let delay = 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      await connect();
      if (attempt > 1)
        log.info({ brokers }, `${what} connected to Kafka after ${attempt} attempts`);
      return;
    } catch (error) {
      if (stopped()) throw error;
      log.warn(
        { brokers, attempt, err: (error as Error).message },
        `${what} cannot reach Kafka at ${brokers.join(',')} (${(error as Error).message}); retrying in ${Math.round(delay / 1000)}s`,
      );
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30_000);
    }
  }
}

interface Pending {
  record: ProducerRecord;
  resolve: (m: RecordMetadata) => void;
  reject: (e: Error) => void;
}

class KafkajsProducer implements KafkaProducer {
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private readonly partitionCounts = new Map<string, number>();
  private readonly stickyPartition = new Map<string, number>();
  private queue: Pending[] = [];
  private sending: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    kafka: Kafka,
    private readonly settings: ProducerSettings,
    private readonly brokers: string[],
    private readonly log: Logger,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = kafka.admin();
  }

  async connect(): Promise<void> {
    await connectWithRetry(
      'producer',
      this.brokers,
      () => this.producer.connect(),
      this.log,
      () => this.closed,
    );
    await connectWithRetry(
      'producer metadata client',
      this.brokers,
      () => this.admin.connect(),
      this.log,
      () => this.closed,
    );
  }

  send(record: ProducerRecord): Promise<RecordMetadata> {
    if (this.closed) return Promise.reject(new Error('Producer is closed'));
    return new Promise<RecordMetadata>((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.sending) return;
    if (this.queue.length >= this.settings.maxBatchRecords || this.settings.lingerMs <= 0) {
      this.startSending();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.startSending();
      }, this.settings.lingerMs);
    }
  }

  private startSending(): void {
    if (this.sending || this.queue.length === 0) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.sending = this.sendLoop().finally(() => {
      this.sending = null;
      // Records queued while the last request was in flight go out at once: they already waited.
      if (this.queue.length > 0) this.startSending();
    });
  }

  private async sendLoop(): Promise<void> {
    while (this.queue.length > 0) {
      let bytes = 0;
      let n = 0;
      while (n < this.queue.length && n < this.settings.maxBatchRecords) {
        const r = this.queue[n]?.record;
        bytes += (r?.key?.byteLength ?? 0) + (r?.value?.byteLength ?? 0) + 64;
        n++;
        if (bytes >= this.settings.maxBatchBytes) break;
      }
      const batch = this.queue.splice(0, n);
      await this.sendBatch(batch);
    }
  }

  private async partitionCount(topic: string): Promise<number> {
    const known = this.partitionCounts.get(topic);
    if (known !== undefined) return known;
    const meta = await this.admin.fetchTopicMetadata({ topics: [topic] });
    const count = meta.topics[0]?.partitions.length ?? 0;
    if (count === 0) throw new Error(`Topic ${topic} has no partitions`);
    this.partitionCounts.set(topic, count);
    return count;
  }

  private async sendBatch(batch: Pending[]): Promise<void> {
    // Partitions are chosen here (not inside kafkajs) so that each record's offset can be
    // computed from the per-partition base offset in the produce response.
    const groups = new Map<string, { topic: string; partition: number; items: Pending[] }>();
    try {
      for (const item of batch) {
        const { record } = item;
        let partition = record.partition;
        if (partition === undefined) {
          const count = await this.partitionCount(record.topic);
          if (record.key === null) {
            // Sticky partition for keyless records: one partition per request, like Kafka's default.
            partition = this.stickyPartition.get(record.topic) ?? Math.floor(Math.random() * count);
          } else {
            partition = this.partitioner({
              topic: record.topic,
              partitionMetadata: Array.from({ length: count }, (_, i) => ({
                partitionId: i,
                leader: 0,
                replicas: [0],
                isr: [0],
              })) as never,
              message: { key: toBuffer(record.key), value: null },
            });
          }
        }
        const key = `${record.topic}\u0000${partition}`;
        let group = groups.get(key);
        if (!group) {
          group = { topic: record.topic, partition, items: [] };
          groups.set(key, group);
        }
        group.items.push(item);
      }
    } catch (error) {
      for (const item of batch) item.reject(error as Error);
      return;
    }
    for (const [topic, count] of this.partitionCounts) {
      if (count > 1) this.stickyPartition.set(topic, Math.floor(Math.random() * count));
    }
    const topicMessages = new Map<string, Message[]>();
    for (const group of groups.values()) {
      const messages = topicMessages.get(group.topic) ?? [];
      for (const { record } of group.items) {
        const message: Message = {
          key: toBuffer(record.key),
          value: toBuffer(record.value),
          partition: group.partition,
        };
        const headers = toIHeaders(record.headers);
        if (headers) message.headers = headers;
        if (record.timestamp !== undefined) message.timestamp = String(record.timestamp);
        messages.push(message);
      }
      topicMessages.set(group.topic, messages);
    }
    try {
      const response = await this.producer.sendBatch({
        acks: -1,
        timeout: this.settings.timeoutMs,
        compression: this.settings.compression === 'gzip' ? 1 : 0,
        topicMessages: [...topicMessages].map(([topic, messages]) => ({ topic, messages })),
      });
      const bases = new Map<string, { base: bigint; time: number | null }>();
      for (const r of response) {
        const time = r.logAppendTime && r.logAppendTime !== '-1' ? Number(r.logAppendTime) : null;
        bases.set(`${r.topicName}\u0000${r.partition}`, {
          base: BigInt(r.baseOffset ?? r.offset ?? '-1'),
          time,
        });
      }
      for (const [key, group] of groups) {
        const base = bases.get(key);
        group.items.forEach((item, i) => {
          if (!base) {
            item.reject(new Error(`No acknowledgement for ${group.topic}-${group.partition}`));
            return;
          }
          item.resolve({
            topic: group.topic,
            partition: group.partition,
            offset: base.base + BigInt(i),
            timestamp: base.time ?? item.record.timestamp ?? null,
          });
        });
      }
    } catch (error) {
      // Metadata may be stale (partitions added); look it up again next time.
      this.partitionCounts.clear();
      for (const item of batch) item.reject(error as Error);
    }
  }

  async flush(): Promise<void> {
    this.startSending();
    while (this.sending) await this.sending;
  }

  async disconnect(): Promise<void> {
    await this.flush();
    this.closed = true;
    await this.producer.disconnect();
    await this.admin.disconnect();
  }
}

class KafkajsConsumer implements KafkaConsumer {
  private readonly consumer: Consumer;
  private readonly settings;
  private assignmentChain: Promise<void> = Promise.resolve();
  private running = false;
  private closed = false;

  constructor(
    kafka: Kafka,
    groupId: string,
    overrides: Record<string, string>,
    private readonly admin: Admin,
    private readonly brokers: string[],
    private readonly log: Logger,
  ) {
    this.settings = consumerSettings(overrides);
    this.consumer = kafka.consumer({
      groupId,
      sessionTimeout: this.settings.sessionTimeout,
      heartbeatInterval: this.settings.heartbeatInterval,
      rebalanceTimeout: this.settings.rebalanceTimeout,
      maxBytesPerPartition: this.settings.maxBytesPerPartition,
      maxBytes: this.settings.maxBytes,
      minBytes: this.settings.minBytes,
      maxWaitTimeInMs: this.settings.maxWaitTimeInMs,
      allowAutoTopicCreation: false,
    });
    this.groupId = groupId;
  }

  private readonly groupId: string;

  async connect(): Promise<void> {
    await connectWithRetry(
      `consumer ${this.groupId}`,
      this.brokers,
      () => this.consumer.connect(),
      this.log,
      () => this.closed,
    );
    await connectWithRetry(
      `consumer ${this.groupId} metadata client`,
      this.brokers,
      () => this.admin.connect(),
      this.log,
      () => this.closed,
    );
  }

  async subscribe(options: SubscribeOptions): Promise<void> {
    const topics: Array<string | RegExp> = [...(options.topics ?? [])];
    if (options.topicsRegex) topics.push(options.topicsRegex);
    let delay = 500;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.consumer.subscribe({
          topics,
          fromBeginning: options.fromBeginning ?? this.settings.fromBeginning,
        });
        return;
      } catch (error) {
        const missing = (error as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION';
        if (!missing || this.closed || options.cancelled?.()) throw error;
        if (attempt === 1 || attempt % 20 === 0) {
          this.log.info(
            { topics: options.topics },
            `waiting for topic(s) ${(options.topics ?? []).join(', ')} to be created`,
          );
        }
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  async run(listener: ConsumerListener): Promise<void> {
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      const assignment = event.payload.memberAssignment as Record<string, number[]>;
      const tps: TopicPartition[] = [];
      for (const [topic, partitions] of Object.entries(assignment)) {
        for (const partition of partitions) tps.push({ topic, partition });
      }
      this.assignmentChain = this.assignmentChain
        .then(() => listener.onAssignment(tps))
        .catch((error: unknown) => {
          listener.onCrash(error as Error);
        });
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      const payload = event.payload as { error: Error; restart: boolean };
      if (!payload.restart && !this.closed) listener.onCrash(payload.error);
      else if (!this.closed)
        this.log.warn({ err: payload.error.message }, 'consumer failed; the client restarts it');
    });
    this.running = true;
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        await this.assignmentChain;
        const records: ConsumerRecord[] = batch.messages.map((m) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: BigInt(m.offset),
          timestamp: Number(m.timestamp),
          timestampType: 'CreateTime',
          key: m.key,
          value: m.value,
          headers: fromIHeaders(m.headers),
        }));
        await listener.onBatch(records, {
          heartbeat,
          isActive: () => isRunning() && !isStale(),
          markProcessed: (offset) => resolveOffset(offset.toString()),
          highWatermark: batch.highWatermark ? BigInt(batch.highWatermark) : null,
        });
      },
    });
  }

  async commit(offsets: Array<TopicPartition & { offset: bigint }>): Promise<void> {
    if (offsets.length === 0) return;
    await this.consumer.commitOffsets(
      offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset.toString() })),
    );
  }

  async committed(topics: string[]): Promise<Array<TopicPartition & { offset: bigint }>> {
    const result = await this.admin.fetchOffsets({ groupId: this.groupId, topics });
    return result.flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.topic,
        partition: p.partition,
        offset: BigInt(p.offset),
      })),
    );
  }

  seek(tp: TopicPartition, offset: bigint): void {
    this.consumer.seek({ topic: tp.topic, partition: tp.partition, offset: offset.toString() });
  }

  pause(tps: TopicPartition[]): void {
    for (const tp of tps) this.consumer.pause([{ topic: tp.topic, partitions: [tp.partition] }]);
  }

  resume(tps: TopicPartition[]): void {
    for (const tp of tps) this.consumer.resume([{ topic: tp.topic, partitions: [tp.partition] }]);
  }

  paused(): TopicPartition[] {
    return this.consumer
      .paused()
      .flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
  }

  async disconnect(): Promise<void> {
    this.closed = true;
    if (this.running) await this.consumer.stop();
    await this.consumer.disconnect();
    await this.admin.disconnect();
  }
}

class KafkajsAdmin implements KafkaAdmin {
  private closed = false;
  constructor(
    private readonly admin: Admin,
    private readonly brokers: string[],
    private readonly log: Logger,
  ) {}

  async connect(): Promise<void> {
    await connectWithRetry(
      'admin client',
      this.brokers,
      () => this.admin.connect(),
      this.log,
      () => this.closed,
    );
  }

  listTopics(): Promise<string[]> {
    return this.admin.listTopics();
  }

  async createTopics(topics: NewTopic[]): Promise<string[]> {
    const existing = new Set(await this.admin.listTopics());
    const created: string[] = [];
    for (const t of topics) {
      if (existing.has(t.topic)) continue;
      try {
        // kafkajs' own waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft
        // broker answers for a moment after creating a topic: we wait for leaders ourselves.
        const ok = await this.admin.createTopics({
          waitForLeaders: false,
          topics: [
            {
              topic: t.topic,
              numPartitions: t.numPartitions,
              replicationFactor: t.replicationFactor,
              configEntries: Object.entries(t.configs ?? {}).map(([name, value]) => ({
                name,
                value,
              })),
            },
          ],
        });
        if (ok) created.push(t.topic);
        await this.awaitLeaders(t.topic);
      } catch (error) {
        const type = (error as { type?: string }).type;
        const nested = (error as { errors?: Array<{ type?: string }> }).errors?.[0]?.type;
        if (type === 'TOPIC_ALREADY_EXISTS' || nested === 'TOPIC_ALREADY_EXISTS') continue;
        throw error;
      }
    }
    return created;
  }

  /** Waits until every partition of a new topic has a leader, so the first produce succeeds. */
  private async awaitLeaders(topic: string): Promise<void> {
    const deadline = Date.now() + TOPIC_LEADER_TIMEOUT_MS;
    for (;;) {
      try {
        const meta = await this.admin.fetchTopicMetadata({ topics: [topic] });
        const partitions = meta.topics[0]?.partitions ?? [];
        if (partitions.length > 0 && partitions.every((p) => p.leader >= 0)) return;
      } catch (error) {
        const type = (error as { type?: string }).type;
        if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') throw error;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `topic ${topic} was created but its partitions have no leader after ${TOPIC_LEADER_TIMEOUT_MS} ms: check the broker's log`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async partitionCount(topic: string): Promise<number> {
    const meta = await this.admin.fetchTopicMetadata({ topics: [topic] });
    return meta.topics[0]?.partitions.length ?? 0;
  }

  async topicOffsets(topic: string): Promise<TopicOffsets[]> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return offsets.map((o) => ({
      partition: o.partition,
      low: BigInt(o.low),
      high: BigInt(o.high),
    }));
  }

  async groupOffsets(
    groupId: string,
    topics: string[],
  ): Promise<Array<TopicPartition & { offset: bigint }>> {
    const result = await this.admin.fetchOffsets({ groupId, topics });
    return result.flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.topic,
        partition: p.partition,
        offset: BigInt(p.offset),
      })),
    );
  }

  async setGroupOffsets(
    groupId: string,
    topic: string,
    offsets: Array<{ partition: number; offset: bigint }>,
  ): Promise<void> {
    await this.admin.setOffsets({
      groupId,
      topic,
      partitions: offsets.map((o) => ({ partition: o.partition, offset: o.offset.toString() })),
    });
  }

  async deleteGroups(groupIds: string[]): Promise<void> {
    await this.admin.deleteGroups(groupIds);
  }

  async topicConfigs(topic: string, names: string[]): Promise<Record<string, string>> {
    const { resources } = await this.admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: TOPIC_RESOURCE, name: topic, configNames: names }],
    });
    const out: Record<string, string> = {};
    for (const entry of resources[0]?.configEntries ?? [])
      out[entry.configName] = entry.configValue;
    return out;
  }

  async clusterId(): Promise<string> {
    return (await this.admin.describeCluster()).clusterId;
  }

  async disconnect(): Promise<void> {
    this.closed = true;
    await this.admin.disconnect();
  }
}

/** The kafkajs-backed client factory for one cluster, from worker-level client properties. */
export class KafkajsClientFactory implements KafkaClientFactory {
  private readonly common: CommonClientSettings;

  constructor(
    private readonly workerClientProps: Record<string, string>,
    private readonly log: Logger,
  ) {
    this.common = commonSettings(workerClientProps);
  }

  get brokers(): string[] {
    return this.common.brokers;
  }

  private kafka(
    clientId: string,
    overrides: Record<string, string>,
    parent: Logger,
  ): { kafka: Kafka; brokers: string[] } {
    const common = commonSettings({ ...this.workerClientProps, ...overrides });
    const config: KafkaConfig = {
      clientId,
      brokers: common.brokers,
      ssl: common.ssl,
      logLevel: logLevel.INFO,
      logCreator: kafkaLogCreator(parent.child({ client: clientId })),
      retry: { retries: 8, initialRetryTime: common.retryBackoffMs ?? 300, maxRetryTime: 30_000 },
    };
    if (common.sasl) config.sasl = common.sasl as NonNullable<KafkaConfig['sasl']>;
    if (common.connectionTimeout !== undefined) config.connectionTimeout = common.connectionTimeout;
    if (common.requestTimeout !== undefined) config.requestTimeout = common.requestTimeout;
    return { kafka: new Kafka(config), brokers: common.brokers };
  }

  private warnIgnored(
    kind: 'producer' | 'consumer' | 'admin',
    props: Record<string, string>,
  ): void {
    const ignored = ignoredClientKeys(props, kind);
    if (ignored.length > 0)
      this.log.warn(
        { keys: ignored },
        `${kind} properties not supported by the kafkajs client are ignored`,
      );
  }

  producer(options: ProducerOptions): KafkaProducer {
    this.warnIgnored('producer', options.overrides);
    const log = options.log ?? this.log;
    const { kafka, brokers } = this.kafka(options.clientId, options.overrides, log);
    return new KafkajsProducer(
      kafka,
      producerSettings(options.overrides),
      brokers,
      log.child({ client: options.clientId }),
    );
  }

  consumer(options: ConsumerOptions): KafkaConsumer {
    this.warnIgnored('consumer', options.overrides);
    const log = options.log ?? this.log;
    const { kafka, brokers } = this.kafka(options.clientId, options.overrides, log);
    return new KafkajsConsumer(
      kafka,
      options.groupId,
      options.overrides,
      kafka.admin(),
      brokers,
      log.child({ client: options.clientId }),
    );
  }

  admin(options: AdminOptions): KafkaAdmin {
    this.warnIgnored('admin', options.overrides);
    const log = options.log ?? this.log;
    const { kafka, brokers } = this.kafka(options.clientId, options.overrides, log);
    return new KafkajsAdmin(kafka.admin(), brokers, log.child({ client: options.clientId }));
  }

  logReader(options: AdminOptions): KafkaLogReader {
    const log = options.log ?? this.log;
    const { kafka } = this.kafka(options.clientId, options.overrides, log);
    return new KafkajsLogReader(kafka, log.child({ client: options.clientId }));
  }

  groupCoordinator(options: AdminOptions): GroupCoordinatorClient {
    const log = options.log ?? this.log;
    const { kafka } = this.kafka(options.clientId, options.overrides, log);
    return new KafkajsGroupCoordinator(kafka, kafka.admin());
  }
}
