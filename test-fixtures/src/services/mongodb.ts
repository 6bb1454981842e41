import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { goBuildModule } from '../go-install.js';
import type { ServiceDefinition } from '../service-definition.js';

// FerretDB v1 (the last line that runs on plain PostgreSQL; v2 needs PostgreSQL with DocumentDB).
const FERRETDB_VERSION = 'v1.24.0';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
/** The PostgreSQL database the shared FerretDB keeps its data in (recreated on each start). */
const DATABASE = 'sluice_ferretdb';

/**
 * FerretDB 1.24.0's `update` handler opens one query per update statement of a command and
 * closes them all only when the command ends (`defer` inside the loop). A statement that matched
 * a document stops reading early, so its pooled backend connection stays checked out: the
 * statement that needs connection number `pool size + 1` waits forever (SQLite: 100 per
 * database, PostgreSQL: `pool_max_conns`, 50), and so does every later request on that database.
 * The patch closes each statement's query when the statement is done.
 */
const UPDATE_CURSOR_LEAK = {
  file: join('internal', 'handler', 'msg_update.go'),
  from: `\t\tcloser := iterator.NewMultiCloser()
\t\tdefer closer.Close()
`,
  to: `\t\tcloser := iterator.NewMultiCloser()
`,
  fromCall: `\t\tresult, err := common.UpdateDocument(ctx, c, "update", iter, &u)
\t\tif err != nil {`,
  toCall: `\t\tresult, err := common.UpdateDocument(ctx, c, "update", iter, &u)
\t\t// Sluice test-fixtures patch: release this statement's backend connection now.
\t\tcloser.Close()
\t\tif err != nil {`,
};

/** Applies UPDATE_CURSOR_LEAK to a copy of FerretDB's source; fails if the code is not as expected. */
export async function patchUpdateCursorLeak(sourceDir: string): Promise<void> {
  const path = join(sourceDir, UPDATE_CURSOR_LEAK.file);
  const text = await readFile(path, 'utf8');
  const { from, to, fromCall, toCall } = UPDATE_CURSOR_LEAK;
  if (text.split(from).length !== 2 || text.split(fromCall).length !== 2) {
    throw new Error(`${path} is not the FerretDB ${FERRETDB_VERSION} code the patch expects`);
  }
  await writeFile(path, text.replace(from, to).replace(fromCall, toCall));
}

/** Builds the FerretDB binary (PostgreSQL backend, update patch) into `installDir/bin`. */
export async function buildFerretDb(ctx: Parameters<ServiceDefinition['install']>[0]) {
  await goBuildModule(ctx, {
    module: FERRETDB_MODULE,
    version: FERRETDB_VERSION,
    packageDir: './cmd/ferretdb',
    binary: 'ferretdb',
    // Only the PostgreSQL backend is used: leaving SQLite out makes the build shorter.
    tags: ['ferretdb_no_sqlite'],
    prepare: async (source) => {
      // FerretDB embeds build/version/version.txt, which its release tooling generates from
      // git; the module zip lacks it and the binary panics at start without it.
      await writeFile(join(source, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
      await patchUpdateCursorLeak(source);
    },
  });
}

/** Drops and creates `database` in the PostgreSQL server at `postgresUrl`. */
export async function recreatePostgresDatabase(
  postgresUrl: string,
  database: string,
): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
}

/** `postgresUrl` pointing at `database` instead of its own. */
export function postgresUrlOf(postgresUrl: string, database: string): string {
  const url = new URL(postgresUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** The command-line arguments of a FerretDB listening on `port` with its data in `postgresUrl`. */
export function ferretDbArgs(options: {
  postgresUrl: string;
  port: number;
  debugPort: number;
  stateDir: string;
}): string[] {
  return [
    '--handler=postgresql',
    `--postgresql-url=${options.postgresUrl}`,
    `--listen-addr=127.0.0.1:${options.port}`,
    // Metrics/pprof HTTP listener: its default 127.0.0.1:8088 could be taken.
    `--debug-addr=127.0.0.1:${options.debugPort}`,
    `--state-dir=${options.stateDir}`,
    '--telemetry=disable',
    '--log-level=WARN',
    '--log-format=text',
  ];
}

/** Resolves once a `ping` on `admin` succeeds. */
export async function checkFerretDbReady(connection: string): Promise<void> {
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
}

/**
 * FerretDB v1 built through the Go module proxy, patched (see UPDATE_CURSOR_LEAK): the MongoDB
 * wire protocol over the test PostgreSQL, in a database of its own.
 */
export const mongodb: ServiceDefinition = {
  name: 'mongodb',
  // The suffix keys the install folder: a binary built before the patch is not reused.
  version: `${FERRETDB_VERSION}-pg-update-fix`,
  envVar: 'SLUICE_MONGODB_URL',
  envExample: 'mongodb://127.0.0.1:27017/',
  source: `FerretDB ${FERRETDB_VERSION} (${FERRETDB_MODULE}) built with go build from the Go module proxy with a one-line fix of its update handler, PostgreSQL backend on the postgres service`,
  dependsOn: ['postgres'],

  install: buildFerretDb,

  async start(ctx) {
    const port = await ctx.port();
    const debugPort = await ctx.port('debug');
    const postgres = ctx.dependencies.postgres;
    if (postgres === undefined) throw new Error('the postgres service did not start');
    await recreatePostgresDatabase(postgres, DATABASE);
    const pid = ctx.spawnDaemon(
      join(ctx.installDir, 'bin', 'ferretdb'),
      ferretDbArgs({
        postgresUrl: postgresUrlOf(postgres, DATABASE),
        port,
        debugPort,
        stateDir: ctx.stateDir,
      }),
      { cwd: ctx.stateDir },
    );
    return { connection: `mongodb://127.0.0.1:${port}/`, pid };
  },

  checkReady: (connection) => checkFerretDbReady(connection),
};
