import { join } from 'node:path';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { goInstall } from '../go-install.js';
import type { ServiceDefinition } from '../service-definition.js';

// MinIO's tags (RELEASE.2025-...) are not semver, so the Go module proxy knows its
// commits only as pseudo-versions; this is the newest one it served (`@latest`).
const MINIO_VERSION = 'v0.0.0-20260212201848-7aac2a2c5b7c';
const MINIO_PACKAGE = 'github.com/minio/minio';

// Fixed credentials for a loopback-only test server; tests read them from the env.
const ACCESS_KEY_ID = 'sluice';
const SECRET_ACCESS_KEY = 'sluice-test-secret';
const REGION = 'us-east-1';

/** The variables besides SLUICE_S3_ENDPOINT that tests need to sign requests. */
export const S3_CREDENTIAL_VARS = {
  accessKeyId: 'SLUICE_S3_ACCESS_KEY_ID',
  secretAccessKey: 'SLUICE_S3_SECRET_ACCESS_KEY',
  region: 'SLUICE_S3_REGION',
} as const;

/** MinIO built from source through the Go module proxy, one drive on a local folder. */
export const s3: ServiceDefinition = {
  name: 's3',
  version: MINIO_VERSION,
  envVar: 'SLUICE_S3_ENDPOINT',
  envExample: 'http://127.0.0.1:9000 (with SLUICE_S3_ACCESS_KEY_ID, SLUICE_S3_SECRET_ACCESS_KEY)',
  source: `MinIO (${MINIO_PACKAGE}@${MINIO_VERSION}) built with go install from the Go module proxy`,

  async install(ctx) {
    await goInstall(ctx, { packagePath: MINIO_PACKAGE, version: MINIO_VERSION, binary: 'minio' });
  },

  async start(ctx) {
    const port = await ctx.port();
    const consolePort = await ctx.port('console');
    const { variables, server } = minioEnv();
    const pid = ctx.spawnDaemon(
      join(ctx.installDir, 'bin', 'minio'),
      minioServerArgs(join(ctx.stateDir, 'data'), port, consolePort),
      { env: server },
    );
    return { connection: `http://127.0.0.1:${port}`, pid, env: variables };
  },

  async checkReady(connection, env) {
    const accessKeyId = env[S3_CREDENTIAL_VARS.accessKeyId];
    const secretAccessKey = env[S3_CREDENTIAL_VARS.secretAccessKey];
    if (accessKeyId === undefined || secretAccessKey === undefined) {
      throw new Error(
        `set ${S3_CREDENTIAL_VARS.accessKeyId} and ${S3_CREDENTIAL_VARS.secretAccessKey} with ${s3.envVar}`,
      );
    }
    const client = new S3Client({
      endpoint: connection,
      forcePathStyle: true,
      region: env[S3_CREDENTIAL_VARS.region] ?? REGION,
      credentials: { accessKeyId, secretAccessKey },
      maxAttempts: 1,
    });
    try {
      // A signed request: the server is up and accepts these credentials.
      await client.send(new ListBucketsCommand({}), { abortSignal: AbortSignal.timeout(5_000) });
    } finally {
      client.destroy();
    }
  },
};

/** `minio server` on one drive folder, loopback only. */
export function minioServerArgs(dataDir: string, port: number, consolePort: number): string[] {
  return [
    'server',
    dataDir,
    '--address',
    `127.0.0.1:${port}`,
    '--console-address',
    `127.0.0.1:${consolePort}`,
    '--quiet',
    '--anonymous',
  ];
}

/** The server's environment and the SLUICE_S3_* variables clients sign requests with. */
export function minioEnv(): { server: Record<string, string>; variables: Record<string, string> } {
  return {
    server: {
      MINIO_ROOT_USER: ACCESS_KEY_ID,
      MINIO_ROOT_PASSWORD: SECRET_ACCESS_KEY,
      MINIO_REGION: REGION,
      // No phoning home, no browser console traffic: a test server on loopback.
      MINIO_UPDATE: 'off',
      MINIO_BROWSER: 'off',
      MINIO_CALLHOME_ENABLE: 'off',
    },
    variables: {
      [S3_CREDENTIAL_VARS.accessKeyId]: ACCESS_KEY_ID,
      [S3_CREDENTIAL_VARS.secretAccessKey]: SECRET_ACCESS_KEY,
      [S3_CREDENTIAL_VARS.region]: REGION,
    },
  };
}
