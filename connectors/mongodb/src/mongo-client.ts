import {
  MongoClient,
  type MongoClientOptions,
  MongoError,
  MongoNetworkError,
  MongoServerError,
  MongoServerSelectionError,
  type ServerApiVersion,
} from 'mongodb';
import type { ConnectionSettings } from './config.js';
import { VERSION } from './version.js';

// Server error codes that mean "try again": the node is stepping down, shutting down, busy or
// unreachable (the driver's retryable-write list and the connection errors).
const RETRIABLE_CODES = new Set([
  6, 7, 89, 91, 134, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436, 63, 150, 50, 17,
]);

/** Whether a failed operation may succeed when tried again (server down, failover, timeouts). */
export function isRetriableMongoError(error: unknown): boolean {
  if (error instanceof MongoNetworkError || error instanceof MongoServerSelectionError) return true;
  if (!(error instanceof MongoError)) return false;
  if (
    error.hasErrorLabel('RetryableWriteError') ||
    error.hasErrorLabel('TransientTransactionError')
  )
    return true;
  const code = typeof error.code === 'number' ? error.code : Number(error.code);
  if (RETRIABLE_CODES.has(code)) return true;
  // The pool was cleared, the client closed under us, or no server could be selected.
  return ['MongoPoolClearedError', 'MongoNotConnectedError', 'MongoTopologyClosedError'].includes(
    error.name,
  );
}

/** A short description of a driver error: its class, code and message. */
export function describeMongoError(error: unknown): string {
  if (error instanceof MongoServerError)
    return `${error.errmsg ?? error.message} (code ${String(error.code)}${error.codeName ? ` ${error.codeName}` : ''})`;
  return error instanceof Error ? `${error.message} (${error.name})` : String(error);
}

/** A client of `connection`, connected (the first server selection waits for the server). */
export async function connectClient(
  connection: ConnectionSettings,
  appName: string,
  options: MongoClientOptions = {},
): Promise<MongoClient> {
  const client = new MongoClient(connection.uri, {
    appName,
    driverInfo: {
      name:
        connection.provider === ''
          ? 'sluice-connector-mongodb'
          : `sluice-connector-mongodb|${connection.provider}`,
      version: VERSION,
    },
    ...(connection.serverApi === null
      ? {}
      : {
          serverApi: {
            version: connection.serverApi.version as ServerApiVersion,
            strict: connection.serverApi.strict,
            deprecationErrors: connection.serverApi.deprecationErrors,
          },
        }),
    ...options,
  });
  await client.connect();
  return client;
}
