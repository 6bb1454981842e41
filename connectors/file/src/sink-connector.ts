import {
  type ConfigDef,
  type ConnectorProps,
  SinkConnector,
  type TaskClass,
  type TopicPartitionMap,
} from '@sluice/api';
import { FILE_SINK_CONFIG_DEF, parseFileSinkConfig } from './config.js';
import { FileStreamSinkTask } from './sink-task.js';
import { VERSION } from './version.js';

/** Writes record values to a file, one per line, like Kafka's FileStreamSinkConnector. */
export class FileStreamSinkConnector extends SinkConnector {
  private props: ConnectorProps = {};

  version(): string {
    return VERSION;
  }

  start(props: ConnectorProps): void {
    parseFileSinkConfig(props);
    this.props = props;
  }

  taskClass(): TaskClass<FileStreamSinkTask> {
    return FileStreamSinkTask;
  }

  /** `maxTasks` identical configs, as Kafka (they append to the same file). */
  taskConfigs(maxTasks: number): ConnectorProps[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }

  stop(): void {}

  /** Any consumer offsets are fine: the sink keeps no offsets of its own (as Kafka's). */
  override alterOffsets(
    _props: ConnectorProps,
    _offsets: TopicPartitionMap<number | null>,
  ): boolean {
    return true;
  }

  config(): ConfigDef<object> {
    return FILE_SINK_CONFIG_DEF;
  }
}
