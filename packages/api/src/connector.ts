import type { Config, ConfigDef } from './config-def.js';
import { type ConnectorLogger, SILENT_CONNECTOR_LOGGER } from './connector-logger.js';
import { ConnectException } from './errors.js';
import type { MaybePromise } from './maybe-promise.js';

/**
 * Configuration properties of a connector or task, as in Kafka Connect: string keys and string
 * values, exactly as written in the connector config (parse them with the plugin's ConfigDef).
 */
export type ConnectorProps = Record<string, string>;

/** What the runtime gives a connector to talk back. */
export interface ConnectorContext {
  /** Asks the runtime to call `taskConfigs` again and restart tasks if they changed (e.g. new tables). */
  requestTaskReconfiguration(): void;
  /** Fails the connector with this error (shown in its REST status); for errors outside a method call. */
  raiseError(error: Error): void;
  /** The connector's logger: each line carries the connector name. */
  readonly log: ConnectorLogger;
}

/** A task: the unit that moves data. Sources and sinks extend `SourceTask` / `SinkTask`. */
export interface Task {
  /** The task's version, usually its connector's. */
  version(): string;
  start(props: ConnectorProps): MaybePromise<void>;
  stop(): MaybePromise<void>;
}

/** A task class, as `Connector.taskClass()` returns it: constructible with no arguments. */
export type TaskClass<T extends Task = Task> = new () => T;

/**
 * The base of source and sink connectors. A connector reads its config, decides how to split the
 * work (`taskConfigs`), and watches for changes; its tasks move the data.
 *
 * Lifecycle: `initialize(context)` → `start(props)` → `taskConfigs(maxTasks)` (again whenever
 * reconfiguration is requested) → `stop()`. `validate` and `config` may be called on an instance
 * that was never started.
 */
export abstract class Connector {
  /** Set by `initialize` before `start`. */
  protected context!: ConnectorContext;

  /** Called by the runtime before `start`. `taskConfigs` are the ones currently running, if any. */
  initialize(context: ConnectorContext, _taskConfigs?: readonly ConnectorProps[]): void {
    this.context = context;
  }

  /** The context's logger; lines logged before `initialize` (in `validate`, say) are dropped. */
  protected get log(): ConnectorLogger {
    return this.context?.log ?? SILENT_CONNECTOR_LOGGER;
  }

  /** The connector's version (shown by `GET /connector-plugins`). */
  abstract version(): string;

  /** Starts the connector with its configuration. */
  abstract start(props: ConnectorProps): MaybePromise<void>;

  /** Applies a new configuration; by default stops and starts again. */
  async reconfigure(props: ConnectorProps): Promise<void> {
    await this.stop();
    await this.start(props);
  }

  /** The task class; the runtime creates one instance per task config. */
  abstract taskClass(): TaskClass;

  /** At most `maxTasks` task configurations; each becomes one task. */
  abstract taskConfigs(maxTasks: number): MaybePromise<ConnectorProps[]>;

  /** Stops the connector and releases its resources. */
  abstract stop(): MaybePromise<void>;

  /** The connector's configuration definition. */
  abstract config(): ConfigDef<object>;

  /**
   * Validates a configuration for the REST API. The default validates every key with `config()`;
   * override it to add checks across keys (attach errors to the right ConfigValue).
   */
  validate(props: ConnectorProps): MaybePromise<Config> {
    const configDef = this.config();
    if (configDef == null) {
      throw new ConnectException(
        `${this.constructor.name}.config() must return a ConfigDef that is not null.`,
      );
    }
    return { configValues: configDef.validate(props) };
  }
}
