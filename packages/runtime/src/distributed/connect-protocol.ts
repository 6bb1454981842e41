/**
 * What Sluice workers say to each other through the group coordinator: the metadata a member
 * joins with and the assignment the leader hands out. Java Connect workers use the same protocol
 * type (`connect`) with other protocol names (`default`, `compatible`, `sessioned`), so the
 * coordinator refuses a mixed group (INCONSISTENT_GROUP_PROTOCOL) instead of letting two
 * incompatible assignors share it.
 */
import type { ConnectorTaskId } from '../worker-task/task-status.js';
import type { WorkSet } from './incremental-assignor.js';

/** A task's id in assignments: `<connector>-<task>` (as Kafka's ConnectorTaskId prints). */
export function taskKey(connector: string, task: number): string {
  return `${connector}-${task}`;
}

export function parseTaskKey(key: string): ConnectorTaskId {
  const dash = key.lastIndexOf('-');
  return { connector: key.slice(0, dash), task: Number(key.slice(dash + 1)) };
}

export const PROTOCOL_TYPE = 'connect';
export const PROTOCOL_NAME = 'sluice-1';
/** The protocol names of Apache Kafka Connect workers. */
export const JAVA_PROTOCOLS = new Set(['default', 'compatible', 'sessioned']);

/** A member's metadata in JoinGroup. */
export interface WorkerMetadata {
  /** The worker's advertised REST URL (requests are forwarded to it). */
  url: string;
  /** How far it has read the config topic. */
  configOffset: bigint;
  /** What it runs now. */
  owned: WorkSet;
  /** Stopping gracefully: it gave its work up and takes none. */
  leaving: boolean;
}

/** What SyncGroup hands each member. */
export interface WorkerAssignment {
  /** The leader's config topic position could not be trusted: everyone reads and rejoins. */
  error: 'none' | 'config-mismatch';
  leaderId: string;
  leaderUrl: string;
  /** Members must have read the config topic this far before starting their work. */
  configOffset: bigint;
  assigned: WorkSet;
  revoked: WorkSet;
  /** Work of departed members is held this long; every member rejoins when it runs out. */
  delayMs: number;
  /** The REST URLs of every member of the generation (for `GET /cluster`). */
  members: string[];
}

function workSet(value: unknown): WorkSet {
  const v = (value ?? {}) as { connectors?: unknown; tasks?: unknown };
  const strings = (x: unknown) =>
    Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : [];
  return { connectors: strings(v.connectors), tasks: strings(v.tasks) };
}

function decodeJson(bytes: Uint8Array, what: string): Record<string, unknown> {
  const value = JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

export function encodeMetadata(m: WorkerMetadata): Uint8Array {
  return Buffer.from(
    JSON.stringify({
      version: 1,
      url: m.url,
      configOffset: m.configOffset.toString(),
      owned: m.owned,
      leaving: m.leaving,
    }),
  );
}

export function decodeMetadata(bytes: Uint8Array): WorkerMetadata {
  const v = decodeJson(bytes, 'worker metadata');
  return {
    url: String(v.url ?? ''),
    configOffset: BigInt(String(v.configOffset ?? '0')),
    owned: workSet(v.owned),
    leaving: v.leaving === true,
  };
}

export function encodeAssignment(a: WorkerAssignment): Uint8Array {
  return Buffer.from(
    JSON.stringify({
      version: 1,
      error: a.error,
      leaderId: a.leaderId,
      leaderUrl: a.leaderUrl,
      configOffset: a.configOffset.toString(),
      assigned: a.assigned,
      revoked: a.revoked,
      delayMs: a.delayMs,
      members: a.members,
    }),
  );
}

export function decodeAssignment(bytes: Uint8Array): WorkerAssignment {
  const v = decodeJson(bytes, 'worker assignment');
  return {
    error: v.error === 'config-mismatch' ? 'config-mismatch' : 'none',
    leaderId: String(v.leaderId ?? ''),
    leaderUrl: String(v.leaderUrl ?? ''),
    configOffset: BigInt(String(v.configOffset ?? '0')),
    assigned: workSet(v.assigned),
    revoked: workSet(v.revoked),
    delayMs: Number(v.delayMs ?? 0),
    members: Array.isArray(v.members) ? v.members.map(String) : [],
  };
}
