import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { ensureAptPackages } from '../apt-packages.js';
import { lookupOsUser, type OsUser } from '../os-user.js';
import { runCommand } from '../run-command.js';
import type { ServiceDefinition } from '../service-definition.js';

const DEBIAN_LIB = '/usr/lib/postgresql';

/**
 * A private PostgreSQL cluster (Debian's package) with logical decoding on, for CDC
 * tests. Nothing of the system cluster is touched: own data dir, port and socket dir.
 */
export const postgres: ServiceDefinition = {
  name: 'postgres',
  // apt installs whatever major Debian ships (15 on bookworm); the launcher uses the newest present.
  version: 'debian',
  envVar: 'SLUICE_POSTGRES_URL',
  envExample: 'postgres://postgres@127.0.0.1:5432/postgres',
  source: 'Debian package postgresql (apt-get), private cluster made with initdb',
  // Fast shutdown: SIGTERM ("smart") would wait for every test's open connection.
  stopSignal: 'SIGINT',

  async install(ctx) {
    await ensureAptPackages(ctx, ['postgresql'], () => postgresBinDir() !== undefined);
  },

  async start(ctx) {
    const user = serverUser();
    const clusterDir = clusterDirFor(ctx.stateDir, user);
    await rm(clusterDir, { recursive: true, force: true });
    const server = await initPostgresCluster(clusterDir, ctx.logFile);
    const port = await ctx.port();
    await writeFile(join(ctx.stateDir, 'cluster-dir'), `${clusterDir}\n`);
    const pid = ctx.spawnDaemon(server.command, postgresServerArgs(server, port), server.options);
    return { connection: `postgres://postgres@127.0.0.1:${port}/postgres`, pid };
  },

  async checkReady(connection) {
    const client = new pg.Client({ connectionString: connection, connectionTimeoutMillis: 2_000 });
    // A connection error after connect() (server shutting down) must not crash the process.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
    } finally {
      await client.end().catch(() => undefined);
    }
  },
};

/** A cluster made by {@link initPostgresCluster}: how to run its server. */
export interface PostgresCluster {
  readonly command: string;
  readonly dataDir: string;
  readonly socketDir: string;
  readonly options: { cwd: string; user?: { uid: number; gid: number } };
}

/** initdb into `<clusterDir>/data` (trust auth, user postgres), as the server's OS user. */
export async function initPostgresCluster(
  clusterDir: string,
  logFile: string,
): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  if (bin === undefined)
    throw new Error(`no PostgreSQL binaries under ${DEBIAN_LIB}/<version>/bin`);
  const user = serverUser();
  const dataDir = join(clusterDir, 'data');
  const socketDir = join(clusterDir, 'socket');
  await mkdir(socketDir, { recursive: true });
  if (user !== undefined) {
    await chown(clusterDir, user.uid, user.gid);
    await chown(socketDir, user.uid, user.gid);
  }
  const asUser = user === undefined ? {} : { user: { uid: user.uid, gid: user.gid } };
  await runCommand(
    join(bin, 'initdb'),
    [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C',
      // Test clusters are throwaway: skipping fsync makes initdb ~3x faster.
      '--no-sync',
      '--no-instructions',
    ],
    { logFile, cwd: clusterDir, ...asUser },
  );
  return {
    command: join(bin, 'postgres'),
    dataDir,
    socketDir,
    options: { cwd: clusterDir, ...asUser },
  };
}

/** The server's command line: loopback only, logical decoding on, durability off. */
export function postgresServerArgs(cluster: PostgresCluster, port: number): string[] {
  return [
    '-D',
    cluster.dataDir,
    '-p',
    String(port),
    '-k',
    cluster.socketDir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'wal_level=logical',
    '-c',
    'max_replication_slots=20',
    '-c',
    'max_wal_senders=20',
    '-c',
    'max_connections=200',
    // Durability is not what tests check; these make commits and checkpoints cheap.
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
  ];
}

/** `/usr/lib/postgresql/<newest major>/bin`, or undefined when PostgreSQL is not installed. */
export function postgresBinDir(): string | undefined {
  if (!existsSync(DEBIAN_LIB)) return undefined;
  const majors = readdirSync(DEBIAN_LIB)
    .filter(
      (entry) => /^\d+$/.test(entry) && existsSync(join(DEBIAN_LIB, entry, 'bin', 'postgres')),
    )
    .sort((a, b) => Number(b) - Number(a));
  const newest = majors[0];
  return newest === undefined ? undefined : join(DEBIAN_LIB, newest, 'bin');
}

/** initdb and postgres refuse to run as root: as root, run them as Debian's `postgres` user. */
export function serverUser(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const user = lookupOsUser('postgres');
  if (user === undefined) {
    throw new Error('running as root, and there is no `postgres` account to run the server as');
  }
  return user;
}

/**
 * Where the cluster lives: `<stateDir>/cluster`, unless the server's user cannot reach
 * it (a cache under /root, mode 700); then a folder in the temp dir named after it.
 */
export function clusterDirFor(stateDir: string, user: OsUser | undefined): string {
  const preferred = join(stateDir, 'cluster');
  if (user === undefined || canTraverse(stateDir, user)) return preferred;
  const key = createHash('sha256').update(stateDir).digest('hex').slice(0, 12);
  return join(tmpdir(), `sluice-postgres-${key}`);
}

function canTraverse(dir: string, user: OsUser): boolean {
  for (let current = dir; ; current = dirname(current)) {
    const stat = statSync(current);
    const bit = stat.uid === user.uid ? 0o100 : stat.gid === user.gid ? 0o010 : 0o001;
    if ((stat.mode & bit) === 0) return false;
    if (dirname(current) === current) return true;
  }
}
