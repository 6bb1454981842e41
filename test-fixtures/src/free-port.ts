import { createServer } from 'node:net';

/** Thrown when a port pinned through an environment variable is already taken. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly envVar: string,
  ) {
    super(
      `port ${port} (pinned by ${envVar}) is already in use on 127.0.0.1; ` +
        `free it, pin another port, or unset ${envVar} to pick a free one`,
    );
    this.name = 'PortInUseError';
  }
}

/** Resolves true when nothing listens on `port` at 127.0.0.1 (by trying to bind it). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => resolvePromise(false));
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => resolvePromise(true));
    });
  });
}

/** Asks the kernel for a free loopback port (bind to 0, read it, release it). */
export function ephemeralPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolvePromise(address.port);
        else reject(new Error('could not read the port the kernel assigned'));
      });
    });
  });
}

/** Parses a pinned port from `env[envVar]`; undefined when unset, an Error when invalid. */
export function pinnedPort(
  envVar: string,
  env: NodeJS.ProcessEnv = process.env,
): number | undefined {
  const raw = env[envVar];
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${envVar}=${raw} is not a TCP port (1-65535)`);
  }
  return port;
}

/**
 * The port to use: the one pinned by `envVar` (failing with PortInUseError if taken),
 * else a free one. `avoid` lists ports already handed out for the same start.
 */
export async function pickPort(
  envVar: string,
  env: NodeJS.ProcessEnv = process.env,
  avoid: ReadonlySet<number> = new Set(),
): Promise<number> {
  const pinned = pinnedPort(envVar, env);
  if (pinned !== undefined) {
    if (!(await isPortFree(pinned))) throw new PortInUseError(pinned, envVar);
    return pinned;
  }
  // The kernel rarely hands back a port twice in a row, but one start may ask for
  // several ports before binding any of them, so retry on a repeat.
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await ephemeralPort();
    if (!avoid.has(port)) return port;
  }
  throw new Error('could not find a free loopback port');
}
