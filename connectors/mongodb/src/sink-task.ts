import {
  ConfigException,
  ConnectException,
  type ConnectorProps,
  DataException,
  RetriableException,
  type SinkRecord,
  SinkTask,
} from '@sluice/api';
import {
  BSON,
  type Collection,
  MongoBulkWriteError,
  type MongoClient,
  MongoServerError,
} from 'mongodb';
import { parseSinkConfig, type SinkConfig } from './config.js';
import { connectClient, describeMongoError, isRetriableMongoError } from './mongo-client.js';
import type { Namespace } from './namespace-mapper.js';
import { SinkDocument } from './sink-document.js';
import { TopicWriter } from './topic-writer.js';
import { VERSION } from './version.js';
import type { WriteModel } from './write-model.js';

/** One record's write. */
interface Item {
  readonly record: SinkRecord;
  readonly model: WriteModel;
}

/** Records of one topic and namespace, written in one bulk write. */
interface Batch {
  readonly writer: TopicWriter;
  readonly namespace: Namespace;
  readonly items: Item[];
}

/** A record that could not be written, and why. */
interface Failure {
  readonly record: SinkRecord;
  readonly error: Error;
  /** Whether the record itself is at fault (conversion, a write MongoDB refused), not the set-up. */
  readonly data: boolean;
}

/** A write MongoDB refused, by its index in the bulk write. */
interface Refusal {
  readonly index: number;
  readonly code: number;
  readonly message: string;
  readonly details: unknown;
  /** The whole command was refused (not this write in particular). */
  readonly wholeCommand: boolean;
}

const { EJSON } = BSON;

const where = (r: SinkRecord) => `${r.topic}-${r.kafkaPartition}@${r.kafkaOffset}`;

/**
 * Writes records to MongoDB as mongo-kafka's sink does: each record becomes a document (id
 * strategy, post processors) and a write (write model strategy), or, with a CDC handler, the write
 * its change event describes; consecutive records of one namespace (at most `max.batch.size`) are
 * written in one bulk write. `put` returns once every write was acknowledged, so committed offsets
 * are always written.
 *
 * A write MongoDB refuses is mapped back to its record by its index in the bulk write and checked
 * by writing it alone; it goes to the error reporter (dead letter queue) with the server's error,
 * and the rest of the batch is written (in an ordered bulk write the server stops at the failure:
 * the writes after it are sent again). When MongoDB cannot be reached, `put` throws a
 * RetriableException and the runtime delivers the same records again after a backoff.
 */
export class MongoSinkTask extends SinkTask {
  private config: SinkConfig | null = null;
  private client: MongoClient | null = null;
  private readonly writers = new Map<string, TopicWriter>();
  private readonly checkedTimeseries = new Set<string>();

  version(): string {
    return VERSION;
  }

  async start(props: ConnectorProps): Promise<void> {
    this.config = parseSinkConfig(props);
    const name = typeof props.name === 'string' ? props.name : 'sink';
    try {
      this.client = await connectClient(this.config.connection, `sluice-mongodb-sink ${name}`);
    } catch (error) {
      throw new RetriableException(`Cannot connect to MongoDB: ${describeMongoError(error)}`, {
        cause: error,
      });
    }
    for (const topic of this.config.topics.keys()) this.writerOf(topic);
  }

  private writerOf(topic: string): TopicWriter {
    let writer = this.writers.get(topic);
    if (writer !== undefined) return writer;
    const config = (this.config as SinkConfig).topicConfig(topic);
    writer = new TopicWriter(config, this.log);
    this.writers.set(topic, writer);
    this.log.info(
      { topic, database: config.database, collection: config.collection },
      `Topic ${topic} writes to ${config.database}.${config.collection} (${config.cdcHandler === null ? `${config.idStrategy}, ${config.writeModel}` : config.cdcHandler})`,
    );
    return writer;
  }

  async put(records: SinkRecord[]): Promise<void> {
    const client = this.client;
    if (client === null) throw new ConnectException('MongoSinkTask.put called before start');
    const failures: { writer: TopicWriter; failure: Failure }[] = [];
    const batches: Batch[] = [];
    let current: Batch | null = null;
    for (const record of records) {
      let writer: TopicWriter;
      try {
        writer = this.writerOf(record.topic);
      } catch (error) {
        if (error instanceof ConfigException)
          throw new ConnectException(`Record ${where(record)}: ${error.message}`, {
            cause: error,
            record,
          });
        throw error;
      }
      let namespace: Namespace;
      let model: WriteModel | null;
      try {
        const doc = new SinkDocument(record);
        namespace = writer.namespace(doc);
        model = writer.modelOf(doc);
      } catch (error) {
        failures.push({
          writer,
          failure: {
            record,
            error: this.dataError(record, error),
            data: error instanceof DataException,
          },
        });
        continue;
      }
      if (model === null) continue;
      const max = writer.config.maxBatchSize;
      if (
        current === null ||
        current.writer !== writer ||
        current.namespace.database !== namespace.database ||
        current.namespace.collection !== namespace.collection ||
        (max > 0 && current.items.length >= max)
      ) {
        current = { writer, namespace, items: [] };
        batches.push(current);
      }
      current.items.push({ record, model });
    }
    // Records that could not be converted are reported before anything is written: with
    // tolerance `none` the task fails here, as mongo-kafka does.
    await this.handle(failures);
    for (const batch of batches) {
      const refused = await this.writeBatch(client, batch);
      await this.handle(refused.map((failure) => ({ writer: batch.writer, failure })));
      await this.rateLimit(batch.writer);
    }
  }

  private dataError(record: SinkRecord, error: unknown): Error {
    const message = error instanceof Error ? error.message : String(error);
    return new DataException(`Record ${where(record)} cannot be written to MongoDB: ${message}`, {
      record,
      cause: error,
    });
  }

  private async collectionOf(client: MongoClient, batch: Batch): Promise<Collection> {
    const { database, collection } = batch.namespace;
    const ns = `${database}.${collection}`;
    const timeseries = batch.writer.config.timeseries;
    if (timeseries !== null && !this.checkedTimeseries.has(ns)) {
      const db = client.db(database);
      const found = await db.listCollections({ name: collection }).toArray();
      if (found.length === 0) {
        await db.createCollection(collection, {
          timeseries: {
            timeField: timeseries.timeField,
            ...(timeseries.metaField === '' ? {} : { metaField: timeseries.metaField }),
            ...(timeseries.granularity === ''
              ? {}
              : { granularity: timeseries.granularity as 'seconds' | 'minutes' | 'hours' }),
          },
          ...(timeseries.expireAfterSeconds > 0
            ? { expireAfterSeconds: timeseries.expireAfterSeconds }
            : {}),
        });
        this.log.info({ namespace: ns }, `Created the time series collection ${ns}`);
      } else if (found[0]?.type !== 'timeseries') {
        throw new ConnectException(
          `A collection already exists for: \`${ns}\` that is not a timeseries collection.`,
        );
      }
      this.checkedTimeseries.add(ns);
    }
    return client.db(database).collection(collection);
  }

  /** Writes a batch; the records MongoDB refused, each with the server's error. */
  private async writeBatch(client: MongoClient, batch: Batch): Promise<Failure[]> {
    const coll = await this.retriably(batch, () => this.collectionOf(client, batch));
    const failures: Failure[] = [];
    let pending = batch.items;
    let ordered = batch.writer.config.bulkWriteOrdered;
    while (pending.length > 0) {
      const outcome = await this.bulkWrite(coll, pending, ordered, batch);
      if (outcome === null) break;
      const { refusals, applied } = outcome;
      for (const refusal of refusals) {
        const item = pending[refusal.index];
        if (item === undefined) continue;
        if (refusal.wholeCommand) {
          failures.push(this.refused(item.record, batch, refusal));
          continue;
        }
        // Checked alone: FerretDB reports a failed update command at index 0 of the command.
        const alone = await this.bulkWrite(coll, [item], true, batch);
        const refused = alone?.refusals[0];
        if (refused !== undefined) failures.push(this.refused(item.record, batch, refused));
      }
      if (refusals.some((r) => r.wholeCommand)) break;
      if (ordered) {
        pending = pending.slice((refusals[0]?.index ?? pending.length) + 1);
        continue;
      }
      // An unordered bulk write applies every other write, unless the server stopped at the
      // failure anyway (FerretDB 1.x): then the upserts (safe to repeat) are written again, in order.
      const failed = new Set(refusals.map((r) => r.index));
      const repeatable = pending.every(
        (i) =>
          ('replaceOne' in i.model && i.model.replaceOne.upsert === true) ||
          ('updateOne' in i.model && i.model.updateOne.upsert === true),
      );
      if (!repeatable || applied >= pending.length - failed.size) break;
      pending = pending.filter((_, i) => !failed.has(i));
      ordered = true;
    }
    return failures;
  }

  /**
   * One bulk write: null when every write was acknowledged, else the writes MongoDB refused (by
   * index, sorted) and how many it says it applied. Throws a RetriableException when MongoDB is
   * unreachable or a write concern was not met.
   */
  private async bulkWrite(
    coll: Collection,
    items: readonly Item[],
    ordered: boolean,
    batch: Batch,
  ): Promise<{ refusals: Refusal[]; applied: number } | null> {
    try {
      await coll.bulkWrite(
        items.map((i) => i.model),
        { ordered },
      );
      return null;
    } catch (error) {
      const writeErrors = error instanceof MongoBulkWriteError ? [error.writeErrors].flat() : [];
      if (error instanceof MongoBulkWriteError && writeErrors.length > 0) {
        if (error.writeConcernError !== undefined && error.writeConcernError !== null)
          throw this.unavailable(batch, error);
        const r = error.result;
        return {
          refusals: writeErrors
            .sort((a, b) => a.index - b.index)
            .map((w) => ({
              index: w.index,
              code: w.code,
              message: w.errmsg ?? '',
              details: w.errInfo ?? {},
              wholeCommand: false,
            })),
          applied: r.insertedCount + r.matchedCount + r.upsertedCount + r.deletedCount,
        };
      }
      if (isRetriableMongoError(error) || error instanceof MongoBulkWriteError)
        throw this.unavailable(batch, error);
      if (!(error instanceof MongoServerError)) throw error;
      // A command refused as a whole (authorization, a bad namespace): every record fails.
      return {
        refusals: items.map((_, index) => ({
          index,
          code: typeof error.code === 'number' ? error.code : 0,
          message: error.errmsg ?? error.message,
          details: error.errInfo ?? {},
          wholeCommand: true,
        })),
        applied: 0,
      };
    }
  }

  private async retriably<T>(batch: Batch, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isRetriableMongoError(error)) throw this.unavailable(batch, error);
      throw error;
    }
  }

  private unavailable(batch: Batch, error: unknown): RetriableException {
    const { database, collection } = batch.namespace;
    return new RetriableException(
      `Writing to ${database}.${collection} failed: ${describeMongoError(error)}; the records are written again after a backoff`,
      { cause: error },
    );
  }

  /** A refused write, with mongo-kafka's WriteException text (`v=1, code=..., message=..., details=...`). */
  private refused(record: SinkRecord, batch: Batch, refusal: Refusal): Failure {
    const { database, collection } = batch.namespace;
    return {
      record,
      data: !refusal.wholeCommand,
      error: new DataException(
        `MongoDB refused the write of record ${where(record)} to ${database}.${collection}: v=1, code=${refusal.code}, message=${refusal.message}, details=${EJSON.stringify(refusal.details)}`,
        { record },
      ),
    };
  }

  /** Reports failures per each topic's tolerance: to the dead letter queue, the log, or the task's failure. */
  private async handle(
    failures: readonly { writer: TopicWriter; failure: Failure }[],
  ): Promise<void> {
    if (failures.length === 0) return;
    const reporter = this.context.errantRecordReporter();
    const reports: Promise<void>[] = [];
    for (const { writer, failure } of failures) {
      const { record, error } = failure;
      if (
        writer.config.tolerance === 'none' ||
        (writer.config.tolerance === 'data' && !failure.data)
      )
        throw error;
      if (writer.config.logErrors || reporter === null)
        this.log.warn(
          {
            topic: record.topic,
            partition: record.kafkaPartition,
            offset: record.kafkaOffset,
            err: error,
          },
          reporter === null
            ? `Skipping record ${where(record)} (errors tolerated, no dead letter queue): ${error.message}`
            : error.message,
        );
      if (reporter !== null) reports.push(reporter.report(record, error));
    }
    await Promise.all(reports);
  }

  private async rateLimit(writer: TopicWriter): Promise<void> {
    const { rateLimitEveryN, rateLimitTimeoutMs } = writer.config;
    if (rateLimitEveryN === 0) return;
    writer.writes += 1;
    if (writer.writes < rateLimitEveryN) return;
    writer.writes = 0;
    this.log.debug(
      { topic: writer.config.topic, ms: rateLimitTimeoutMs },
      `Rate limit: waiting ${rateLimitTimeoutMs} ms after ${rateLimitEveryN} bulk writes`,
    );
    await new Promise((resolve) => setTimeout(resolve, rateLimitTimeoutMs));
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.writers.clear();
    if (client !== null) await client.close();
  }
}
