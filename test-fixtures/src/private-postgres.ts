import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ephemeralPort } from './free-port.js';
import { RestartableServer } from './restartable-server.js';
import { ensureServices } from './service-manager.js';
import { initPostgresCluster, postgres, postgresServerArgs } from './services/postgres.js';

/**
 * A PostgreSQL server of a test's own (the shared service's install and settings, its own
 * cluster folder and port), for tests that restart or kill it: the shared server must stay up
 * for everyone else. Its data survives `stop()` and `start()`.
 */
export class PrivatePostgres extends RestartableServer {
  private constructor(
    dir: string,
    readonly port: number,
    launch: ConstructorParameters<typeof RestartableServer>[1],
  ) {
    super(dir, launch);
  }

  /** A new cluster (initdb) in a temporary folder with a free port, started. */
  static async start(): Promise<PrivatePostgres> {
    // Installs PostgreSQL when the shared server was never started on this machine.
    await ensureServices(['postgres']);
    const dir = await mkdtemp(join(tmpdir(), 'sluice-private-postgres-'));
    const cluster = await initPostgresCluster(dir, join(dir, 'initdb.log'));
    const port = await ephemeralPort();
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const server = new PrivatePostgres(dir, port, {
      command: cluster.command,
      args: postgresServerArgs(cluster, port),
      options: cluster.options,
      checkReady: () => postgres.checkReady(url, {}),
      // Fast shutdown: a smart one waits for the clients under test to leave.
      stopSignal: 'SIGINT',
    });
    await server.start();
    return server;
  }

  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust auth). */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** Kills the server and removes its folder. */
  async destroy(): Promise<void> {
    await this.stop('SIGKILL');
    await rm(this.dir, { recursive: true, force: true });
  }
}
