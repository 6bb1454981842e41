/** A Redis URI in the form redis-kafka-connect (Lettuce) accepts, parsed. */
export interface RedisUri {
  /** `rediss://` (or `redis+ssl://`, `redis+tls://`): connect with TLS. */
  readonly tls: boolean;
  readonly host: string;
  readonly port: number;
  /** The Unix socket of a `redis-socket://` URI; `null` for TCP. */
  readonly socketPath: string | null;
  readonly username: string | null;
  readonly password: string | null;
  /** The database index (path `/2`, or `?database=2`). */
  readonly database: number;
  /** `?timeout=` (Lettuce's duration: `10s`, `500ms`, `2m`; a bare number is seconds). */
  readonly timeoutMs: number | null;
  /** `?clientName=`: the name the connections give themselves (CLIENT SETNAME). */
  readonly clientName: string | null;
  /** `?verifyPeer=NONE` (or `false`) turns certificate checks off; `CA`/`FULL` keep them. */
  readonly verifyPeer: boolean;
}

const DEFAULT_PORT = 6379;

const SCHEMES: Readonly<Record<string, { tls: boolean; socket: boolean }>> = {
  'redis:': { tls: false, socket: false },
  'rediss:': { tls: true, socket: false },
  'redis+ssl:': { tls: true, socket: false },
  'redis+tls:': { tls: true, socket: false },
  'redis-socket:': { tls: false, socket: true },
  'redis+socket:': { tls: false, socket: true },
};

/** Query parameters Lettuce knows that change nothing here (client library metadata). */
const IGNORED_PARAMETERS = new Set(['libraryName', 'libraryVersion']);

const DURATION_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Parses a Lettuce duration (`10s`, `250ms`, `60` = seconds) into milliseconds. */
function parseDuration(text: string): number {
  const match = /^(\d+)(ns|us|ms|s|m|h|d)?$/.exec(text.trim());
  if (match === null) {
    throw new Error(`timeout=${text} is not a duration such as 10s, 500ms or 2m`);
  }
  return Number(match[1]) * (DURATION_UNITS[match[2] ?? 's'] as number);
}

function parseDatabase(text: string, where: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`the database ${where} must be a number, not "${text}"`);
  return Number(text);
}

/**
 * Parses `redis://[[username:]password@]host[:port][/database][?timeout=10s&database=2&clientName=x]`
 * and the `rediss://` (TLS) and `redis-socket:///path/to/socket` forms, as Lettuce does: user
 * info without a colon is a password (`redis://secret@host`). Sentinel URIs are refused.
 * Throws an Error saying what is wrong (the caller names the config key).
 */
export function parseRedisUri(text: string): RedisUri {
  const schemeEnd = text.indexOf('://');
  const scheme = schemeEnd < 0 ? '' : `${text.slice(0, schemeEnd).toLowerCase()}:`;
  if (scheme.includes('sentinel')) {
    throw new Error('Redis Sentinel URIs are not supported: give the master as redis://host:port');
  }
  const kind = SCHEMES[scheme];
  if (kind === undefined) {
    throw new Error(
      'the URI must start with redis://, rediss:// (TLS) or redis-socket:// (a Unix socket)',
    );
  }
  let url: URL;
  try {
    url = new URL(`redis-any:${text.slice(schemeEnd + 1)}`);
  } catch {
    throw new Error('it is not a valid URI');
  }
  const authority = text.slice(schemeEnd + 3).split(/[/?#]/, 1)[0] ?? '';
  const hasUserInfo = authority.includes('@');
  const userInfo = hasUserInfo ? authority.slice(0, authority.lastIndexOf('@')) : '';
  let username: string | null = null;
  let password: string | null = null;
  if (hasUserInfo) {
    const user = decodeURIComponent(url.username);
    const secret = decodeURIComponent(url.password);
    // Lettuce: `user:password`, `:password`, or a bare `password`.
    if (userInfo.includes(':')) {
      username = user === '' ? null : user;
      password = secret;
    } else {
      password = user;
    }
  }
  let database = 0;
  let socketPath: string | null = null;
  const path = decodeURIComponent(url.pathname);
  if (kind.socket) {
    if (path === '' || path === '/') throw new Error('a redis-socket:// URI needs a socket path');
    socketPath = path;
  } else if (path !== '' && path !== '/') {
    database = parseDatabase(path.replace(/^\//, ''), 'in the URI path');
  }
  let timeoutMs: number | null = null;
  let clientName: string | null = null;
  let verifyPeer = true;
  for (const [name, value] of url.searchParams) {
    if (name === 'timeout') timeoutMs = parseDuration(value);
    else if (name === 'database' || name === 'db')
      database = parseDatabase(value, `parameter ${name}`);
    else if (name === 'clientName') clientName = value;
    else if (name === 'verifyPeer') verifyPeer = !['none', 'false'].includes(value.toLowerCase());
    else if (!IGNORED_PARAMETERS.has(name)) {
      throw new Error(
        `the URI parameter ${name} is not supported (supported: timeout, database, clientName, verifyPeer)`,
      );
    }
  }
  const host = kind.socket ? '' : url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!kind.socket && host === '') throw new Error('the URI has no host');
  return {
    tls: kind.tls,
    host,
    port: url.port === '' ? DEFAULT_PORT : Number(url.port),
    socketPath,
    username,
    password,
    database,
    timeoutMs,
    clientName,
    verifyPeer,
  };
}

/** The URI as it may be shown in logs and errors: without its password. */
export function displayUri(uri: RedisUri): string {
  const scheme = uri.socketPath !== null ? 'redis-socket' : uri.tls ? 'rediss' : 'redis';
  const user = uri.username === null ? '' : `${encodeURIComponent(uri.username)}@`;
  const where =
    uri.socketPath !== null
      ? uri.socketPath
      : `${uri.host.includes(':') ? `[${uri.host}]` : uri.host}:${uri.port}`;
  return `${scheme}://${user}${where}${uri.database === 0 ? '' : `/${uri.database}`}`;
}
