import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { goBuildModule } from '../go-install.js';
import type { ServiceDefinition } from '../service-definition.js';

// FerretDB v1 (the last line that runs on SQLite; v2 needs PostgreSQL with DocumentDB).
const FERRETDB_VERSION = 'v1.24.0';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';

/** FerretDB v1 built through the Go module proxy: the MongoDB wire protocol on SQLite files. */
export const mongodb: ServiceDefinition = {
  name: 'mongodb',
  version: FERRETDB_VERSION,
  envVar: 'SLUICE_MONGODB_URL',
  envExample: 'mongodb://127.0.0.1:27017/',
  source: `FerretDB ${FERRETDB_VERSION} (${FERRETDB_MODULE}) built with go build from the Go module proxy, SQLite backend`,

  async install(ctx) {
    await goBuildModule(ctx, {
      module: FERRETDB_MODULE,
      version: FERRETDB_VERSION,
      packageDir: './cmd/ferretdb',
      binary: 'ferretdb',
      // SQLite only: leaving the PostgreSQL backend out makes the cold build shorter.
      tags: ['ferretdb_no_postgresql'],
      // FerretDB embeds build/version/version.txt, which its release tooling generates
      // from git; the module zip lacks it and the binary panics at start without it.
      prepare: (source) =>
        writeFile(join(source, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`),
    });
  },

  async start(ctx) {
    const port = await ctx.port();
    const debugPort = await ctx.port('debug');
    const dataDir = join(ctx.stateDir, 'data');
    await mkdir(dataDir, { recursive: true });
    const pid = ctx.spawnDaemon(
      join(ctx.installDir, 'bin', 'ferretdb'),
      [
        '--handler=sqlite',
        `--sqlite-url=file:${dataDir}/`,
        `--listen-addr=127.0.0.1:${port}`,
        // Metrics/pprof HTTP listener: its default 127.0.0.1:8088 could be taken.
        `--debug-addr=127.0.0.1:${debugPort}`,
        `--state-dir=${ctx.stateDir}`,
        '--telemetry=disable',
        '--log-level=INFO',
        '--log-format=text',
      ],
      { cwd: ctx.stateDir },
    );
    return { connection: `mongodb://127.0.0.1:${port}/`, pid };
  },

  async checkReady(connection) {
    const client = new MongoClient(connection, {
      serverSelectionTimeoutMS: 2_000,
      connectTimeoutMS: 2_000,
      directConnection: true,
    });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
    } finally {
      await client.close();
    }
  },
};
