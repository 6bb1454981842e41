import {
  type ConfigDef,
  type ConnectorProps,
  type ExactlyOnceSupport,
  SourceConnector,
  type TaskClass,
} from '@sluice/api';
import { parseSourceConfig, SOURCE_CONFIG_DEF } from './config.js';
import { S3SourceTask } from './source-task.js';
import { VERSION } from './version.js';

/**
 * Reads back what the S3 sink wrote into the original topics and partitions. The Kafka
 * partitions found in the bucket are spread over `tasks.max` tasks by a stable hash.
 */
export class S3SourceConnector extends SourceConnector {
  private props: ConnectorProps = {};

  version(): string {
    return VERSION;
  }

  config(): ConfigDef<object> {
    return SOURCE_CONFIG_DEF as unknown as ConfigDef<object>;
  }

  taskClass(): TaskClass<S3SourceTask> {
    return S3SourceTask;
  }

  start(props: ConnectorProps): void {
    parseSourceConfig(props);
    this.props = { ...props };
  }

  taskConfigs(maxTasks: number): ConnectorProps[] {
    return Array.from({ length: maxTasks }, (_, i) => ({
      ...this.props,
      'task.index': String(i),
      'task.count': String(maxTasks),
    }));
  }

  /** Offsets name objects and record positions: replaying them is deterministic. */
  override exactlyOnceSupport(): ExactlyOnceSupport {
    return 'SUPPORTED';
  }

  stop(): void {}
}
