import { Decimal, Schema, SchemaBuilder } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import {
  javaBigDecimalToString,
  javaDoubleToString,
  javaFloatToString,
  javaIntValue,
  javaLongValue,
  javaNarrow,
  javaParseDouble,
  javaParseInteger,
} from '../src/java-numbers.js';
import { compileJavaRegex, javaReplacement } from '../src/java-regex.js';
import { SchemaCache } from '../src/schema-cache.js';

describe('Java number semantics', () => {
  it('prints doubles and floats as Double.toString and Float.toString', () => {
    expect(
      [1, 0.1, 1e7, 1e-3, 9.99e-4, 123456.789, -0, Number.NaN, 5e-324, 1e21].map(
        javaDoubleToString,
      ),
    ).toEqual([
      '1.0',
      '0.1',
      '1.0E7',
      '0.001',
      '9.99E-4',
      '123456.789',
      '-0.0',
      'NaN',
      '4.9E-324',
      '1.0E21',
    ]);
    expect(
      [Math.fround(0.1), Math.fround(1 / 3), 1.401298464324817e-45].map(javaFloatToString),
    ).toEqual(['0.1', '0.33333334', '1.4E-45']);
  });

  it('prints BigDecimals as BigDecimal.toString', () => {
    expect(javaBigDecimalToString(new Decimal(12345n, 2))).toBe('123.45');
    expect(javaBigDecimalToString(new Decimal(5n, 9))).toBe('5E-9');
    expect(javaBigDecimalToString(new Decimal(-12n, -3))).toBe('-1.2E+4');
  });

  it('narrows as Java casts do: floats saturate, integers wrap', () => {
    expect(javaLongValue(1e30, true)).toBe(2n ** 63n - 1n);
    expect(javaLongValue(Number.NaN, true)).toBe(0n);
    expect(javaLongValue(2n ** 64n + 5n, false)).toBe(5n);
    expect(javaIntValue(3e9, true)).toBe(2147483647);
    expect(javaIntValue(3000000000, false)).toBe(-1294967296);
    expect(javaNarrow(300, 8, false)).toBe(44);
    expect(javaNarrow(-1.9, 8, true)).toBe(-1);
    expect(javaNarrow(new Decimal(-12345n, 1), 16, false)).toBe(-1234);
  });

  it('parses as Long.parseLong and Double.parseDouble', () => {
    expect(javaParseInteger('+12', 8)).toBe(12n);
    expect(() => javaParseInteger('128', 8)).toThrow(/out of range/);
    expect(() => javaParseInteger(' 1', 32)).toThrow(/For input string/);
    expect(javaParseDouble(' 1.5f ')).toBe(1.5);
    expect(javaParseDouble('-Infinity')).toBe(Number.NEGATIVE_INFINITY);
    expect(() => javaParseDouble('0x10')).toThrow(/For input string/);
  });
});

describe('Java regular expressions', () => {
  it('compiles inline flags and anchors, refuses what JS cannot run', () => {
    expect(compileJavaRegex('(?i)abc', true).test('ABC')).toBe(true);
    expect(compileJavaRegex('\\Aab\\z').test('ab')).toBe(true);
    expect(() => compileJavaRegex('a++')).toThrow(/possessive/);
  });

  it("replaces with Java's group syntax", () => {
    const replace = (regex: string, replacement: string, text: string) =>
      text.replace(compileJavaRegex(regex), javaReplacement(replacement));
    expect(replace('(a)(b)', '$2$1', 'ab')).toBe('ba');
    expect(replace('(a)b', '$10', 'ab')).toBe('a0');
    expect(replace('(?<x>a)', '${x}\\$', 'a')).toBe('a$');
    expect(() => replace('(a)', '$2', 'a')).toThrow(/No group 2/);
  });
});

describe('SchemaCache', () => {
  it('derives once per schema and evicts the least recently used', () => {
    const cache = new SchemaCache(2);
    let derived = 0;
    const derive = () => {
      derived++;
      return Schema.STRING_SCHEMA;
    };
    cache.get(Schema.INT8_SCHEMA, derive);
    cache.get(Schema.INT16_SCHEMA, derive);
    cache.get(Schema.INT8_SCHEMA, derive);
    cache.get(Schema.INT32_SCHEMA, derive); // evicts INT16
    cache.get(Schema.INT8_SCHEMA, derive);
    expect(derived).toBe(3);
    cache.get(Schema.INT16_SCHEMA, derive);
    expect(derived).toBe(4);
    expect(cache.size).toBe(2);
  });

  it('keeps the most recently used schema when it is asked for twice in a row', () => {
    const cache = new SchemaCache(2);
    const derive = (schema: Schema) => SchemaBuilder.struct().name(String(schema.type)).build();
    const a = cache.get(Schema.INT8_SCHEMA, derive);
    const b = cache.get(Schema.INT16_SCHEMA, derive);
    expect(cache.get(Schema.INT16_SCHEMA, derive)).toBe(b);
    expect(cache.get(Schema.INT16_SCHEMA, derive)).toBe(b);
    cache.get(Schema.INT32_SCHEMA, derive); // evicts INT8, the least recently used
    expect(cache.get(Schema.INT16_SCHEMA, derive)).toBe(b);
    expect(cache.get(Schema.INT8_SCHEMA, derive)).not.toBe(a);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.get(Schema.INT8_SCHEMA, derive)).not.toBe(a);
  });
});
