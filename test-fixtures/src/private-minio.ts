import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installDir } from './cache-dir.js';
import { ephemeralPort } from './free-port.js';
import { RestartableServer } from './restartable-server.js';
import { ensureServices } from './service-manager.js';
import { minioEnv, minioServerArgs, S3_CREDENTIAL_VARS, s3 } from './services/s3.js';

/**
 * A MinIO server of a test's own (the shared service's build, its own drive folder and port),
 * for tests that restart or kill it mid-upload: the shared one must stay up for everyone else.
 * Its objects survive `stop()` and `start()`.
 */
export class PrivateMinio extends RestartableServer {
  private constructor(
    dir: string,
    readonly port: number,
    launch: ConstructorParameters<typeof RestartableServer>[1],
    /** SLUICE_S3_* credential variables, for `s3Credentials`-style clients. */
    readonly env: Readonly<Record<string, string>>,
  ) {
    super(dir, launch);
  }

  /** A server with an empty drive in a temporary folder and free ports, started. */
  static async start(): Promise<PrivateMinio> {
    // Builds MinIO when the shared server was never started on this machine.
    await ensureServices(['s3']);
    const dir = await mkdtemp(join(tmpdir(), 'sluice-private-minio-'));
    await mkdir(join(dir, 'data'));
    const port = await ephemeralPort();
    const consolePort = await ephemeralPort();
    const endpoint = `http://127.0.0.1:${port}`;
    const { variables, server: serverEnv } = minioEnv();
    const server = new PrivateMinio(
      dir,
      port,
      {
        command: join(installDir(s3.name, s3.version), 'bin', 'minio'),
        args: minioServerArgs(join(dir, 'data'), port, consolePort),
        options: { env: serverEnv },
        checkReady: () => s3.checkReady(endpoint, variables),
      },
      variables,
    );
    await server.start();
    return server;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Options for `new S3Client(...)`: endpoint, path-style addressing, region and credentials. */
  clientConfig() {
    return {
      endpoint: this.endpoint,
      forcePathStyle: true,
      region: this.env[S3_CREDENTIAL_VARS.region] as string,
      credentials: {
        accessKeyId: this.env[S3_CREDENTIAL_VARS.accessKeyId] as string,
        secretAccessKey: this.env[S3_CREDENTIAL_VARS.secretAccessKey] as string,
      },
    };
  }

  /** Kills the server and removes its folder. */
  async destroy(): Promise<void> {
    await this.stop('SIGKILL');
    await rm(this.dir, { recursive: true, force: true });
  }
}
