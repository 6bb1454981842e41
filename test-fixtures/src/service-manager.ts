import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cacheDir, installDir, runDir } from './cache-dir.js';
import {
  isProcessAlive,
  type SpawnedDaemon,
  spawnDaemon,
  stopProcessGroup,
} from './daemon-process.js';
import { withFileLock } from './file-lock.js';
import { fixturesBackend } from './fixtures-backend.js';
import { pickPort } from './free-port.js';
import { CommandError } from './run-command.js';
import {
  type RunState,
  readRunState,
  removeRunState,
  runPaths,
  writeRunState,
} from './run-state.js';
import type { ServiceDefinition, StartContext } from './service-definition.js';
import { commandLine, ServiceError } from './service-error.js';
import { serviceDefinition } from './service-registry.js';
import { waitUntilReady } from './wait-until-ready.js';

/** A service ready for tests, however it got there. */
export interface ResolvedService {
  readonly name: string;
  /** Value of the service's env var. */
  readonly connection: string;
  /** Every variable tests should see: the service's env var plus any extras. */
  readonly env: Readonly<Record<string, string>>;
  /**
   * `env`: an existing server named by the env var; `reused`: already running; `started`: by us;
   * `container`: from its official image (the testcontainers backend), for this process only.
   */
  readonly origin: 'env' | 'reused' | 'started' | 'container';
  /** Seconds spent installing (only when `origin` is `started` and something was installed). */
  readonly installSeconds?: number;
  /** Seconds from spawn to ready (only when `origin` is `started`). */
  readonly startSeconds?: number;
}

/** One line of progress, for the CLI (library code prints nothing itself). */
export interface ProgressEvent {
  readonly service: string;
  readonly message: string;
}

/** Options shared by `ensureServices` and `stopServices`. */
export interface ServiceManagerOptions {
  /** Environment to read overrides and pinned ports from (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** Receives progress lines ("installing ...", "started in 12.3 s"). */
  readonly onProgress?: (event: ProgressEvent) => void;
  /** How long a server named by an env var may take to answer (default 30 s: it may be booting). */
  readonly existingServerTimeoutMs?: number;
}

/** Ensures the named services (and what they depend on) are up; starts, reuses or checks them. */
export async function ensureServices(
  names: readonly string[],
  options: ServiceManagerOptions = {},
): Promise<Record<string, ResolvedService>> {
  const pending = new Map<string, Promise<ResolvedService>>();
  const ensureOne = (name: string, chain: readonly string[]): Promise<ResolvedService> => {
    if (chain.includes(name)) {
      throw new Error(`services depend on each other in a cycle: ${[...chain, name].join(' -> ')}`);
    }
    let promise = pending.get(name);
    if (promise === undefined) {
      const definition = serviceDefinition(name);
      // A container brings what it needs (FerretDB's PostgreSQL is no dependency of MongoDB).
      const local = fixturesBackend(name, options.env ?? process.env).backend === 'local';
      promise = (async () => {
        const dependencies: Record<string, string> = {};
        for (const dependency of local ? (definition.dependsOn ?? []) : []) {
          dependencies[dependency] = (await ensureOne(dependency, [...chain, name])).connection;
        }
        return ensureService(definition, dependencies, options);
      })();
      pending.set(name, promise);
    }
    return promise;
  };
  // Independent services start side by side; wait for all so no start is left half-done.
  const settled = await Promise.allSettled(names.map((name) => ensureOne(name, [])));
  const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failures.length === 1) throw failures[0]?.reason;
  if (failures.length > 1) {
    throw new AggregateError(
      failures.map((f) => f.reason),
      failures
        .map((f) => (f.reason instanceof Error ? f.reason.message : String(f.reason)))
        .join('\n\n'),
    );
  }
  const resolved: Record<string, ResolvedService> = {};
  for (const [name, promise] of pending) resolved[name] = await promise;
  return resolved;
}

/** Ensures one service is up: env override, a running instance, or install + start. */
export async function ensureService(
  definition: ServiceDefinition,
  dependencies: Readonly<Record<string, string>>,
  options: ServiceManagerOptions = {},
): Promise<ResolvedService> {
  const env = options.env ?? process.env;
  const progress = (message: string) => options.onProgress?.({ service: definition.name, message });
  const existing = env[definition.envVar];
  if (existing !== undefined && existing !== '') {
    progress(`using the existing server ${definition.envVar}=${existing}`);
    const extra = extraEnvFrom(env, definition);
    try {
      await waitUntilReady(() => definition.checkReady(existing, extra), {
        timeoutMs: options.existingServerTimeoutMs ?? 30_000,
      });
    } catch (error) {
      throw new ServiceError({
        service: definition.name,
        problem: `${definition.envVar}=${existing} does not answer`,
        envVar: definition.envVar,
        envExample: definition.envExample,
        envVarIsSet: true,
        cause: (error as { cause?: unknown }).cause ?? error,
      });
    }
    return {
      name: definition.name,
      connection: existing,
      env: { ...extra, [definition.envVar]: existing },
      origin: 'env',
    };
  }

  const choice = fixturesBackend(definition.name, env);
  if (choice.backend === 'testcontainers' && choice.variable !== undefined) {
    progress(`starting ${definition.name} from its official image (${choice.variable})`);
    // Loaded only when chosen: the local path never loads testcontainers and its Docker client.
    const { startContainerService } = await import('./containers/container-backend.js');
    return startContainerService(definition, choice.variable);
  }

  const root = cacheDir(env);
  const run = runDir(root);
  const paths = runPaths(definition.name, run);
  await mkdir(run, { recursive: true });
  return withFileLock(
    paths.lockFile,
    async () => {
      const reused = await reuseRunning(definition, run, progress);
      if (reused !== undefined) return reused;

      const install = installDir(definition.name, definition.version, root);
      await mkdir(install, { recursive: true });
      const installStarted = Date.now();
      const installContext = {
        installDir: install,
        cacheDir: root,
        installLogFile: paths.installLogFile,
        progress,
      };
      try {
        await definition.install(installContext);
      } catch (error) {
        throw failure(definition, 'install failed', error, paths.installLogFile);
      }
      const installSeconds = (Date.now() - installStarted) / 1000;
      // A no-op install (already in the cache) takes milliseconds: only report real work.
      if (installSeconds >= 1) progress(`installed in ${installSeconds.toFixed(1)} s`);

      await rm(paths.stateDir, { recursive: true, force: true });
      await mkdir(paths.stateDir, { recursive: true });
      await writeFile(
        paths.logFile,
        `# ${definition.name} ${definition.version} started ${new Date().toISOString()}\n`,
      );
      const daemons: { command: string; daemon: SpawnedDaemon }[] = [];
      const handedOut = new Set<number>();
      const context: StartContext = {
        ...installContext,
        stateDir: paths.stateDir,
        logFile: paths.logFile,
        dependencies,
        port: async (label = 'main') => {
          const envVar = `SLUICE_${definition.name.toUpperCase().replaceAll('-', '_')}_PORT`;
          // Only the client-facing port can be pinned; internal ones are always free picks.
          const port = await pickPort(
            label === 'main' ? envVar : '',
            label === 'main' ? env : {},
            handedOut,
          );
          handedOut.add(port);
          return port;
        },
        spawnDaemon: (command, args, spawnOptions) => {
          const daemon = spawnDaemon(command, args, paths.logFile, spawnOptions);
          daemons.push({ command: commandLine(command, args), daemon });
          return daemon.pid;
        },
      };

      progress('starting');
      const spawnedAt = Date.now();
      let started: Awaited<ReturnType<ServiceDefinition['start']>>;
      try {
        started = await definition.start(context);
      } catch (error) {
        await stopAll(daemons, definition);
        throw failure(definition, 'could not start', error, paths.logFile);
      }
      const lastCommand = daemons.find((d) => d.daemon.pid === started.pid)?.command;
      const extra = started.env ?? {};
      const state = (startSeconds: number): RunState => ({
        name: definition.name,
        version: definition.version,
        pid: started.pid,
        connection: started.connection,
        env: { ...extra, [definition.envVar]: started.connection },
        logFile: paths.logFile,
        stateDir: paths.stateDir,
        startedAt: new Date().toISOString(),
        startSeconds,
      });
      // Record the pid before waiting: if this process is killed while waiting (Ctrl-C),
      // the next `up` or `down` finds the daemon and reuses or stops it instead of orphaning it.
      await writeRunState(state(0), run);
      try {
        await waitUntilReady(() => definition.checkReady(started.connection, extra), {
          timeoutMs: definition.readyTimeoutMs ?? 60_000,
          intervalMs: 500,
          abortReason: () => {
            const dead = daemons.find(
              (d) => d.daemon.exit !== undefined || !isProcessAlive(d.daemon.pid),
            );
            if (dead === undefined) return undefined;
            const exit = dead.daemon.exit;
            const how =
              exit === undefined
                ? ''
                : exit.code !== null
                  ? ` with code ${exit.code}`
                  : ` on signal ${exit.signal}`;
            return `exited${how} before it was ready`;
          },
        });
      } catch (error) {
        await stopAll(daemons, definition);
        await removeRunState(definition.name, run);
        throw new ServiceError({
          service: definition.name,
          problem: (error as Error).message,
          ...(lastCommand === undefined ? {} : { command: lastCommand }),
          logFile: paths.logFile,
          envVar: definition.envVar,
          envExample: definition.envExample,
          cause: (error as { cause?: unknown }).cause,
        });
      }
      const startSeconds = (Date.now() - spawnedAt) / 1000;
      const ready = state(startSeconds);
      await writeRunState(ready, run);
      progress(`started in ${startSeconds.toFixed(1)} s at ${started.connection}`);
      return {
        name: definition.name,
        connection: ready.connection,
        env: ready.env,
        origin: 'started',
        installSeconds,
        startSeconds,
      };
    },
    {
      onWait: (holder) =>
        progress(
          `waiting for another process${holder === undefined ? '' : ` (pid ${holder})`} starting it`,
        ),
    },
  );
}

/** Returns the recorded instance if it is alive, of the pinned version, and answers. */
async function reuseRunning(
  definition: ServiceDefinition,
  run: string,
  progress: (message: string) => void,
): Promise<ResolvedService | undefined> {
  const state = await readRunState(definition.name, run);
  if (state === undefined) return undefined;
  if (state.version === definition.version && isProcessAlive(state.pid)) {
    try {
      await waitUntilReady(() => definition.checkReady(state.connection, state.env), {
        timeoutMs: 10_000,
      });
      progress(`already running at ${state.connection} (pid ${state.pid})`);
      return {
        name: definition.name,
        connection: state.connection,
        env: state.env,
        origin: 'reused',
      };
    } catch {
      progress(`pid ${state.pid} is alive but does not answer: restarting it`);
    }
  }
  // A stale, unresponsive or other-version instance: stop whatever is left of it.
  await stopProcessGroup(state.pid, definition.stopSignal);
  await removeRunState(definition.name, run);
  return undefined;
}

async function stopAll(
  daemons: readonly { daemon: SpawnedDaemon }[],
  definition: ServiceDefinition,
): Promise<void> {
  for (const { daemon } of daemons)
    await stopProcessGroup(daemon.pid, definition.stopSignal, 5_000);
}

function failure(
  definition: ServiceDefinition,
  problem: string,
  error: unknown,
  logFile: string,
): ServiceError {
  if (error instanceof ServiceError) return error;
  if (error instanceof CommandError) {
    return new ServiceError({
      service: definition.name,
      problem: `${problem}: a command ${error.detail}`,
      command: error.command,
      logFile: error.logFile,
      envVar: definition.envVar,
      envExample: definition.envExample,
    });
  }
  return new ServiceError({
    service: definition.name,
    problem,
    logFile,
    envVar: definition.envVar,
    envExample: definition.envExample,
    cause: error,
  });
}

/** Variables other than the main env var that a launcher's readiness check may read. */
function extraEnvFrom(
  env: NodeJS.ProcessEnv,
  definition: ServiceDefinition,
): Record<string, string> {
  const prefix = `SLUICE_${definition.name.toUpperCase().replaceAll('-', '_')}_`;
  const extra: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith(prefix) && value !== undefined) extra[key] = value;
  }
  return extra;
}

/** What `stopServices` did for one service. */
export interface StopResult {
  readonly name: string;
  readonly outcome: 'stopped' | 'killed' | 'not-running';
}

/** Stops the named services started by us (never servers named by env vars). */
export async function stopServices(
  names: readonly string[],
  options: ServiceManagerOptions = {},
): Promise<StopResult[]> {
  const run = runDir(cacheDir(options.env ?? process.env));
  // Dependents first: stopping Kafka under a running schema registry makes it log errors.
  const ordered = [...names].sort((a, b) => dependsOn(b, a) - dependsOn(a, b));
  const results: StopResult[] = [];
  for (const name of ordered) {
    const definition = serviceDefinition(name);
    const paths = runPaths(name, run);
    await mkdir(run, { recursive: true });
    const outcome = await withFileLock(paths.lockFile, async () => {
      const state = await readRunState(name, run);
      if (state === undefined) return 'not-running' as const;
      options.onProgress?.({ service: name, message: `stopping pid ${state.pid}` });
      const result = await stopProcessGroup(state.pid, definition.stopSignal);
      await removeRunState(name, run);
      return result;
    });
    options.onProgress?.({ service: name, message: outcome });
    results.push({ name, outcome });
  }
  return results;
}

function dependsOn(name: string, other: string): number {
  return (serviceDefinition(name).dependsOn ?? []).includes(other) ? 1 : 0;
}

/** One row of `serviceStatus`. */
export interface ServiceStatus {
  readonly name: string;
  readonly version: string;
  readonly envVar: string;
  readonly source: string;
  /** `env`: overridden by the env var; `running`/`stopped`: a daemon of ours. */
  readonly state: 'env' | 'running' | 'stopped' | 'dead';
  readonly connection?: string;
  readonly pid?: number;
  readonly logFile?: string;
  readonly startedAt?: string;
}

/** Reports, per service, whether it is overridden, running (recorded and alive) or stopped. */
export async function serviceStatus(
  names: readonly string[],
  options: Pick<ServiceManagerOptions, 'env'> = {},
): Promise<ServiceStatus[]> {
  const env = options.env ?? process.env;
  const run = runDir(cacheDir(env));
  const rows: ServiceStatus[] = [];
  for (const name of names) {
    const definition = serviceDefinition(name);
    const base = {
      name,
      version: definition.version,
      envVar: definition.envVar,
      source: definition.source,
    };
    const override = env[definition.envVar];
    if (override !== undefined && override !== '') {
      rows.push({ ...base, state: 'env', connection: override });
      continue;
    }
    const state = await readRunState(name, run);
    if (state === undefined) {
      rows.push({ ...base, state: 'stopped' });
      continue;
    }
    rows.push({
      ...base,
      state: isProcessAlive(state.pid) ? 'running' : 'dead',
      connection: state.connection,
      pid: state.pid,
      logFile: state.logFile,
      startedAt: state.startedAt,
    });
  }
  return rows;
}
