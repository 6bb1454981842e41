import {
  ConnectException,
  type ConnectorProps,
  DataException,
  RetriableException,
  type SinkRecord,
  SinkTask,
} from '@sluice/api';
import { type RedisCommand, runPipelined } from './command-pipeline.js';
import { parseSinkConfig, type SinkConfig } from './config.js';
import { RecordCommands, recordError, recordPosition } from './record-commands.js';
import { RedisConnection } from './redis-connection.js';
import { errorKind } from './server-errors.js';
import { VERSION } from './version.js';

/** Module commands the sink may need, checked at start: a missing module fails the task then. */
const MODULE_COMMANDS: Readonly<Partial<Record<string, { command: string; module: string }>>> = {
  JSONSET: { command: 'JSON.SET', module: 'RedisJSON' },
  TSADD: { command: 'TS.ADD', module: 'RedisTimeSeries' },
};

/**
 * Writes records to Redis. Each `put()` turns its records into commands (one per record, plus an
 * EXPIRE when a TTL applies) and sends them as one pipeline per master (per slot owner in a
 * cluster), wrapped in MULTI/EXEC with `redis.multiexec`; it returns once every reply arrived,
 * so the offsets the runtime commits afterwards are written. A record that cannot become a
 * command, or whose command the server refuses (WRONGTYPE, not a number, ...), goes to the
 * error reporter (dead letter queue) with the reason and the rest of the batch is written;
 * without a reporter the task fails naming the record. Connection problems, timeouts and
 * server states such as LOADING or OOM make the batch retriable.
 */
export class RedisSinkTask extends SinkTask {
  private config: SinkConfig | null = null;
  private connection: RedisConnection | null = null;
  private commands: RecordCommands | null = null;

  version(): string {
    return VERSION;
  }

  async start(props: ConnectorProps): Promise<void> {
    const config = parseSinkConfig(props);
    this.config = config;
    this.commands = new RecordCommands(config);
    this.connection = await RedisConnection.open(config.connection, this.log, 'sluice-redis-sink');
    // The runtime does not call stop() after a failed start: close what was opened.
    await this.checkModule(config, this.connection).catch(async (error: unknown) => {
      await this.stop();
      throw error;
    });
    this.log.info(
      { command: config.command, keyspace: config.keyspace },
      `Writing ${config.command} commands to ${this.connection.description}`,
    );
  }

  /** Refuses JSONSET / TSADD at once when the server lacks the module, not record by record. */
  private async checkModule(config: SinkConfig, connection: RedisConnection): Promise<void> {
    const needed = MODULE_COMMANDS[config.command];
    if (needed === undefined) return;
    const [info] = (await connection.withTimeout(
      connection.client.call('COMMAND', 'INFO', needed.command),
      'COMMAND INFO',
    )) as unknown[];
    if (info === null || info === undefined) {
      throw new ConnectException(
        `redis.command=${config.command} writes with ${needed.command}, which ${connection.description} does not know: it needs the ${needed.module} module`,
      );
    }
  }

  async put(records: SinkRecord[]): Promise<void> {
    const { config, connection, commands } = this;
    if (config === null || connection === null || commands === null) {
      throw new ConnectException('RedisSinkTask.put called before start');
    }
    if (records.length === 0) return;
    const planned: RedisCommand[] = [];
    /** The record of each planned command. */
    const owners: SinkRecord[] = [];
    const refused = new Map<SinkRecord, DataException>();
    for (const record of records) {
      const before = planned.length;
      try {
        commands.plan(record, planned);
      } catch (error) {
        if (!(error instanceof DataException)) throw error;
        planned.length = before;
        refused.set(record, error);
        continue;
      }
      for (let i = before; i < planned.length; i++) owners.push(record);
    }
    const results = await runPipelined(connection, planned, {
      multi: config.multiExec,
      waitReplicas: config.waitReplicas,
      waitTimeoutMs: config.waitTimeoutMs,
    });
    let retriable: { error: Error; command: RedisCommand } | null = null;
    results.forEach((result, i) => {
      if (result.error === null) return;
      const record = owners[i] as SinkRecord;
      const command = planned[i] as RedisCommand;
      const kind = errorKind(result.error);
      if (kind === 'fatal') {
        throw new ConnectException(
          `${connection.description} refused ${command.name}: ${result.error.message}; no record can be written ${recordPosition(record)}`,
          { record, cause: result.error },
        );
      }
      if (kind === 'data') {
        if (!refused.has(record)) {
          refused.set(
            record,
            recordError(
              record,
              `Redis refused ${command.name} on key ${String(command.key)}: ${result.error.message}`,
              result.error,
            ),
          );
        }
      } else retriable ??= { error: result.error, command };
    });
    if (retriable !== null) {
      const { error, command } = retriable as { error: Error; command: RedisCommand };
      // Redelivery writes the whole batch again: at least once, as Kafka Connect promises.
      throw new RetriableException(
        `Writing ${records.length} records to ${connection.description} failed (${command.name}: ${error.message}); the batch will be written again`,
        { cause: error },
      );
    }
    await this.report(refused);
  }

  /** Sends refused records to the error reporter, or fails the task naming the first one. */
  private async report(refused: ReadonlyMap<SinkRecord, DataException>): Promise<void> {
    if (refused.size === 0) return;
    const reporter = this.context.errantRecordReporter();
    if (reporter === null) {
      const [first] = refused.values();
      throw new ConnectException(
        `${first?.message}${refused.size > 1 ? ` (and ${refused.size - 1} more records of the batch)` : ''}; configure errors.tolerance=all and a dead letter queue to carry on past such records`,
        { ...(first?.record ? { record: first.record } : {}), cause: first },
      );
    }
    this.log.warn(
      { records: refused.size },
      `${refused.size} records could not be written to Redis; sent to the error reporter`,
    );
    await Promise.all([...refused].map(([record, error]) => reporter.report(record, error)));
  }

  async stop(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    await connection?.close();
  }
}
