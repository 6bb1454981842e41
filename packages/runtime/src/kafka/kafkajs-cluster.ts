/**
 * The parts of kafkajs' internal cluster client that its public API does not expose: group
 * membership with a protocol type of our own, fetching by position without a group,
 * committing an empty group's offsets without joining it, and fencing transactional ids. All are
 * reached through the `Kafka` instance's own cluster factory, so they share its brokers, TLS,
 * SASL and retry settings. kafkajs is pinned (2.2.4); a change of these internals fails loudly here.
 */
import { createRequire } from 'node:module';
import type { Kafka } from '@sluice/kafkajs';

/** One decoded record of a fetch response. */
export interface RawMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  headers?: Record<string, Buffer | Buffer[] | string | undefined>;
  isControlRecord?: boolean;
}

export interface FetchPartitionData {
  partition: number;
  errorCode: number;
  highWatermark: string;
  abortedTransactions?: unknown[];
  messages: RawMessage[];
}

/** A broker connection, as kafkajs' Broker class. */
export interface ClusterBroker {
  joinGroup(request: {
    groupId: string;
    sessionTimeout: number;
    rebalanceTimeout: number;
    memberId: string;
    protocolType: string;
    groupProtocols: Array<{ name: string; metadata: Buffer }>;
  }): Promise<{
    generationId: number;
    groupProtocol: string;
    leaderId: string;
    memberId: string;
    members: Array<{ memberId: string; memberMetadata: Buffer }>;
  }>;
  syncGroup(request: {
    groupId: string;
    generationId: number;
    memberId: string;
    groupAssignment: Array<{ memberId: string; memberAssignment: Buffer }>;
  }): Promise<{ memberAssignment: Buffer }>;
  heartbeat(request: {
    groupId: string;
    groupGenerationId: number;
    memberId: string;
  }): Promise<void>;
  leaveGroup(request: { groupId: string; memberId: string }): Promise<void>;
  /** InitProducerId (to a transaction coordinator): bumps the epoch of a transactional id. */
  initProducerId(request: {
    transactionalId: string;
    transactionTimeout: number;
  }): Promise<{ producerId: string; producerEpoch: number }>;
  /** Commits offsets for a group; generation -1 and no member commit for an empty group. */
  offsetCommit(request: {
    groupId: string;
    groupGenerationId: number;
    memberId: string;
    topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>;
  }): Promise<unknown>;
  fetch(request: {
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    isolationLevel: number;
    topics: Array<{
      topic: string;
      partitions: Array<{ partition: number; fetchOffset: string; maxBytes: number }>;
    }>;
  }): Promise<{ responses: Array<{ topicName: string; partitions: FetchPartitionData[] }> }>;
}

/** kafkajs' Cluster class, as far as we use it. */
export interface Cluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  /** The coordinator of a group (type 0, the default) or of a transactional id (type 1). */
  findGroupCoordinator(request: {
    groupId: string;
    coordinatorType?: 0 | 1;
  }): Promise<ClusterBroker>;
  findBroker(request: { nodeId: string }): Promise<ClusterBroker>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
}

/** kafkajs' Batch: a fetched partition without aborted transactions and control records. */
interface BatchInstance {
  messages: RawMessage[];
  isEmptyIncludingFiltered(): boolean;
  lastOffset(): string;
}

const require = createRequire(import.meta.url);
const Batch = require('@sluice/kafkajs/src/consumer/batch.js') as new (
  topic: string,
  fetchedOffset: string,
  partitionData: FetchPartitionData,
) => BatchInstance;

/** A new cluster client of this Kafka instance (not connected). */
export function clusterOf(kafka: Kafka): Cluster {
  const factory = Object.getOwnPropertySymbols(kafka).find(
    (s) => s.description === 'private:Kafka:createCluster',
  );
  if (!factory) {
    throw new Error(
      'This kafkajs version does not expose its cluster factory; Sluice needs kafkajs 2.2.x for distributed mode',
    );
  }
  const create = (kafka as unknown as Record<symbol, (o: object) => Cluster>)[factory];
  if (typeof create !== 'function') throw new Error('kafkajs cluster factory is not a function');
  return create.call(kafka, { allowAutoTopicCreation: false });
}

/**
 * The records of one fetched partition that a reader should see (committed, no control records),
 * and where the next fetch starts.
 */
export function readBatch(
  topic: string,
  fetchedOffset: bigint,
  data: FetchPartitionData,
): { messages: RawMessage[]; nextOffset: bigint } {
  const batch = new Batch(topic, fetchedOffset.toString(), data);
  if (!batch.isEmptyIncludingFiltered()) {
    // Control records and aborted records take offsets too: continue after the last one seen.
    const last = data.messages.reduce(
      (max, m) => (BigInt(m.offset) > max ? BigInt(m.offset) : max),
      fetchedOffset - 1n,
    );
    return { messages: batch.messages, nextOffset: last + 1n };
  }
  const high = BigInt(data.highWatermark);
  // Nothing at or after the offset although the log goes on: a batch whose records compaction
  // removed (kafkajs drops its header). Step past the offset; no record can be skipped this way,
  // since a record at a later offset is still returned by the next fetch.
  return { messages: [], nextOffset: fetchedOffset < high ? fetchedOffset + 1n : fetchedOffset };
}
