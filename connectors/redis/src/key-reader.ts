import { ConnectException, RetriableException } from '@sluice/api';
import { type CommandResult, type RedisCommand, runPipelined } from './command-pipeline.js';
import type { RedisConnection } from './redis-connection.js';
import type { KeyValue } from './schema-mapping.js';
import { errorKind } from './server-errors.js';

/** How each Redis type is read; a type not listed (stream, TSDB-TYPE, none) has no value read. */
const VALUE_READS: Readonly<Record<string, (key: string) => RedisCommand>> = {
  string: (key) => ({ name: 'GET', key, args: [key] }),
  hash: (key) => ({ name: 'HGETALL', key, args: [key] }),
  list: (key) => ({ name: 'LRANGE', key, args: [key, 0, -1] }),
  set: (key) => ({ name: 'SMEMBERS', key, args: [key] }),
  zset: (key) => ({ name: 'ZRANGE', key, args: [key, 0, -1, 'WITHSCORES'] }),
  'ReJSON-RL': (key) => ({ name: 'JSON.GET', key, args: [key] }),
};

/** A reply in the shape of the value schema's field for the type. */
function shape(type: string, reply: unknown): unknown {
  switch (type) {
    case 'hash': {
      // HGETALL through `call` is a flat [field, value, ...] list.
      const flat = reply as string[];
      const map = new Map<string, string>();
      for (let i = 0; i + 1 < flat.length; i += 2)
        map.set(flat[i] as string, flat[i + 1] as string);
      return map;
    }
    case 'zset': {
      const flat = reply as string[];
      const map = new Map<string, number>();
      for (let i = 0; i + 1 < flat.length; i += 2) map.set(flat[i] as string, Number(flat[i + 1]));
      return map;
    }
    default:
      return reply;
  }
}

function failure(result: CommandResult, what: string, connection: RedisConnection): never {
  const error = result.error as Error;
  const message = `Reading ${what} from ${connection.description} failed: ${error.message}`;
  const kind = errorKind(error);
  if (kind === 'retriable' || kind === 'resend') {
    throw new RetriableException(message, { cause: error });
  }
  throw new ConnectException(message, { cause: error });
}

/**
 * Reads keys with their type, expiry and value, in two pipelined rounds (TYPE and PTTL of every
 * key, then the value read of its type). Keys whose type changed between the rounds (WRONGTYPE)
 * come back in `again`, to be read on the next poll; a key deleted meanwhile reads as type
 * `none`.
 */
export async function readKeys(
  connection: RedisConnection,
  keys: readonly string[],
  now = Date.now(),
): Promise<{ values: KeyValue[]; again: string[] }> {
  const meta: RedisCommand[] = [];
  for (const key of keys) {
    meta.push({ name: 'TYPE', key, args: [key] }, { name: 'PTTL', key, args: [key] });
  }
  const metaResults = await runPipelined(connection, meta);
  const types: string[] = [];
  const expiries: (number | null)[] = [];
  const reads: RedisCommand[] = [];
  const readOf: number[] = [];
  keys.forEach((key, k) => {
    const type = metaResults[2 * k] as CommandResult;
    const pttl = metaResults[2 * k + 1] as CommandResult;
    if (type.error !== null) failure(type, `the type of key ${key}`, connection);
    if (pttl.error !== null) failure(pttl, `the expiry of key ${key}`, connection);
    types.push(String(type.value));
    const ms = Number(pttl.value);
    expiries.push(ms >= 0 ? now + ms : null);
    const read = VALUE_READS[String(type.value)];
    if (read !== undefined) {
      readOf[k] = reads.length;
      reads.push(read(key));
    }
  });
  const readResults = reads.length === 0 ? [] : await runPipelined(connection, reads);
  const values: KeyValue[] = [];
  const again: string[] = [];
  keys.forEach((key, k) => {
    const type = types[k] as string;
    const r = readOf[k];
    let value: unknown = null;
    if (r !== undefined) {
      const result = readResults[r] as CommandResult;
      if (result.error !== null) {
        // Its type changed after TYPE answered: read it again next time.
        if (errorKind(result.error) === 'data' && result.error.message.startsWith('WRONGTYPE')) {
          again.push(key);
          return;
        }
        failure(result, `key ${key}`, connection);
      }
      value = shape(type, result.value);
    }
    values.push({ key, type, expiresAt: expiries[k] ?? null, value });
  });
  return { values, again };
}
