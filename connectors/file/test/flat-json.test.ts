import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flatObjectJson } from '../src/flat-json.js';

/** Strings with what JSON escapes: quotes, backslashes, control characters, lone and paired surrogates. */
const trickyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    '"',
    '\\',
    '\n',
    '\u0000',
    '\u001f',
    '\ud800',
    '\udfff',
    '😀',
    '</script>',
    '__proto__',
    '0',
    '10',
    '-1',
  ),
  fc.string({ maxLength: 3000 }),
);

const flatValue = fc.oneof(
  trickyString,
  fc.double(),
  fc.integer(),
  fc.constantFrom(
    0,
    -0,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    1e21,
    5e-324,
  ),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);

describe('flatObjectJson', () => {
  it('writes what JSON.stringify writes for flat plain objects with long text, and leaves short ones to it', () => {
    fc.assert(
      fc.property(
        fc.dictionary(trickyString, flatValue, { maxKeys: 12 }),
        fc.string({ minLength: 1024, maxLength: 3000 }),
        (object, long) => {
          const short = flatObjectJson(object);
          const text = Object.values(object).reduce<number>(
            (n, v) => n + (typeof v === 'string' ? v.length : 0),
            0,
          );
          if (text < 1024) expect(short).toBeNull();
          else expect(short).toBe(JSON.stringify(object));
          const withLong = { ...object, message: long };
          expect(flatObjectJson(withLong)).toBe(JSON.stringify(withLong));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('writes integer-like keys first in ascending order, as JSON.stringify, and an own __proto__ key', () => {
    const object: Record<string, unknown> = { b: 1, 10: 'x'.repeat(1024), a: 'y', 2: null };
    Object.defineProperty(object, '__proto__', { value: 'p', enumerable: true });
    expect(flatObjectJson(object)).toBe(JSON.stringify(object));
    const bare = Object.assign(Object.create(null), { k: 'v'.repeat(1024) });
    expect(flatObjectJson(bare)).toBe(`{"k":"${'v'.repeat(1024)}"}`);
  });

  it('leaves everything else to JSON.stringify', () => {
    for (const value of [
      [1, 2],
      new Date(0),
      new Map([['a', 1]]),
      { nested: { a: 1 }, long: 'x'.repeat(2000) },
      { list: [1], long: 'x'.repeat(2000) },
      { big: 1n, long: 'x'.repeat(2000) },
      { toJSON: () => 'x', long: 'x'.repeat(2000) },
      Buffer.from('a'),
    ]) {
      expect(flatObjectJson(value)).toBeNull();
    }
  });
});
