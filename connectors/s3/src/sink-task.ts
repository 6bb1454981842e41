import {
  ConnectException,
  type ConnectorProps,
  isRetriable,
  type OffsetAndMetadata,
  type SinkRecord,
  SinkTask,
  type TopicPartition,
  TopicPartitionMap,
} from '@sluice/api';
import { parseSinkConfig, type S3SinkConfig } from './config.js';
import { sinkFormatOptions, viewFormats } from './object-formats.js';
import { createPartitioner } from './partitioner.js';
import { S3Storage } from './s3-storage.js';
import { TopicPartitionWriter, type WriterContext } from './topic-partition-writer.js';
import { VERSION } from './version.js';

/**
 * Writes the records of its topic partitions to S3 objects (see {@link TopicPartitionWriter}) and
 * reports as committable only offsets of records in objects S3 confirmed. When S3 fails with a
 * retriable error, the open objects of that partition are dropped and the partition is rewound to
 * their first record, so they are written again, under the same names, after `retry.backoff.ms`.
 */
export class S3SinkTask extends SinkTask {
  private config: S3SinkConfig | null = null;
  private storage: S3Storage | null = null;
  private writerContext: WriterContext | null = null;
  private readonly writers = new TopicPartitionMap<TopicPartitionWriter>();
  /** Offsets made committable by writers that were since dropped after a failure. */
  private readonly carriedOffsets = new TopicPartitionMap<number>();
  /** Partitions rewound during this put/preCommit: their records until the rewind applies are stale. */
  private readonly rewinding = new TopicPartitionMap<number>();
  /** The clock; tests may replace it. */
  now: () => number = Date.now;

  version(): string {
    return VERSION;
  }

  async start(props: ConnectorProps): Promise<void> {
    const config = parseSinkConfig(props);
    const storage = new S3Storage(config.s3);
    try {
      await storage.checkBucket();
    } catch (error) {
      storage.destroy();
      const e = error as Error;
      throw isRetriable(error) ? new ConnectException(e.message, { cause: error }) : error;
    }
    this.config = config;
    this.storage = storage;
    this.writerContext = {
      config,
      storage,
      partitioner: createPartitioner(config.partitioner, config.directoryDelim),
      formats: viewFormats(config, sinkFormatOptions(config)),
      reporter: this.context.errantRecordReporter(),
      now: () => this.now(),
      log: this.log,
    };
  }

  override open(partitions: TopicPartition[]): void {
    for (const tp of partitions) this.writers.set(tp, this.newWriter(tp));
  }

  private newWriter(tp: TopicPartition): TopicPartitionWriter {
    if (this.writerContext === null) throw new ConnectException('The S3 sink task is not started');
    return new TopicPartitionWriter(tp, this.writerContext);
  }

  async put(records: SinkRecord[]): Promise<void> {
    const byPartition = new TopicPartitionMap<SinkRecord[]>();
    for (const record of records) {
      const tp = { topic: record.topic, partition: record.kafkaPartition };
      let list = byPartition.get(tp);
      if (list === undefined) {
        list = [];
        byPartition.set(tp, list);
      }
      list.push(record);
    }
    try {
      for (const [tp, list] of byPartition) {
        if (this.rewinding.has(tp)) continue;
        const writer = this.writers.get(tp);
        if (writer === undefined) {
          throw new ConnectException(
            `No writer for topic partition ${tp.topic}-${tp.partition}: it is not assigned to this task (a transform that changes the topic or partition of sink records cannot be used with the S3 sink)`,
          );
        }
        try {
          await writer.write(list);
        } catch (error) {
          if (!isRetriable(error)) throw error;
          await this.recover(tp, writer, (list[0] as SinkRecord).kafkaOffset, error);
        }
      }
    } finally {
      // The runtime applies the rewinds asked during this put as soon as it returns.
      this.rewinding.clear();
    }
  }

  /**
   * Drops the open objects of `tp` and rewinds it to their first record (or `fallback`), after
   * waiting `retry.backoff.ms`; what the dropped writer had made committable is kept.
   */
  private async recover(
    tp: TopicPartition,
    writer: TopicPartitionWriter,
    fallback: number,
    error: unknown,
  ): Promise<void> {
    const committable = writer.takeOffsetToCommit();
    if (committable !== null) this.carriedOffsets.set(tp, committable);
    const rewindTo = writer.firstUncommittedOffset() ?? fallback;
    await writer.discard();
    this.writers.set(tp, this.newWriter(tp));
    this.context.offset(tp, rewindTo);
    this.rewinding.set(tp, rewindTo);
    const backoff = this.config?.retryBackoffMs ?? 0;
    this.log.warn(
      { err: error, topic: tp.topic, partition: tp.partition, offset: rewindTo },
      `${(error as Error).message}; dropping the open objects of ${tp.topic}-${tp.partition} and writing them again from offset ${rewindTo} in ${backoff} ms`,
    );
    if (backoff > 0) await new Promise((resolve) => setTimeout(resolve, backoff));
  }

  override async preCommit(
    _currentOffsets: TopicPartitionMap<OffsetAndMetadata>,
  ): Promise<TopicPartitionMap<OffsetAndMetadata>> {
    const out = new TopicPartitionMap<OffsetAndMetadata>();
    for (const [tp, writer] of this.writers) {
      try {
        await writer.tick();
      } catch (error) {
        if (!isRetriable(error)) throw error;
        const start = writer.firstUncommittedOffset();
        if (start !== null) await this.recover(tp, writer, start, error);
      }
      const current = this.writers.get(tp);
      const offset = current?.takeOffsetToCommit() ?? null;
      const carried = this.carriedOffsets.get(tp) ?? null;
      this.carriedOffsets.delete(tp);
      const best =
        offset === null ? carried : carried === null ? offset : Math.max(offset, carried);
      if (best !== null) out.set(tp, { offset: best });
    }
    return out;
  }

  override async close(partitions: TopicPartition[]): Promise<void> {
    for (const tp of partitions) {
      const writer = this.writers.get(tp);
      this.writers.delete(tp);
      this.carriedOffsets.delete(tp);
      // Open objects are not written: their records are delivered again from the committed offset.
      await writer?.discard();
    }
  }

  async stop(): Promise<void> {
    await this.close(this.writers.keys());
    this.storage?.destroy();
    this.storage = null;
  }
}
