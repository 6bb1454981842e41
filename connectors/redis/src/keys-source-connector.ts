import {
  type Config,
  type ConfigDef,
  type ConnectorProps,
  SourceConnector,
  type TaskClass,
} from '@sluice/api';
import {
  KEYS_SOURCE_CONFIG_DEF,
  parseKeysSourceConfig,
  validateKeysSourceProps,
} from './config.js';
import { RedisKeysSourceTask } from './keys-source-task.js';
import { VERSION } from './version.js';

/**
 * Reads Redis keys and their values as they change, configured like redis-kafka-connect's
 * RedisKeysSourceConnector (an alias). One task whatever `tasks.max` says: every subscriber
 * receives every keyspace notification, so a second task would only send each change twice.
 */
export class RedisKeysSourceConnector extends SourceConnector {
  private props: ConnectorProps = {};

  version(): string {
    return VERSION;
  }

  config(): ConfigDef<object> {
    return KEYS_SOURCE_CONFIG_DEF as ConfigDef<object>;
  }

  override validate(props: ConnectorProps): Config {
    return { configValues: validateKeysSourceProps(props) };
  }

  taskClass(): TaskClass<RedisKeysSourceTask> {
    return RedisKeysSourceTask;
  }

  start(props: ConnectorProps): void {
    parseKeysSourceConfig(props);
    this.props = { ...props };
  }

  taskConfigs(maxTasks: number): ConnectorProps[] {
    if (maxTasks > 1) {
      this.log.info(
        { maxTasks },
        'One task reads the keys whatever tasks.max says: keyspace notifications reach every subscriber, so more tasks would repeat each change',
      );
    }
    return [{ ...this.props }];
  }

  stop(): void {}
}
