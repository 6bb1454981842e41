/** A Kafka topic partition. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/**
 * A sink offset to commit: the offset of the NEXT record to consume (last processed + 1), as in
 * Kafka, with optional metadata.
 */
export interface OffsetAndMetadata {
  readonly offset: number;
  readonly metadata?: string | undefined;
}

/** The string `topic-partition` identifying a topic partition (e.g. `orders-3`). */
export function topicPartitionKey(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/**
 * A Map keyed by topic partition *value* (two `{topic, partition}` objects with the same fields
 * are the same key), which a plain JS Map of objects cannot do. Used for every offsets map in the
 * sink API (`flush`, `preCommit`, `SinkTaskContext.offset`, `SinkConnector.alterOffsets`).
 */
export class TopicPartitionMap<V> implements Iterable<[TopicPartition, V]> {
  private readonly entriesByKey = new Map<string, [TopicPartition, V]>();

  constructor(entries?: Iterable<readonly [TopicPartition, V]>) {
    if (entries) for (const [tp, value] of entries) this.set(tp, value);
  }

  get size(): number {
    return this.entriesByKey.size;
  }

  get(tp: TopicPartition): V | undefined {
    return this.entriesByKey.get(topicPartitionKey(tp))?.[1];
  }

  has(tp: TopicPartition): boolean {
    return this.entriesByKey.has(topicPartitionKey(tp));
  }

  set(tp: TopicPartition, value: V): this {
    const key: TopicPartition = Object.freeze({ topic: tp.topic, partition: tp.partition });
    this.entriesByKey.set(topicPartitionKey(tp), [key, value]);
    return this;
  }

  delete(tp: TopicPartition): boolean {
    return this.entriesByKey.delete(topicPartitionKey(tp));
  }

  clear(): void {
    this.entriesByKey.clear();
  }

  /** The topic partitions, in insertion order. */
  keys(): TopicPartition[] {
    return [...this.entriesByKey.values()].map(([tp]) => tp);
  }

  values(): V[] {
    return [...this.entriesByKey.values()].map(([, v]) => v);
  }

  entries(): [TopicPartition, V][] {
    return [...this.entriesByKey.values()].map(([tp, v]) => [tp, v]);
  }

  forEach(callback: (value: V, tp: TopicPartition) => void): void {
    for (const [tp, v] of this.entriesByKey.values()) callback(v, tp);
  }

  [Symbol.iterator](): Iterator<[TopicPartition, V]> {
    return this.entries()[Symbol.iterator]();
  }

  /** A shallow copy. */
  copy(): TopicPartitionMap<V> {
    return new TopicPartitionMap(this.entries());
  }

  /** `[{topic, partition, value}]`, for logs and JSON. */
  toJSON(): { topic: string; partition: number; value: V }[] {
    return this.entries().map(([tp, value]) => ({
      topic: tp.topic,
      partition: tp.partition,
      value,
    }));
  }
}
