import { DataException } from '@sluice/api';

/**
 * Small reads and writes of raw BSON bytes, so documents read with `raw: true` go to Kafka
 * without being turned into objects and back (see json-writer.ts).
 */

/** Where one top-level element's value lies in a document. */
export interface RawElement {
  readonly type: number;
  /** Offset of the value (after the type byte and the name). */
  readonly start: number;
  /** Offset just after the value. */
  readonly end: number;
}

const FIXED: Record<number, number> = {
  1: 8,
  6: 0,
  7: 12,
  8: 1,
  9: 8,
  10: 0,
  16: 4,
  17: 8,
  18: 8,
  19: 16,
  255: 0,
  127: 0,
};

function valueEnd(bytes: Buffer, type: number, at: number): number {
  const fixed = FIXED[type];
  if (fixed !== undefined) return at + fixed;
  switch (type) {
    case 0x02:
    case 0x0d:
    case 0x0e:
      return at + 4 + bytes.readInt32LE(at);
    case 0x03:
    case 0x04:
    case 0x0f:
      return at + bytes.readInt32LE(at);
    case 0x05:
      return at + 5 + bytes.readInt32LE(at);
    case 0x0b: {
      const patternEnd = bytes.indexOf(0, at);
      return bytes.indexOf(0, patternEnd + 1) + 1;
    }
    case 0x0c:
      return at + 4 + bytes.readInt32LE(at) + 12;
    default:
      throw new DataException(`Invalid BSON: unknown element type 0x${type.toString(16)}`);
  }
}

/** The top-level element `name` of a document, or undefined. */
export function findElement(bytes: Buffer, name: string): RawElement | undefined {
  const end = bytes.readInt32LE(0) - 1;
  let i = 4;
  while (i < end) {
    const type = bytes[i] as number;
    const nameEnd = bytes.indexOf(0, i + 1);
    const start = nameEnd + 1;
    const stop = valueEnd(bytes, type, start);
    if (bytes.toString('latin1', i + 1, nameEnd) === name) return { type, start, end: stop };
    i = stop;
  }
  return undefined;
}

/** A document element's bytes (`type name\0 value`) under another name. */
export function renamed(bytes: Buffer, element: RawElement, name: string): Buffer {
  return Buffer.concat([
    Buffer.from([element.type]),
    Buffer.from(`${name}\0`, 'utf8'),
    bytes.subarray(element.start, element.end),
  ]);
}

/** A string element. */
export function stringElement(name: string, value: string): Buffer {
  const text = Buffer.from(value, 'utf8');
  const head = Buffer.alloc(4);
  head.writeInt32LE(text.length + 1);
  return Buffer.concat([
    Buffer.from([0x02]),
    Buffer.from(`${name}\0`, 'utf8'),
    head,
    text,
    Buffer.from([0]),
  ]);
}

/** A boolean element. */
export function booleanElement(name: string, value: boolean): Buffer {
  return Buffer.concat([
    Buffer.from([0x08]),
    Buffer.from(`${name}\0`, 'utf8'),
    Buffer.from([value ? 1 : 0]),
  ]);
}

/** An embedded document element holding `document` (its bytes). */
export function documentElement(name: string, document: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x03]), Buffer.from(`${name}\0`, 'utf8'), document]);
}

/** A document made of these elements. */
export function documentOf(elements: readonly Buffer[]): Buffer {
  const length = 4 + elements.reduce((n, e) => n + e.length, 0) + 1;
  const head = Buffer.alloc(4);
  head.writeInt32LE(length);
  return Buffer.concat([head, ...elements, Buffer.from([0])], length);
}
