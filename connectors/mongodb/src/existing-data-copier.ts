import type { ConnectorLogger } from '@sluice/api';
import type { MongoClient } from 'mongodb';
import { type ChangeEvent, documentEvent, streamEvent } from './change-event.js';
import type { SourceConfig } from './config.js';
import { deserialize } from './schema-mapping.js';

/** The namespaces `copy_existing` copies: every collection watched, filtered by the regex. */
export async function namespacesToCopy(
  client: MongoClient,
  config: SourceConfig,
): Promise<{ db: string; coll: string }[]> {
  const collectionsOf = async (db: string) =>
    (await client.db(db).listCollections({}, { nameOnly: true }).toArray())
      .map((c) => c.name)
      .filter((name) => !name.startsWith('system.'))
      .map((coll) => ({ db, coll }));
  let namespaces: { db: string; coll: string }[];
  if (config.database === '') {
    const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
    namespaces = [];
    for (const { name } of databases) {
      if (name.startsWith('admin') || name.startsWith('config') || name.startsWith('local'))
        continue;
      namespaces.push(...(await collectionsOf(name)));
    }
  } else if (config.collection === '') namespaces = await collectionsOf(config.database);
  else namespaces = [{ db: config.database, coll: config.collection }];
  const regex = config.copyExisting.namespaceRegex;
  return regex === null ? namespaces : namespaces.filter((n) => regex.test(`${n.db}.${n.coll}`));
}

/**
 * Copies existing documents as insert events (mongo-kafka's MongoCopyDataManager): up to
 * `max.threads` collections at once, at most `queue.size` events held. Without pipelines the
 * documents are read with `find` and made into events here (FerretDB has no `$replaceRoot`); with
 * `startup.mode.copy.existing.pipeline` or `pipeline` the server makes the events, as in mongo-kafka.
 */
export class ExistingDataCopier {
  private readonly queue: ChangeEvent[] = [];
  private waiting: (() => void) | null = null;
  private space: (() => void) | null = null;
  private remaining: number;
  private failure: unknown = null;
  private closed = false;

  constructor(
    private readonly client: MongoClient,
    private readonly config: SourceConfig,
    namespaces: readonly { db: string; coll: string }[],
    log: ConnectorLogger,
  ) {
    this.remaining = namespaces.length;
    const pending = [...namespaces];
    const worker = async () => {
      for (let ns = pending.shift(); ns !== undefined && !this.closed; ns = pending.shift()) {
        try {
          await this.copy(ns.db, ns.coll);
        } catch (error) {
          this.failure ??= error;
        }
        this.remaining--;
        this.wake();
      }
    };
    const threads = Math.max(1, Math.min(namespaces.length, config.copyExisting.maxThreads));
    for (let i = 0; i < threads; i++) void worker();
    log.info(
      { namespaces: namespaces.map((n) => `${n.db}.${n.coll}`) },
      `Copying existing data from ${namespaces.length} collection(s)`,
    );
  }

  private wake(): void {
    this.waiting?.();
    this.waiting = null;
  }

  private async copy(db: string, coll: string): Promise<void> {
    const collection = this.client.db(db).collection(coll);
    const { pipeline: copyPipeline, allowDiskUse } = this.config.copyExisting;
    const usesPipeline = copyPipeline.length > 0 || this.config.pipeline.length > 0;
    const cursor = usesPipeline
      ? collection.aggregate(
          [
            ...copyPipeline,
            {
              $replaceRoot: {
                newRoot: {
                  _id: { _id: '$_id', copyingData: true },
                  operationType: 'insert',
                  documentKey: { _id: '$_id' },
                  fullDocument: '$$ROOT',
                  ns: { db, coll },
                },
              },
            },
            ...this.config.pipeline,
          ],
          { raw: true, allowDiskUse },
        )
      : collection.find({}, { raw: true });
    for await (const raw of cursor as unknown as AsyncIterable<Buffer>) {
      if (this.closed) break;
      while (this.queue.length >= this.config.copyExisting.queueSize && !this.closed)
        await new Promise<void>((resolve) => {
          this.space = resolve;
        });
      this.queue.push(
        usesPipeline ? pipelineEvent(raw, db, coll) : documentEvent(raw, db, coll, 'insert', true),
      );
      this.wake();
    }
    await cursor.close();
  }

  /** Whether documents are still being read or waiting to be polled. */
  get copying(): boolean {
    return this.remaining > 0 || this.queue.length > 0;
  }

  /** Up to `max` copied events; waits up to `waitMs` for the first one. Throws what a copy failed with. */
  async poll(max: number, waitMs: number): Promise<ChangeEvent[]> {
    if (this.failure !== null) throw this.failure;
    if (this.queue.length === 0 && this.remaining > 0)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    if (this.failure !== null) throw this.failure;
    const events = this.queue.splice(0, max);
    this.space?.();
    this.space = null;
    return events;
  }

  close(): void {
    this.closed = true;
    this.wake();
    this.space?.();
  }
}

/** An event the copy pipeline made on the server (its bytes are the event). */
function pipelineEvent(raw: Buffer, db: string, coll: string): ChangeEvent {
  const event = streamEvent(deserialize(raw));
  return {
    ...event,
    db: event.db === '' ? db : event.db,
    coll: event.coll ?? coll,
    bytes: () => raw,
  };
}
