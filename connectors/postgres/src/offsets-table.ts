import { type SinkRecord, type TopicPartition, TopicPartitionMap } from '@sluice/api';
import type pg from 'pg';
import { quoteTable, type TableId } from './pg-connection.js';

/** The Kafka offsets a batch covers in one partition: its first record and the next to consume. */
export interface PartitionSpan extends TopicPartition {
  readonly first: number;
  readonly next: number;
}

/**
 * The span of each partition in `records`, by where they were consumed (`original*`: a transform
 * may have renamed the topic, and the stored offsets are where the consumer resumes).
 */
export function spansOf(records: readonly SinkRecord[]): PartitionSpan[] {
  const spans = new TopicPartitionMap<{ first: number; next: number }>();
  for (const r of records) {
    const tp = { topic: r.originalTopic, partition: r.originalKafkaPartition };
    const span = spans.get(tp);
    const offset = r.originalKafkaOffset;
    if (span === undefined) spans.set(tp, { first: offset, next: offset + 1 });
    else {
      span.first = Math.min(span.first, offset);
      span.next = Math.max(span.next, offset + 1);
    }
  }
  return spans.entries().map(([tp, s]) => ({ ...tp, ...s }));
}

/**
 * The offsets table of the exactly-once mode: per connector, topic and partition the next Kafka
 * offset to consume, written in the same transaction as the rows those records became. It is
 * the truth the task resumes from; the consumer group's offsets only follow it.
 */
export class OffsetsTable {
  readonly name: string;

  constructor(
    table: TableId,
    private readonly connector: string,
  ) {
    this.name = quoteTable(table);
  }

  /** CREATE TABLE IF NOT EXISTS for the table. */
  createSql(): string {
    return `CREATE TABLE IF NOT EXISTS ${this.name} (connector text NOT NULL, topic text NOT NULL, "partition" integer NOT NULL, next_offset bigint NOT NULL, PRIMARY KEY (connector, topic, "partition"))`;
  }

  /** The stored next offsets of `partitions` (those with a row). */
  async read(
    client: pg.Client,
    partitions: readonly TopicPartition[],
  ): Promise<TopicPartitionMap<number>> {
    const out = new TopicPartitionMap<number>();
    if (partitions.length === 0) return out;
    const { rows } = await client.query<{ topic: string; partition: string; next_offset: string }>(
      `SELECT topic, "partition", next_offset FROM ${this.name} WHERE connector = $1 AND (topic, "partition") IN (SELECT * FROM unnest($2::text[], $3::integer[]))`,
      [this.connector, partitions.map((p) => p.topic), partitions.map((p) => p.partition)],
    );
    for (const r of rows) {
      out.set({ topic: r.topic, partition: Number(r.partition) }, Number(r.next_offset));
    }
    return out;
  }

  /**
   * Within the caller's transaction, moves each span's partition to the span's next offset and
   * locks its row until the transaction ends. Returns the partitions whose stored offset is
   * already past the span's first record: another task (an older owner of the partition) wrote
   * those records, and the transaction must not write them again.
   */
  async claim(client: pg.Client, spans: readonly PartitionSpan[]): Promise<TopicPartition[]> {
    const taken: TopicPartition[] = [];
    for (const s of spans) {
      // The row is locked by the upsert: a concurrent writer of the partition waits for this
      // transaction, then finds the offset moved and its own claim refused.
      const { rowCount } = await client.query(
        `INSERT INTO ${this.name} AS o (connector, topic, "partition", next_offset) VALUES ($1, $2, $3, $4)
           ON CONFLICT (connector, topic, "partition") DO UPDATE SET next_offset = EXCLUDED.next_offset
           WHERE o.next_offset <= $5`,
        [this.connector, s.topic, s.partition, s.next, s.first],
      );
      if (rowCount === 0) taken.push({ topic: s.topic, partition: s.partition });
    }
    return taken;
  }

  /** Sets (or, for null, deletes) the stored offsets of partitions, for KIP-875 offset changes. */
  async alter(client: pg.Client, offsets: TopicPartitionMap<number | null>): Promise<void> {
    await client.query('BEGIN');
    try {
      for (const [tp, offset] of offsets) {
        if (offset === null) {
          await client.query(
            `DELETE FROM ${this.name} WHERE connector = $1 AND topic = $2 AND "partition" = $3`,
            [this.connector, tp.topic, tp.partition],
          );
        } else {
          await client.query(
            `INSERT INTO ${this.name} (connector, topic, "partition", next_offset) VALUES ($1, $2, $3, $4)
               ON CONFLICT (connector, topic, "partition") DO UPDATE SET next_offset = EXCLUDED.next_offset`,
            [this.connector, tp.topic, tp.partition, offset],
          );
        }
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  }
}
