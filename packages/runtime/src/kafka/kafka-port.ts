/**
 * The runtime's only view of Kafka. Task runners, stores, the DLQ and distributed mode's
 * group membership talk to these interfaces; the `kafkajs-*.ts` files are the one
 * implementation and the only files that import kafkajs, so another client can be added
 * without touching the runners.
 */

import type { Logger } from '../logging/logger.js';

/**
 * An error reported by the Kafka client, named after the exception Kafka's Java client throws in
 * the same case (`javaClass`, e.g. `org.apache.kafka.common.errors.TimeoutException`), so DLQ
 * headers and task traces name it as Kafka Connect does whichever client the port uses.
 */
export class KafkaClientException extends Error {
  /** True when Kafka's client would retry it (a `RetriableException` in Java). */
  readonly retriable: boolean;

  constructor(
    message: string,
    readonly javaClass: string,
    options: { retriable: boolean; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = javaClass.slice(javaClass.lastIndexOf('.') + 1);
    this.retriable = options.retriable;
  }
}

/** One header as it travels on the wire: a key and raw bytes (null allowed). */
export interface KafkaHeader {
  key: string;
  value: Uint8Array | null;
}

/** A record to produce. Without `partition` the client's partitioner picks one. */
export interface ProducerRecord {
  topic: string;
  partition?: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers?: KafkaHeader[];
  /** Milliseconds since epoch; the broker's time when absent. */
  timestamp?: number;
}

/** Where Kafka stored an acknowledged record. */
export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: number | null;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** A consumed record: raw bytes plus its position. */
export interface ConsumerRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: number;
  timestampType: 'CreateTime' | 'LogAppendTime' | 'NoTimestampType';
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: KafkaHeader[];
}

export interface KafkaProducer {
  connect(): Promise<void>;
  /** Queues one record; resolves with its position once the broker acknowledged it (acks=all). */
  send(record: ProducerRecord): Promise<RecordMetadata>;
  /** Resolves when every record queued so far is acknowledged or failed. */
  flush(): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * A transactional producer (Kafka's `transactional.id`): the records sent between
 * `beginTransaction` and `commitTransaction` become visible to read_committed consumers together,
 * or, aborted, never. Exactly-once source tasks send their records and their source offsets in
 * one transaction.
 */
export interface KafkaTransactionalProducer extends KafkaProducer {
  /**
   * Registers the transactional id with its coordinator (Kafka's `initTransactions`): an older
   * producer with the same id is fenced (it can no longer send or commit) and its open
   * transaction aborted.
   */
  connect(): Promise<void>;
  /** Starts a transaction; records sent from now on belong to it. */
  beginTransaction(): void;
  /** True between `beginTransaction` and the transaction's commit or abort. */
  readonly inTransaction: boolean;
  /**
   * Announces a record the open transaction will send before it commits (a source task's
   * offsets, written at the commit): its partition joins the transaction with the partitions of
   * the next records sent, in one AddPartitionsToTxn request instead of one more of its own, as
   * Kafka's producer adds everything sent meanwhile at once. Only a hint: the record must still
   * be sent, and a topic whose partition count is not known yet is left to its send.
   */
  expectSend(record: { topic: string; key: Uint8Array }): void;
  /**
   * Waits until every record of the transaction is acknowledged, then commits it; rejects (and
   * commits nothing) when a send failed, the transaction timed out or the producer was fenced.
   */
  commitTransaction(): Promise<void>;
  /** Aborts the open transaction: none of its records becomes visible to read_committed readers. */
  abortTransaction(): Promise<void>;
}

/** What the group consumer hands to its owner. */
export interface ConsumerListener {
  /** A batch of records of one partition, in offset order. Resolve it when you are ready for more. */
  onBatch(records: ConsumerRecord[], control: BatchControl): Promise<void>;
  /** The member's assignment after a (re)join; the first call lists everything assigned. */
  onAssignment(assigned: TopicPartition[]): Promise<void>;
  /** The consumer crashed for good (after the client's own retries). */
  onCrash(error: Error): void;
}

export interface BatchControl {
  /**
   * Keeps the group membership alive during long processing. When the group is rebalancing it
   * resolves and the batch is no longer active: the client rejoins.
   */
  heartbeat(): Promise<void>;
  /** True while the consumer runs, no seek made this batch stale and no rebalance began. */
  isActive(): boolean;
  /** Marks records up to `offset` (inclusive) as processed: the next fetch starts after it. */
  markProcessed(offset: bigint): void;
  /** The partition's high watermark when the batch was fetched (for lag), if known. */
  highWatermark: bigint | null;
}

export interface SubscribeOptions {
  topics?: string[];
  topicsRegex?: RegExp;
  /** Where a partition without a committed offset starts; default: the client's `auto.offset.reset`. */
  fromBeginning?: boolean;
  /**
   * Topics that do not exist yet are waited for (a sink may start before its source created
   * them); waiting ends with an error once this returns true.
   */
  cancelled?: () => boolean;
}

export interface KafkaConsumer {
  connect(): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<void>;
  run(listener: ConsumerListener): Promise<void>;
  /** Commits the given next-offsets-to-consume for the group. */
  commit(offsets: Array<TopicPartition & { offset: bigint }>): Promise<void>;
  /** Committed offsets of the group for the topics, -1 when none. */
  committed(topics: string[]): Promise<Array<TopicPartition & { offset: bigint }>>;
  seek(tp: TopicPartition, offset: bigint): void;
  pause(tps: TopicPartition[]): void;
  resume(tps: TopicPartition[]): void;
  paused(): TopicPartition[];
  /** Stops fetching and leaves the group. */
  disconnect(): Promise<void>;
}

export interface NewTopic {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
  configs?: Record<string, string>;
}

export interface TopicOffsets {
  partition: number;
  low: bigint;
  high: bigint;
}

export interface KafkaAdmin {
  connect(): Promise<void>;
  /** The cluster id the brokers report (REST `GET /` shows it as `kafka_cluster_id`). */
  clusterId(): Promise<string>;
  listTopics(): Promise<string[]>;
  /** Creates the topics that do not exist yet; returns the names it created. Existing ones are not an error. */
  createTopics(topics: NewTopic[]): Promise<string[]>;
  partitionCount(topic: string): Promise<number>;
  topicOffsets(topic: string): Promise<TopicOffsets[]>;
  groupOffsets(
    groupId: string,
    topics: string[],
  ): Promise<Array<TopicPartition & { offset: bigint }>>;
  setGroupOffsets(
    groupId: string,
    topic: string,
    offsets: Array<{ partition: number; offset: bigint }>,
  ): Promise<void>;
  deleteGroups(groupIds: string[]): Promise<void>;
  /** The named configs of a topic as the broker reports them (e.g. `cleanup.policy`). */
  topicConfigs(topic: string, names: string[]): Promise<Record<string, string>>;
  /**
   * Fences the producers of these transactional ids (Kafka's `Admin.fenceProducers`): each id's
   * epoch is bumped, so an older producer using it can no longer send or commit, and its open
   * transaction is aborted.
   */
  fenceProducers(transactionalIds: readonly string[]): Promise<void>;
  disconnect(): Promise<void>;
}

/** One partition's answer to a fetch: its records from the asked offset on, in offset order. */
export interface FetchedPartition extends TopicPartition {
  records: ConsumerRecord[];
  /** Where the next fetch of this partition starts. */
  nextOffset: bigint;
  highWatermark: bigint;
}

/**
 * Reads partitions by position, without a consumer group (Kafka's `assign()`): what the internal
 * topics of distributed mode are read with, from the beginning to the end.
 */
export interface KafkaLogReader {
  connect(): Promise<void>;
  /**
   * Fetches every given partition from its offset; waits up to `maxWaitMs` when none has data.
   * Partitions without new records come back with none.
   */
  fetch(
    positions: ReadonlyArray<TopicPartition & { offset: bigint }>,
    maxWaitMs: number,
  ): Promise<FetchedPartition[]>;
  disconnect(): Promise<void>;
}

/** What JoinGroup answers a member: its generation, and (for the leader) every member's metadata. */
export interface JoinGroupResult {
  generationId: number;
  memberId: string;
  leaderId: string;
  /** The protocol the coordinator chose among those every member supports. */
  protocol: string;
  /** Every member with the metadata it joined with; empty for followers. */
  members: Array<{ memberId: string; metadata: Uint8Array }>;
}

export interface JoinGroupRequest {
  groupId: string;
  /** Empty on the first join. */
  memberId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: Array<{ name: string; metadata: Uint8Array }>;
}

/** A group as DescribeGroups shows it. */
export interface GroupDescription {
  state: string;
  protocolType: string;
  protocol: string;
  members: Array<{ memberId: string; clientId: string; clientHost: string }>;
}

/**
 * Why a group request failed, as the member has to react to it: `rejoin` (the generation moved
 * on: join again with the same member id), `unknown-member` (join again as a new member),
 * `coordinator` (the coordinator moved or cannot be reached: find it again and retry),
 * `inconsistent-protocol` (the group runs another protocol), `fatal` (anything else).
 */
export type GroupErrorKind =
  | 'rejoin'
  | 'unknown-member'
  | 'coordinator'
  | 'inconsistent-protocol'
  | 'fatal';

/** A failed group request, classified for the member's state machine. */
export class GroupRequestError extends Error {
  constructor(
    readonly kind: GroupErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GroupRequestError';
  }
}

/**
 * Kafka's group coordinator protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) for a group
 * with its own protocol type: distributed workers coordinate through it. Every failure is a
 * GroupRequestError.
 */
export interface GroupCoordinatorClient {
  connect(): Promise<void>;
  joinGroup(request: JoinGroupRequest): Promise<JoinGroupResult>;
  /** Sends the leader's assignments (followers send none); resolves with this member's. */
  syncGroup(request: {
    groupId: string;
    generationId: number;
    memberId: string;
    assignments: Array<{ memberId: string; assignment: Uint8Array }>;
  }): Promise<Uint8Array>;
  heartbeat(request: { groupId: string; generationId: number; memberId: string }): Promise<void>;
  leaveGroup(request: { groupId: string; memberId: string }): Promise<void>;
  describeGroup(groupId: string): Promise<GroupDescription>;
  disconnect(): Promise<void>;
}

export interface ProducerOptions {
  clientId: string;
  /** Logger of the client's lines (a task's, so they carry connector and task). */
  log?: Logger;
  /** Client overrides (`producer.*` without the prefix). */
  overrides: Record<string, string>;
}

export interface TransactionalProducerOptions extends ProducerOptions {
  /** The producer's `transactional.id`. */
  transactionalId: string;
}

export interface ConsumerOptions {
  clientId: string;
  /** Logger of the client's lines (a task's, so they carry connector and task). */
  log?: Logger;
  groupId: string;
  overrides: Record<string, string>;
}

export interface AdminOptions {
  clientId: string;
  /** Logger of the client's lines (a task's, so they carry connector and task). */
  log?: Logger;
  overrides: Record<string, string>;
}

/** Creates clients for one cluster. */
export interface KafkaClientFactory {
  producer(options: ProducerOptions): KafkaProducer;
  /** A transactional producer (idempotent, acks=all) with the given `transactional.id`. */
  transactionalProducer(options: TransactionalProducerOptions): KafkaTransactionalProducer;
  consumer(options: ConsumerOptions): KafkaConsumer;
  admin(options: AdminOptions): KafkaAdmin;
  logReader(options: AdminOptions): KafkaLogReader;
  groupCoordinator(options: AdminOptions): GroupCoordinatorClient;
}
