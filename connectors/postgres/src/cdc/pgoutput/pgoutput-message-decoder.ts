import { DataException } from '@sluice/api';
import type { Lsn } from '../lsn.js';
import {
  type PgOutputMessage,
  type RelationColumn,
  type TupleValue,
  UNCHANGED_TOAST,
} from './pgoutput-message.js';

/** Microseconds between the Unix epoch and PostgreSQL's epoch (2000-01-01 00:00:00 UTC). */
const PG_EPOCH_OFFSET_MICROS = 946_684_800_000_000;

/** A cursor over one message's bytes. */
class Reader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  private need(n: number): void {
    if (this.pos + n > this.buf.length) {
      throw new DataException(
        `Truncated pgoutput message: needs ${n} more bytes at offset ${this.pos} of ${this.buf.length}`,
      );
    }
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++] as number;
  }

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  uint32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  uint64(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  /** A PostgreSQL timestamp (int64 µs since 2000-01-01) as µs since the Unix epoch. */
  timestampMicros(): number {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return Number(v) + PG_EPOCH_OFFSET_MICROS;
  }

  cstring(): string {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0) throw new DataException('Truncated pgoutput message: unterminated string');
    const s = this.buf.toString('utf8', this.pos, end);
    this.pos = end + 1;
    return s;
  }

  text(length: number): string {
    this.need(length);
    const s = this.buf.toString('utf8', this.pos, this.pos + length);
    this.pos += length;
    return s;
  }

  bytes(length: number): Uint8Array {
    this.need(length);
    const b = new Uint8Array(this.buf.subarray(this.pos, this.pos + length));
    this.pos += length;
    return b;
  }

  tuple(): TupleValue[] {
    const count = this.int16();
    const values = new Array<TupleValue>(count);
    for (let i = 0; i < count; i++) {
      const kind = this.byte();
      switch (kind) {
        case 0x6e: // n: null
          values[i] = null;
          break;
        case 0x75: // u: unchanged TOASTed value
          values[i] = UNCHANGED_TOAST;
          break;
        case 0x74: // t: text
          values[i] = this.text(this.int32());
          break;
        default:
          // 'b' (binary) only comes with the `binary 'true'` option, which is never requested.
          throw new DataException(
            `Unexpected pgoutput tuple column kind ${JSON.stringify(String.fromCharCode(kind))} (column ${i + 1})`,
          );
      }
    }
    return values;
  }
}

function lsn(reader: Reader): Lsn {
  return reader.uint64();
}

/**
 * Decodes one pgoutput message (the payload of an XLogData message), protocol version 1 plus
 * logical decoding messages. Throws a DataException naming the message type for anything else.
 */
export function decodePgOutputMessage(buf: Buffer): PgOutputMessage {
  const r = new Reader(buf);
  const type = r.byte();
  switch (type) {
    case 0x42: // B
      return {
        tag: 'begin',
        finalLsn: lsn(r),
        commitTimeMicros: r.timestampMicros(),
        xid: r.uint32(),
      };
    case 0x43: // C
      return {
        tag: 'commit',
        flags: r.byte(),
        commitLsn: lsn(r),
        endLsn: lsn(r),
        commitTimeMicros: r.timestampMicros(),
      };
    case 0x4f: // O
      return { tag: 'origin', originLsn: lsn(r), name: r.cstring() };
    case 0x52: {
      // R
      const relationId = r.uint32();
      const namespace = r.cstring();
      const name = r.cstring();
      const replicaIdentity = String.fromCharCode(r.byte());
      const count = r.int16();
      const columns: RelationColumn[] = [];
      for (let i = 0; i < count; i++) {
        const flags = r.byte();
        columns.push({
          isKey: (flags & 1) === 1,
          name: r.cstring(),
          typeOid: r.uint32(),
          typmod: r.int32(),
        });
      }
      return { tag: 'relation', relationId, namespace, name, replicaIdentity, columns };
    }
    case 0x59: // Y
      return { tag: 'type', oid: r.uint32(), namespace: r.cstring(), name: r.cstring() };
    case 0x49: {
      // I
      const relationId = r.uint32();
      expectByte(r, 0x4e, 'insert');
      return { tag: 'insert', relationId, newTuple: r.tuple() };
    }
    case 0x55: {
      // U
      const relationId = r.uint32();
      let kind = r.byte();
      let oldKind: 'K' | 'O' | null = null;
      let oldTuple: TupleValue[] | null = null;
      if (kind === 0x4b || kind === 0x4f) {
        oldKind = kind === 0x4b ? 'K' : 'O';
        oldTuple = r.tuple();
        kind = r.byte();
      }
      if (kind !== 0x4e) throw unexpected('update', kind);
      return { tag: 'update', relationId, oldKind, oldTuple, newTuple: r.tuple() };
    }
    case 0x44: {
      // D
      const relationId = r.uint32();
      const kind = r.byte();
      if (kind !== 0x4b && kind !== 0x4f) throw unexpected('delete', kind);
      return { tag: 'delete', relationId, oldKind: kind === 0x4b ? 'K' : 'O', oldTuple: r.tuple() };
    }
    case 0x54: {
      // T
      const count = r.int32();
      const options = r.byte();
      const relationIds: number[] = [];
      for (let i = 0; i < count; i++) relationIds.push(r.uint32());
      return {
        tag: 'truncate',
        cascade: (options & 1) === 1,
        restartIdentity: (options & 2) === 2,
        relationIds,
      };
    }
    case 0x4d: {
      // M
      const flags = r.byte();
      const at = lsn(r);
      const prefix = r.cstring();
      const content = r.bytes(r.int32());
      return { tag: 'message', transactional: (flags & 1) === 1, lsn: at, prefix, content };
    }
    default:
      throw new DataException(
        `Unsupported pgoutput message type ${JSON.stringify(String.fromCharCode(type))} (0x${type.toString(16)}); Sluice requests protocol version 1 and understands B, C, O, R, Y, I, U, D, T and M`,
      );
  }
}

function unexpected(what: string, kind: number): DataException {
  return new DataException(
    `Malformed pgoutput ${what} message: unexpected tuple marker ${JSON.stringify(String.fromCharCode(kind))}`,
  );
}

function expectByte(r: Reader, expected: number, what: string): void {
  const kind = r.byte();
  if (kind !== expected) throw unexpected(what, kind);
}
