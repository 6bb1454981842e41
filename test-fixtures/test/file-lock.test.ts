import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sleep } from '../src/daemon-process.js';
import { LockTimeoutError, withFileLock } from '../src/file-lock.js';

async function tempLock(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'sluice-lock-')), 'service.lock');
}

describe('withFileLock', () => {
  it('runs holders one at a time, in the order they got the lock', async () => {
    const lock = await tempLock();
    const events: string[] = [];
    const holder = (name: string) =>
      withFileLock(
        lock,
        async () => {
          events.push(`${name} in`);
          await sleep(50);
          events.push(`${name} out`);
        },
        { pollMs: 10 },
      );
    await Promise.all([holder('a'), holder('b'), holder('c')]);
    for (let i = 0; i < events.length; i += 2) {
      expect(events[i]?.replace(' in', '')).toBe(events[i + 1]?.replace(' out', ''));
    }
    expect(events).toHaveLength(6);
  });

  it('tells the waiter which pid holds the lock', async () => {
    const lock = await tempLock();
    const waits: (number | undefined)[] = [];
    let release: () => void = () => undefined;
    // Wait for events, not for time: on a loaded machine 20 ms may pass before the lock is taken.
    let held: () => void = () => undefined;
    const firstHolds = new Promise<void>((resolve) => (held = resolve));
    const first = withFileLock(
      lock,
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
          held();
        }),
    );
    await firstHolds;
    let waited: () => void = () => undefined;
    const secondWaits = new Promise<void>((resolve) => (waited = resolve));
    const second = withFileLock(lock, async () => 'second ran', {
      pollMs: 10,
      onWait: (pid) => {
        waits.push(pid);
        waited();
      },
    });
    await secondWaits;
    release();
    await first;
    expect(await second).toBe('second ran');
    expect(waits).toEqual([process.pid]);
  });

  it('takes over a lock left by a process that died', async () => {
    const lock = await tempLock();
    // A pid that is certainly dead: a child that already exited.
    const dead = spawnSync(process.execPath, ['-e', 'process.pid'], { encoding: 'utf8' }).pid;
    await writeFile(lock, `${dead}\nsomewhere\n2024-01-01T00:00:00.000Z\n`);
    const result = await withFileLock(lock, async () => readFile(lock, 'utf8'), {
      timeoutMs: 2_000,
    });
    expect(result.startsWith(`${process.pid}\n`)).toBe(true);
  });

  it('gives up after the timeout, naming the lock file and its holder', async () => {
    const lock = await tempLock();
    await writeFile(lock, `${process.pid}\nhere\nnow\n`);
    const attempt = withFileLock(lock, async () => undefined, { timeoutMs: 100, pollMs: 10 });
    await expect(attempt).rejects.toBeInstanceOf(LockTimeoutError);
    await expect(attempt).rejects.toThrow(
      `timed out waiting for ${lock} (held by pid ${process.pid})`,
    );
  });

  it('releases the lock when the holder throws', async () => {
    const lock = await tempLock();
    await expect(
      withFileLock(lock, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await withFileLock(lock, async () => 'again', { timeoutMs: 500 })).toBe('again');
  });
});
