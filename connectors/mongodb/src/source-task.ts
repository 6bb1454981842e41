import {
  ConnectException,
  type ConnectorProps,
  RetriableException,
  SchemaBuilder,
  type SourcePartition,
  SourceRecord,
  SourceTask,
} from '@sluice/api';
import type { Document, MongoClient } from 'mongodb';
import { type ChangeEvent, streamEvent } from './change-event.js';
import { ChangeStreamReader, isLostResumeToken } from './change-stream-reader.js';
import { parseSourceConfig, type SourceConfig } from './config.js';
import { EventEncoder } from './event-encoder.js';
import { ExistingDataCopier, namespacesToCopy } from './existing-data-copier.js';
import { connectClient, describeMongoError, isRetriableMongoError } from './mongo-client.js';
import { PollingReader } from './polling-reader.js';
import { deserialize } from './schema-mapping.js';
import {
  COPY_KEY,
  changeStreamPartition,
  HEARTBEAT_KEY,
  pollingPartition,
  RESUME_TOKEN_KEY,
  storedPollingPosition,
  storedToken,
  tokenText,
} from './source-offset.js';
import { TopicMapper } from './topic-mapper.js';
import { VERSION } from './version.js';

/** Longest a poll waits when nothing is due, so stop and commits are never held up. */
const MAX_IDLE_WAIT_MS = 1000;
const HEARTBEAT_KEY_SCHEMA = SchemaBuilder.string().build();
const HEARTBEAT_VALUE_SCHEMA = SchemaBuilder.bytes().optional().build();

/**
 * Reads MongoDB as mongo-kafka's source does: a change stream (resume tokens as offsets, heartbeats,
 * `copy_existing` first when asked), or ★ the polling mode for servers without change streams.
 */
export class MongoSourceTask extends SourceTask {
  private config: SourceConfig | null = null;
  private client: MongoClient | null = null;
  private encoder: EventEncoder | null = null;
  private topics: TopicMapper | null = null;
  private partition: SourcePartition = {};
  private stream: ChangeStreamReader | null = null;
  private copier: ExistingDataCopier | null = null;
  /** The first change of the stream opened before copying, and where the stream goes on after the copy. */
  private cached: { events: Document[]; token: Document | null } | null = null;
  private readers: PollingReader[] = [];
  private lastHeartbeat = 0;
  private lastHeartbeatToken = '';
  private stopping = false;
  private wake: (() => void) | null = null;

  version(): string {
    return VERSION;
  }

  async start(props: ConnectorProps): Promise<void> {
    this.stopping = false;
    const config = parseSourceConfig(props);
    this.config = config;
    const name = typeof props.name === 'string' ? props.name : 'source';
    try {
      this.client = await connectClient(config.connection, `sluice-mongodb-source ${name}`);
    } catch (error) {
      throw new RetriableException(`Cannot connect to MongoDB: ${describeMongoError(error)}`, {
        cause: error,
      });
    }
    this.encoder = new EventEncoder(config, (_event, error) => {
      if (config.logErrors) this.log.warn({ err: error }, error.message);
    });
    this.topics = new TopicMapper(
      config.namespaceMap,
      config.topicPrefix,
      config.topicSuffix,
      config.topicSeparator,
    );
    try {
      if (config.polling !== null) await this.startPolling(config, this.client);
      else await this.startStream(config, this.client);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  private async startPolling(config: SourceConfig, client: MongoClient): Promise<void> {
    const names =
      config.collection !== ''
        ? [config.collection]
        : (await client.db(config.database).listCollections({}, { nameOnly: true }).toArray())
            .map((c) => c.name)
            .filter((n) => !n.startsWith('system.'));
    const partitions = names.map((n) => pollingPartition(config, n));
    const offsets = await this.context.offsetStorageReader().offsets(partitions);
    for (const [i, coll] of names.entries()) {
      const partition = partitions[i] as SourcePartition;
      const stored = storedPollingPosition(offsets.get(partition) ?? null);
      const reader = await PollingReader.create(
        client.db(config.database).collection(coll),
        config,
        partition,
        stored,
        (this.topics as TopicMapper).topic(config.database, coll),
        this.encoder as EventEncoder,
      );
      this.readers.push(reader);
      this.log.info(
        { collection: reader.name, offset: stored },
        stored === null
          ? `Polling ${reader.name} by ${config.polling?.field} (${config.polling?.mode}), starting per startup.mode=${config.startupMode}`
          : `Polling ${reader.name} by ${config.polling?.field} (${config.polling?.mode}) after the committed offset`,
      );
    }
  }

  private async startStream(config: SourceConfig, client: MongoClient): Promise<void> {
    this.partition = changeStreamPartition(config);
    const offset = await this.context.offsetStorageReader().offset(this.partition);
    this.stream = new ChangeStreamReader(client, config, this.log);
    const copy = config.startupMode === 'copy_existing' && (offset === null || COPY_KEY in offset);
    if (!copy) {
      this.stream.open(storedToken(offset));
      return;
    }
    // As mongo-kafka: the stream is opened first, so the changes made while copying are not lost.
    this.stream.open(null);
    const events = await this.stream.next(1);
    this.cached = {
      events,
      token: (events[0]?._id as Document | undefined) ?? this.stream.resumeToken,
    };
    await this.stream.close();
    this.copier = new ExistingDataCopier(
      client,
      config,
      await namespacesToCopy(client, config),
      this.log,
    );
  }

  async poll(): Promise<SourceRecord[] | null> {
    const config = this.config;
    if (this.stopping || config === null) return null;
    try {
      if (config.polling !== null) return await this.pollCollections(config);
      if (this.copier !== null) return await this.pollCopy(config, this.copier);
      return await this.pollStream(config);
    } catch (error) {
      if (this.stopping) return null;
      if (isRetriableMongoError(error))
        throw new RetriableException(`Reading MongoDB failed: ${describeMongoError(error)}`, {
          cause: error,
        });
      throw error;
    }
  }

  private async pollCollections(config: SourceConfig): Promise<SourceRecord[]> {
    const next = this.readers.reduce<PollingReader | null>(
      (best, r) => (best === null || r.dueAt < best.dueAt ? r : best),
      null,
    );
    const wait = next === null ? MAX_IDLE_WAIT_MS : next.dueAt - Date.now();
    if (next === null || wait > 0) {
      await this.sleep(Math.min(wait, MAX_IDLE_WAIT_MS));
      return [];
    }
    const now = Date.now();
    const { records, more } = await next.read(config.pollMaxBatchSize, now);
    next.dueAt = more ? 0 : now + (config.polling?.intervalMs ?? 0);
    return records;
  }

  private async pollCopy(
    config: SourceConfig,
    copier: ExistingDataCopier,
  ): Promise<SourceRecord[]> {
    const events = await copier.poll(config.pollMaxBatchSize, MAX_IDLE_WAIT_MS);
    const done = !copier.copying;
    const records: SourceRecord[] = [];
    for (const [i, event] of events.entries()) {
      const last = done && i === events.length - 1 && this.cached?.token;
      const offset = last
        ? { [RESUME_TOKEN_KEY]: tokenText(this.cached?.token as Document) }
        : {
            [RESUME_TOKEN_KEY]: tokenText(deserialize(event.idKey())._id as Document),
            [COPY_KEY]: 'true',
          };
      const record = this.recordOf(event, offset);
      if (record !== null) records.push(record);
    }
    if (done) {
      this.log.info({}, 'Finished copying existing data from the collection(s).');
      copier.close();
      this.copier = null;
      const cached = this.cached;
      this.cached = null;
      (this.stream as ChangeStreamReader).open(cached?.token ?? null);
      for (const event of cached?.events ?? []) {
        const record = this.streamRecord(event);
        if (record !== null) records.push(record);
      }
    }
    return records;
  }

  private async pollStream(config: SourceConfig): Promise<SourceRecord[] | null> {
    const stream = this.stream as ChangeStreamReader;
    let events: Document[];
    try {
      events = await stream.next(config.pollMaxBatchSize);
    } catch (error) {
      if (!isLostResumeToken(error)) throw error;
      if (!config.tolerateErrors)
        throw new ConnectException(
          `ResumeToken not found. Cannot create a change stream cursor: ${describeMongoError(error)}. The stored resume token is no longer in the oplog: changes may have been lost. To start again without it, use a new offset.partition.name, set errors.tolerance=all (the stream restarts from now), or remove the stored offset; startup.mode=copy_existing then copies all the data again.`,
          { cause: error },
        );
      this.log.error(
        { err: error },
        `Failed to resume change stream: ${describeMongoError(error)}. When the resume token is no longer available there is the potential for data loss. Restarting the change stream with no resume token because errors.tolerance=all.`,
      );
      await stream.close();
      stream.open(null);
      return [];
    }
    const records: SourceRecord[] = [];
    for (const event of events) {
      const record = this.streamRecord(event);
      if (record !== null) records.push(record);
    }
    if (records.length > 0 || config.heartbeatIntervalMs <= 0) return records;
    return this.heartbeat(config, stream);
  }

  private heartbeat(config: SourceConfig, stream: ChangeStreamReader): SourceRecord[] {
    const now = Date.now();
    if (now - this.lastHeartbeat <= config.heartbeatIntervalMs) return [];
    this.lastHeartbeat = now;
    const token = stream.resumeToken;
    if (token === null) return [];
    const text = tokenText(token);
    if (text === this.lastHeartbeatToken) return [];
    this.lastHeartbeatToken = text;
    return [
      new SourceRecord({
        sourcePartition: this.partition,
        sourceOffset: { [RESUME_TOKEN_KEY]: text, [HEARTBEAT_KEY]: 'true' },
        topic: config.heartbeatTopic,
        keySchema: HEARTBEAT_KEY_SCHEMA,
        key: text,
        valueSchema: HEARTBEAT_VALUE_SCHEMA,
        value: null,
      }),
    ];
  }

  private streamRecord(event: Document): SourceRecord | null {
    return this.recordOf(streamEvent(event), {
      [RESUME_TOKEN_KEY]: tokenText(event._id as Document),
    });
  }

  private recordOf(event: ChangeEvent, offset: Record<string, string>): SourceRecord | null {
    if (event.db === '') {
      this.log.warn({}, 'No topic set. Could not publish an event without a namespace');
      return null;
    }
    const topic = (this.topics as TopicMapper).topic(event.db, event.coll);
    return (this.encoder as EventEncoder).record(event, topic, this.partition, offset);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    this.copier?.close();
    this.copier = null;
    await this.stream?.close();
    this.stream = null;
    for (const reader of this.readers) await reader.close();
    this.readers = [];
    const client = this.client;
    this.client = null;
    if (client !== null) await client.close();
  }
}
