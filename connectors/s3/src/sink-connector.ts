import {
  type Config,
  type ConfigDef,
  type ConnectorProps,
  SinkConnector,
  type TaskClass,
  type TopicPartitionMap,
} from '@sluice/api';
import { parseSinkConfig, SINK_CONFIG_DEF, validateSinkProps } from './config.js';
import { S3SinkTask } from './sink-task.js';
import { VERSION } from './version.js';

/**
 * S3 sink, configured like Confluent's S3 sink connector (an alias): every task gets the same
 * config; the runtime spreads topic partitions over them.
 */
export class S3SinkConnector extends SinkConnector {
  private props: ConnectorProps = {};

  version(): string {
    return VERSION;
  }

  config(): ConfigDef<object> {
    return SINK_CONFIG_DEF as unknown as ConfigDef<object>;
  }

  override validate(props: ConnectorProps): Config {
    return { configValues: validateSinkProps(props) };
  }

  taskClass(): TaskClass<S3SinkTask> {
    return S3SinkTask;
  }

  start(props: ConnectorProps): void {
    parseSinkConfig(props);
    this.props = { ...props };
  }

  taskConfigs(maxTasks: number): ConnectorProps[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }

  /** The sink keeps no offsets of its own: resets and alterations through the REST API are fine. */
  override alterOffsets(
    _props: ConnectorProps,
    _offsets: TopicPartitionMap<number | null>,
  ): boolean {
    return true;
  }

  stop(): void {}
}
