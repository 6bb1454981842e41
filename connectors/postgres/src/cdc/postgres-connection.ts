import { ConnectException, type ConnectorLogger, RetriableException } from '@sluice/api';
import pg from 'pg';
import { isTransientPgError, RAW_TEXT_TYPES, SESSION_SETUP } from '../pg-connection.js';
import type { CdcConnectionSettings } from './config/cdc-config.js';

/**
 * The session settings the text decoding relies on, as startup options: a replication
 * connection's walsender prints the values pgoutput sends with its own session settings.
 */
const STARTUP_OPTIONS =
  '-c DateStyle=ISO,YMD -c TimeZone=UTC -c IntervalStyle=postgres -c bytea_output=hex -c extra_float_digits=3';

function sslOption(sslmode: string): pg.ClientConfig['ssl'] {
  switch (sslmode) {
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true };
    default:
      return false;
  }
}

/** `host:port/db`, for messages. */
export function describeServer(settings: CdcConnectionSettings): string {
  return `${settings.host}:${settings.port}/${settings.database}`;
}

/**
 * Turns a connection error into one that says what to change: a missing REPLICATION attribute,
 * a refused login, an unknown database. Transient failures stay retriable.
 */
function connectionError(settings: CdcConnectionSettings, error: unknown, replication: boolean) {
  const where = describeServer(settings);
  const message = (error as Error)?.message ?? String(error);
  const code = (error as { code?: string }).code;
  if (
    replication &&
    /superuser or replication role|permission denied to start WAL sender/i.test(message)
  ) {
    return new ConnectException(
      `User "${settings.user}" may not open a replication connection to ${where} (${message}). Grant it the REPLICATION attribute: ALTER ROLE "${settings.user}" WITH REPLICATION; (or connect as a superuser).`,
      { cause: error },
    );
  }
  if (replication && /no pg_hba.conf entry for replication connection/i.test(message)) {
    return new ConnectException(
      `The server at ${where} refuses replication connections from this host (${message}). Add a pg_hba.conf line of type "host" for database "${settings.database}" (or "replication" before PostgreSQL 10 semantics) and user "${settings.user}", then reload the server.`,
      { cause: error },
    );
  }
  if (code === '3D000') {
    return new ConnectException(
      `Database "${settings.database}" does not exist on ${settings.host}:${settings.port} (database.dbname)`,
      { cause: error },
    );
  }
  if (code === '28P01' || code === '28000') {
    return new ConnectException(
      `PostgreSQL at ${where} refused the login of "${settings.user}": ${message} (database.user / database.password)`,
      { cause: error },
    );
  }
  const text = `Cannot connect to PostgreSQL at ${where}${replication ? ' (replication connection)' : ''}: ${message}`;
  return isTransientPgError(error)
    ? new RetriableException(text, { cause: error })
    : new ConnectException(text, { cause: error });
}

/**
 * A connected pg client whose values arrive as the server's text, with the session settings the
 * decoders expect. `replication` opens a logical replication connection (`replication=database`),
 * which also accepts SQL.
 */
export async function connectPostgres(
  settings: CdcConnectionSettings,
  options: { replication: boolean; applicationName: string; log?: ConnectorLogger },
): Promise<pg.Client> {
  const config: pg.ClientConfig = {
    host: settings.host,
    port: settings.port,
    user: settings.user,
    database: settings.database,
    ssl: sslOption(settings.sslmode),
    application_name: options.applicationName,
    types: RAW_TEXT_TYPES,
    keepAlive: true,
    ...(settings.password === null ? {} : { password: settings.password }),
    ...(settings.connectTimeoutMs > 0
      ? { connectionTimeoutMillis: settings.connectTimeoutMs }
      : {}),
    ...(options.replication
      ? ({ replication: 'database', options: STARTUP_OPTIONS } as unknown as pg.ClientConfig)
      : {}),
  };
  const client = new pg.Client(config);
  // A broken idle connection emits 'error'; the next query (or stream) reports it.
  client.on('error', (error) =>
    options.log?.debug({ err: error }, `PostgreSQL connection error: ${error.message}`),
  );
  try {
    await client.connect();
    if (!options.replication) await client.query(SESSION_SETUP);
    return client;
  } catch (error) {
    await client.end().catch(() => {});
    throw connectionError(settings, error, options.replication);
  }
}

/** Closes a client, ignoring errors of an already broken connection. */
export async function closeQuietly(client: pg.Client | null): Promise<void> {
  if (client !== null) await client.end().catch(() => {});
}

/**
 * Checks what logical decoding needs before anything else, with messages that say what to change:
 * `wal_level=logical` and a server of version 10 or later.
 */
export async function checkServerForCdc(
  client: pg.Client,
  settings: CdcConnectionSettings,
): Promise<number> {
  const { rows } = await client.query<{ wal_level: string; version: string; replication: string }>(
    "SELECT current_setting('wal_level') AS wal_level, current_setting('server_version_num') AS version, (SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user) AS replication",
  );
  const row = rows[0];
  const version = Number(row?.version ?? 0);
  if (version < 100000) {
    throw new ConnectException(
      `PostgreSQL at ${describeServer(settings)} is version ${version}; logical replication with pgoutput needs PostgreSQL 10 or later`,
    );
  }
  if (row?.wal_level !== 'logical') {
    throw new ConnectException(
      `PostgreSQL at ${describeServer(settings)} runs with wal_level=${row?.wal_level}; change data capture needs wal_level=logical. Set it (ALTER SYSTEM SET wal_level = logical; or wal_level = logical in postgresql.conf) and restart the server.`,
    );
  }
  if (row?.replication !== 't') {
    throw new ConnectException(
      `User "${settings.user}" may not read logical replication on ${describeServer(settings)}: it lacks the REPLICATION attribute. Grant it: ALTER ROLE "${settings.user}" WITH REPLICATION; (or connect as a superuser).`,
    );
  }
  return version;
}
