import { spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { commandLine } from './service-error.js';

/** Options for `runCommand`. */
export interface RunCommandOptions {
  /** Output (stdout and stderr) is appended here, after a header naming the command. */
  readonly logFile: string;
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly user?: { readonly uid: number; readonly gid: number };
  /** Kill the command after this long (default 20 min). */
  readonly timeoutMs?: number;
}

/** A command exited non-zero (or could not run); carries what a ServiceError needs. */
export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly logFile: string,
    readonly exitCode: number | null,
    /** What happened, without the command: "exited with code 1". */
    readonly detail: string,
  ) {
    super(`\`${command}\` ${detail}`);
    this.name = 'CommandError';
  }
}

/** Runs a command to completion with its output going to `logFile`; rejects with CommandError. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions,
): Promise<void> {
  const line = commandLine(command, args);
  const log = openSync(options.logFile, 'a');
  writeSync(log, `\n$ ${line}\n`);
  return new Promise<void>((resolvePromise, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', log, log],
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      env: { ...process.env, ...options.env },
      ...(options.user === undefined ? {} : { uid: options.user.uid, gid: options.user.gid }),
    });
    const timeoutMs = options.timeoutMs ?? 20 * 60_000;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new CommandError(line, options.logFile, null, `could not run: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise();
      else {
        const detail =
          signal === 'SIGKILL' && code === null
            ? `was killed after ${Math.round(timeoutMs / 1000)} s`
            : `exited with ${code === null ? `signal ${signal}` : `code ${code}`}`;
        reject(new CommandError(line, options.logFile, code, detail));
      }
    });
  }).finally(() => closeSync(log));
}
