import { BSON, Decimal128, Long, ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { pollingOffset, storedPollingPosition } from '../src/source-offset.js';

const ejson = (v: unknown) => BSON.EJSON.stringify({ v }, { relaxed: false });

describe('polling offsets', () => {
  it('stores each position as canonical extended JSON and reads it back', () => {
    const values = [
      new ObjectId('65f0a1b2c3d4e5f601234567'),
      new ObjectId(),
      new Date(0),
      new Date(-62_135_596_800_000),
      new Date(1_733_385_600_123),
      Long.fromString('9007199254740993'),
      Decimal128.fromString('1.50'),
      'text',
      42,
    ];
    for (const value of values) {
      for (const id of [value, new ObjectId('65f0a1b2c3d4e5f601234568')]) {
        const offset = pollingOffset({ value, id });
        expect(offset, String(value)).toEqual({ value: ejson(value), id: ejson(id) });
        const back = storedPollingPosition(offset);
        expect(ejson(back?.value)).toBe(ejson(value));
        expect(ejson(back?.id)).toBe(ejson(id));
      }
    }
  });
});
