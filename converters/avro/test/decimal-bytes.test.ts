import { Decimal } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { decimalFromBytes, decimalToBuffer } from '../src/decimal-bytes.js';

const edges = [
  0n,
  1n,
  -1n,
  127n,
  128n,
  -128n,
  -129n,
  255n,
  256n,
  32767n,
  -32768n,
  2n ** 31n,
  -(2n ** 31n) - 1n,
  2n ** 40n + 5n,
  2n ** 47n - 1n,
  -(2n ** 47n),
  2n ** 47n,
  -(2n ** 47n) - 1n,
  2n ** 63n,
  -(10n ** 40n) + 7n,
];

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
