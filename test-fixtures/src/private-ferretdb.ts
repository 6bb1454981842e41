import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { cacheDir, installDir, runDir } from './cache-dir.js';
import { sleep, spawnDaemon, stopProcessGroup } from './daemon-process.js';
import { ephemeralPort } from './free-port.js';
import { logTail } from './log-tail.js';
import { runPaths } from './run-state.js';
import { ensureServices } from './service-manager.js';
import {
  buildFerretDb,
  checkFerretDbReady,
  ferretDbArgs,
  mongodb,
  postgresUrlOf,
  recreatePostgresDatabase,
} from './services/mongodb.js';

/**
 * A FerretDB server of a test's own, for tests that kill and restart it (the shared one must stay
 * up for everyone else). Its data lives in a PostgreSQL database of its own on the shared
 * PostgreSQL, so `start` after `kill` brings back the same documents.
 */
export class PrivateFerretDb {
  private pid: number | null = null;

  private constructor(
    private readonly dir: string,
    private readonly postgresUrl: string,
    private readonly database: string,
    readonly port: number,
    private readonly debugPort: number,
  ) {}

  /** A stopped server with an empty database and free ports; call `start`. */
  static async create(): Promise<PrivateFerretDb> {
    const started = await ensureServices(['postgres']);
    const postgresUrl = started.postgres?.connection;
    if (postgresUrl === undefined) throw new Error('the postgres service did not start');
    // Quick when the shared server was built already (SLUICE_MONGODB_URL may name another one).
    await buildFerretDb({
      installDir: installDir(mongodb.name, mongodb.version),
      cacheDir: cacheDir(),
      installLogFile: runPaths(mongodb.name, runDir()).installLogFile,
      progress: () => {},
    });
    const database = `sluice_ferretdb_${randomUUID().slice(0, 8)}`;
    await recreatePostgresDatabase(postgresUrl, database);
    const dir = await mkdtemp(join(tmpdir(), 'sluice-ferretdb-'));
    return new PrivateFerretDb(
      dir,
      postgresUrl,
      database,
      await ephemeralPort(),
      await ephemeralPort(),
    );
  }

  /** `mongodb://127.0.0.1:<port>/`. */
  get url(): string {
    return `mongodb://127.0.0.1:${this.port}/`;
  }

  /** Starts the server (again) and waits until it answers a ping. */
  async start(timeoutMs = 60_000): Promise<void> {
    const logFile = join(this.dir, 'ferretdb.log');
    const daemon = spawnDaemon(
      join(installDir(mongodb.name, mongodb.version), 'bin', 'ferretdb'),
      ferretDbArgs({
        postgresUrl: postgresUrlOf(this.postgresUrl, this.database),
        port: this.port,
        debugPort: this.debugPort,
        stateDir: this.dir,
      }),
      logFile,
    );
    this.pid = daemon.pid;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await checkFerretDbReady(this.url);
        return;
      } catch (error) {
        if (daemon.exit !== undefined || Date.now() > deadline) {
          throw new Error(
            `private FerretDB on ${this.url} did not start (${daemon.exit ? 'exited' : 'timed out'}): ${(error as Error).message}\n${logTail(logFile)}`,
          );
        }
        await sleep(200);
      }
    }
  }

  /** Stops the server with `signal` (SIGKILL: a crash) and waits until it is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const pid = this.pid;
    this.pid = null;
    if (pid === null) return;
    await stopProcessGroup(pid, signal);
  }

  /** Kills the server, drops its database and removes its folder. */
  async destroy(): Promise<void> {
    await this.kill();
    const client = new pg.Client({ connectionString: this.postgresUrl });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS "${this.database}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
