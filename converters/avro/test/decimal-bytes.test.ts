import { Decimal } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { decimalFromBytes, decimalToBuffer } from '../src/decimal-bytes.js';
import { DECIMAL_EDGES as edges } from './decimal-edges.js';

describe('decimal bytes', () => {
  it("writes the same two's-complement bytes as Decimal.toBytes (Java's BigInteger.toByteArray)", () => {
    for (const unscaled of edges) {
      const decimal = new Decimal(unscaled, 3);
      expect([...decimalToBuffer(decimal, 3)], String(unscaled)).toEqual([...decimal.toBytes()]);
    }
  });

  it('reads back every value exactly', () => {
    for (const unscaled of edges) {
      const decimal = new Decimal(unscaled, 2);
      expect(decimalFromBytes(decimal.toBytes(), 2).equals(decimal), String(unscaled)).toBe(true);
    }
  });

  it('refuses a value whose scale is not the schema scale', () => {
    expect(() => decimalToBuffer(Decimal.fromString('1.5'), 2)).toThrow(/mismatching scale/);
  });
});
