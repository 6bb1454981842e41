import { writeSync } from 'node:fs';
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import { formatLogLine } from './text-log-format.js';

export type { Logger } from 'pino';

/** `text`: a line for people (`[time] INFO [connector|task-0] message`); `json`: pino's JSON lines. */
export type LogFormat = 'text' | 'json';

export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

export interface SluiceLoggerOptions extends LoggerOptions {
  /**
   * The worker's `log.format` (`text` or `json`; other values are left to the worker config
   * check to report); `SLUICE_LOG_FORMAT` overrides it. Without either: see {@link logFormat}.
   */
  format?: string | null;
}

/**
 * The format of the worker's log: `SLUICE_LOG_FORMAT` when set, else the configured one, else
 * text when `stream` (stderr) is a terminal and JSON otherwise (files, pipes, log collectors).
 */
export function logFormat(
  configured: string | null | undefined,
  stream: { isTTY?: boolean } = process.stderr,
): LogFormat {
  for (const choice of [process.env.SLUICE_LOG_FORMAT, configured]) {
    const format = choice?.trim().toLowerCase();
    if (format === 'text' || format === 'json') return format;
  }
  return stream.isTTY ? 'text' : 'json';
}

/** Writes each pino line, as text, to a file descriptor (synchronously, so lines stay in order with exits). */
function textDestination(fd: number): DestinationStream {
  return { write: (line: string) => void writeSync(fd, formatLogLine(line)) };
}

/**
 * Creates the worker's one root logger; everything else uses child loggers of it. Without
 * `destination` it writes to stderr in the format {@link logFormat} picks; with one, JSON unless
 * `options.format` says text.
 */
export function createLogger(
  options: SluiceLoggerOptions = {},
  destination?: NodeJS.WritableStream,
): Logger {
  const { format, ...pinoOptions } = options;
  const opts: LoggerOptions = {
    level: process.env.SLUICE_LOG_LEVEL ?? 'info',
    base: { pid: process.pid },
    ...pinoOptions,
  };
  if (destination) {
    if (format?.toLowerCase() !== 'text') return pino(opts, destination);
    return pino(opts, { write: (line: string) => void destination.write(formatLogLine(line)) });
  }
  return logFormat(format) === 'text'
    ? pino(opts, textDestination(2))
    : pino(opts, pino.destination(2));
}

/** A logger that drops everything (tests, library defaults). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** Child logger carrying the connector name (and task id) on every line. */
export function connectorLogger(root: Logger, connector: string, task?: number): Logger {
  return task === undefined ? root.child({ connector }) : root.child({ connector, task });
}
