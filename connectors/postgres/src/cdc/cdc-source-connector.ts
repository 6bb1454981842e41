import {
  type Config,
  type ConfigDef,
  ConnectException,
  type ConnectorProps,
  SourceConnector,
  type SourceOffsetAlteration,
  type TaskClass,
} from '@sluice/api';
import { VERSION } from '../version.js';
import { PostgresCdcSourceTask } from './cdc-source-task.js';
import { CDC_CONFIG_DEF, parseCdcConfig, validateCdcProps } from './config/cdc-config.js';

/**
 * PostgreSQL change data capture through logical replication (pgoutput), configured and
 * behaving like Debezium's PostgreSQL connector (`io.debezium.connector.postgresql.PostgresConnector`
 * is an alias): the same keys, events, topics and offsets. One task, as a slot has one reader.
 */
export class PostgresCdcSourceConnector extends SourceConnector {
  private props: ConnectorProps = {};

  version(): string {
    return VERSION;
  }

  config(): ConfigDef<object> {
    return CDC_CONFIG_DEF as ConfigDef<object>;
  }

  override validate(props: ConnectorProps): Config {
    return { configValues: validateCdcProps(props) };
  }

  taskClass(): TaskClass<PostgresCdcSourceTask> {
    return PostgresCdcSourceTask;
  }

  start(props: ConnectorProps): void {
    parseCdcConfig(props);
    this.props = { ...props };
  }

  /** One task: a replication slot is read by one connection. */
  taskConfigs(_maxTasks: number): ConnectorProps[] {
    return [{ ...this.props }];
  }

  /**
   * Accepts offsets altered through the REST API (KIP-875) in Debezium's shape: partition
   * `{"server": "<topic.prefix>"}`, offset with integer `lsn` (and optionally `lsn_proc`,
   * `lsn_commit`, `txId`, `ts_usec`), or null to start over.
   */
  override alterOffsets(
    props: ConnectorProps,
    offsets: readonly SourceOffsetAlteration[],
  ): boolean {
    const prefix = parseCdcConfig(props).topicPrefix;
    for (const { partition, offset } of offsets) {
      const shown = JSON.stringify(partition, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
      if (Object.keys(partition).length !== 1 || partition.server !== prefix) {
        throw new ConnectException(
          `Source partition ${shown} is not this connector's ({"server":"${prefix}"})`,
        );
      }
      if (offset === null) continue;
      for (const key of ['lsn', 'lsn_proc', 'lsn_commit', 'txId', 'ts_usec']) {
        const value = offset[key];
        const integer =
          typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value));
        if ((key === 'lsn' && !integer) || (value !== undefined && value !== null && !integer)) {
          throw new ConnectException(
            `Source offset of ${shown} has ${key}=${String(value)}; Debezium offsets need an integer lsn (and integer lsn_proc, lsn_commit, txId, ts_usec when given)`,
          );
        }
      }
    }
    return true;
  }

  stop(): void {}
}
