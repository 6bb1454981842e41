import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { ensureAptPackages } from '../apt-packages.js';
import type { ServiceDefinition } from '../service-definition.js';

const REDIS_SERVER = '/usr/bin/redis-server';

/** Redis from Debian's package, on loopback, with persistence off. */
export const redis: ServiceDefinition = {
  name: 'redis',
  // apt installs whatever Debian ships (7.0 on bookworm).
  version: 'debian',
  envVar: 'SLUICE_REDIS_URL',
  envExample: 'redis://127.0.0.1:6379',
  source: 'Debian package redis-server (apt-get)',

  async install(ctx) {
    await ensureAptPackages(ctx, ['redis-server'], () => existsSync(REDIS_SERVER));
  },

  async start(ctx) {
    const port = await ctx.port();
    const pid = ctx.spawnDaemon(REDIS_SERVER, [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      // No RDB snapshots, no AOF: test data lives only as long as the server.
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      ctx.stateDir,
      '--daemonize',
      'no',
      // An empty logfile means stdout, which is the service log file.
      '--logfile',
      '',
    ]);
    return { connection: `redis://127.0.0.1:${port}`, pid };
  },

  async checkReady(connection) {
    const client = new Redis(connection, {
      lazyConnect: true,
      connectTimeout: 2_000,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    // ioredis rejects connect() with a bare "Connection is closed."; the socket error
    // (ECONNREFUSED, ...) arrives as an event and is the useful one to report.
    let socketError: unknown;
    client.on('error', (error: unknown) => {
      socketError ??= error;
    });
    try {
      await client.connect();
      const pong = await client.ping();
      if (pong !== 'PONG') throw new Error(`PING answered ${pong}`);
    } catch (error) {
      throw socketError ?? error;
    } finally {
      client.disconnect();
    }
  },
};
