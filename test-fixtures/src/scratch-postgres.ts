import { type ChildProcess, spawn } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ephemeralPort } from './free-port.js';
import { runCommand } from './run-command.js';
import { postgresBinDir, serverUser } from './services/postgres.js';

/** A throwaway PostgreSQL cluster of its own, for a test that needs other server settings. */
export interface ScratchPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication). */
  readonly url: string;
  /** Stops the server and removes its files. */
  stop(): Promise<void>;
}

/**
 * Starts a private cluster (initdb, then postgres on a free loopback port) with `settings` as
 * `-c name=value` options, for the few tests that need a server configured differently from the
 * shared `postgres` service (say `wal_level=replica`). About two seconds; stop it when done.
 */
export async function startScratchPostgres(
  settings: Readonly<Record<string, string>> = {},
): Promise<ScratchPostgres> {
  const bin = postgresBinDir();
  if (bin === undefined)
    throw new Error('PostgreSQL is not installed (start the postgres service once)');
  const user = serverUser();
  const dir = await mkdtemp(join(tmpdir(), 'sluice-scratch-pg-'));
  if (user !== undefined) await chown(dir, user.uid, user.gid);
  const asUser = user === undefined ? {} : { user: { uid: user.uid, gid: user.gid } };
  const data = join(dir, 'data');
  await runCommand(
    join(bin, 'initdb'),
    [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ],
    { logFile: join(dir, 'initdb.log'), cwd: dir, ...asUser },
  );
  const port = await ephemeralPort();
  const options = Object.entries({
    listen_addresses: '127.0.0.1',
    fsync: 'off',
    ...settings,
  }).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  const child: ChildProcess = spawn(
    join(bin, 'postgres'),
    ['-D', data, '-p', String(port), '-k', dir, ...options],
    {
      cwd: dir,
      stdio: 'ignore',
      ...(user === undefined ? {} : { uid: user.uid, gid: user.gid }),
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    child.kill('SIGINT');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return { url, stop };
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline || child.exitCode !== null) {
        await stop();
        throw new Error(`the scratch PostgreSQL did not start: ${(error as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
