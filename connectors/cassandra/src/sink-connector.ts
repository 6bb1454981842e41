import {
  type Config,
  type ConfigDef,
  type ConnectorProps,
  SinkConnector,
  type TaskClass,
} from '@sluice/api';
import { parseSinkConfig, SINK_CONFIG_DEF, validateSinkProps } from './config.js';
import { CassandraSinkTask } from './sink-task.js';
import { VERSION } from './version.js';

/**
 * Cassandra sink, configured like the DataStax Apache Kafka Connector (whose class names are
 * aliases): every task gets the same config; the runtime spreads topic partitions over them.
 */
export class CassandraSinkConnector extends SinkConnector {
  private props: ConnectorProps = {};

  version(): string {
    return VERSION;
  }

  config(): ConfigDef<object> {
    return SINK_CONFIG_DEF as ConfigDef<object>;
  }

  override validate(props: ConnectorProps): Config {
    return validateSinkProps(props);
  }

  taskClass(): TaskClass<CassandraSinkTask> {
    return CassandraSinkTask;
  }

  start(props: ConnectorProps): void {
    parseSinkConfig(props);
    this.props = { ...props };
  }

  taskConfigs(maxTasks: number): ConnectorProps[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }

  stop(): void {}

  /** The sink keeps no offsets of its own: offsets altered through the REST API are accepted. */
  override alterOffsets(): boolean {
    return true;
  }
}
