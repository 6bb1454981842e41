import type { ConnectorLogger, LogMethod } from '@sluice/api';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** One line a connector logged. */
export interface LogEntry {
  level: LogLevel;
  message: string;
  fields: Record<string, unknown>;
}

/** A connector logger keeping every line, for tests that check what a connector or task logs. */
export class RecordingLogger implements ConnectorLogger {
  readonly entries: LogEntry[] = [];
  readonly error = this.method('error');
  readonly warn = this.method('warn');
  readonly info = this.method('info');
  readonly debug = this.method('debug');
  readonly trace = this.method('trace');

  /** The messages logged at `level` (every level when omitted), in order. */
  messages(level?: LogLevel): string[] {
    return this.entries
      .filter((e) => level === undefined || e.level === level)
      .map((e) => e.message);
  }

  private method(level: LogLevel): LogMethod {
    return ((first: string | Record<string, unknown>, message?: string) => {
      this.entries.push(
        typeof first === 'string'
          ? { level, message: first, fields: {} }
          : { level, message: message ?? '', fields: first },
      );
    }) as LogMethod;
  }
}
