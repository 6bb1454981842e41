import { type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

/** Creates the worker's one root logger; everything else uses child loggers of it. */
export function createLogger(
  options: LoggerOptions = {},
  destination?: NodeJS.WritableStream,
): Logger {
  const opts: LoggerOptions = {
    level: process.env.SLUICE_LOG_LEVEL ?? 'info',
    base: { pid: process.pid },
    ...options,
  };
  return destination ? pino(opts, destination) : pino(opts, pino.destination(2));
}

/** A logger that drops everything (tests, library defaults). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** Child logger carrying the connector name (and task id) on every line. */
export function connectorLogger(root: Logger, connector: string, task?: number): Logger {
  return task === undefined ? root.child({ connector }) : root.child({ connector, task });
}
