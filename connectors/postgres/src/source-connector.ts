import {
  type Config,
  type ConfigDef,
  ConnectException,
  type ConnectorProps,
  type ExactlyOnceSupport,
  SourceConnector,
  type SourceOffsetAlteration,
  type TaskClass,
} from '@sluice/api';
import type pg from 'pg';
import {
  parseSourceConfig,
  SOURCE_CONFIG_DEF,
  type SourceConfig,
  validateSourceProps,
} from './config.js';
import { closeConnection, openConnection, qualifiedName } from './pg-connection.js';
import { PostgresSourceTask } from './source-task.js';
import { discoverTables } from './table-discovery.js';
import { VERSION } from './version.js';

/**
 * PostgreSQL polling source, configured like Confluent's JDBC source connector (which is an
 * alias). Finds the tables to copy, spreads them over `tasks.max` tasks, and watches for tables
 * appearing or disappearing every `table.poll.interval.ms` (asking the runtime to reconfigure the
 * tasks when the list changed).
 */
export class PostgresSourceConnector extends SourceConnector {
  private props: ConnectorProps = {};
  private parsed: SourceConfig | null = null;
  private client: pg.Client | null = null;
  private tables: string[] = [];
  private monitor: NodeJS.Timeout | null = null;
  private checking = false;
  private failures = 0;

  version(): string {
    return VERSION;
  }

  config(): ConfigDef<object> {
    return SOURCE_CONFIG_DEF as ConfigDef<object>;
  }

  override validate(props: ConnectorProps): Config {
    return { configValues: validateSourceProps(props) };
  }

  /**
   * Not declared, as Confluent's JDBC source (an alias of this connector) does not: a config
   * with `exactly.once.support=required` is refused the same way on both. Its records and
   * offsets still go in one transaction per poll with `requested` on an exactly-once worker.
   */
  override exactlyOnceSupport(): ExactlyOnceSupport | null {
    return null;
  }

  taskClass(): TaskClass<PostgresSourceTask> {
    return PostgresSourceTask;
  }

  async start(props: ConnectorProps): Promise<void> {
    this.props = { ...props };
    const config = parseSourceConfig(props);
    this.parsed = config;
    if (config.query !== '') return;
    this.client = await openConnection(config.connection, this.log);
    this.tables = await this.listTables();
    if (config.tablePollIntervalMs > 0) {
      this.monitor = setInterval(() => {
        this.checkTables().catch((error: unknown) => this.context.raiseError(error as Error));
      }, config.tablePollIntervalMs);
      this.monitor.unref();
    }
  }

  private async listTables(): Promise<string[]> {
    if (this.client === null || this.parsed === null) return [];
    return (await discoverTables(this.client, this.parsed)).map(qualifiedName);
  }

  /**
   * Looks for added or removed tables and asks for a task reconfiguration when there are any.
   * Connection errors are retried on the next check; `connection.attempts` failures in a row fail
   * the connector.
   */
  async checkTables(): Promise<boolean> {
    if (this.checking || this.parsed === null) return false;
    this.checking = true;
    try {
      if (this.client === null)
        this.client = await openConnection(this.parsed.connection, this.log);
      const tables = await this.listTables();
      this.failures = 0;
      if (tables.join('\n') === this.tables.join('\n')) return false;
      const added = tables.filter((t) => !this.tables.includes(t));
      const removed = this.tables.filter((t) => !tables.includes(t));
      this.log.info(
        { added, removed },
        `Tables changed (added: ${added.join(', ') || 'none'}; removed: ${removed.join(', ') || 'none'}): reconfiguring the tasks`,
      );
      this.tables = tables;
      this.context.requestTaskReconfiguration();
      return true;
    } catch (error) {
      await closeConnection(this.client);
      this.client = null;
      this.failures++;
      if (this.failures >= this.parsed.connection.attempts) throw error;
      this.log.warn(
        { err: error, failures: this.failures },
        `Looking for added or removed tables failed (${this.failures} of ${this.parsed.connection.attempts} failures in a row allowed): ${(error as Error).message}; trying again at the next check`,
      );
      return false;
    } finally {
      this.checking = false;
    }
  }

  /** One task per group of tables (contiguous, balanced), or one task for a custom query. */
  taskConfigs(maxTasks: number): ConnectorProps[] {
    if (this.parsed?.query) return [{ ...this.props }];
    const count = Math.min(maxTasks, this.tables.length);
    const configs: ConnectorProps[] = [];
    let start = 0;
    for (let i = 0; i < count; i++) {
      const size =
        Math.floor(this.tables.length / count) + (i < this.tables.length % count ? 1 : 0);
      configs.push({ ...this.props, tables: this.tables.slice(start, start + size).join(',') });
      start += size;
    }
    return configs;
  }

  /**
   * Accepts offsets altered through the REST API (KIP-875) when they have the JDBC connector's
   * shape: a table or query partition, and an offset of integer `incrementing`, `timestamp`,
   * `timestamp_nanos` (or null to reset the partition).
   */
  override alterOffsets(
    _props: ConnectorProps,
    offsets: readonly SourceOffsetAlteration[],
  ): boolean {
    const isInteger = (v: unknown) =>
      typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));
    for (const { partition, offset } of offsets) {
      const shown = JSON.stringify(partition, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
      if (typeof partition.table !== 'string' && partition.query !== 'query') {
        throw new ConnectException(
          `Source partition ${shown} is not a table ({"protocol":"1","table":"schema.table"}) or query ({"query":"query"}) partition`,
        );
      }
      if (offset === null) continue;
      for (const [key, value] of Object.entries(offset)) {
        if (!['incrementing', 'timestamp', 'timestamp_nanos'].includes(key) || !isInteger(value)) {
          throw new ConnectException(
            `Source offset of ${shown} has ${key}=${String(value)}; only integer incrementing, timestamp and timestamp_nanos are allowed`,
          );
        }
      }
    }
    return true;
  }

  async stop(): Promise<void> {
    if (this.monitor !== null) clearInterval(this.monitor);
    this.monitor = null;
    const client = this.client;
    this.client = null;
    await closeConnection(client);
  }
}
