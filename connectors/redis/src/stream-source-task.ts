import {
  ConnectException,
  type ConnectorProps,
  type RecordMetadata,
  RetriableException,
  SourceRecord,
  SourceTask,
} from '@sluice/api';
import { parseStreamSourceConfig, type StreamSourceConfig } from './config.js';
import { RedisConnection } from './redis-connection.js';
import { SOURCE_KEY_SCHEMA, STREAM_VALUE_SCHEMA, streamEntryStruct } from './schema-mapping.js';
import { VERSION } from './version.js';

/** The source partition of every record, as redis-kafka-connect writes it (one per connector). */
const SOURCE_PARTITION = Object.freeze({});
/** The offset field: the entry id. */
export const OFFSET_FIELD = 'offset';

/** `redis.stream.block=0` waits for entries, but one read returns to the worker after this. */
const UNLIMITED_BLOCK_MS = 1_000;
/** How long, after stop(), acknowledgements of records still in flight are waited for. */
const ACK_GRACE_MS = 10_000;
/** Most ids in one XACK. */
const ACK_CHUNK = 10_000;

/** The BLOCK of a read: `redis.stream.block`, 0 meaning a second (see UNLIMITED_BLOCK_MS). */
const blockMs = (config: StreamSourceConfig) =>
  config.blockMs === 0 ? UNLIMITED_BLOCK_MS : config.blockMs;

type StreamEntry = [id: string, fields: string[] | null];
type StreamReply = [stream: string, entries: StreamEntry[]][] | null;

/**
 * Reads one stream as one consumer of a consumer group (XREADGROUP), each entry a record with
 * the entry id as key and `{id, body, stream}` as value (redis-kafka-connect's schema).
 *
 * At-least-once (the default): entries stay pending in the group until Kafka acknowledged their
 * records (`commitRecord`), then are acknowledged with XACK (batched). At start the task first
 * reads its consumer's pending entries again (delivered before a crash, never acknowledged), then
 * new ones, so a crash can repeat records but not lose them. After a full batch the next read is
 * sent at once (read-ahead). At-most-once reads with NOACK.
 */
export class RedisStreamSourceTask extends SourceTask {
  private config: StreamSourceConfig | null = null;
  /** Commands: XGROUP, XACK. */
  private commands: RedisConnection | null = null;
  /** Blocking reads only, so a read waiting for entries never delays an XACK. */
  private reader: RedisConnection | null = null;
  /** The read sent ahead of the poll that will take its entries (after a full batch). */
  private ahead: Promise<StreamReply> | null = null;
  /** `0`-based ids while re-reading this consumer's pending entries, then `>` (new entries). */
  private cursor = '>';
  private pendingReread = 0;
  private stopped = false;
  /** Records handed out whose `commitRecord` has not come yet. */
  private unacked = 0;
  private acks: string[] = [];
  private flushScheduled = false;
  private flushing: Promise<void> = Promise.resolve();
  private closeTimer: NodeJS.Timeout | null = null;

  version(): string {
    return VERSION;
  }

  async start(props: ConnectorProps): Promise<void> {
    const config = parseStreamSourceConfig(props);
    this.config = config;
    this.stopped = false;
    try {
      await this.open(config);
    } catch (error) {
      // The runtime does not call stop() after a failed start: close what was opened.
      this.reader?.client.disconnect();
      await this.commands?.close();
      this.reader = null;
      this.commands = null;
      throw error;
    }
    // At least once: first whatever this consumer was given and never acknowledged.
    this.cursor = config.atMostOnce ? '>' : '0';
    this.pendingReread = 0;
  }

  private async open(config: StreamSourceConfig): Promise<void> {
    this.commands = await RedisConnection.open(config.connection, this.log, 'sluice-redis-stream');
    this.reader = await RedisConnection.open(
      config.connection,
      this.log,
      'sluice-redis-stream-reader',
    );
    const committed = await this.context.offsetStorageReader().offset(SOURCE_PARTITION);
    const committedId = committed?.[OFFSET_FIELD];
    const startId = typeof committedId === 'string' ? committedId : config.startOffset;
    const created = await this.ensureGroup(config, startId);
    this.log.info(
      { stream: config.stream, group: config.group, consumer: config.consumer },
      created
        ? `Created consumer group ${config.group} of stream ${config.stream} at ${startId}${typeof committedId === 'string' ? ' (the committed offset)' : ''}; reading as ${config.consumer} from ${this.commands.description}`
        : `Reading stream ${config.stream} as ${config.consumer} of the existing group ${config.group} from ${this.commands.description} (the group's position counts, not redis.stream.offset)`,
    );
  }

  /** Creates the group (and the stream) unless it exists; true when it was created. */
  private async ensureGroup(config: StreamSourceConfig, startId: string): Promise<boolean> {
    try {
      const commands = this.commands as RedisConnection;
      await commands.withTimeout(
        commands.client.call('XGROUP', 'CREATE', config.stream, config.group, startId, 'MKSTREAM'),
        'XGROUP CREATE',
      );
      return true;
    } catch (error) {
      if ((error as Error).message.startsWith('BUSYGROUP')) return false;
      throw new ConnectException(
        `Cannot create consumer group ${config.group} of stream ${config.stream}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /** XREADGROUP from the cursor: without BLOCK while re-reading pending entries. */
  private read(config: StreamSourceConfig, reader: RedisConnection): Promise<StreamReply> {
    const rereading = this.cursor !== '>';
    const args: (string | number)[] = ['GROUP', config.group, config.consumer];
    args.push('COUNT', config.batchSize);
    if (!rereading) args.push('BLOCK', blockMs(config));
    if (config.atMostOnce) args.push('NOACK');
    args.push('STREAMS', config.stream, this.cursor);
    return reader.withTimeout(
      reader.client.call('XREADGROUP', ...args) as Promise<StreamReply>,
      'XREADGROUP',
      rereading ? 0 : blockMs(config),
    );
  }

  async poll(): Promise<SourceRecord[] | null> {
    const config = this.config;
    const reader = this.reader;
    if (this.stopped || config === null || reader === null) return null;
    const rereading = this.cursor !== '>';
    let reply: StreamReply;
    try {
      const reading = this.ahead ?? this.read(config, reader);
      this.ahead = null;
      reply = await reading;
    } catch (error) {
      if (this.stopped) return null;
      const message = (error as Error).message;
      if (message.startsWith('NOGROUP')) {
        throw new ConnectException(
          `The consumer group ${config.group} of stream ${config.stream} is gone (deleted while the task ran): ${message}`,
          { cause: error },
        );
      }
      throw new RetriableException(
        `Reading stream ${config.stream} from ${reader.description} failed: ${message}`,
        { cause: error },
      );
    }
    const entries = reply?.[0]?.[1] ?? [];
    if (rereading) {
      if (entries.length === 0) {
        if (this.pendingReread > 0) {
          this.log.info(
            { entries: this.pendingReread },
            `Read again ${this.pendingReread} entries of stream ${config.stream} delivered to ${config.consumer} before and never acknowledged; now reading new entries`,
          );
        }
        this.cursor = '>';
        return [];
      }
      this.cursor = (entries[entries.length - 1] as StreamEntry)[0];
      this.pendingReread += entries.length;
    }
    // A full batch says more is waiting: ask for the next one now, so the server and the network
    // work while the worker converts and sends this one. At least once only: entries read ahead
    // stay pending (read again after a restart) until their records are in Kafka, where with
    // NOACK a stop would lose them.
    if (!config.atMostOnce && entries.length === config.batchSize) {
      const next = this.read(config, reader);
      next.catch(() => {}); // the next poll awaits it; after stop() nobody does
      this.ahead = next;
    }
    const timestamp = Date.now();
    const records: SourceRecord[] = [];
    const vanished: string[] = [];
    for (const [id, fields] of entries) {
      if (fields === null) {
        // Still pending, but deleted from the stream (XDEL, trimming): nothing left to send.
        vanished.push(id);
        continue;
      }
      const body = new Map<string, string>();
      for (let i = 0; i + 1 < fields.length; i += 2)
        body.set(fields[i] as string, fields[i + 1] as string);
      records.push(
        new SourceRecord({
          sourcePartition: SOURCE_PARTITION,
          // A literal, not `[OFFSET_FIELD]`: a computed key costs per entry.
          sourceOffset: { offset: id } satisfies Record<typeof OFFSET_FIELD, string>,
          topic: config.topic,
          keySchema: SOURCE_KEY_SCHEMA,
          key: id,
          valueSchema: STREAM_VALUE_SCHEMA,
          value: streamEntryStruct(config.stream, id, body),
          timestamp,
        }),
      );
    }
    if (vanished.length > 0) {
      this.log.warn(
        { entries: vanished.length, first: vanished[0] },
        `${vanished.length} pending entries of stream ${config.stream} were deleted from the stream before they could be sent (first: ${vanished[0]}); acknowledging them`,
      );
      for (const id of vanished) this.acknowledge(id);
    }
    this.unacked += records.length;
    return records;
  }

  /** Kafka has the record (or a transform dropped it): acknowledge its entry (batched). */
  override commitRecord(record: SourceRecord, _metadata?: RecordMetadata | null): void {
    this.unacked--;
    const id = record.sourceOffset?.[OFFSET_FIELD];
    if (this.config?.atMostOnce === false && typeof id === 'string') this.acknowledge(id);
    if (this.stopped && this.unacked <= 0) this.closeSoon(0);
  }

  override async commit(): Promise<void> {
    await this.flushAcks();
  }

  /** Queues an id for XACK, sent together once the current burst of acknowledgements is over. */
  private acknowledge(id: string): void {
    this.acks.push(id);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flushAcks().catch(() => {});
    });
  }

  /** Sends the queued XACKs (after any in progress). A failure leaves those entries pending. */
  private flushAcks(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const config = this.config;
      const commands = this.commands;
      if (this.acks.length === 0 || config === null || commands === null) return;
      const ids = this.acks;
      this.acks = [];
      for (let i = 0; i < ids.length; i += ACK_CHUNK) {
        const chunk = ids.slice(i, i + ACK_CHUNK);
        try {
          await commands.withTimeout(
            commands.client.call('XACK', config.stream, config.group, ...chunk),
            'XACK',
          );
        } catch (error) {
          this.log.warn(
            { err: error, entries: chunk.length },
            `Acknowledging ${chunk.length} entries of stream ${config.stream} failed: they stay pending and are read again after a restart (their records would then be sent twice)`,
          );
        }
      }
    });
    return this.flushing;
  }

  /** Closes the command connection once the queued acknowledgements are sent. */
  private closeSoon(delayMs: number): void {
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
    this.closeTimer = setTimeout(() => {
      this.closeTimer = null;
      const commands = this.commands;
      this.flushAcks()
        .then(() => {
          if (this.commands === commands) this.commands = null;
          return commands?.close();
        })
        .catch(() => {});
    }, delayMs);
    this.closeTimer.unref();
  }

  /**
   * Stops reading at once (a waiting read is cut off). Records already handed out are still
   * acknowledged as Kafka confirms them, for a while: the command connection closes when all
   * of them were, or after a grace period.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.ahead = null;
    const reader = this.reader;
    this.reader = null;
    reader?.client.disconnect();
    await this.flushAcks();
    this.closeSoon(this.unacked <= 0 ? 0 : ACK_GRACE_MS);
  }
}
