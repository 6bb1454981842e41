import {
  type Config,
  type ConfigDef,
  ConnectException,
  type ConnectorProps,
  SourceConnector,
  type SourceOffsetAlteration,
  type TaskClass,
} from '@sluice/api';
import { parseSourceConfig, SOURCE_CONFIG_DEF, validateSourceProps } from './config.js';
import { MongoSourceTask } from './source-task.js';
import { VERSION } from './version.js';

/**
 * MongoDB source, configured like MongoDB's Kafka connector (whose class name is an alias): one
 * task, as in mongo-kafka (a change stream is one ordered cursor).
 */
export class MongoSourceConnector extends SourceConnector {
  private props: ConnectorProps = {};

  version(): string {
    return VERSION;
  }

  config(): ConfigDef<object> {
    return SOURCE_CONFIG_DEF;
  }

  override validate(props: ConnectorProps): Config {
    return validateSourceProps(props);
  }

  taskClass(): TaskClass<MongoSourceTask> {
    return MongoSourceTask;
  }

  start(props: ConnectorProps): void {
    parseSourceConfig(props);
    this.props = { ...props };
  }

  taskConfigs(): ConnectorProps[] {
    return [{ ...this.props }];
  }

  stop(): void {}

  /**
   * Accepts offsets altered through the REST API (KIP-875) of this source's shapes: partition
   * `{"ns"}` with `{"_id": "<resume token JSON>"}`, or `{"ns", "collection"}` (polling) with
   * `{"value", "id"}`, or null to start afresh.
   */
  override alterOffsets(
    _props: ConnectorProps,
    offsets: readonly SourceOffsetAlteration[],
  ): boolean {
    for (const { partition, offset } of offsets) {
      if (typeof partition.ns !== 'string')
        throw new ConnectException(`Source partition ${JSON.stringify(partition)} has no "ns"`);
      if (offset === null) continue;
      const polling = typeof partition.collection === 'string';
      const ok = polling
        ? typeof offset.value === 'string' && typeof offset.id === 'string'
        : typeof offset._id === 'string';
      if (!ok)
        throw new ConnectException(
          `Source offset ${JSON.stringify(offset)} of ${JSON.stringify(partition)} is not ${polling ? '{"value": ..., "id": ...}' : '{"_id": "<resume token JSON>"}'}`,
        );
    }
    return true;
  }
}
