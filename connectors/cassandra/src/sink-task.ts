import {
  ConfigException,
  ConnectException,
  type ConnectorProps,
  DataException,
  RetriableException,
  type SinkRecord,
  SinkTask,
} from '@sluice/api';
import type cassandra from 'cassandra-driver';
import { classifyFailure, connect, describeFailure } from './cassandra-session.js';
import { parseSinkConfig, type SinkConfig } from './config.js';
import { type BoundWrite, RecordView, TableWriter } from './table-writer.js';
import { TextCodecs } from './text-codecs.js';
import { VERSION } from './version.js';

/** Writes of one table and partition, sent in order, at most `maxNumberOfRecordsInBatch` per request. */
type Group = BoundWrite[];

/** A record that could not be written, and why. */
interface Failure {
  readonly record: SinkRecord;
  readonly error: Error;
  /** True when Cassandra refused it (as opposed to the record not fitting the mapping). */
  readonly refusedByServer: boolean;
}

/** Runs `work` over `items` with at most `limit` running at once. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Writes records to Cassandra the way the DataStax Apache Kafka Connector does: each record
 * becomes one prepared statement per table its topic maps to; statements of the same table and
 * partition key are grouped into unlogged batches of at most `maxNumberOfRecordsInBatch` (sent
 * one after the other, so a partition's writes keep their order); partitions are written side
 * by side with at most `maxConcurrentRequests` requests in flight. `put` returns once every
 * write was acknowledged, so committed offsets are always written.
 *
 * When Cassandra refuses a batch, its statements are sent again one by one, so only the records
 * it refuses go to the error reporter (with the server's message) and the rest are written. When
 * Cassandra cannot be reached (restart, timeouts, overload), `put` throws a RetriableException
 * and the runtime delivers the same records again after a backoff: writes carry the record
 * timestamp, so writing a record twice leaves the same row (counter updates are the exception).
 */
export class CassandraSinkTask extends SinkTask {
  private config: SinkConfig | null = null;
  private client: cassandra.Client | null = null;
  private readonly writers = new Map<string, TableWriter[]>();
  private readonly codecs = new Map<string, TextCodecs>();

  version(): string {
    return VERSION;
  }

  async start(props: ConnectorProps): Promise<void> {
    const config = parseSinkConfig(props);
    this.config = config;
    for (const [topic, settings] of config.topics) {
      try {
        this.codecs.set(topic, TextCodecs.of(settings.codec));
      } catch (error) {
        throw new ConfigException(
          `Invalid codec settings of topic ${topic}: ${(error as Error).message}`,
          {
            key: `topic.${topic}.codec`,
            cause: error,
          },
        );
      }
    }
    const name = typeof props.name === 'string' ? props.name : 'sink';
    this.client = await connect(config.connection, `sluice-cassandra-sink ${name}`, this.log);
    try {
      for (const [topic, settings] of config.topics) {
        const writers: TableWriter[] = [];
        for (const table of settings.tables) {
          const writer = await TableWriter.create(
            this.client,
            table,
            this.codecs.get(topic) as TextCodecs,
          );
          writers.push(writer);
          this.log.info(
            { topic, table: writer.name, statements: writer.queries },
            `Topic ${topic} writes to ${writer.name}: ${writer.queries.join(' / ')}`,
          );
        }
        this.writers.set(topic, writers);
      }
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async put(records: SinkRecord[]): Promise<void> {
    const config = this.config;
    const client = this.client;
    if (config === null || client === null)
      throw new ConnectException('CassandraSinkTask.put called before start');
    const failures: Failure[] = [];
    const groups = new Map<string, Group>();
    for (const record of records) {
      const writers = this.writers.get(record.topic);
      if (writers === undefined) {
        throw new ConnectException(
          `Record of topic ${record.topic} (partition ${record.kafkaPartition}, offset ${record.kafkaOffset}) has no table settings: add topic.${record.topic}.<keyspace>.<table>.mapping`,
        );
      }
      const view = new RecordView(record);
      for (const writer of writers) {
        try {
          const write = writer.bind(view);
          const key = `${writer.name}\u0001${write.routingKey}`;
          const group = groups.get(key);
          if (group === undefined) groups.set(key, [write]);
          else group.push(write);
        } catch (error) {
          if (!(error instanceof DataException)) throw error;
          failures.push({ record, error, refusedByServer: false });
        }
      }
    }
    let retriable: unknown = null;
    const most = config.maxNumberOfRecordsInBatch;
    await inParallel(
      [...groups.values()],
      config.connection.maxConcurrentRequests,
      async (group) => {
        for (let i = 0; i < group.length && retriable === null; i += most) {
          // Most groups fit in one request (a partition per record): no copy then.
          const chunk = group.length <= most ? group : group.slice(i, i + most);
          const failed = await this.write(client, chunk);
          if (failed === null) continue;
          const kind = classifyFailure(failed);
          if (kind === 'retriable') retriable = failed;
          else if (kind === 'fatal') {
            throw new ConnectException(
              `Writing to ${chunk[0]?.writer.name} failed: ${describeFailure(failed)} (statement: ${chunk[0]?.query})`,
              { cause: failed },
            );
          } else if (chunk.length === 1) {
            failures.push(this.refused(chunk[0] as BoundWrite, failed));
          } else {
            // Cassandra refused the batch: find out which records it refuses.
            for (const write of chunk) {
              const error = await this.write(client, [write]);
              if (error === null) continue;
              const one = classifyFailure(error);
              if (one === 'data') failures.push(this.refused(write, error));
              else if (one === 'retriable') retriable = error;
              else
                throw new ConnectException(
                  `Writing to ${write.writer.name} failed: ${describeFailure(error)}`,
                  { cause: error },
                );
            }
          }
        }
      },
    );
    if (retriable !== null) {
      // Nothing is reported yet: the records come again and are judged again.
      throw new RetriableException(
        `Cassandra is not available for writes: ${describeFailure(retriable)}; the records are written again after a backoff`,
        { cause: retriable },
      );
    }
    await this.handleFailures(config, failures);
  }

  private refused(write: BoundWrite, error: unknown): Failure {
    const { record } = write;
    return {
      record,
      refusedByServer: true,
      error: new DataException(
        `Cassandra refused the write of record ${record.topic}-${record.kafkaPartition}@${record.kafkaOffset} to ${write.writer.name}: ${describeFailure(error)}`,
        { record, cause: error },
      ),
    };
  }

  /** Sends writes as one statement or one unlogged batch; the error, or null once acknowledged. */
  private async write(client: cassandra.Client, writes: BoundWrite[]): Promise<unknown> {
    const first = writes[0] as BoundWrite;
    try {
      if (writes.length === 1) {
        await client.execute(first.query, first.params, first.writer.statementOptions);
      } else {
        await client.batch(
          writes.map((w) => ({ query: w.query, params: w.params })),
          first.writer.batchOptions,
        );
      }
      return null;
    } catch (error) {
      return error;
    }
  }

  private async handleFailures(config: SinkConfig, failures: Failure[]): Promise<void> {
    if (failures.length === 0) return;
    const ignore = (f: Failure) =>
      config.ignoreErrors === 'All' || (config.ignoreErrors === 'Driver' && f.refusedByServer);
    const reporter = this.context.errantRecordReporter();
    const reports: Promise<void>[] = [];
    for (const failure of failures) {
      const { record, error } = failure;
      if (ignore(failure)) {
        this.log.warn(
          {
            topic: record.topic,
            partition: record.kafkaPartition,
            offset: record.kafkaOffset,
            err: error,
          },
          `Skipping record ${record.topic}-${record.kafkaPartition}@${record.kafkaOffset} (ignoreErrors=${config.ignoreErrors}): ${error.message}`,
        );
      } else if (reporter !== null) reports.push(reporter.report(record, error));
      else throw error;
    }
    await Promise.all(reports);
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.writers.clear();
    if (client !== null) await client.shutdown();
  }
}
