import {
  ConnectException,
  type ConnectorProps,
  RetriableException,
  type SourceRecord,
  SourceTask,
} from '@sluice/api';
import type cassandra from 'cassandra-driver';
import { classifyFailure, connect, describeFailure } from './cassandra-session.js';
import { parseSourceConfig, type SourceConfig } from './config.js';
import { positionOf, tablePartition } from './source-offset.js';
import { TableReader } from './table-reader.js';
import { VERSION } from './version.js';

/** Longest a poll waits for a table to become due, so stop and commits are never held up. */
const MAX_IDLE_WAIT_MS = 1000;

interface Scheduled {
  readonly reader: TableReader;
  dueAt: number;
}

/**
 * Reads its tables in turn: each is read while it has rows ready, then again
 * `connect.cassandra.import.poll.interval` later. Resumes from the offsets the runtime committed.
 */
export class CassandraSourceTask extends SourceTask {
  private config: SourceConfig | null = null;
  private client: cassandra.Client | null = null;
  private scheduled: Scheduled[] = [];
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
    this.client = await connect(config.connection, `sluice-cassandra-source ${name}`, this.log);
    try {
      const partitions = config.statements.map((s) => tablePartition(config.keyspace, s.table));
      const offsets = await this.context.offsetStorageReader().offsets(partitions);
      for (const [i, statement] of config.statements.entries()) {
        const stored = offsets.get(partitions[i] as (typeof partitions)[number]) ?? null;
        const position = positionOf(
          stored,
          statement.mode === 'bulk' ? 'bulk' : 'incremental',
          config.initialOffsetMs,
        );
        const reader = await TableReader.create(this.client, config, statement, position);
        this.scheduled.push({ reader, dueAt: 0 });
        this.log.info(
          { table: reader.name, topic: statement.topic, mode: statement.mode, offset: stored },
          stored === null
            ? `Reading ${reader.name} (${statement.mode}) into ${statement.topic} from the start`
            : `Reading ${reader.name} (${statement.mode}) into ${statement.topic} from the committed offset ${JSON.stringify(stored)}`,
        );
      }
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async poll(): Promise<SourceRecord[] | null> {
    const config = this.config;
    if (this.stopping || config === null) return null;
    const next = this.scheduled.reduce<Scheduled | null>(
      (best, s) => (best === null || s.dueAt < best.dueAt ? s : best),
      null,
    );
    const wait = next === null ? MAX_IDLE_WAIT_MS : next.dueAt - Date.now();
    if (next === null || wait > 0) {
      await this.sleep(Math.min(wait, MAX_IDLE_WAIT_MS));
      return this.stopping ? null : [];
    }
    try {
      const { records, more } = await next.reader.read(Date.now());
      next.dueAt = more ? 0 : Date.now() + config.pollIntervalMs;
      return records;
    } catch (error) {
      if (this.stopping) return null;
      next.reader.reset();
      // Cassandra unreachable or busy: try again later. A row that cannot be converted fails the task.
      if (!(error instanceof ConnectException) && classifyFailure(error) === 'retriable') {
        next.dueAt = Date.now() + Math.min(config.pollIntervalMs, 5_000);
        throw new RetriableException(
          `Reading ${next.reader.name} failed: ${describeFailure(error)}`,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
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
    const client = this.client;
    this.client = null;
    this.scheduled = [];
    if (client !== null) await client.shutdown();
  }
}
