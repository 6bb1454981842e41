import {
  type Config,
  type ConfigDef,
  type ConnectorProps,
  SinkConnector,
  type TaskClass,
} from '@sluice/api';
import { parseSinkConfig, SINK_CONFIG_DEF, validateSinkProps } from './config.js';
import { RedisSinkTask } from './sink-task.js';
import { VERSION } from './version.js';

/**
 * Redis sink, configured like redis-kafka-connect's RedisSinkConnector (which is an alias): every
 * task gets the same config; the runtime spreads topic partitions over them.
 */
export class RedisSinkConnector extends SinkConnector {
  private props: ConnectorProps = {};

  version(): string {
    return VERSION;
  }

  config(): ConfigDef<object> {
    return SINK_CONFIG_DEF as ConfigDef<object>;
  }

  override validate(props: ConnectorProps): Config {
    return { configValues: validateSinkProps(props) };
  }

  taskClass(): TaskClass<RedisSinkTask> {
    return RedisSinkTask;
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
