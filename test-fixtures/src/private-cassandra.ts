import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installDir } from './cache-dir.js';
import { sleep, spawnDaemon, stopProcessGroup } from './daemon-process.js';
import { ephemeralPort } from './free-port.js';
import { javaCommand } from './java-toolchain.js';
import { logTail } from './log-tail.js';
import { ensureServices } from './service-manager.js';
import {
  cassandra,
  cassandraServerArgs,
  cassandraYaml,
  checkCassandraReady,
} from './services/cassandra.js';

/**
 * A Cassandra node of a test's own, for tests that stop and restart it (the shared node must
 * stay up for everyone else). Unlike the shared node, its data survives a restart: `start`
 * after `kill` brings the same node back with its keyspaces. Installed from the shared cache.
 */
export class PrivateCassandra {
  private pid: number | null = null;

  private constructor(
    private readonly dir: string,
    readonly port: number,
    private readonly storagePort: number,
  ) {}

  /** A stopped node in a new temporary folder, with free ports; call `start`. */
  static async create(): Promise<PrivateCassandra> {
    // Installs the jars when the shared node was never started on this machine.
    await ensureServices(['cassandra']);
    const dir = await mkdtemp(join(tmpdir(), 'sluice-cassandra-'));
    return new PrivateCassandra(dir, await ephemeralPort(), await ephemeralPort());
  }

  /** `127.0.0.1:<port>`, for contact points. */
  get contactPoint(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Starts the node (again) and waits until it answers a query. */
  async start(timeoutMs = 180_000): Promise<void> {
    const dataDir = join(this.dir, 'data');
    await mkdir(dataDir, { recursive: true });
    const yaml = join(this.dir, 'cassandra.yaml');
    // The crash tests count on finding every write acknowledged before a kill -9, and the
    // keyspaces, after the restart (two rows were missing with the shared node's settings).
    await writeFile(
      yaml,
      cassandraYaml({ port: this.port, storagePort: this.storagePort, dataDir, durable: true }),
    );
    const logFile = join(this.dir, 'cassandra.log');
    const args = await cassandraServerArgs({
      installDir: installDir(cassandra.name, cassandra.version),
      yaml,
      dataDir,
      logDir: this.dir,
      durable: true,
    });
    const daemon = spawnDaemon(javaCommand(), args, logFile);
    this.pid = daemon.pid;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await checkCassandraReady(this.contactPoint);
        return;
      } catch (error) {
        if (daemon.exit !== undefined || Date.now() > deadline) {
          const tail = logTail(logFile);
          throw new Error(
            `private Cassandra on ${this.contactPoint} did not start (${daemon.exit ? 'exited' : 'timed out'}): ${(error as Error).message}\n${tail}`,
          );
        }
        await sleep(500);
      }
    }
  }

  /** Stops the node with `signal` (SIGKILL: a crash) and waits until it is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const pid = this.pid;
    this.pid = null;
    if (pid === null) return;
    await stopProcessGroup(pid, signal);
  }

  /** Kills the node and removes its folder. */
  async destroy(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}
