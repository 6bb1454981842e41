import {
  ConnectException,
  type ConnectorLogger,
  RetriableException,
  SILENT_CONNECTOR_LOGGER,
} from '@sluice/api';
import pg from 'pg';
import type { ConnectionSettings } from './config.js';
import { parseConnectionUrl } from './connection-url.js';

/** Every column arrives as the server's text: schema-mapping decodes it exactly. */
export const RAW_TEXT_TYPES = {
  getTypeParser: () => (value: string) => value,
} as unknown as pg.CustomTypesConfig;

/**
 * Session settings the text decoding relies on: timestamps printed in UTC and ISO form, bytea in
 * hex, floats with every digit.
 */
export const SESSION_SETUP =
  "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET bytea_output = 'hex'; SET extra_float_digits = 3";

/** SQLSTATE classes worth retrying: connection problems, resources, serialization and deadlocks. */
export function isTransientPgError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  // Socket errors carry Node's code (ECONNRESET, EPIPE: no SQLSTATE class starts with E);
  // "Connection terminated" has none.
  if (typeof code !== 'string' || code.startsWith('E')) {
    return (
      error instanceof Error &&
      /ECONN|EPIPE|ETIMEDOUT|terminated|timeout|connection error|not queryable/i.test(error.message)
    );
  }
  return (
    code.startsWith('08') ||
    code.startsWith('53') ||
    code.startsWith('57P') ||
    code === '40001' ||
    code === '40P01'
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A connected pg client with the session set up for exact text decoding. Transient failures are
 * retried `connection.attempts` times, each logged to `log` as a warning.
 */
export async function openConnection(
  settings: ConnectionSettings,
  log: ConnectorLogger = SILENT_CONNECTOR_LOGGER,
): Promise<pg.Client> {
  const options = parseConnectionUrl(settings.url);
  const config: pg.ClientConfig = { ...options, types: RAW_TEXT_TYPES };
  const where = `${options.host}:${options.port}/${options.database ?? ''}`;
  if (settings.user !== null) config.user = settings.user;
  if (settings.password !== null) config.password = settings.password;
  let lastError: unknown;
  for (let attempt = 1; attempt <= settings.attempts; attempt++) {
    const client = new pg.Client(config);
    // An idle connection that breaks emits 'error'; the next query reports it.
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query(SESSION_SETUP);
      return client;
    } catch (error) {
      lastError = error;
      await client.end().catch(() => {});
      if (!isTransientPgError(error)) break;
      if (attempt < settings.attempts) {
        log.warn(
          { attempt, attempts: settings.attempts },
          `Cannot connect to PostgreSQL at ${where} (attempt ${attempt} of ${settings.attempts}): ${(error as Error).message}; retrying in ${settings.backoffMs} ms`,
        );
        await sleep(settings.backoffMs);
      }
    }
  }
  const message = `Cannot connect to PostgreSQL at ${where}: ${(lastError as Error)?.message ?? String(lastError)}`;
  throw isTransientPgError(lastError)
    ? new RetriableException(message, { cause: lastError })
    : new ConnectException(message, { cause: lastError });
}

/** Closes a client, ignoring errors of an already broken connection. */
export async function closeConnection(client: pg.Client | null): Promise<void> {
  if (client !== null) await client.end().catch(() => {});
}

/** `"name"`, with embedded quotes doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A schema-qualified, quoted table name. */
export function quoteTable(table: TableId): string {
  return `${quoteIdent(table.schema)}.${quoteIdent(table.table)}`;
}

/** A table by schema and name. */
export interface TableId {
  readonly schema: string;
  readonly table: string;
}

/** `schema.table`, unquoted: the form used in offsets and task configs (as the JDBC connector). */
export function qualifiedName(table: TableId): string {
  return `${table.schema}.${table.table}`;
}

/** Splits `schema.table` at the first dot; a bare name gets `defaultSchema`. */
export function parseTableId(name: string, defaultSchema = 'public'): TableId {
  const dot = name.indexOf('.');
  return dot < 0
    ? { schema: defaultSchema, table: name }
    : { schema: name.slice(0, dot), table: name.slice(dot + 1) };
}
