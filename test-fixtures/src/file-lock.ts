import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isProcessAlive, sleep } from './daemon-process.js';

/** Options for `withFileLock`. */
export interface FileLockOptions {
  /** Give up after this long (default 15 min: a cold install can take minutes). */
  readonly timeoutMs?: number;
  /** How often to retry while another process holds the lock. */
  readonly pollMs?: number;
  /** Called once when the lock is busy, with the holder's pid. */
  readonly onWait?: (holderPid: number | undefined) => void;
}

/** Thrown when the lock stays held past the timeout. */
export class LockTimeoutError extends Error {
  constructor(
    readonly lockFile: string,
    readonly holderPid: number | undefined,
  ) {
    super(
      `timed out waiting for ${lockFile} (held by pid ${holderPid ?? 'unknown'}); ` +
        `if no such process is running, delete the file`,
    );
    this.name = 'LockTimeoutError';
  }
}

/**
 * Runs `fn` while holding an exclusive lock file, so that parallel test runs (turbo
 * runs packages side by side) install or start a service once: the second asker
 * waits, then finds the service running and reuses it. A lock left by a dead process
 * is taken over.
 */
export async function withFileLock<T>(
  lockFile: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  await acquire(lockFile, options);
  try {
    return await fn();
  } finally {
    await unlink(lockFile).catch(() => undefined);
  }
}

async function acquire(lockFile: string, options: FileLockOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  const pollMs = options.pollMs ?? 200;
  const deadline = Date.now() + timeoutMs;
  const stamp = `${process.pid}\n${hostname()}\n${new Date().toISOString()}\n`;
  let waited = false;
  for (;;) {
    try {
      // 'wx' fails if the file exists: creation is the atomic test-and-set.
      await writeFile(lockFile, stamp, { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const held = await readFile(lockFile, 'utf8').catch(() => undefined);
    if (held === undefined) continue; // released between our two calls: retry now
    const holderPid = Number.parseInt(held, 10);
    const holderAlive = Number.isInteger(holderPid) && isProcessAlive(holderPid);
    if (!holderAlive && (await takeOverStale(lockFile, held))) continue;
    if (!waited) {
      waited = true;
      options.onWait?.(Number.isInteger(holderPid) ? holderPid : undefined);
    }
    if (Date.now() > deadline) {
      throw new LockTimeoutError(lockFile, Number.isInteger(holderPid) ? holderPid : undefined);
    }
    await sleep(pollMs);
  }
}

/**
 * Removes a lock whose holder died. Renaming first means only one waiter wins; the
 * winner then checks it moved the stale lock and not a fresh one taken meanwhile.
 */
async function takeOverStale(lockFile: string, staleContent: string): Promise<boolean> {
  const aside = `${lockFile}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(lockFile, aside);
  } catch {
    return false; // another waiter moved it first
  }
  const moved = await readFile(aside, 'utf8').catch(() => undefined);
  if (moved !== staleContent && moved !== undefined) {
    // We moved a live lock taken in the meantime: put it back unless a newer one exists.
    await writeFile(lockFile, moved, { flag: 'wx' }).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
  return true;
}
