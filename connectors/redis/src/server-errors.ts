/**
 * What an error from a Redis command means for the record that caused it:
 * - `data`: the server refused this command for this record's data (WRONGTYPE, not a number,
 *   a module's argument error): the record goes to the dead letter queue;
 * - `resend`: a cluster redirection or a cluster not ready (MOVED, ASK, TRYAGAIN,
 *   CLUSTERDOWN): send the command again once the slot map is fresh; or a transaction
 *   discarded because another of its commands was refused (EXECABORT): send it again without
 *   that one;
 * - `retriable`: the connection or the server's state (timeout, LOADING, OOM, READONLY, ...):
 *   the whole batch is tried again later;
 * - `fatal`: no record can succeed (an unknown command: a missing module; no permission).
 */
export type ErrorKind = 'data' | 'resend' | 'retriable' | 'fatal';

const RESEND = ['MOVED', 'ASK', 'TRYAGAIN', 'CLUSTERDOWN', 'EXECABORT'];
const RETRIABLE = ['LOADING', 'BUSY', 'OOM', 'MASTERDOWN', 'READONLY', 'NOREPLICAS', 'MISCONF'];
const FATAL = ['NOAUTH', 'NOPERM', 'WRONGPASS'];

/** The kind of an error a command failed with (see {@link ErrorKind}). */
export function errorKind(error: Error): ErrorKind {
  // Anything but a server reply (a closed connection, a timeout) says nothing about the data.
  if (error.name !== 'ReplyError') return 'retriable';
  const code = error.message.split(' ', 1)[0] ?? '';
  if (RESEND.includes(code)) return 'resend';
  if (RETRIABLE.includes(code)) return 'retriable';
  if (FATAL.includes(code) || /^ERR unknown command/i.test(error.message)) return 'fatal';
  return 'data';
}
