import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runDir } from './cache-dir.js';

/** What `<cache>/run/<name>.json` records about a running service. */
export interface RunState {
  readonly name: string;
  readonly version: string;
  /** Leader of the daemon's process group. */
  readonly pid: number;
  /** Value of the service's env var (bootstrap servers, URL ...). */
  readonly connection: string;
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
  readonly stateDir: string;
  /** ISO time the service became ready. */
  readonly startedAt: string;
  /** Seconds from spawn to ready, for `status` and the README table. */
  readonly startSeconds: number;
}

/** Paths of one service's runtime files under `<cache>/run`. */
export interface RunPaths {
  readonly stateFile: string;
  readonly lockFile: string;
  readonly logFile: string;
  readonly installLogFile: string;
  readonly stateDir: string;
}

/** The runtime file paths for service `name`. */
export function runPaths(name: string, root: string = runDir()): RunPaths {
  return {
    stateFile: join(root, `${name}.json`),
    lockFile: join(root, `${name}.lock`),
    logFile: join(root, `${name}.log`),
    installLogFile: join(root, `${name}-install.log`),
    stateDir: join(root, name),
  };
}

/** Reads the recorded state of `name`, or undefined if none (or unreadable). */
export async function readRunState(
  name: string,
  root: string = runDir(),
): Promise<RunState | undefined> {
  try {
    return JSON.parse(await readFile(runPaths(name, root).stateFile, 'utf8')) as RunState;
  } catch {
    return undefined;
  }
}

/** Records `state` atomically (write a temp file, then rename over the old one). */
export async function writeRunState(state: RunState, root: string = runDir()): Promise<void> {
  await mkdir(root, { recursive: true });
  const file = runPaths(state.name, root).stateFile;
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temp, file);
}

/** Forgets the recorded state of `name`. */
export async function removeRunState(name: string, root: string = runDir()): Promise<void> {
  await unlink(runPaths(name, root).stateFile).catch(() => undefined);
}
