import {
  type ConfigDef,
  ConnectException,
  type ConnectorProps,
  SourceConnector,
  type SourceOffsetAlteration,
  type TaskClass,
} from '@sluice/api';
import {
  FILE_SOURCE_CONFIG_DEF,
  FILENAME_FIELD,
  POSITION_FIELD,
  parseFileSourceConfig,
} from './config.js';
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

  /** One task, given the connector's config (as Kafka's): a file is read by a single reader. */
  taskConfigs(_maxTasks: number): ConnectorProps[] {
    return [{ ...this.props }];
  }

  /**
   * Checks offsets a user alters or resets through the REST API, with Kafka's messages: each
   * offset is null (removed) or a `position` that is a non-negative whole number, each partition
   * names its `filename`. The task checks on start whether a position fits the file.
   */
  override alterOffsets(
    _props: ConnectorProps,
    offsets: readonly SourceOffsetAlteration[],
  ): boolean {
    for (const { partition, offset } of offsets) {
      // Anything may be removed, so that stray offsets can be cleaned up.
      if (offset === null) continue;
      if (!(POSITION_FIELD in offset))
        throw new ConnectException(
          `Offset objects should either be null or contain the key '${POSITION_FIELD}'`,
        );
      const position = offset[POSITION_FIELD];
      const whole =
        typeof position === 'bigint' ||
        (typeof position === 'number' && Number.isSafeInteger(position));
      if (!whole)
        throw new ConnectException(
          `The value for the '${POSITION_FIELD}' key in the offset is expected to be a Long value`,
        );
      if (position < 0)
        throw new ConnectException(
          `The value for the '${POSITION_FIELD}' key in the offset should be a non-negative value`,
        );
      if ((partition as unknown) === null)
        throw new ConnectException('Partition objects cannot be null');
      if (!(FILENAME_FIELD in partition))
        throw new ConnectException(`Partition objects should contain the key '${FILENAME_FIELD}'`);
    }
    return true;
  }

  stop(): void {}

  config(): ConfigDef<object> {
    return FILE_SOURCE_CONFIG_DEF;
  }
}
