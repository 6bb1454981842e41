import {
  type Config,
  type ConfigDef,
  ConnectException,
  type ConnectorProps,
  SourceConnector,
  type SourceOffsetAlteration,
  type TaskClass,
} from '@sluice/api';
import {
  parseSourceConfig,
  SOURCE_CONFIG_DEF,
  type SourceConfig,
  validateSourceProps,
} from './config.js';
import { CassandraSourceTask } from './source-task.js';
import { VERSION } from './version.js';

/**
 * Cassandra source in the model of stream-reactor's (whose class names are aliases): the KCQL
 * statements (one table each) are spread over at most `tasks.max` tasks.
 */
export class CassandraSourceConnector extends SourceConnector {
  private props: ConnectorProps = {};
  private parsed: SourceConfig | null = null;

  version(): string {
    return VERSION;
  }

  config(): ConfigDef<object> {
    return SOURCE_CONFIG_DEF as ConfigDef<object>;
  }

  override validate(props: ConnectorProps): Config {
    return validateSourceProps(props);
  }

  taskClass(): TaskClass<CassandraSourceTask> {
    return CassandraSourceTask;
  }

  start(props: ConnectorProps): void {
    this.parsed = parseSourceConfig(props);
    this.props = { ...props };
  }

  /** One task per group of statements (contiguous, balanced). */
  taskConfigs(maxTasks: number): ConnectorProps[] {
    const statements = this.parsed?.statements ?? [];
    const count = Math.min(maxTasks, statements.length);
    const configs: ConnectorProps[] = [];
    let start = 0;
    for (let i = 0; i < count; i++) {
      const size = Math.floor(statements.length / count) + (i < statements.length % count ? 1 : 0);
      const mine = statements.slice(start, start + size).map((s) => s.text);
      configs.push({ ...this.props, 'connect.cassandra.assigned.tables': mine.join(';') });
      start += size;
    }
    return configs;
  }

  stop(): void {}

  /**
   * Accepts offsets altered through the REST API (KIP-875) of this source's shape: partition
   * `{"keyspace", "table"}`, offset `{"timestamp": ms}` (incremental), `{"pass.end": ms}` (bulk),
   * or null to read the table from its start.
   */
  override alterOffsets(
    _props: ConnectorProps,
    offsets: readonly SourceOffsetAlteration[],
  ): boolean {
    for (const { partition, offset } of offsets) {
      const shown = JSON.stringify(partition);
      if (typeof partition.keyspace !== 'string' || typeof partition.table !== 'string') {
        throw new ConnectException(
          `Source partition ${shown} is not a table partition ({"keyspace": ..., "table": ...})`,
        );
      }
      if (offset === null) continue;
      const allowed = ['timestamp', 'window.end', 'page', 'skip', 'pass.end'];
      const bad = Object.keys(offset).filter((k) => !allowed.includes(k));
      if (bad.length > 0) {
        throw new ConnectException(
          `Source offset of ${shown} has unknown keys ${bad.join(', ')} (allowed: ${allowed.join(', ')})`,
        );
      }
    }
    return true;
  }
}
