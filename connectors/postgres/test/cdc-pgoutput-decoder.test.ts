import { DataException } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { UNCHANGED_TOAST } from '../src/cdc/pgoutput/pgoutput-message.js';
import { decodePgOutputMessage } from '../src/cdc/pgoutput/pgoutput-message-decoder.js';

/** Builds a message from typed pieces, as the server writes them (big-endian). */
function message(
  ...parts: (
    | ['u8', number]
    | ['i16', number]
    | ['i32', number]
    | ['u64', bigint]
    | ['str', string]
    | ['raw', Buffer]
  )[]
): Buffer {
  const chunks = parts.map(([kind, value]): Buffer => {
    switch (kind) {
      case 'u8':
        return Buffer.from([value]);
      case 'i16': {
        const b = Buffer.alloc(2);
        b.writeInt16BE(value);
        return b;
      }
      case 'i32': {
        const b = Buffer.alloc(4);
        b.writeInt32BE(value);
        return b;
      }
      case 'u64': {
        const b = Buffer.alloc(8);
        b.writeBigUInt64BE(value);
        return b;
      }
      case 'str':
        return Buffer.concat([Buffer.from(value, 'utf8'), Buffer.from([0])]);
      default:
        return value as Buffer;
    }
  });
  return Buffer.concat(chunks);
}

const c = (ch: string): ['u8', number] => ['u8', ch.charCodeAt(0)];

function textColumn(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return message(c('t'), ['i32', bytes.length], ['raw', bytes]);
}

/** 2024-01-01T00:00:00Z in µs since 2000-01-01. */
const PG_TIME = 757_382_400_000_000n;
const UNIX_MICROS = 1_704_067_200_000_000;

describe('pgoutput message decoder', () => {
  it('decodes BEGIN with the final LSN, commit time as Unix microseconds and xid', () => {
    const m = decodePgOutputMessage(
      message(c('B'), ['u64', 0x16b374d848n], ['u64', PG_TIME], ['i32', 1234]),
    );
    expect(m).toEqual({
      tag: 'begin',
      finalLsn: 0x16b374d848n,
      commitTimeMicros: UNIX_MICROS,
      xid: 1234,
    });
  });

  it('decodes COMMIT with its commit and end LSNs', () => {
    const m = decodePgOutputMessage(
      message(c('C'), ['u8', 0], ['u64', 100n], ['u64', 148n], ['u64', PG_TIME]),
    );
    expect(m).toEqual({
      tag: 'commit',
      flags: 0,
      commitLsn: 100n,
      endLsn: 148n,
      commitTimeMicros: UNIX_MICROS,
    });
  });

  it('decodes RELATION with key flags, type oids and modifiers', () => {
    const m = decodePgOutputMessage(
      message(
        c('R'),
        ['i32', 16384],
        ['str', 'public'],
        ['str', 'orders'],
        c('d'),
        ['i16', 2],
        ['u8', 1],
        ['str', 'id'],
        ['i32', 23],
        ['i32', -1],
        ['u8', 0],
        ['str', 'total'],
        ['i32', 1700],
        ['i32', (10 << 16) + 2 + 4],
      ),
    );
    expect(m).toEqual({
      tag: 'relation',
      relationId: 16384,
      namespace: 'public',
      name: 'orders',
      replicaIdentity: 'd',
      columns: [
        { isKey: true, name: 'id', typeOid: 23, typmod: -1 },
        { isKey: false, name: 'total', typeOid: 1700, typmod: 655366 },
      ],
    });
  });

  it('decodes INSERT tuples: text (UTF-8), NULL and unchanged TOAST values', () => {
    const m = decodePgOutputMessage(
      message(c('I'), ['i32', 7], c('N'), ['i16', 3], ['raw', textColumn('héllo')], c('n'), c('u')),
    );
    expect(m).toEqual({ tag: 'insert', relationId: 7, newTuple: ['héllo', null, UNCHANGED_TOAST] });
  });

  it('decodes UPDATE with and without the old key or old row', () => {
    const withKey = decodePgOutputMessage(
      message(
        c('U'),
        ['i32', 7],
        c('K'),
        ['i16', 1],
        ['raw', textColumn('1')],
        c('N'),
        ['i16', 1],
        ['raw', textColumn('2')],
      ),
    );
    expect(withKey).toEqual({
      tag: 'update',
      relationId: 7,
      oldKind: 'K',
      oldTuple: ['1'],
      newTuple: ['2'],
    });
    const withoutOld = decodePgOutputMessage(
      message(c('U'), ['i32', 7], c('N'), ['i16', 1], ['raw', textColumn('2')]),
    );
    expect(withoutOld).toEqual({
      tag: 'update',
      relationId: 7,
      oldKind: null,
      oldTuple: null,
      newTuple: ['2'],
    });
  });

  it('decodes DELETE with the old row of REPLICA IDENTITY FULL', () => {
    const m = decodePgOutputMessage(
      message(c('D'), ['i32', 7], c('O'), ['i16', 2], ['raw', textColumn('1')], c('n')),
    );
    expect(m).toEqual({ tag: 'delete', relationId: 7, oldKind: 'O', oldTuple: ['1', null] });
  });

  it('decodes TRUNCATE with its options and relations', () => {
    const m = decodePgOutputMessage(message(c('T'), ['i32', 2], ['u8', 3], ['i32', 7], ['i32', 8]));
    expect(m).toEqual({
      tag: 'truncate',
      cascade: true,
      restartIdentity: true,
      relationIds: [7, 8],
    });
  });

  it('decodes TYPE, ORIGIN and logical decoding messages', () => {
    expect(
      decodePgOutputMessage(message(c('Y'), ['i32', 99], ['str', 'public'], ['str', 'mood'])),
    ).toEqual({
      tag: 'type',
      oid: 99,
      namespace: 'public',
      name: 'mood',
    });
    expect(decodePgOutputMessage(message(c('O'), ['u64', 5n], ['str', 'node_a']))).toEqual({
      tag: 'origin',
      originLsn: 5n,
      name: 'node_a',
    });
    const m = decodePgOutputMessage(
      message(c('M'), ['u8', 1], ['u64', 9n], ['str', 'p'], ['i32', 2], ['raw', Buffer.from('hi')]),
    );
    expect(m).toEqual({
      tag: 'message',
      transactional: true,
      lsn: 9n,
      prefix: 'p',
      content: new Uint8Array(Buffer.from('hi')),
    });
  });

  it('refuses unknown message types and truncated messages, naming the problem', () => {
    expect(() => decodePgOutputMessage(message(c('S')))).toThrow(
      /Unsupported pgoutput message type "S"/,
    );
    expect(() => decodePgOutputMessage(message(c('B'), ['i32', 1]))).toThrow(DataException);
    expect(() =>
      decodePgOutputMessage(message(c('I'), ['i32', 7], c('N'), ['i16', 1], c('b'))),
    ).toThrow(/column kind "b"/);
  });
});
