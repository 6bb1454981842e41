import type { Kafka } from '@sluice/kafkajs';
import type { Logger } from '../logging/logger.js';
import type { FetchedPartition, KafkaLogReader, TopicPartition } from './kafka-port.js';
import { type Cluster, clusterOf, readBatch } from './kafkajs-cluster.js';
import { fromIHeaders } from './kafkajs-headers.js';

const READ_COMMITTED = 1;
const MAX_BYTES = 50 * 1024 * 1024;
const MAX_PARTITION_BYTES = 4 * 1024 * 1024;

/** Errors after which the partition leaders are looked up again and the fetch retried. */
const STALE_METADATA = new Set([
  'NOT_LEADER_FOR_PARTITION',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'REPLICA_NOT_AVAILABLE',
  'NOT_LEADER_OR_FOLLOWER',
]);

/** Fetches partitions by position through kafkajs' cluster client, one request per leader. */
export class KafkajsLogReader implements KafkaLogReader {
  private readonly cluster: Cluster;

  constructor(
    kafka: Kafka,
    private readonly log: Logger,
  ) {
    this.cluster = clusterOf(kafka);
  }

  connect(): Promise<void> {
    return this.cluster.connect();
  }

  async fetch(
    positions: ReadonlyArray<TopicPartition & { offset: bigint }>,
    maxWaitMs: number,
  ): Promise<FetchedPartition[]> {
    const topics = [...new Set(positions.map((p) => p.topic))];
    await this.cluster.addMultipleTargetTopics(topics);
    const byLeader = new Map<string, Array<TopicPartition & { offset: bigint }>>();
    for (const topic of topics) {
      const mine = positions.filter((p) => p.topic === topic);
      const leaders = this.cluster.findLeaderForPartitions(
        topic,
        mine.map((p) => p.partition),
      );
      for (const [nodeId, partitions] of Object.entries(leaders)) {
        const list = byLeader.get(nodeId) ?? [];
        for (const p of mine) if (partitions.includes(p.partition)) list.push(p);
        byLeader.set(nodeId, list);
      }
    }
    const results = await Promise.all(
      [...byLeader].map(([nodeId, list]) => this.fetchFrom(nodeId, list, maxWaitMs)),
    );
    return results.flat();
  }

  private async fetchFrom(
    nodeId: string,
    positions: Array<TopicPartition & { offset: bigint }>,
    maxWaitMs: number,
  ): Promise<FetchedPartition[]> {
    const offsetOf = new Map(positions.map((p) => [`${p.topic}\u0000${p.partition}`, p.offset]));
    const topics = [...new Set(positions.map((p) => p.topic))].map((topic) => ({
      topic,
      partitions: positions
        .filter((p) => p.topic === topic)
        .map((p) => ({
          partition: p.partition,
          fetchOffset: p.offset.toString(),
          maxBytes: MAX_PARTITION_BYTES,
        })),
    }));
    let responses: Awaited<ReturnType<Awaited<ReturnType<Cluster['findBroker']>>['fetch']>>;
    try {
      const broker = await this.cluster.findBroker({ nodeId });
      responses = await broker.fetch({
        maxWaitTime: maxWaitMs,
        minBytes: 1,
        maxBytes: MAX_BYTES,
        isolationLevel: READ_COMMITTED,
        topics,
      });
    } catch (error) {
      const type = (error as { type?: string }).type;
      if (type && STALE_METADATA.has(type)) {
        this.log.debug({ err: (error as Error).message }, 'partition leaders moved; refreshing');
        await this.cluster.refreshMetadata();
        return [];
      }
      throw error;
    }
    const out: FetchedPartition[] = [];
    for (const { topicName, partitions } of responses.responses) {
      for (const data of partitions) {
        const fetched = offsetOf.get(`${topicName}\u0000${data.partition}`);
        if (fetched === undefined) continue;
        const { messages, nextOffset } = readBatch(topicName, fetched, data);
        out.push({
          topic: topicName,
          partition: data.partition,
          nextOffset,
          highWatermark: BigInt(data.highWatermark),
          records: messages.map((m) => ({
            topic: topicName,
            partition: data.partition,
            offset: BigInt(m.offset),
            timestamp: Number(m.timestamp),
            timestampType: 'CreateTime',
            key: m.key,
            value: m.value,
            headers: fromIHeaders(m.headers as never),
          })),
        });
      }
    }
    return out;
  }

  disconnect(): Promise<void> {
    return this.cluster.disconnect();
  }
}
