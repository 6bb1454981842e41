import {
  type Config,
  type ConfigDef,
  type ConnectorProps,
  SourceConnector,
  type TaskClass,
} from '@sluice/api';
import {
  parseStreamSourceConfig,
  STREAM_SOURCE_CONFIG_DEF,
  validateStreamSourceProps,
} from './config.js';
import { RedisStreamSourceTask } from './stream-source-task.js';
import { VERSION } from './version.js';

/**
 * Reads a Redis stream through a consumer group, configured like redis-kafka-connect's
 * RedisStreamSourceConnector (an alias). `tasks.max` tasks share the group, each as its own
 * consumer (`redis.stream.consumer.name` with `${task}` replaced by the task id), so the server
 * spreads the entries over them.
 */
export class RedisStreamSourceConnector extends SourceConnector {
  private props: ConnectorProps = {};

  version(): string {
    return VERSION;
  }

  config(): ConfigDef<object> {
    return STREAM_SOURCE_CONFIG_DEF as ConfigDef<object>;
  }

  override validate(props: ConnectorProps): Config {
    return { configValues: validateStreamSourceProps(props) };
  }

  taskClass(): TaskClass<RedisStreamSourceTask> {
    return RedisStreamSourceTask;
  }

  start(props: ConnectorProps): void {
    parseStreamSourceConfig(props);
    this.props = { ...props };
  }

  taskConfigs(maxTasks: number): ConnectorProps[] {
    return Array.from({ length: maxTasks }, (_, id) => ({ ...this.props, 'task.id': String(id) }));
  }

  stop(): void {}
}
