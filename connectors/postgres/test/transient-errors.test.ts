/**
 * Which failures the PostgreSQL connectors retry: a connection reset mid-query (a real socket
 * error from pg, whose `code` is Node's `ECONNRESET`, not a SQLSTATE) is transient, as in
 * Confluent's JDBC connectors where it is an SQLException retried up to max.retries.
 */
import { createServer, type Server } from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { isTransientPgError } from '../src/pg-connection.js';

let server: Server | null = null;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

/** The error pg gives when the server resets the connection as soon as the client writes. */
async function resetError(): Promise<Error & { code?: string }> {
  server = createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'u', database: 'd' });
  client.on('error', () => {});
  const error = await client.connect().then(
    () => new Error('connected'),
    (e: Error) => e,
  );
  await client.end().catch(() => {});
  return error;
}

describe('transient PostgreSQL errors', () => {
  it('retries a connection reset, whose code is ECONNRESET', async () => {
    const error = await resetError();
    expect(error.code).toBe('ECONNRESET');
    expect(isTransientPgError(error)).toBe(true);
  });

  it('retries connection-class SQLSTATEs and deadlocks, not constraint violations', () => {
    const sql = (code: string) => Object.assign(new Error(`sqlstate ${code}`), { code });
    expect(isTransientPgError(sql('08006'))).toBe(true);
    expect(isTransientPgError(sql('57P01'))).toBe(true);
    expect(isTransientPgError(sql('40P01'))).toBe(true);
    expect(isTransientPgError(sql('23505'))).toBe(false);
    expect(isTransientPgError(sql('42P01'))).toBe(false);
  });
});
