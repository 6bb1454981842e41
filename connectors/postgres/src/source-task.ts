import {
  type ConnectorProps,
  RetriableException,
  type SourceOffset,
  type SourcePartition,
  type SourceRecord,
  SourceTask,
} from '@sluice/api';
import { parseSourceConfig, type SourceConfig } from './config.js';
import {
  closeConnection,
  isTransientPgError,
  openConnection,
  parseTableId,
} from './pg-connection.js';
import { PollingReader, type ReaderConnection } from './polling-reader.js';
import { isTableGone, type RecordReader } from './record-reader.js';
import {
  legacyTablePartition,
  positionFromOffset,
  QUERY_PARTITION,
  tablePartition,
} from './source-offset.js';
import { TypeCatalog } from './type-catalog.js';
import { VERSION } from './version.js';

/** Longest a poll waits for a reader to become due, so stop and commits are never held up. */
const MAX_IDLE_WAIT_MS = 1000;

interface Scheduled {
  readonly reader: RecordReader;
  dueAt: number;
}

/**
 * Polls its tables (or the custom query) in turn: each is read until it has nothing more, then
 * again `poll.interval.ms` later. Resumes from the offsets the runtime committed.
 */
export class PostgresSourceTask extends SourceTask {
  private config: SourceConfig | null = null;
  private connection: ReaderConnection | null = null;
  private scheduled: Scheduled[] = [];
  private stopping = false;
  private broken = false;
  private wake: (() => void) | null = null;

  version(): string {
    return VERSION;
  }

  async start(props: ConnectorProps): Promise<void> {
    this.stopping = false;
    const config = parseSourceConfig(props);
    this.config = config;
    const client = await openConnection(config.connection, this.log);
    this.connection = { client, catalog: new TypeCatalog(client) };
    try {
      this.scheduled = (await this.createReaders(config, this.connection)).map((reader) => ({
        reader,
        dueAt: 0,
      }));
      for (const { reader } of [...this.scheduled]) {
        try {
          await reader.prepare();
        } catch (error) {
          if (!reader.readsDiscoveredTable || !isTableGone(error)) throw error;
          // Dropped since the connector listed it: the connector's next check reconfigures us.
          this.tableGone(reader);
        }
      }
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  private async createReaders(
    config: SourceConfig,
    connection: ReaderConnection,
  ): Promise<RecordReader[]> {
    const common = {
      query: config.query,
      querySuffix: config.querySuffix,
      mode: config.mode,
      incrementingColumn: config.incrementingColumn,
      timestampColumns: config.timestampColumns,
      validateNonNull: config.validateNonNull,
      batchMaxRows: config.batchMaxRows,
      timestampDelayMs: config.timestampDelayMs,
      numericMapping: config.numericMapping,
    };
    const reader = this.context.offsetStorageReader();
    if (config.query !== '') {
      const offset = await reader.offset(QUERY_PARTITION);
      return [
        new PollingReader(
          connection,
          { ...common, table: null, topic: config.topicPrefix, partition: QUERY_PARTITION },
          positionFromOffset(offset),
        ),
      ];
    }
    const tables = config.tables.map((name) => parseTableId(name));
    const partitions = tables.map((t) => tablePartition(`${t.schema}.${t.table}`));
    const legacy = tables.map((t) => legacyTablePartition(t.table));
    const offsets = await reader.offsets([...partitions, ...legacy]);
    return tables.map((table, i) => {
      const partition = partitions[i] as SourcePartition;
      const stored: SourceOffset | null =
        offsets.get(partition) ?? offsets.get(legacy[i] as SourcePartition) ?? null;
      return new PollingReader(
        connection,
        { ...common, table, topic: `${config.topicPrefix}${table.table}`, partition },
        positionFromOffset(stored),
      );
    });
  }

  async poll(): Promise<SourceRecord[] | null> {
    const config = this.config;
    if (this.stopping || config === null) return null;
    const next = this.scheduled.reduce<Scheduled | null>(
      (best, s) => (best === null || s.dueAt < best.dueAt ? s : best),
      null,
    );
    if (next === null) {
      await this.sleep(MAX_IDLE_WAIT_MS);
      return this.stopping ? null : [];
    }
    const wait = next.dueAt - Date.now();
    if (wait > 0) {
      await this.sleep(Math.min(wait, MAX_IDLE_WAIT_MS));
      return this.stopping ? null : [];
    }
    try {
      await this.ensureConnection(config);
      const { records, more } = await next.reader.read();
      next.dueAt = more ? 0 : Date.now() + config.pollIntervalMs;
      return records;
    } catch (error) {
      if (this.stopping) return null;
      if (next.reader.readsDiscoveredTable && isTableGone(error)) {
        next.reader.reset();
        this.tableGone(next.reader);
        return [];
      }
      if (isTransientPgError(error)) {
        await this.dropConnection();
        throw new RetriableException(
          `Reading ${next.reader.name} failed, will reconnect: ${(error as Error).message}`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** Stops reading a table that was dropped; the connector's next check reconfigures the tasks. */
  private tableGone(reader: RecordReader): void {
    this.scheduled = this.scheduled.filter((s) => s.reader !== reader);
    this.log.info(
      { table: reader.name },
      `Table ${reader.name} no longer exists: not reading it any more (the connector drops it from the tasks at its next check for tables)`,
    );
  }

  /** Reconnects after a lost connection; the readers share the connection object. */
  private async ensureConnection(config: SourceConfig): Promise<void> {
    const connection = this.connection;
    if (connection === null || !this.broken) return;
    const client = await openConnection(config.connection, this.log);
    connection.client = client;
    connection.catalog = new TypeCatalog(client);
    this.broken = false;
  }

  private async dropConnection(): Promise<void> {
    this.broken = true;
    for (const { reader } of this.scheduled) reader.reset();
    if (this.connection !== null) await closeConnection(this.connection.client);
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
    const connection = this.connection;
    this.connection = null;
    this.scheduled = [];
    if (connection !== null) await closeConnection(connection.client);
  }
}
