/**
 * A server process of one test's own that the test stops (gracefully or kill -9) and starts again
 * on the same port and data: what PrivatePostgres and PrivateMinio are made of. The shared
 * services are never restarted: other tests use them at the same time.
 */
import { join } from 'node:path';
import { type SpawnedDaemon, spawnDaemon, stopProcessGroup } from './daemon-process.js';
import type { DaemonOptions } from './service-definition.js';
import { waitUntilReady } from './wait-until-ready.js';

/** How to run and probe the server. */
export interface ServerLaunch {
  readonly command: string;
  readonly args: readonly string[];
  readonly options?: DaemonOptions;
  /** One real request; rejects while the server does not serve. */
  readonly checkReady: () => Promise<void>;
  /** Signal of a graceful stop (PostgreSQL: SIGINT, its fast shutdown). */
  readonly stopSignal?: NodeJS.Signals;
}

export class RestartableServer {
  private daemon: SpawnedDaemon | null = null;
  private readonly killOnExit = () => {
    if (this.daemon !== null) {
      try {
        process.kill(-this.daemon.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };

  constructor(
    /** The server's folder (data, config, log). */
    readonly dir: string,
    private readonly launch: ServerLaunch,
  ) {}

  /** The server's own output. */
  get logFile(): string {
    return join(this.dir, 'server.log');
  }

  get running(): boolean {
    return this.daemon !== null && this.daemon.exit === undefined;
  }

  /** Starts the server (again) and resolves once it answers. */
  async start(timeoutMs = 120_000): Promise<void> {
    if (this.running) throw new Error(`the server in ${this.dir} is already running`);
    const daemon = spawnDaemon(
      this.launch.command,
      this.launch.args,
      this.logFile,
      this.launch.options,
    );
    this.daemon = daemon;
    // A test that ends without stopping its server must not leave it behind.
    process.once('exit', this.killOnExit);
    await waitUntilReady(this.launch.checkReady, {
      timeoutMs,
      abortReason: () =>
        daemon.exit &&
        `the server exited with ${daemon.exit.code ?? daemon.exit.signal}; see ${this.logFile}`,
    });
  }

  /** Stops the server (`SIGKILL`: a crash) and resolves once it is gone. */
  async stop(signal: NodeJS.Signals = this.launch.stopSignal ?? 'SIGTERM'): Promise<void> {
    const daemon = this.daemon;
    this.daemon = null;
    process.off('exit', this.killOnExit);
    if (daemon === null) return;
    await stopProcessGroup(daemon.pid, signal);
  }
}
