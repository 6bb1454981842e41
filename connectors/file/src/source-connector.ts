import { type ConfigDef, type ConnectorProps, SourceConnector, type TaskClass } from '@sluice/api';
import { FILE_SOURCE_CONFIG_DEF, parseFileSourceConfig } from './config.js';
import { FileStreamSourceTask } from './source-task.js';
import { VERSION } from './version.js';

/** Reads lines of a file into a topic (one task), like Kafka's FileStreamSourceConnector. */
export class FileStreamSourceConnector extends SourceConnector {
  private props: ConnectorProps = {};

  version(): string {
    return VERSION;
  }

  start(props: ConnectorProps): void {
    parseFileSourceConfig(props);
    this.props = props;
  }

  taskClass(): TaskClass<FileStreamSourceTask> {
    return FileStreamSourceTask;
  }

  /** One task: a file is read by a single reader. */
  taskConfigs(_maxTasks: number): ConnectorProps[] {
    const { file, topic, batchSize } = parseFileSourceConfig(this.props);
    return [{ file, topic, 'batch.size': String(batchSize) }];
  }

  stop(): void {}

  config(): ConfigDef<object> {
    return FILE_SOURCE_CONFIG_DEF;
  }
}
