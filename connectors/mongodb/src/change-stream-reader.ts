import { ConnectException, type ConnectorLogger } from '@sluice/api';
import {
  type ChangeStream,
  type ChangeStreamOptions,
  type Document,
  type MongoClient,
  MongoError,
} from 'mongodb';
import type { SourceConfig } from './config.js';
import { describeMongoError } from './mongo-client.js';

const EXACT = { promoteValues: false, promoteBuffers: false, bsonRegExp: true } as const;

// mongo-kafka's signs of a resume token the server no longer has.
const LOST_TOKEN_CODES = new Set([260, 280, 286, 10334]);

/** Whether `error` says the stored resume token is no longer in the oplog (or invalid). */
export function isLostResumeToken(error: unknown): boolean {
  if (!(error instanceof MongoError)) return false;
  if (LOST_TOKEN_CODES.has(Number(error.code))) return true;
  const m = error.message.toLowerCase();
  return (
    (m.includes('resume token') || m.includes('resume point')) &&
    (m.includes('not found') ||
      m.includes('does not exist') ||
      m.includes('invalid resume token') ||
      m.includes('no longer be in the oplog'))
  );
}

/** Whether `error` says the server has no change streams (FerretDB, some DocumentDB and Cosmos DB tiers). */
export function isChangeStreamUnsupported(error: unknown): boolean {
  if (!(error instanceof MongoError)) return false;
  const code = Number(error.code);
  return (
    code === 238 ||
    code === 115 ||
    code === 40324 ||
    (code === 40573 && error.message.includes('replica set')) ||
    /\$changeStream/.test(error.message)
  );
}

/** A change stream on the watched cluster, database or collection (mongo-kafka's cursor). */
export class ChangeStreamReader {
  private stream: ChangeStream | null = null;

  constructor(
    private readonly client: MongoClient,
    private readonly config: SourceConfig,
    private readonly log: ConnectorLogger,
  ) {}

  /** Opens the stream after `token`, or where startup.mode says when `token` is null. */
  open(token: Document | null): void {
    const c = this.config;
    const options: ChangeStreamOptions = { ...EXACT, maxAwaitTimeMS: c.pollAwaitTimeMs };
    if (c.batchSize > 0) options.batchSize = c.batchSize;
    if (c.fullDocument !== null) options.fullDocument = c.fullDocument;
    if (c.fullDocumentBeforeChange !== null)
      options.fullDocumentBeforeChange = c.fullDocumentBeforeChange;
    if (c.showExpandedEvents) options.showExpandedEvents = true;
    if (c.collation !== null)
      options.collation = c.collation as NonNullable<ChangeStreamOptions['collation']>;
    if (token !== null) {
      options.startAfter = token;
      this.log.info({ token }, 'Resuming the change stream after the stored resume token');
    } else if (c.startupMode === 'timestamp' && c.startAtOperationTime !== null) {
      options.startAtOperationTime = c.startAtOperationTime;
      this.log.info(
        { at: c.startAtOperationTime.toString() },
        'New change stream at the configured operation time',
      );
    } else this.log.info({}, 'New change stream without a resume token (from now on)');
    const pipeline = [...c.pipeline];
    this.stream =
      c.database === ''
        ? this.client.watch(pipeline, options)
        : c.collection === ''
          ? this.client.db(c.database).watch(pipeline, options)
          : this.client.db(c.database).collection(c.collection).watch(pipeline, options);
  }

  /** Up to `max` events: waits up to `poll.await.time.ms` for the first, then takes what is buffered. */
  async next(max: number): Promise<Document[]> {
    const stream = this.stream;
    if (stream === null) return [];
    const events: Document[] = [];
    try {
      let event = await stream.tryNext();
      while (event !== null) {
        events.push(event as Document);
        if (events.length >= max || stream.bufferedCount() === 0) break;
        event = await stream.tryNext();
      }
    } catch (error) {
      if (isChangeStreamUnsupported(error))
        throw new ConnectException(
          `The server does not support change streams (${describeMongoError(error)}). For servers without them (FerretDB, some Amazon DocumentDB and Azure Cosmos DB tiers) set polling.mode=incrementing or polling.mode=timestamp to read by queries instead.`,
          { cause: error },
        );
      throw error;
    }
    return events;
  }

  /** The token to resume after the last event read (the post-batch resume token when there were none). */
  get resumeToken(): Document | null {
    return (this.stream?.resumeToken as Document | undefined) ?? null;
  }

  async close(): Promise<void> {
    const stream = this.stream;
    this.stream = null;
    await stream?.close().catch(() => {});
  }
}
