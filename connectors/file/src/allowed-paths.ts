import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { type ConfigValidator, LambdaValidator } from '@sluice/api';

/**
 * The environment variable naming the folders the file connectors may read and write
 * (comma-separated absolute paths). It belongs to whoever starts the worker: a REST client can
 * create connectors, never change the worker's environment.
 */
export const ALLOWED_PATHS_ENV = 'SLUICE_FILE_ALLOWED_PATHS';

/**
 * Why `file` may not be used, or undefined when it lies in an allowed folder. Unset, the file
 * connectors are disabled: Kafka removed them from its default plugin path because anyone who
 * reaches the REST port could otherwise read or write any file the worker can.
 */
export function fileRefusal(
  file: string,
  env = process.env[ALLOWED_PATHS_ENV],
): string | undefined {
  const allowed = (env ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (allowed.length === 0) {
    return `the file connectors are disabled: start the worker with the environment variable ${ALLOWED_PATHS_ENV} naming the folders they may use (comma-separated absolute paths)`;
  }
  const relative = allowed.find((p) => !isAbsolute(p));
  if (relative !== undefined) return `${ALLOWED_PATHS_ENV} holds ${relative}, not an absolute path`;
  const full = realPath(resolve(file));
  const inside = allowed.some((folder) => {
    const root = realPath(resolve(folder));
    return full === root || full.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
  });
  return inside ? undefined : `${file} is outside the folders ${ALLOWED_PATHS_ENV} allows`;
}

/**
 * The path with symbolic links resolved (so a link inside an allowed folder cannot lead out of
 * it); for a file not created yet, its nearest existing folder's real path with the rest appended.
 */
function realPath(path: string): string {
  if (existsSync(path)) return realpathSync(path);
  const parent = dirname(path);
  return parent === path ? path : join(realPath(parent), basename(path));
}

/** The `file` key's validator: a path in the folders the worker allows (null: standard output). */
export const allowedFile: ConfigValidator = LambdaValidator.with(
  (value) => (typeof value === 'string' && value !== '' ? fileRefusal(value) : undefined),
  `a file under ${ALLOWED_PATHS_ENV}`,
);
