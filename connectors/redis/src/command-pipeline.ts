import { RetriableException } from '@sluice/api';
import type { Redis } from 'ioredis';
import { keySlot } from './key-slot.js';
import type { RedisConnection } from './redis-connection.js';
import { errorKind } from './server-errors.js';

/** One argument of a command: text (encoded as UTF-8 by ioredis), bytes, or a number. */
export type RedisArg = string | Buffer | number;

/** A command to run, with the key that decides which cluster master runs it. */
export interface RedisCommand {
  readonly name: string;
  readonly key: string | Buffer;
  /** Every argument after the command name, the key included. */
  readonly args: readonly RedisArg[];
}

/** What one command gave: its reply, or the error it failed with. */
export type CommandResult =
  | { readonly error: null; readonly value: unknown }
  | {
      readonly error: Error;
      readonly value: undefined;
    };

/** How a batch is run. */
export interface PipelineOptions {
  /** Wrap the commands in MULTI/EXEC (one transaction per hash slot in a cluster). */
  readonly multi?: boolean;
  /** WAIT for this many replicas on each master written to (0: no WAIT). */
  readonly waitReplicas?: number;
  readonly waitTimeoutMs?: number;
}

/** How many times commands to send again (MOVED, TRYAGAIN, EXECABORT, ...) are sent again. */
const RESEND_ATTEMPTS = 5;
const RESEND_BACKOFF_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs commands as pipelines, one per master (commands grouped by the master that owns their
 * key's slot, so a cluster needs no redirections), and gives each command its own result in
 * order: a command the server refuses does not stop the others. Commands of one key keep their
 * order (same master, same connection). Commands answered MOVED/ASK/TRYAGAIN/CLUSTERDOWN are
 * sent again after refreshing the slot map, and the commands of a transaction discarded for
 * another command's error (EXECABORT) without it, up to a few times; then they keep their error.
 */
export async function runPipelined(
  connection: RedisConnection,
  commands: readonly RedisCommand[],
  options: PipelineOptions = {},
): Promise<CommandResult[]> {
  if (!connection.isCluster && !options.multi && !((options.waitReplicas ?? 0) > 0)) {
    return runOnServer(connection, commands);
  }
  const results: (CommandResult | undefined)[] = new Array(commands.length);
  let pending = commands.map((_, i) => i);
  for (let attempt = 0; pending.length > 0; attempt++) {
    const groups = groupByMaster(connection, commands, pending);
    await Promise.all(
      [...groups].map(([node, indexes]) =>
        runOnNode(connection, node, commands, indexes, options, results),
      ),
    );
    pending = pending.filter((i) => {
      const error = results[i]?.error;
      return error != null && errorKind(error) === 'resend';
    });
    if (pending.length === 0 || attempt + 1 >= RESEND_ATTEMPTS) break;
    if (connection.isCluster) {
      await connection.refreshSlots();
      await sleep(RESEND_BACKOFF_MS * (attempt + 1));
    }
  }
  return results as CommandResult[];
}

/**
 * One server, no transaction, no WAIT: one pipeline of every command, and nothing to send
 * again (redirections and EXECABORT come only from a cluster or a transaction).
 */
async function runOnServer(
  connection: RedisConnection,
  commands: readonly RedisCommand[],
): Promise<CommandResult[]> {
  const pipeline = (connection.client as Redis).pipeline();
  for (const command of commands) pipeline.call(command.name, ...command.args);
  const replies = await execute(connection, pipeline, commands.length);
  if (replies instanceof Error) return commands.map(() => ({ error: replies, value: undefined }));
  return commands.map((_, i) => resultOf(replies[i]));
}

/**
 * The replies of a pipeline, or the error all its commands share when the pipeline as a whole
 * failed (connection lost, no answer in time).
 */
async function execute(
  connection: RedisConnection,
  pipeline: ReturnType<Redis['pipeline']>,
  count: number,
): Promise<Reply[] | Error> {
  try {
    return ((await connection.withTimeout(pipeline.exec(), `${count} commands`)) ?? []) as Reply[];
  } catch (error) {
    return error as Error;
  }
}

function groupByMaster(
  connection: RedisConnection,
  commands: readonly RedisCommand[],
  indexes: readonly number[],
): Map<Redis, number[]> {
  const groups = new Map<Redis, number[]>();
  if (!connection.isCluster) {
    groups.set(connection.client as Redis, [...indexes]);
    return groups;
  }
  const bySlot = new Map<number, Redis>();
  for (const i of indexes) {
    const slot = keySlot((commands[i] as RedisCommand).key);
    let node = bySlot.get(slot);
    if (node === undefined) {
      node = connection.masterOfSlot(slot);
      if (node === undefined) {
        throw new RetriableException(
          `${connection.description} has no master for hash slot ${slot} (the cluster is being resharded or not ready)`,
        );
      }
      bySlot.set(slot, node);
    }
    const group = groups.get(node);
    if (group === undefined) groups.set(node, [i]);
    else group.push(i);
  }
  return groups;
}

type Reply = [Error | null, unknown];

async function runOnNode(
  connection: RedisConnection,
  node: Redis,
  commands: readonly RedisCommand[],
  indexes: readonly number[],
  options: PipelineOptions,
  results: (CommandResult | undefined)[],
): Promise<void> {
  const batches = options.multi ? bySlot(commands, indexes) : [indexes];
  const pipeline = node.pipeline();
  for (const batch of batches) {
    // MULTI and EXEC as plain commands: each reply (QUEUED, EXEC's array) stays visible.
    if (options.multi) pipeline.call('MULTI');
    for (const i of batch) {
      const command = commands[i] as RedisCommand;
      pipeline.call(command.name, ...command.args);
    }
    if (options.multi) pipeline.call('EXEC');
  }
  const replies = await execute(connection, pipeline, indexes.length);
  if (replies instanceof Error) {
    for (const i of indexes) results[i] = { error: replies, value: undefined };
    return;
  }
  let r = 0;
  for (const batch of batches) {
    if (!options.multi) {
      for (const i of batch) results[i] = resultOf(replies[r++]);
      continue;
    }
    // MULTI's OK, one QUEUED (or the error that refused the command) per command, then EXEC's
    // array of replies, or EXECABORT when a command was refused while queuing.
    r++;
    const queued = batch.map(() => replies[r++]);
    const exec = replies[r++];
    const execError = exec?.[0] ?? null;
    const execReplies = Array.isArray(exec?.[1]) ? (exec[1] as unknown[]) : [];
    batch.forEach((i, k) => {
      const queueError = queued[k]?.[0] ?? null;
      if (queueError !== null) results[i] = { error: queueError, value: undefined };
      else if (execError !== null) results[i] = { error: execError, value: undefined };
      else {
        const value = execReplies[k];
        results[i] =
          value instanceof Error ? { error: value, value: undefined } : { error: null, value };
      }
    });
  }
  if ((options.waitReplicas ?? 0) > 0) {
    await waitForReplicas(connection, node, indexes, options, results);
  }
}

function resultOf(reply: Reply | undefined): CommandResult {
  if (reply === undefined) return { error: new Error('no reply'), value: undefined };
  return reply[0] === null
    ? { error: null, value: reply[1] }
    : { error: reply[0], value: undefined };
}

/** Indexes grouped by hash slot, in order of first appearance: a transaction per slot. */
function bySlot(commands: readonly RedisCommand[], indexes: readonly number[]): number[][] {
  const groups = new Map<number, number[]>();
  for (const i of indexes) {
    const slot = keySlot((commands[i] as RedisCommand).key);
    const group = groups.get(slot);
    if (group === undefined) groups.set(slot, [i]);
    else group.push(i);
  }
  return [...groups.values()];
}

/** WAIT on `node`; too few replicas fail its successful commands as retriable. */
async function waitForReplicas(
  connection: RedisConnection,
  node: Redis,
  indexes: readonly number[],
  options: PipelineOptions,
  results: (CommandResult | undefined)[],
): Promise<void> {
  const wanted = options.waitReplicas ?? 0;
  let error: Error | null = null;
  try {
    const waitMs = options.waitTimeoutMs ?? 0;
    const acknowledged = Number(
      await connection.withTimeout(node.call('WAIT', wanted, waitMs), 'WAIT', waitMs),
    );
    if (acknowledged < wanted) {
      error = new Error(
        `only ${acknowledged} of the ${wanted} replicas asked for (redis.wait.replicas) acknowledged the writes within ${options.waitTimeoutMs} ms`,
      );
    }
  } catch (e) {
    error = e as Error;
  }
  if (error === null) return;
  for (const i of indexes) {
    if (results[i]?.error === null) results[i] = { error, value: undefined };
  }
}
