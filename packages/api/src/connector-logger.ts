/** One log method: a message, or fields and then the message (the argument order pino uses). */
export interface LogMethod {
  (message: string): void;
  (fields: Record<string, unknown>, message: string): void;
}

/**
 * The logger the runtime gives a connector and each of its tasks, in their context: every line
 * carries the connector name and task id, as Kafka Connect's `connector.context`
 * (`[my-sink|task-0] `). Pass an error as the `err` field to log its stack trace:
 * `log.warn({ err: error }, 'reconnecting')`. Never log secrets or record values by default.
 */
export interface ConnectorLogger {
  error: LogMethod;
  warn: LogMethod;
  info: LogMethod;
  debug: LogMethod;
  trace: LogMethod;
}

const drop: LogMethod = () => {};

/** A logger that drops every line: what a connector or task logs to before `initialize`. */
export const SILENT_CONNECTOR_LOGGER: ConnectorLogger = Object.freeze({
  error: drop,
  warn: drop,
  info: drop,
  debug: drop,
  trace: drop,
});
