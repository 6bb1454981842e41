import { Decimal } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { avroType } from '../src/avro-type.js';
import { DECIMAL_EDGES as edges } from './decimal-edges.js';

const decimalSchema = { type: 'bytes', logicalType: 'decimal', precision: 64, scale: 3 };
const record = (field: unknown) => ({
  type: 'record',
  name: 'Price',
  fields: [
    { name: 'amount', type: field },
    { name: 'after', type: 'string' },
  ],
});

describe('DecimalLogicalType', () => {
  it("writes the Avro bytes plain avsc writes for Decimal.toBytes (Java's BigInteger.toByteArray)", () => {
    const ours = avroType(record(decimalSchema), { decimals: true });
    const plain = avroType(record(decimalSchema));
    for (const unscaled of edges) {
      const decimal = new Decimal(unscaled, 3);
      const expected = plain.toBuffer({ amount: Buffer.from(decimal.toBytes()), after: 'x' });
      expect([...ours.toBuffer({ amount: decimal, after: 'x' })], String(unscaled)).toEqual([
        ...expected,
      ]);
    }
  });

  it('reads every value back exactly, with the Avro schema scale', () => {
    const ours = avroType(record(decimalSchema), { decimals: true });
    const plain = avroType(record(decimalSchema));
    for (const unscaled of edges) {
      const bytes = plain.toBuffer({
        amount: Buffer.from(new Decimal(unscaled, 3).toBytes()),
        after: 'x',
      });
      const read = ours.fromBuffer(bytes) as { amount: Decimal; after: string };
      expect(read.amount).toBeInstanceOf(Decimal);
      expect(read.amount.unscaled, String(unscaled)).toBe(unscaled);
      expect(read.amount.scale).toBe(3);
      expect(read.after).toBe('x');
    }
  });

  it('reads decimals written as plain bytes by an older schema', () => {
    const writer = avroType(record('bytes'), { decimals: true });
    const reader = avroType(record(decimalSchema), { decimals: true });
    const bytes = writer.toBuffer({ amount: Buffer.from([0xfb, 0x2e]), after: 'x' });
    const read = reader.fromBuffer(bytes, reader.createResolver(writer)) as { amount: Decimal };
    expect(String(read.amount)).toBe('-1.234');
  });

  it('leaves fixed decimals and plain avsc types alone', () => {
    const fixed = { type: 'fixed', name: 'Amount', size: 8, logicalType: 'decimal', scale: 2 };
    expect(avroType(fixed, { decimals: true }).typeName).toBe('fixed');
    expect(avroType(decimalSchema).typeName).toBe('bytes');
    expect(avroType(decimalSchema, { decimals: true }).typeName).toBe('logical:decimal');
  });

  it('reports a value cut short inside the decimal as truncated', () => {
    const ours = avroType(record(decimalSchema), { decimals: true });
    const bytes = ours.toBuffer({ amount: new Decimal(123456n, 3), after: 'x' });
    // Cut after the length and one of the decimal's three bytes.
    expect(ours.decode(bytes.subarray(0, 2), 0).offset).toBeLessThan(0);
  });
});
