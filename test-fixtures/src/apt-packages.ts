import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { withFileLock } from './file-lock.js';
import { runCommand } from './run-command.js';
import type { InstallContext } from './service-definition.js';

/** Thrown when Debian packages are needed but this process cannot install them. */
export class AptUnavailableError extends Error {
  constructor(packages: readonly string[], reason: string) {
    super(`needs the Debian package(s) ${packages.join(' ')}, but ${reason}; install them by hand`);
    this.name = 'AptUnavailableError';
  }
}

/**
 * Installs Debian packages with apt-get when `isInstalled()` says they are missing
 * (a fresh CI machine has neither PostgreSQL nor Redis). Needs root. Installs from
 * several services are serialized by a lock in the cache and by dpkg's own lock.
 */
export async function ensureAptPackages(
  ctx: InstallContext,
  packages: readonly string[],
  isInstalled: () => boolean,
): Promise<void> {
  if (isInstalled()) return;
  if (process.platform !== 'linux') {
    throw new AptUnavailableError(packages, `this is ${process.platform}, not Debian`);
  }
  if (process.getuid?.() !== 0) {
    throw new AptUnavailableError(packages, 'apt-get needs root and this process is not root');
  }
  await withFileLock(join(ctx.cacheDir, 'run', 'apt.lock'), async () => {
    if (isInstalled()) return;
    ctx.progress(`installing ${packages.join(' ')} with apt-get`);
    const options = {
      logFile: ctx.installLogFile,
      env: { DEBIAN_FRONTEND: 'noninteractive' },
    };
    // Wait for dpkg's lock instead of failing when another apt-get runs.
    const lockTimeout = ['-o', 'DPkg::Lock::Timeout=600'];
    await runCommand('apt-get', [...lockTimeout, 'update', '-q'], options);
    // The downloaded .deb files stay in the cache: a machine whose packages were removed
    // installs them again without downloading.
    const archives = join(ctx.cacheDir, 'apt-archives');
    await mkdir(join(archives, 'partial'), { recursive: true });
    await runCommand(
      'apt-get',
      [
        ...lockTimeout,
        '-o',
        `Dir::Cache::archives=${archives}`,
        'install',
        '-y',
        '-q',
        '--no-install-recommends',
        ...packages,
      ],
      options,
    );
  });
  if (!isInstalled()) {
    throw new AptUnavailableError(packages, 'apt-get reported success yet they are still missing');
  }
}
