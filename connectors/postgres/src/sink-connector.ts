import {
  type Config,
  type ConfigDef,
  type ConnectorProps,
  SinkConnector,
  type TaskClass,
  type TopicPartitionMap,
} from '@sluice/api';
import { parseSinkConfig, SINK_CONFIG_DEF, validateSinkProps } from './config.js';
import { OffsetsTable } from './offsets-table.js';
import { closeConnection, openConnection, parseTableId } from './pg-connection.js';
import { PostgresSinkTask } from './sink-task.js';
import { VERSION } from './version.js';

/**
 * PostgreSQL sink, configured like Confluent's JDBC sink connector (which is an alias): every
 * task gets the same config; the runtime spreads topic partitions over them.
 */
export class PostgresSinkConnector extends SinkConnector {
  private props: ConnectorProps = {};

  version(): string {
    return VERSION;
  }

  config(): ConfigDef<object> {
    return SINK_CONFIG_DEF as ConfigDef<object>;
  }

  override validate(props: ConnectorProps): Config {
    return { configValues: validateSinkProps(props) };
  }

  taskClass(): TaskClass<PostgresSinkTask> {
    return PostgresSinkTask;
  }

  start(props: ConnectorProps): void {
    parseSinkConfig(props);
    this.props = { ...props };
  }

  taskConfigs(maxTasks: number): ConnectorProps[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }

  stop(): void {}

  /**
   * Offsets altered or reset through the REST API are accepted; in exactly-once mode they are
   * written to the offsets table too, since the tasks resume from there.
   */
  override async alterOffsets(
    props: ConnectorProps,
    offsets: TopicPartitionMap<number | null>,
  ): Promise<boolean> {
    const config = parseSinkConfig(props);
    const eos = config.exactlyOnce;
    if (eos === null) return true;
    const table = new OffsetsTable(parseTableId(eos.offsetsTable), eos.connector);
    const client = await openConnection(config.connection);
    try {
      await client.query(table.createSql());
      await table.alter(client, offsets);
    } finally {
      await closeConnection(client);
    }
    return true;
  }
}
