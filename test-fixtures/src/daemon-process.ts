import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import type { DaemonOptions } from './service-definition.js';

/** A daemon just spawned: its pid and, while this process lives, how it exited. */
export interface SpawnedDaemon {
  readonly pid: number;
  /** Set once the daemon exits while this process still watches it. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
}

/**
 * Starts `command` in its own process group with stdin closed and stdout/stderr
 * appended to `logFile`, and lets it outlive this process (vitest, the CLI).
 */
export function spawnDaemon(
  command: string,
  args: readonly string[],
  logFile: string,
  options: DaemonOptions = {},
): SpawnedDaemon {
  const log = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', log, log],
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      env: { ...process.env, ...options.env },
      ...(options.user === undefined ? {} : { uid: options.user.uid, gid: options.user.gid }),
    });
    if (child.pid === undefined) {
      throw new Error(`could not spawn ${command} (is it installed and on PATH?)`);
    }
    const daemon: SpawnedDaemon = { pid: child.pid, exit: undefined };
    // Swallow spawn errors here: the caller sees the early exit and reports the log.
    child.on('error', () => {
      daemon.exit ??= { code: null, signal: null };
    });
    child.on('exit', (code, signal) => {
      daemon.exit = { code, signal };
    });
    child.unref();
    return daemon;
  } finally {
    closeSync(log);
  }
}

/** True when `pid` names a live process (zombies, which kill(0) still reports, count as dead). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..."; comm may contain spaces, so read after ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no procfs (macOS): trust kill(0)
  }
}

/**
 * Stops the daemon `pid`: `signal` (SIGTERM by default) to the leader only, as a
 * server's own shutdown stops its children in order (PostgreSQL); after `graceMs`,
 * SIGKILL to the whole process group. Resolves once the leader is gone.
 */
export async function stopProcessGroup(
  pid: number,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 15_000,
): Promise<'stopped' | 'killed' | 'not-running'> {
  if (!isProcessAlive(pid)) return 'not-running';
  sendSignal(pid, signal);
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return 'stopped';
    await sleep(100);
  }
  // The group id is the leader's pid (spawned detached); it also reaches helpers it forked.
  if (!sendSignal(-pid, 'SIGKILL')) sendSignal(pid, 'SIGKILL');
  for (let i = 0; i < 50 && isProcessAlive(pid); i++) await sleep(100);
  return 'killed';
}

function sendSignal(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolvePromise) => setTimeout(resolvePromise, ms));
}
