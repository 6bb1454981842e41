import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  DataException,
  DECIMAL_LOGICAL_NAME,
  Decimal,
  Schema,
  SchemaBuilder,
  validateValue,
} from '../src/index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** A small deterministic PRNG (mulberry32), so the round-trip cases are the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBigint(next: () => number, maxBits: number): bigint {
  const bits = Math.floor(next() * maxBits) + 1;
  let value = 0n;
  for (let i = 0; i < bits; i++) value = (value << 1n) | (next() < 0.5 ? 1n : 0n);
  return next() < 0.5 ? -value : value;
}

describe('Decimal schema', () => {
  it('is BYTES named org.apache.kafka.connect.data.Decimal, version 1, with a scale parameter', () => {
    const schema = Decimal.schema(2);
    expect(schema.type).toBe('BYTES');
    expect(schema.name).toBe(DECIMAL_LOGICAL_NAME);
    expect(schema.name).toBe('org.apache.kafka.connect.data.Decimal');
    expect(schema.version).toBe(1);
    expect(schema.parameters).toEqual({ scale: '2' });
    expect(Decimal.builder(-3).optional().build().parameters).toEqual({ scale: '-3' });
  });

  it('reads the scale back, refusing a missing or malformed one', () => {
    expect(Decimal.scaleOf(Decimal.schema(7))).toBe(7);
    expect(() => Decimal.scaleOf(SchemaBuilder.bytes().name(DECIMAL_LOGICAL_NAME).build())).toThrow(
      'Invalid Decimal schema: scale parameter not found.',
    );
    const bad = SchemaBuilder.bytes().name(DECIMAL_LOGICAL_NAME).parameter('scale', '2.5').build();
    expect(() => Decimal.scaleOf(bad)).toThrow(
      'Invalid scale parameter found in Decimal schema: 2.5',
    );
    const huge = SchemaBuilder.bytes().name(DECIMAL_LOGICAL_NAME).parameter('scale', '2147483648');
    expect(() => Decimal.scaleOf(huge.build())).toThrow(DataException);
  });

  it('refuses a non-integer scale', () => {
    expect(() => Decimal.builder(1.5)).toThrow(DataException);
    expect(() => new Decimal(1n, Number.NaN)).toThrow(DataException);
  });
});

describe('Decimal encoding (Java BigInteger.toByteArray)', () => {
  it("matches Kafka's own DecimalTest bytes for 1.56 and -1.56", () => {
    const schema = Decimal.schema(2);
    expect(hex(Decimal.fromLogical(schema, Decimal.fromString('1.56')))).toBe('009c');
    expect(hex(Decimal.fromLogical(schema, Decimal.fromString('-1.56')))).toBe('ff64');
    expect(Decimal.toLogical(schema, new Uint8Array([0x00, 0x9c])).toString()).toBe('1.56');
    expect(Decimal.toLogical(schema, new Uint8Array([0xff, 0x64])).toString()).toBe('-1.56');
  });

  it('uses the fewest bytes, with a sign byte where the top bit would mislead', () => {
    const cases: [bigint, string][] = [
      [0n, '00'],
      [1n, '01'],
      [-1n, 'ff'],
      [127n, '7f'],
      [128n, '0080'],
      [-128n, '80'],
      [-129n, 'ff7f'],
      [255n, '00ff'],
      [256n, '0100'],
      [32767n, '7fff'],
      [-32768n, '8000'],
      [2n ** 63n - 1n, '7fffffffffffffff'],
      [-(2n ** 63n), '8000000000000000'],
      [2n ** 64n, '010000000000000000'],
    ];
    for (const [unscaled, bytes] of cases) {
      expect(hex(new Decimal(unscaled, 0).toBytes()), String(unscaled)).toBe(bytes);
      expect(Decimal.fromBytes(Buffer.from(bytes, 'hex'), 0).unscaled, bytes).toBe(unscaled);
    }
  });

  it('accepts non-minimal encodings on decode, as Java does', () => {
    expect(Decimal.fromBytes(new Uint8Array([0, 0, 1]), 0).unscaled).toBe(1n);
    expect(Decimal.fromBytes(new Uint8Array([0xff, 0xff, 0xff]), 0).unscaled).toBe(-1n);
  });

  it('refuses zero bytes', () => {
    expect(() => Decimal.fromBytes(new Uint8Array(0), 2)).toThrow(
      'Cannot decode a Decimal from zero bytes',
    );
  });

  it('refuses to encode a value whose scale differs from the schema', () => {
    expect(() => Decimal.fromLogical(Decimal.schema(2), Decimal.fromString('1.5'))).toThrow(
      'Decimal value has mismatching scale for given Decimal schema. Schema has scale 2, value has scale 1.',
    );
  });

  it('encodes every width boundary as Java toByteArray does (small and big paths agree)', () => {
    // Reference: two's complement through hex, the fewest bytes that keep the sign.
    const reference = (value: bigint): string => {
      const bits = (value < 0n ? -value - 1n : value).toString(2).length;
      const length = Math.floor(bits / 8) + 1;
      const encoded = value < 0n ? (1n << BigInt(length * 8)) + value : value;
      return encoded.toString(16).padStart(length * 2, '0');
    };
    const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
    for (let bits = 0n; bits <= 64n; bits++) {
      for (const base of [2n ** bits, -(2n ** bits)]) {
        for (const value of [base - 1n, base, base + 1n]) {
          const bytes = Decimal.of(value, 3).toBytes();
          expect(hex(bytes)).toBe(reference(value));
          expect(Decimal.fromBytes(bytes, 3).unscaled).toBe(value);
        }
      }
    }
  });

  it('round-trips random values of up to 300 bits exactly through bytes and strings', () => {
    const next = random(42);
    for (let i = 0; i < 500; i++) {
      const scale = Math.floor(next() * 40) - 10;
      const d = new Decimal(randomBigint(next, 300), scale);
      const schema = Decimal.schema(scale);
      const back = Decimal.toLogical(schema, Decimal.fromLogical(schema, d));
      expect(back.equals(d), `${d.unscaled} scale ${scale}`).toBe(true);
      const reparsed = Decimal.fromString(d.toString());
      expect(reparsed.compareTo(d), d.toString()).toBe(0);
      if (scale >= 0) expect(reparsed.equals(d), d.toString()).toBe(true);
    }
  });
});

describe('Decimal values', () => {
  it('parses strings exactly, keeping the scale as written', () => {
    const d = Decimal.fromString('-12.340');
    expect(d.unscaled).toBe(-12340n);
    expect(d.scale).toBe(3);
    expect(Decimal.fromString('0.1').toString()).toBe('0.1');
    expect(Decimal.fromString('.5')).toEqual(new Decimal(5n, 1));
    expect(Decimal.fromString('7.')).toEqual(new Decimal(7n, 0));
    expect(Decimal.fromString('+3')).toEqual(new Decimal(3n, 0));
    expect(Decimal.fromString('  42  ')).toEqual(new Decimal(42n, 0));
    expect(Decimal.fromString('123456789012345678901234567890.123456789').unscaled).toBe(
      123456789012345678901234567890123456789n,
    );
  });

  it('parses exponents as Java BigDecimal does', () => {
    expect(Decimal.fromString('1.5E+3')).toEqual(new Decimal(15n, -2));
    expect(Decimal.fromString('1.5e-3')).toEqual(new Decimal(15n, 4));
    expect(Decimal.fromString('1.5E+3').toString()).toBe('1500');
    expect(Decimal.fromString('1.5e-3').toString()).toBe('0.0015');
  });

  it('refuses what is not a decimal number', () => {
    for (const text of ['', '.', '-', 'abc', '1.2.3', '1e', 'NaN', 'Infinity', '0x10', '1,5']) {
      expect(() => Decimal.fromString(text), text).toThrow(DataException);
    }
  });

  it('prints plain notation, never an exponent', () => {
    expect(new Decimal(12340n, 3).toString()).toBe('12.340');
    expect(new Decimal(-5n, 3).toString()).toBe('-0.005');
    expect(new Decimal(1234n, -2).toString()).toBe('123400');
    expect(new Decimal(0n, 2).toString()).toBe('0.00');
    expect(new Decimal(0n, -2).toString()).toBe('0');
  });

  it('equals only with the same scale (1.0 ≠ 1.00), but compares numerically', () => {
    const a = Decimal.fromString('1.0');
    const b = Decimal.fromString('1.00');
    expect(a.equals(b)).toBe(false);
    expect(a.compareTo(b)).toBe(0);
    expect(Decimal.fromString('-1').compareTo(Decimal.fromString('0.5'))).toBe(-1);
    expect(Decimal.fromString('2.01').compareTo(Decimal.fromString('2.001'))).toBe(1);
  });

  it('changes scale only when no rounding is needed', () => {
    expect(Decimal.fromString('1.5').setScale(3).toString()).toBe('1.500');
    expect(Decimal.fromString('1.500').setScale(1).toString()).toBe('1.5');
    expect(() => Decimal.fromString('1.55').setScale(1)).toThrow(
      'Cannot change the scale of 1.55 from 2 to 1 without rounding',
    );
  });

  it('builds from numbers only when they are safe integers', () => {
    expect(Decimal.of(12345, 2).toString()).toBe('123.45');
    expect(Decimal.of(2n ** 70n).unscaled).toBe(2n ** 70n);
    expect(() => Decimal.of(0.1)).toThrow(DataException);
    expect(() => Decimal.of(2 ** 60)).toThrow(DataException);
    expect(() => new Decimal(5 as unknown as bigint, 0)).toThrow(DataException);
  });

  it('keeps every digit in JSON and prints clearly in logs', () => {
    const d = Decimal.fromString('12345678901234567890.01');
    expect(JSON.stringify({ d })).toBe('{"d":"12345678901234567890.01"}');
    expect(inspect(d)).toBe('Decimal(12345678901234567890.01)');
    expect(Decimal.fromString('-2.5').toNumber()).toBe(-2.5);
  });

  it('is immutable', () => {
    const d = Decimal.fromString('1.5');
    expect(Object.isFrozen(d)).toBe(true);
  });

  it('validates as a value of a Decimal schema of the same scale only', () => {
    const schema = Decimal.schema(2);
    expect(() => validateValue(schema, Decimal.fromString('1.50'))).not.toThrow();
    expect(() => validateValue(schema, Decimal.fromString('1.5'))).toThrow(
      'Invalid value: schema "org.apache.kafka.connect.data.Decimal" with type BYTES expects a Decimal with scale 2, got Decimal 1.5 (scale 1)',
    );
    expect(() => validateValue(schema, new Uint8Array([1]))).toThrow(DataException);
    expect(() => validateValue(schema, 1.5)).toThrow(DataException);
    // A BYTES schema that merely has another name takes bytes, not Decimals.
    expect(() => validateValue(Schema.BYTES_SCHEMA, Decimal.fromString('1'))).toThrow(
      DataException,
    );
  });
});
