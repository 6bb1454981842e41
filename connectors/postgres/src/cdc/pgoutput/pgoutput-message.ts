import type { Lsn } from '../lsn.js';

/**
 * The messages of PostgreSQL's `pgoutput` logical decoding plugin (protocol version 1), as
 * documented in "Logical Replication Message Formats". Times are microseconds since the Unix
 * epoch (the wire carries microseconds since 2000-01-01).
 */
export type PgOutputMessage =
  | BeginMessage
  | CommitMessage
  | OriginMessage
  | RelationMessage
  | TypeMessage
  | InsertMessage
  | UpdateMessage
  | DeleteMessage
  | TruncateMessage
  | LogicalDecodingMessage;

/** A column value of a tuple: its text, SQL NULL, or an unchanged TOASTed value not sent. */
export type TupleValue = string | null | typeof UNCHANGED_TOAST;

/** Marks a value the server did not send because it is TOASTed and unchanged. */
export const UNCHANGED_TOAST: unique symbol = Symbol('unchanged-toast');

/** Starts a transaction. */
export interface BeginMessage {
  readonly tag: 'begin';
  /** The LSN of the transaction's commit record. */
  readonly finalLsn: Lsn;
  readonly commitTimeMicros: number;
  readonly xid: number;
}

/** Ends a transaction. */
export interface CommitMessage {
  readonly tag: 'commit';
  readonly flags: number;
  /** The LSN of the commit record. */
  readonly commitLsn: Lsn;
  /** The end of the commit record: where decoding resumes after this transaction. */
  readonly endLsn: Lsn;
  readonly commitTimeMicros: number;
}

/** The transaction came from another node through replication origins. */
export interface OriginMessage {
  readonly tag: 'origin';
  readonly originLsn: Lsn;
  readonly name: string;
}

/** A column of a relation message. */
export interface RelationColumn {
  /** Part of the replica identity (flag bit 1). */
  readonly isKey: boolean;
  readonly name: string;
  readonly typeOid: number;
  readonly typmod: number;
}

/** Describes a table, sent before its first change and again after its definition changed. */
export interface RelationMessage {
  readonly tag: 'relation';
  readonly relationId: number;
  readonly namespace: string;
  readonly name: string;
  /** `d` default, `n` nothing, `f` full, `i` index. */
  readonly replicaIdentity: string;
  readonly columns: readonly RelationColumn[];
}

/** Names a type used by a relation (sent for non-built-in types). */
export interface TypeMessage {
  readonly tag: 'type';
  readonly oid: number;
  readonly namespace: string;
  readonly name: string;
}

export interface InsertMessage {
  readonly tag: 'insert';
  readonly relationId: number;
  readonly newTuple: readonly TupleValue[];
}

export interface UpdateMessage {
  readonly tag: 'update';
  readonly relationId: number;
  /** `K`: the old key (replica identity index); `O`: the whole old row (REPLICA IDENTITY FULL); null: not sent. */
  readonly oldKind: 'K' | 'O' | null;
  readonly oldTuple: readonly TupleValue[] | null;
  readonly newTuple: readonly TupleValue[];
}

export interface DeleteMessage {
  readonly tag: 'delete';
  readonly relationId: number;
  readonly oldKind: 'K' | 'O';
  readonly oldTuple: readonly TupleValue[];
}

export interface TruncateMessage {
  readonly tag: 'truncate';
  readonly cascade: boolean;
  readonly restartIdentity: boolean;
  readonly relationIds: readonly number[];
}

/** A message written with `pg_logical_emit_message` (with `messages 'true'`). */
export interface LogicalDecodingMessage {
  readonly tag: 'message';
  readonly transactional: boolean;
  readonly lsn: Lsn;
  readonly prefix: string;
  readonly content: Uint8Array;
}
