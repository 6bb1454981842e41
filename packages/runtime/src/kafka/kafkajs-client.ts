import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import {
  type Admin,
  type Consumer,
  Kafka,
  type KafkaConfig,
  type RecordMetadata as KafkajsRecordMetadata,
  logLevel,
  type Message,
  Partitioners,
  type Producer,
  type ProducerBatch,
  type Transaction,
} from '@sluice/kafkajs';
import type { Logger } from '../logging/logger.js';
import {
  type CommonClientSettings,
  commonSettings,
  consumerSettings,
  forcedClientKeyWarnings,
  ignoredClientKeys,
  type ProducerSettings,
  producerSettings,
  transactionalKeyWarnings,
} from './client-overrides.js';
import { kafkaErrorClass } from './kafka-error-classes.js';
import {
  type AdminOptions,
  type ConsumerListener,
  type ConsumerOptions,
  type ConsumerRecord,
  type GroupCoordinatorClient,
  type KafkaAdmin,
  KafkaClientException,
  type KafkaClientFactory,
  type KafkaConsumer,
  type KafkaLogReader,
  type KafkaProducer,
  type KafkaTransactionalProducer,
  type NewTopic,
  type ProducerOptions,
  type ProducerRecord,
  type RecordMetadata,
  type SubscribeOptions,
  type TopicOffsets,
  type TopicPartition,
  type TransactionalProducerOptions,
} from './kafka-port.js';
import { clusterOf } from './kafkajs-cluster.js';
import { KafkajsGroupCoordinator } from './kafkajs-group-coordinator.js';
import { fromIHeaders, toBuffer, toIHeaders } from './kafkajs-headers.js';
import { kafkaLogCreator } from './kafkajs-log.js';
import { KafkajsLogReader } from './kafkajs-log-reader.js';
import { keyPartition } from './murmur2.js';

/** kafkajs' ConfigResourceTypes.TOPIC (not a named export Node's ESM loader can see). */
const TOPIC_RESOURCE = 2;

/** Heartbeat errors after which a group member must rejoin (kafkajs rejoins when it sees them). */
const REJOIN_ERRORS = new Set([
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
]);

/** kafkajs' CoordinatorType.TRANSACTION. */
const TRANSACTION_COORDINATOR = 1;
/** How long fencing one transactional id may keep retrying (Kafka's REST request timeout). */
const FENCE_TIMEOUT_MS = 90_000;
/** The transaction timeout an InitProducerId that only fences registers (Kafka's producer default). */
const FENCE_TRANSACTION_TIMEOUT_MS = 60_000;
/** InitProducerId errors after which Kafka's fenceProducers retries. */
const FENCE_RETRIABLE = new Set([
  'GROUP_LOAD_IN_PROGRESS',
  'CONCURRENT_TRANSACTIONS',
  'NOT_COORDINATOR_FOR_GROUP',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
]);

/** How long a newly created topic may go without partition leaders before creation fails. */
const TOPIC_LEADER_TIMEOUT_MS = 30_000;

/** kafkajs' delay before restarting a crashed consumer whose error names none. */
const CONSUMER_RESTART_DELAY_MS = 300;

/** A consumer crash kafkajs restarts from: its retries ran out, or the cause is retriable. */
function restartable(error: unknown): boolean {
  let e = error as { name?: string; retriable?: boolean; cause?: unknown } | undefined;
  if (e?.name === 'KafkaJSNumberOfRetriesExceeded') return true;
  for (let depth = 0; depth < 5 && e?.cause; depth++) e = e.cause as typeof e;
  return e?.retriable === true;
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
  /** Bytes it takes in a batch (see recordSize). */
  size: number;
  /** Chosen when the record is taken into a request. */
  partition: number;
  resolve: (m: RecordMetadata) => void;
  reject: (e: Error) => void;
}

/** kafkajs errors that only wrap the error that happened (retries exhausted, not retriable). */
const WRAPPERS = new Set(['KafkaJSNumberOfRetriesExceeded', 'KafkaJSNonRetriableError']);
const TIMEOUT = 'org.apache.kafka.common.errors.TimeoutException';

/** The kafkajs error wrapped by retry wrappers. */
function unwrap(error: unknown): unknown {
  let e = error as { name?: string; cause?: unknown } | null | undefined;
  for (let depth = 0; depth < 5 && e && WRAPPERS.has(e.name ?? '') && e.cause; depth++) {
    e = e.cause as typeof e;
  }
  return e;
}

/** A kafkajs error as the port's {@link KafkaClientException}, named as Kafka's Java client names it. */
export function toKafkaClientException(error: unknown): KafkaClientException {
  if (error instanceof KafkaClientException) return error;
  const e = unwrap(error) as {
    name?: string;
    code?: unknown;
    message?: string;
    retriable?: boolean;
  };
  const message = e?.message ?? String(error);
  const retriable = e?.retriable !== false;
  let javaClass: string | null = null;
  if (typeof e?.code === 'number') javaClass = kafkaErrorClass(e.code);
  else if (e?.name === 'KafkaJSRequestTimeoutError') javaClass = TIMEOUT;
  else if (e?.name === 'KafkaJSConnectionError' || e?.name === 'KafkaJSConnectionClosedError')
    javaClass = 'org.apache.kafka.common.errors.NetworkException';
  return new KafkaClientException(message, javaClass ?? 'org.apache.kafka.common.KafkaException', {
    retriable,
    cause: error,
  });
}

/**
 * True when a metadata look-up may succeed later: the broker has no metadata for the topic (yet),
 * or another retriable client error (a lost connection). Kafka's producer waits through both.
 */
function metadataMayCome(error: unknown): boolean {
  const e = unwrap(error) as
    | { type?: string; name?: string; retriable?: boolean }
    | null
    | undefined;
  return (
    e?.retriable === true ||
    e?.type === 'UNKNOWN_TOPIC_OR_PARTITION' ||
    e?.type === 'LEADER_NOT_AVAILABLE' ||
    e?.name === 'KafkaJSMetadataNotLoaded' ||
    e?.name === 'KafkaJSTopicMetadataNotLoaded'
  );
}

/** Bytes a record takes in a batch, roughly as Kafka counts them. */
function recordSize(r: ProducerRecord): number {
  let size = (r.key?.byteLength ?? 0) + (r.value?.byteLength ?? 0) + 64;
  for (const h of r.headers ?? []) size += h.key.length + (h.value?.byteLength ?? 0);
  return size;
}

/** Kafka's producer backs off metadata requests from retry.backoff.ms up to retry.backoff.max.ms (1 s). */
const METADATA_BACKOFF_MAX_MS = 1000;
/** How often a send still waiting for its topic's metadata says so. */
const METADATA_WAIT_LOG_MS = 30_000;

class KafkajsProducer implements KafkaProducer {
  protected readonly producer: Producer;
  private readonly admin: Admin;
  /** Asks for topic metadata with auto-creation allowed, as Kafka's producer does (made on first need). */
  private metadataProbe: Producer | null = null;
  private probeConnected = false;
  private readonly partitionCounts = new Map<string, number>();
  /** Keyless records stick to one partition per topic until batch.size bytes went to it (Kafka's built-in partitioner). */
  private readonly sticky = new Map<string, { partition: number; bytes: number }>();
  private queue: Pending[] = [];
  private queuedBytes = 0;
  private sending: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Set at disconnect: sends still waiting for their topic's metadata give up. */
  private closing = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: ProducerSettings,
    private readonly brokers: string[],
    protected readonly log: Logger,
    transactionalId?: string,
  ) {
    this.producer = kafka.producer({
      // A transactional producer gets its producer id from its transaction coordinator (in
      // connect), not as an idempotent one would.
      idempotent: transactionalId === undefined && settings.idempotent,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: true,
      createPartitioner: Partitioners.DefaultPartitioner,
      ...(transactionalId === undefined
        ? {}
        : { transactionalId, transactionTimeout: settings.transactionTimeoutMs }),
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
      const size = recordSize(record);
      this.queue.push({ record, size, partition: -1, resolve, reject });
      this.queuedBytes += size;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.sending) return;
    const { maxBatchRecords, batchSizeBytes, lingerMs } = this.settings;
    // As Kafka's producer: a full batch goes at once, otherwise records wait up to linger.ms.
    const full =
      this.queue.length >= maxBatchRecords ||
      (batchSizeBytes !== null && this.queuedBytes >= batchSizeBytes);
    if (full || lingerMs <= 0) {
      this.startSending();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.startSending();
      }, lingerMs);
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
      const batch = await this.nextRequest();
      if (batch.length > 0) await this.sendBatch(batch);
    }
  }

  /**
   * Takes the records of the next produce request off the queue, each with its partition: at most
   * batch.num.records records and max.request.size bytes, and (when set) batch.size bytes per
   * partition. Records whose partition cannot be known (no metadata within max.block.ms) fail.
   */
  private async nextRequest(): Promise<Pending[]> {
    const { maxBatchRecords, maxBatchBytes, batchSizeBytes } = this.settings;
    const out: Pending[] = [];
    const perPartition = batchSizeBytes === null ? null : new Map<string, number>();
    let bytes = 0;
    let i = 0;
    // Scans by index and removes the scanned records at the end: shift() per record is slow.
    for (; i < this.queue.length && out.length < maxBatchRecords; i++) {
      const item = this.queue[i] as Pending;
      const { record, size } = item;
      try {
        // Awaited only for a topic seen for the first time (its metadata may have to be waited for).
        const count =
          this.partitionCounts.get(record.topic) ?? (await this.partitionCount(record.topic));
        item.partition = this.partitionOf(record, count);
      } catch (error) {
        item.reject(toKafkaClientException(error));
        continue;
      }
      if (out.length > 0 && bytes + size > maxBatchBytes) break;
      if (perPartition && batchSizeBytes !== null) {
        const key = `${record.topic}\u0000${item.partition}`;
        const inPartition = perPartition.get(key) ?? 0;
        if (inPartition > 0 && inPartition + size > batchSizeBytes) break;
        perPartition.set(key, inPartition + size);
      }
      out.push(item);
      bytes += size;
      if (record.partition === undefined && record.key === null) this.stuck(record.topic, size);
    }
    for (const item of this.queue.splice(0, i)) this.queuedBytes -= item.size;
    // Without batch.size, keyless records move to another partition with each request.
    if (batchSizeBytes === null) this.sticky.clear();
    return out;
  }

  /** Counts bytes sent to a topic's sticky partition; past batch.size the next keyless record picks another. */
  private stuck(topic: string, size: number): void {
    const s = this.sticky.get(topic);
    if (!s) return;
    s.bytes += size;
    if (this.settings.batchSizeBytes !== null && s.bytes >= this.settings.batchSizeBytes)
      this.sticky.delete(topic);
  }

  /** The topic's partition count if it is known already (else undefined, without asking). */
  protected knownPartitionCount(topic: string): number | undefined {
    return this.partitionCounts.get(topic);
  }

  /** The record's partition: its own, else by key hash, else the topic's sticky partition. */
  private partitionOf(record: ProducerRecord, count: number): number {
    if (record.partition !== undefined) return record.partition;
    if (record.key === null) {
      let s = this.sticky.get(record.topic);
      if (!s) {
        s = { partition: Math.floor(Math.random() * count), bytes: 0 };
        this.sticky.set(record.topic, s);
      }
      return s.partition;
    }
    return keyPartition(record.key, count);
  }

  /**
   * The topic's partition count. A topic the broker does not know yet is asked for as Kafka's
   * producer asks (a metadata request allowing auto-creation, so a broker with
   * auto.create.topics.enable=true creates it), again and again for up to max.block.ms.
   */
  private async partitionCount(topic: string): Promise<number> {
    const known = this.partitionCounts.get(topic);
    if (known !== undefined) return known;
    if (this.closing) throw new Error(`Producer closed before metadata of topic ${topic} came`);
    const { maxBlockMs } = this.settings;
    const started = Date.now();
    let nextLog = started + 5000;
    let backoff = Math.min(100, METADATA_BACKOFF_MAX_MS);
    let probed = false;
    for (;;) {
      let cause: unknown;
      try {
        const meta = await this.admin.fetchTopicMetadata({ topics: [topic] });
        const count = meta.topics[0]?.partitions.length ?? 0;
        if (count > 0) {
          this.partitionCounts.set(topic, count);
          return count;
        }
      } catch (error) {
        if (!metadataMayCome(error)) throw error;
        cause = error;
      }
      try {
        await this.requestTopic(topic);
        // The broker knows the topic now: look again at once (later rounds back off).
        if (!probed) {
          probed = true;
          continue;
        }
      } catch (error) {
        if (!metadataMayCome(error)) throw error;
        cause = error;
      }
      const waited = Date.now() - started;
      if (this.closing)
        throw new Error(`Producer closed while waiting for metadata of topic ${topic}`);
      if (waited >= maxBlockMs) {
        throw new KafkaClientException(
          `Topic ${topic} not present in metadata after ${maxBlockMs} ms.`,
          TIMEOUT,
          { retriable: true, cause },
        );
      }
      if (Date.now() >= nextLog) {
        nextLog = Date.now() + METADATA_WAIT_LOG_MS;
        const reason = (unwrap(cause) as { type?: string } | undefined)?.type ?? 'no metadata';
        this.log.warn(
          { topic, waitedMs: waited, maxBlockMs },
          `still waiting for metadata of topic ${topic} (${reason}): it does not exist and the broker has not created it (producer max.block.ms=${maxBlockMs})`,
        );
      }
      await new Promise((r) => setTimeout(r, Math.min(backoff, maxBlockMs - waited)));
      backoff = Math.min(backoff * 2, METADATA_BACKOFF_MAX_MS);
    }
  }

  /** One metadata request for `topic` that allows the broker to create it. */
  private async requestTopic(topic: string): Promise<void> {
    // No retries of its own: the wait (max.block.ms) is paced by partitionCount.
    this.metadataProbe ??= this.kafka.producer({
      allowAutoTopicCreation: true,
      retry: { retries: 0 },
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    if (!this.probeConnected) {
      await this.metadataProbe.connect();
      this.probeConnected = true;
    }
    // An empty batch sends nothing: kafkajs only refreshes the topic's metadata for it.
    await this.metadataProbe.sendBatch({ acks: -1, topicMessages: [{ topic, messages: [] }] });
  }

  private async sendBatch(batch: Pending[]): Promise<void> {
    // Partitions are chosen before (not inside kafkajs) so that each record's offset can be
    // computed from the per-partition base offset in the produce response.
    const groups = new Map<string, { topic: string; partition: number; items: Pending[] }>();
    for (const item of batch) {
      const key = `${item.record.topic}\u0000${item.partition}`;
      let group = groups.get(key);
      if (!group) {
        group = { topic: item.record.topic, partition: item.partition, items: [] };
        groups.set(key, group);
      }
      group.items.push(item);
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
      const response = await this.produceWithin({
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
      const failure = toKafkaClientException(error);
      this.sendFailed(failure);
      for (const item of batch) item.reject(failure);
    }
  }

  /**
   * Sends a produce request again after a retriable failure (the broker unreachable, restarting,
   * or without a leader) until delivery.timeout.ms has passed, as Kafka's producer does: kafkajs
   * alone gives up after its own few retries (about 15 s), which failed a source task whenever
   * a broker took longer than that to come back.
   */
  private async produceWithin(batch: ProducerBatch): Promise<KafkajsRecordMetadata[]> {
    const deadline = Date.now() + this.settings.timeoutMs;
    let backoff = 100;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.produce(batch);
      } catch (error) {
        const failure = toKafkaClientException(error);
        if (!this.resends || !failure.retriable || this.closed || Date.now() + backoff >= deadline)
          throw error;
        if (attempt === 1 || attempt % 10 === 0)
          this.log.warn(
            { err: failure.message, attempt, deliveryTimeoutMs: this.settings.timeoutMs },
            'produce request failed with a retriable error; sending it again until delivery.timeout.ms',
          );
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, METADATA_BACKOFF_MAX_MS);
      }
    }
  }

  /**
   * Whether a failed produce request is sent again. A transactional producer's failed send
   * fails its open transaction instead, which is never committed.
   */
  protected get resends(): boolean {
    return true;
  }

  /** Sends one produce request's records. */
  protected produce(batch: ProducerBatch): Promise<KafkajsRecordMetadata[]> {
    return this.producer.sendBatch(batch);
  }

  /** A produce request failed (its records are rejected with the error). */
  protected sendFailed(_error: KafkaClientException): void {}

  async flush(): Promise<void> {
    this.startSending();
    while (this.sending) await this.sending;
  }

  async disconnect(): Promise<void> {
    this.closing = true;
    await this.flush();
    this.closed = true;
    await this.producer.disconnect();
    await this.admin.disconnect();
    if (this.probeConnected) await this.metadataProbe?.disconnect();
  }
}

/**
 * The transactional producer: the same batching as the plain producer, each produce request sent
 * inside the open kafkajs transaction (which adds the partitions to it on first use).
 */
class KafkajsTransactionalProducer extends KafkajsProducer implements KafkaTransactionalProducer {
  private transaction: Promise<Transaction> | null = null;
  /** The first send that failed in the open transaction: it cannot be committed. */
  private failure: KafkaClientException | null = null;
  /** Partitions announced by expectSend, handed to the transaction with its next send. */
  private expected: Array<{ topic: string; partitions: Array<{ partition: number }> }> = [];

  get inTransaction(): boolean {
    return this.transaction !== null;
  }

  override async connect(): Promise<void> {
    await super.connect();
    // Kafka's initTransactions: InitProducerId for the transactional id fences any older producer
    // with it and aborts its open transaction (kafkajs asks for the id with its first
    // transaction; one aborted before anything was sent in it sends nothing else).
    try {
      const first = await this.producer.transaction();
      await first.abort();
    } catch (error) {
      throw toKafkaClientException(error);
    }
  }

  beginTransaction(): void {
    if (this.transaction !== null) throw new Error('A transaction is already open');
    this.failure = null;
    this.expected = [];
    const started = this.producer.transaction();
    // Failures surface from the first send or the commit.
    started.catch(() => {});
    this.transaction = started;
  }

  expectSend({ topic, key }: { topic: string; key: Uint8Array }): void {
    if (this.transaction === null) throw new Error('No transaction open');
    const count = this.knownPartitionCount(topic);
    if (count !== undefined)
      this.expected.push({ topic, partitions: [{ partition: keyPartition(key, count) }] });
  }

  protected override async produce(batch: ProducerBatch): Promise<KafkajsRecordMetadata[]> {
    if (this.transaction === null)
      throw new Error('A transactional producer sends only inside a transaction');
    const transaction = await this.transaction;
    // Synchronously before the send, whose AddPartitionsToTxn takes them along. The method is the
    // repository's kafkajs patch (patches/): kafkajs as published on npm adds them at their send.
    const expected = this.expected.splice(0);
    if (expected.length > 0 && typeof transaction.expectPartitions === 'function')
      transaction.expectPartitions(expected);
    return transaction.sendBatch(batch);
  }

  protected override get resends(): boolean {
    return false;
  }

  protected override sendFailed(error: KafkaClientException): void {
    this.failure ??= error;
  }

  async commitTransaction(): Promise<void> {
    const open = this.transaction;
    if (open === null) throw new Error('No transaction to commit');
    await this.flush();
    this.transaction = null;
    try {
      const txn = await open;
      if (this.failure !== null) {
        await txn.abort().catch(() => {});
        throw this.failure;
      }
      await txn.commit();
    } catch (error) {
      throw toKafkaClientException(error);
    }
  }

  async abortTransaction(): Promise<void> {
    const open = this.transaction;
    if (open === null) return;
    await this.flush();
    this.transaction = null;
    try {
      await (await open).abort();
    } catch (error) {
      throw toKafkaClientException(error);
    }
  }

  override async disconnect(): Promise<void> {
    // Records of a transaction left open are never committed: abort it rather than let readers
    // wait for its timeout.
    await this.abortTransaction().catch((e: unknown) =>
      this.log.debug({ err: (e as Error).message }, 'aborting the open transaction failed'),
    );
    await super.disconnect();
  }
}

/** Kafka's internal topics, which a pattern subscription never matches (exclude.internal.topics). */
const INTERNAL_TOPICS = new Set([
  '__consumer_offsets',
  '__transaction_state',
  '__share_group_state',
]);

class KafkajsConsumer implements KafkaConsumer {
  private readonly consumer: Consumer;
  private readonly settings;
  private assignmentChain: Promise<void> = Promise.resolve();
  private running = false;
  private closed = false;
  private listener: ConsumerListener | null = null;
  private regex: RegExp | null = null;
  private fromBeginning = true;
  /** Topics the consumer is subscribed to (a pattern's matches so far). */
  private readonly subscribed = new Set<string>();
  private regexTimer: NodeJS.Timeout | null = null;
  /** The running pattern refresh, awaited at disconnect. */
  private refreshing: Promise<void> = Promise.resolve();
  /** The restart of a crashed consumer under way, awaited at disconnect. */
  private restarting: Promise<void> = Promise.resolve();
  /** Ends the wait before a restart (disconnect). */
  private skipRestartDelay: (() => void) | null = null;
  /** The listener's processing of the last batch handed over (see startFetching). */
  private processing: Promise<void> = Promise.resolve();
  /** A rebalance that a heartbeat found during processing, thrown back into kafkajs. */
  private lostGeneration: Error | null = null;
  /** Counts assignments: a batch from before the current one is no longer active. */
  private assignmentEpoch = 0;
  /**
   * Partitions whose fetch position was rewound after a batch not processed to its end. kafkajs
   * keeps a seek of a partition it no longer owns and applies it when the partition comes back,
   * so these are sought to their committed offsets when assigned again, as after any rebalance.
   */
  private readonly rewound = new Map<string, TopicPartition>();

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
      metadataMaxAge: this.settings.metadataMaxAgeMs,
      allowAutoTopicCreation: false,
      // kafkajs' default retries; a crashed consumer is restarted here (see restart()).
      retry: { retries: 5, restartOnFailure: async () => false },
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

  /**
   * Subscribes to the named topics (waiting for those that do not exist yet) and to the topics
   * matching the pattern. kafkajs resolves a pattern once, so the pattern is matched here, and
   * again every metadata.max.age.ms once running (see {@link refreshPattern}).
   */
  async subscribe(options: SubscribeOptions): Promise<void> {
    this.fromBeginning = options.fromBeginning ?? this.settings.fromBeginning;
    this.regex = options.topicsRegex ?? null;
    const topics = [...(options.topics ?? [])];
    if (this.regex) topics.push(...(await this.patternMatches()));
    let delay = 500;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.consumer.subscribe({ topics, fromBeginning: this.fromBeginning });
        for (const t of topics) this.subscribed.add(t);
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

  /** Existing topics the pattern matches, internal topics excepted (as Kafka's consumer). */
  private async patternMatches(): Promise<string[]> {
    const regex = this.regex;
    if (!regex) return [];
    return (await this.admin.listTopics())
      .filter((t) => !INTERNAL_TOPICS.has(t) && regex.test(t))
      .sort();
  }

  async run(listener: ConsumerListener): Promise<void> {
    this.listener = listener;
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      const assignment = event.payload.memberAssignment as Record<string, number[]>;
      const tps: TopicPartition[] = [];
      for (const [topic, partitions] of Object.entries(assignment)) {
        for (const partition of partitions) tps.push({ topic, partition });
      }
      // assign() reports its own failures to the listener (onCrash).
      void this.assign(tps);
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      const { error } = event.payload as { error: Error & { retryTime?: number } };
      if (this.closed) return;
      if (restartable(error)) this.restart(error);
      else listener.onCrash(error);
    });
    this.running = true;
    await this.startFetching();
    if (this.regex) {
      this.regexTimer = setInterval(() => {
        this.refreshing = this.refreshing.then(() =>
          this.refreshPattern().catch((error: unknown) => {
            if (!this.closed)
              this.log.warn(
                { err: error },
                'looking for new topics matching topics.regex failed; trying again later',
              );
          }),
        );
      }, this.settings.metadataMaxAgeMs);
      this.regexTimer.unref?.();
    }
  }

  /**
   * Starts a crashed consumer again after the error's retry time, as kafkajs would, but here so
   * that disconnect() can wait for it: kafkajs' own restart cannot be stopped while it joins the
   * group (its stop() returns at once and the join goes on), and the restarted member would then
   * hold the partitions of a task that is gone, e.g. one abandoned while Kafka was down.
   */
  private restart(error: Error & { retryTime?: number }): void {
    this.log.warn({ err: error.message }, 'consumer failed; the client restarts it');
    const delayMs = error.retryTime ?? CONSUMER_RESTART_DELAY_MS;
    this.restarting = this.restarting
      .then(async () => {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delayMs);
          this.skipRestartDelay = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.skipRestartDelay = null;
        // A start that fails crashes again, and that crash queues the next restart.
        if (!this.closed) await this.startFetching();
      })
      .catch((e: unknown) => {
        if (!this.closed) this.listener?.onCrash(e as Error);
      });
  }

  /** Hands an assignment to the listener, in order with the previous ones. */
  private assign(tps: TopicPartition[]): Promise<void> {
    const listener = this.listener;
    this.assignmentEpoch++;
    this.lostGeneration = null;
    this.assignmentChain = this.assignmentChain
      .then(() => this.seekRewoundToCommitted(tps))
      .then(() => listener?.onAssignment(tps))
      .catch((error: unknown) => {
        listener?.onCrash(error as Error);
      });
    return this.assignmentChain;
  }

  /** Seeks the assigned partitions rewound in an earlier generation to where a rejoin starts. */
  private async seekRewoundToCommitted(tps: TopicPartition[]): Promise<void> {
    const again = tps.filter((tp) => this.rewound.delete(`${tp.topic}\u0000${tp.partition}`));
    if (again.length === 0) return;
    const topics = [...new Set(again.map((tp) => tp.topic))];
    const committed = await this.committed(topics);
    for (const tp of again) {
      const c = committed.find((x) => x.topic === tp.topic && x.partition === tp.partition);
      let offset = c && c.offset >= 0n ? c.offset : null;
      if (offset === null) {
        // No committed offset: where auto.offset.reset starts.
        const ends = await this.admin.fetchTopicOffsets(tp.topic);
        const end = ends.find((e) => e.partition === tp.partition);
        if (!end) continue;
        offset = BigInt(this.fromBeginning ? end.low : end.high);
      }
      this.seek(tp, offset);
    }
  }

  /**
   * Subscribes to topics created since the pattern was last matched, as Kafka's consumer does on a
   * metadata refresh: the member gives up its partitions (the listener commits and closes them, as
   * on an eager rebalance), leaves, and joins again with the wider subscription.
   */
  private async refreshPattern(): Promise<void> {
    if (this.closed) return;
    const added = (await this.patternMatches()).filter((t) => !this.subscribed.has(t));
    if (added.length === 0 || this.closed) return;
    this.log.info(
      { topics: added, regex: this.regex?.source },
      `new topic(s) ${added.join(', ')} match topics.regex: rejoining the group to consume them`,
    );
    await this.assign([]);
    if (this.closed) return;
    await this.consumer.stop();
    await this.consumer.subscribe({ topics: added, fromBeginning: this.fromBeginning });
    for (const t of added) this.subscribed.add(t);
    if (this.closed) return;
    await this.startFetching();
  }

  /**
   * Fetch pipelining, as Kafka's own consumer: a batch is handed to the listener and its last
   * offset resolved at once, so kafkajs fetches the next batch while the listener processes this
   * one (kafkajs alone awaits the processing of a batch before it fetches again). Only one batch
   * is processed at a time: the next waits in `eachBatch`, which also holds kafkajs' fetcher, so a
   * seek made meanwhile (the task's, or a rewind below) still marks it stale. The fetch position
   * is all kafkajs gets from this (autoCommit is off); the commits are the listener's.
   */
  private async startFetching(): Promise<void> {
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        await this.assignmentChain;
        await this.processing;
        // A rebalance found while the previous batch was processed goes back to kafkajs, so that
        // it rejoins and fetches again from the committed offsets. The task is not failed for it.
        const lost = this.lostGeneration;
        this.lostGeneration = null;
        if (lost) throw lost;
        if (!isRunning() || isStale()) return;
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
        const first = records[0];
        const last = records[records.length - 1];
        const listener = this.listener;
        if (!first || !last || !listener) return;
        resolveOffset(last.offset.toString());
        const epoch = this.assignmentEpoch;
        let lostGeneration: Error | null = null;
        let processed: bigint | null = null;
        const active = () =>
          isRunning() && !isStale() && lostGeneration === null && epoch === this.assignmentEpoch;
        // From the next turn of the event loop: kafkajs sends its next fetch first (it does so
        // once eachBatch returns), so the broker answers while this batch is processed. Started
        // at once, the batch's conversion ran before that fetch, and the fetch waited for it.
        this.processing = setImmediatePromise()
          .then(() =>
            listener.onBatch(records, {
              // A heartbeat that finds the group rebalancing (or this member dropped, after a
              // stall longer than the session) makes the batch stale: the task stops processing it.
              heartbeat: async () => {
                try {
                  await heartbeat();
                } catch (error) {
                  const cause = unwrap(error) as { type?: string } | undefined;
                  if (REJOIN_ERRORS.has(cause?.type ?? ''))
                    lostGeneration = (cause ?? error) as Error;
                  // A heartbeat lost with its connection (reset, timed out, coordinator moving) is
                  // sent again with the next one, on a new connection: Kafka's consumer retries its
                  // heartbeats too. Only the others fail the task.
                  else if (restartable(error))
                    this.log.debug(
                      { err: (error as Error).message },
                      'heartbeat failed; sent again',
                    );
                  else throw error;
                }
              },
              isActive: active,
              markProcessed: (offset) => {
                processed = offset;
              },
              highWatermark: batch.highWatermark ? BigInt(batch.highWatermark) : null,
            }),
          )
          .then(() => {
            if (lostGeneration) this.lostGeneration = lostGeneration;
            // The listener stopped early (paused, partition revoked): the fetch position, already
            // past this batch, goes back to its first record not processed.
            if (processed === last.offset || !active() || this.closed) return;
            const tp = { topic: first.topic, partition: first.partition };
            this.seek(tp, processed === null ? first.offset : (processed as bigint) + 1n);
            this.rewound.set(`${tp.topic}\u0000${tp.partition}`, tp);
          })
          .catch((error: unknown) => {
            if (!this.closed) this.listener?.onCrash(error as Error);
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
    if (this.regexTimer) clearInterval(this.regexTimer);
    await this.refreshing;
    this.skipRestartDelay?.();
    await this.restarting;
    await this.processing;
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
    private readonly kafka: Kafka,
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
    const deadline = Date.now() + TOPIC_LEADER_TIMEOUT_MS;
    for (;;) {
      try {
        const offsets = await this.admin.fetchTopicOffsets(topic);
        return offsets.map((o) => ({
          partition: o.partition,
          low: BigInt(o.low),
          high: BigInt(o.high),
        }));
      } catch (error) {
        // A partition whose leader is being elected (a topic just created, a broker just
        // restarted) answers NOT_LEADER_OR_FOLLOWER for a moment; kafkajs gives up at once where
        // Kafka's admin refreshes its metadata and retries.
        const type = (unwrap(error) as { type?: string } | undefined)?.type;
        if (type !== 'NOT_LEADER_FOR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') throw error;
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
        await this.admin.fetchTopicMetadata({ topics: [topic] }).catch(() => {});
      }
    }
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

  /**
   * Commits offsets for a group that has no members, as Kafka's Admin.alterConsumerGroupOffsets
   * does: one OffsetCommit to the group's coordinator with generation -1 and no member id, which
   * the broker accepts while the group is empty (and refuses while a consumer is in it). kafkajs'
   * own admin.setOffsets joins the group with a consumer and waits for a fetch: seconds instead of
   * a round trip.
   */
  async setGroupOffsets(
    groupId: string,
    topic: string,
    offsets: Array<{ partition: number; offset: bigint }>,
  ): Promise<void> {
    const cluster = clusterOf(this.kafka);
    await cluster.connect();
    try {
      const coordinator = await cluster.findGroupCoordinator({ groupId });
      await coordinator.offsetCommit({
        groupId,
        groupGenerationId: -1,
        memberId: '',
        topics: [
          {
            topic,
            partitions: offsets.map((o) => ({
              partition: o.partition,
              offset: o.offset.toString(),
            })),
          },
        ],
      });
    } finally {
      await cluster.disconnect();
    }
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

  /**
   * Kafka's Admin.fenceProducers: for each transactional id, InitProducerId to its transaction
   * coordinator without a producer id, which bumps the id's epoch (the old producer is fenced)
   * and aborts its open transaction. Retried while the coordinator loads, moves or is still
   * completing an earlier transaction of the id, for up to FENCE_TIMEOUT_MS.
   */
  async fenceProducers(transactionalIds: readonly string[]): Promise<void> {
    if (transactionalIds.length === 0) return;
    const cluster = clusterOf(this.kafka);
    await cluster.connect();
    try {
      for (const transactionalId of transactionalIds) {
        const deadline = Date.now() + FENCE_TIMEOUT_MS;
        for (let backoff = 100; ; backoff = Math.min(backoff * 2, 1_000)) {
          try {
            const coordinator = await cluster.findGroupCoordinator({
              groupId: transactionalId,
              coordinatorType: TRANSACTION_COORDINATOR,
            });
            await coordinator.initProducerId({
              transactionalId,
              transactionTimeout: FENCE_TRANSACTION_TIMEOUT_MS,
            });
            break;
          } catch (error) {
            const type = (unwrap(error) as { type?: string } | undefined)?.type ?? '';
            if (!FENCE_RETRIABLE.has(type) || Date.now() > deadline)
              throw toKafkaClientException(error);
            if (type.includes('COORDINATOR')) await cluster.refreshMetadata().catch(() => {});
            await new Promise((r) => setTimeout(r, backoff));
          }
        }
      }
    } finally {
      await cluster.disconnect();
    }
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

  /** A kafkajs instance for one client; `client.id` in the overrides replaces the runtime's default id. */
  private kafka(
    defaultClientId: string,
    overrides: Record<string, string>,
    parent: Logger,
  ): { kafka: Kafka; brokers: string[]; clientId: string } {
    const common = commonSettings({ ...this.workerClientProps, ...overrides });
    const clientId = overrides['client.id']?.trim() || defaultClientId;
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
    return { kafka: new Kafka(config), brokers: common.brokers, clientId };
  }

  /**
   * Says which client properties have no effect: those the kafkajs client does not support, and
   * (with Kafka's own warning) those whose value the runtime replaces.
   */
  private warnIgnored(
    kind: 'producer' | 'consumer' | 'admin',
    props: Record<string, string>,
    log: Logger,
    groupId?: string,
  ): void {
    const ignored = ignoredClientKeys(props, kind);
    if (ignored.length > 0)
      log.warn(
        { keys: ignored },
        `${kind} properties not supported by the kafkajs client are ignored`,
      );
    for (const w of forcedClientKeyWarnings(props, kind, groupId))
      log.warn({ client: kind, key: w.key, value: w.value, used: w.used }, w.message);
  }

  producer(options: ProducerOptions): KafkaProducer {
    const log = options.log ?? this.log;
    this.warnIgnored('producer', options.overrides, log);
    const { kafka, brokers, clientId } = this.kafka(options.clientId, options.overrides, log);
    return new KafkajsProducer(
      kafka,
      producerSettings(options.overrides),
      brokers,
      log.child({ client: clientId }),
    );
  }

  transactionalProducer(options: TransactionalProducerOptions): KafkaTransactionalProducer {
    const log = options.log ?? this.log;
    const { 'transactional.id': _replaced, ...others } = options.overrides;
    this.warnIgnored('producer', others, log);
    for (const w of transactionalKeyWarnings(options.overrides, options.transactionalId))
      log.warn({ client: 'producer', key: w.key, value: w.value, used: w.used }, w.message);
    const { kafka, brokers, clientId } = this.kafka(options.clientId, options.overrides, log);
    return new KafkajsTransactionalProducer(
      kafka,
      producerSettings(options.overrides),
      brokers,
      log.child({ client: clientId }),
      options.transactionalId,
    );
  }

  consumer(options: ConsumerOptions): KafkaConsumer {
    const log = options.log ?? this.log;
    this.warnIgnored('consumer', options.overrides, log, options.groupId);
    const { kafka, brokers, clientId } = this.kafka(options.clientId, options.overrides, log);
    return new KafkajsConsumer(
      kafka,
      options.groupId,
      options.overrides,
      kafka.admin(),
      brokers,
      log.child({ client: clientId }),
    );
  }

  admin(options: AdminOptions): KafkaAdmin {
    const log = options.log ?? this.log;
    this.warnIgnored('admin', options.overrides, log);
    const { kafka, brokers, clientId } = this.kafka(options.clientId, options.overrides, log);
    return new KafkajsAdmin(kafka.admin(), brokers, log.child({ client: clientId }), kafka);
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
