import { describe, expect, it } from 'vitest';
import { parseSchemaText } from '../src/schema-text.js';

describe('parseSchemaText', () => {
  it('keeps every digit of integers beyond 2^53 as bigints', () => {
    expect(
      parseSchemaText(
        '{"type":"long","default":9007199254740993,"connect.default":-9223372036854775808}',
      ),
    ).toEqual({
      type: 'long',
      default: 9007199254740993n,
      'connect.default': -9223372036854775808n,
    });
  });

  it('parses everything else as JSON.parse does', () => {
    const texts = [
      '{"type":"record","name":"R","fields":[{"name":"a","type":"long","default":9007199254740991}]}',
      ' [ 1.5e300 , -0.25, 12345678901234567.5, 1E+2, true, false, null, "9007199254740993", {} , [] ] ',
      '{"doc":"say \\"hi\\" \\u00e9 \\n 12345678901234567890","__proto__":{"x":1}}',
    ];
    for (const text of texts) expect(parseSchemaText(text)).toEqual(JSON.parse(text));
    expect(Object.keys(parseSchemaText(texts[2] as string) as object)).toContain('__proto__');
  });

  it('refuses text that is not JSON', () => {
    for (const text of [
      '{"a":12345678901234567,}',
      '[12345678901234567',
      '{"a":01234567890123456}',
      '12345678901234567 x',
      "{'a':12345678901234567}",
      '["a raw\ttab 12345678901234567"]',
      '["\\x 12345678901234567"]',
    ]) {
      expect(() => parseSchemaText(text), text).toThrow(SyntaxError);
    }
  });
});
