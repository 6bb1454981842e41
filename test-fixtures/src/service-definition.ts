/**
 * The contract every launcher implements. A launcher knows how to install one real
 * server into the cache, start it as a detached daemon, and prove it answers; the
 * framework (service-manager.ts) does everything else: locking, reuse across test
 * runs, ports, logs, readiness polling, stopping, env-var overrides.
 */

/** Handed to `install`: where the launcher may write its version-keyed files. */
export interface InstallContext {
  /** `<cache>/<name>-<version>/`, created before `install` is called. */
  readonly installDir: string;
  /** The cache root, for downloads shared between services (e.g. `<cache>/maven-repository`). */
  readonly cacheDir: string;
  /** Log file for install commands (mvn, apt-get, go build ...). */
  readonly installLogFile: string;
  /** Reports a progress line ("resolving jars with mvn"); shown by the CLI only. */
  progress(message: string): void;
}

/** Handed to `start`: everything a launcher needs to spawn its daemon. */
export interface StartContext extends InstallContext {
  /** `<cache>/run/<name>/`: data directories, generated config files. Emptied before start. */
  readonly stateDir: string;
  /** Where the daemon's stdout/stderr go (`<cache>/run/<name>.log`). */
  readonly logFile: string;
  /** Connection strings of the services named in `dependsOn`, by service name. */
  readonly dependencies: Readonly<Record<string, string>>;
  /**
   * A free loopback port. `label` is `'main'` for the port clients connect to, which
   * can be pinned with `SLUICE_<NAME>_PORT`; other labels always get a free port.
   */
  port(label?: string): Promise<number>;
  /**
   * Spawns a long-running process detached (own process group, stdio to `logFile`)
   * and returns its pid. If it exits before the service is ready, the framework fails
   * with the command and the log tail.
   */
  spawnDaemon(command: string, args: readonly string[], options?: DaemonOptions): number;
}

/** Options for `StartContext.spawnDaemon`. */
export interface DaemonOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Run as this OS user (needed when the server refuses root, e.g. PostgreSQL). */
  readonly user?: { readonly uid: number; readonly gid: number };
}

/** What `start` returns: how to reach the service and which process to stop. */
export interface StartedService {
  /** Value for `envVar`: bootstrap servers, URL, endpoint or contact points. */
  readonly connection: string;
  /** Leader pid of the daemon's process group (from `ctx.spawnDaemon`). */
  readonly pid: number;
  /** Extra variables tests need besides `envVar` (e.g. S3 credentials). */
  readonly env?: Readonly<Record<string, string>>;
}

/** A service launcher. Keep it to one file under src/services/, named after the service. */
export interface ServiceDefinition {
  /** Short lowercase name used by the CLI and `services(...)`: `kafka`, `postgres`. */
  readonly name: string;
  /** Pinned version; keys the install cache so a bump reinstalls and a rerun does not. */
  readonly version: string;
  /** Points at an existing server; when set nothing is installed or started. */
  readonly envVar: string;
  /** An example value of `envVar`, shown in error messages. */
  readonly envExample: string;
  /** What is installed from where; shown by `sluice-services status` and the README. */
  readonly source: string;
  /** Services that must be up first; their connections arrive in `ctx.dependencies`. */
  readonly dependsOn?: readonly string[];
  /** How long readiness may take after start (default 60 s). */
  readonly readyTimeoutMs?: number;
  /** Signal for a clean shutdown (default SIGTERM; PostgreSQL's fast shutdown is SIGINT). */
  readonly stopSignal?: NodeJS.Signals;
  /** Installs into `ctx.installDir`; must be idempotent and quick when already done. */
  install(ctx: InstallContext): Promise<void>;
  /** Starts the server (via `ctx.spawnDaemon`) and returns how to reach it; does not wait. */
  start(ctx: StartContext): Promise<StartedService>;
  /** Resolves when the server really answers a request, rejects otherwise (one attempt). */
  checkReady(connection: string, env: Readonly<Record<string, string>>): Promise<void>;
}
