import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Root of the service cache: `SLUICE_CACHE_DIR`, else `~/.cache/sluice` (outside the repo). */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.SLUICE_CACHE_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'sluice');
}

/** Where one version of one service is installed: `<cache>/<name>-<version>`. */
export function installDir(name: string, version: string, root: string = cacheDir()): string {
  return join(root, `${name}-${version}`);
}

/** Runtime state shared by every test run and the CLI: `<cache>/run`. */
export function runDir(root: string = cacheDir()): string {
  return join(root, 'run');
}
