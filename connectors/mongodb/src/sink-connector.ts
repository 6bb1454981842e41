import {
  type Config,
  type ConfigDef,
  type ConnectorProps,
  SinkConnector,
  type TaskClass,
} from '@sluice/api';
import { parseSinkConfig, SINK_CONFIG_DEF, validateSinkProps } from './config.js';
import { MongoSinkTask } from './sink-task.js';
import { VERSION } from './version.js';

/**
 * MongoDB sink, configured like MongoDB's Kafka connector (whose class name is an alias): every
 * task gets the same config; the runtime spreads topic partitions over them.
 */
export class MongoSinkConnector extends SinkConnector {
  private props: ConnectorProps = {};

  version(): string {
    return VERSION;
  }

  config(): ConfigDef<object> {
    return SINK_CONFIG_DEF;
  }

  override validate(props: ConnectorProps): Config {
    return validateSinkProps(props);
  }

  taskClass(): TaskClass<MongoSinkTask> {
    return MongoSinkTask;
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
