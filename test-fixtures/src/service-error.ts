import { logTail } from './log-tail.js';

/** What went wrong, for `ServiceError`. */
export interface ServiceErrorDetails {
  /** Service name (`kafka`). */
  readonly service: string;
  /** What failed, in a few words: "install failed", "did not become ready in 60 s". */
  readonly problem: string;
  /** The command that failed, as one shell-like line, when a command is at fault. */
  readonly command?: string;
  /** The log file to read; its last lines are quoted in the message. */
  readonly logFile?: string;
  /** The variable that points at an existing server instead (`SLUICE_KAFKA_BROKERS`). */
  readonly envVar: string;
  /** An example value for `envVar`. */
  readonly envExample?: string;
  /** True when the failing server is the one `envVar` names (the hint then says to fix or unset it). */
  readonly envVarIsSet?: boolean;
  readonly cause?: unknown;
}

/**
 * A service could not be installed, started or reached. The message alone tells the
 * reader which service, which command, where its log is (with its tail), and how to
 * use an existing server instead.
 */
export class ServiceError extends Error {
  readonly service: string;
  readonly command: string | undefined;
  readonly logFile: string | undefined;
  readonly envVar: string;

  constructor(details: ServiceErrorDetails) {
    super(formatServiceError(details), details.cause === undefined ? {} : { cause: details.cause });
    this.name = 'ServiceError';
    this.service = details.service;
    this.command = details.command;
    this.logFile = details.logFile;
    this.envVar = details.envVar;
  }
}

/** Builds the multi-line message of a ServiceError. */
export function formatServiceError(details: ServiceErrorDetails, tailLines = 20): string {
  const lines = [`${details.service}: ${details.problem}`];
  const cause = details.cause;
  if (cause !== undefined) {
    lines.push(`  cause: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  if (details.command !== undefined) lines.push(`  command: ${details.command}`);
  if (details.logFile !== undefined) {
    lines.push(`  log: ${details.logFile}`);
    const tail = logTail(details.logFile, tailLines);
    if (tail !== '') {
      lines.push(`  last lines of the log:`);
      for (const line of tail.split('\n')) lines.push(`    | ${line}`);
    }
  }
  const example = details.envExample === undefined ? '...' : details.envExample;
  lines.push(
    details.envVarIsSet === true
      ? `  Check that server, or unset ${details.envVar} to let Sluice install and start its own.`
      : `  To use an existing ${details.service} server instead, set ${details.envVar} (e.g. ${details.envVar}=${example}).`,
  );
  return lines.join('\n');
}

/** Quotes a command and its arguments as one line a reader could paste into a shell. */
export function commandLine(command: string, args: readonly string[]): string {
  return [command, ...args].map(shellQuote).join(' ');
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
