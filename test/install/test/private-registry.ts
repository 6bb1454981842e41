import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { cacheDir, ephemeralPort, sleep, stopProcessGroup } from '@sluice/test-fixtures';

/** The Verdaccio version of the devDependency (6.8 is the last to run on Node 20; its storage layout is per version). */
const VERDACCIO_VERSION = '6.8.0';

/** A Verdaccio registry on loopback, with a user allowed to publish. */
export interface PrivateRegistry {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  /** An npm user config (registry and token) for npm and pnpm: `npm_config_userconfig`. */
  readonly userConfig: string;
  /** The environment that points npm, npx and pnpm at this registry. */
  readonly env: Record<string, string>;
  readonly logFile: string;
  stop(): Promise<void>;
}

/** The registry npm is configured with on this machine (the uplink of the private one). */
function configuredRegistry(): string {
  return execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).trim();
}

/**
 * Third-party packages fetched through the registry are kept between runs outside the repo
 * (`<cache>/verdaccio-<version>/storage`), so a second run installs without the network. Our
 * own packages go to a sub-folder of this run, deleted by `stop()`: every run publishes them
 * anew, at whatever version the checkout has.
 */
function verdaccioConfig(storage: string, runStorage: string, htpasswd: string): string {
  const uplink = configuredRegistry();
  return `storage: ${JSON.stringify(storage)}
auth:
  htpasswd:
    file: ${JSON.stringify(htpasswd)}
    max_users: 10
uplinks:
  upstream:
    url: ${JSON.stringify(uplink)}
    cache: true
    # Package metadata is trusted for a day, so a warm run does not ask the uplink again.
    maxage: 1d
    timeout: 60s
packages:
  '@sluice/*':
    access: $all
    publish: $authenticated
    unpublish: $authenticated
    storage: ${JSON.stringify(runStorage)}
  '**':
    access: $all
    publish: $authenticated
    proxy: upstream
server:
  keepAliveTimeout: 60
max_body_size: 100mb
log: { type: stdout, format: pretty, level: warn }
`;
}

async function waitUntilUp(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`Verdaccio exited at start:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    try {
      if ((await fetch(`${url}-/ping`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`Verdaccio did not answer within 60 s; see ${logFile}`);
}

/** Registers a user and returns its token (what `npm adduser` does). */
async function addUser(url: string): Promise<string> {
  const name = 'sluice-test';
  const response = await fetch(`${url}-/user/org.couchdb.user:${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: randomBytes(12).toString('hex') }),
  });
  const body = (await response.json()) as { token?: string; error?: string };
  if (!response.ok || body.token === undefined)
    throw new Error(`Verdaccio refused to add a user: ${response.status} ${body.error ?? ''}`);
  return body.token;
}

/** Starts Verdaccio on a free loopback port, its files in `workDir`. */
export async function startPrivateRegistry(workDir: string): Promise<PrivateRegistry> {
  const storage = join(cacheDir(), `verdaccio-${VERDACCIO_VERSION}`, 'storage');
  const runName = `runs/${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(join(storage, runName), { recursive: true });
  const configFile = join(workDir, 'verdaccio.yaml');
  writeFileSync(configFile, verdaccioConfig(storage, runName, join(workDir, 'htpasswd')));
  const port = await ephemeralPort();
  const url = `http://127.0.0.1:${port}/`;
  const logFile = join(workDir, 'verdaccio.log');
  const log = openSync(logFile, 'a');
  const bin = join(
    dirname(createRequire(import.meta.url).resolve('verdaccio/package.json')),
    'bin',
    'verdaccio',
  );
  const child = spawn(
    process.execPath,
    [bin, '--config', configFile, '--listen', `127.0.0.1:${port}`],
    {
      stdio: ['ignore', log, log],
      detached: true,
    },
  );
  const stop = async (): Promise<void> => {
    if (child.pid !== undefined && child.exitCode === null) await stopProcessGroup(child.pid);
    rmSync(join(storage, runName), { recursive: true, force: true });
  };
  try {
    await waitUntilUp(url, child, logFile);
    const token = await addUser(url);
    const userConfig = join(workDir, 'npmrc');
    const hostPath = url.replace(/^http:/, '');
    writeFileSync(userConfig, `registry=${url}\n${hostPath}:_authToken=${token}\n`);
    return {
      url,
      userConfig,
      env: {
        npm_config_userconfig: userConfig,
        npm_config_registry: url,
        // Nothing of the developer's global install may leak into the user's view.
        npm_config_update_notifier: 'false',
        npm_config_fund: 'false',
        npm_config_audit: 'false',
      },
      logFile,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
