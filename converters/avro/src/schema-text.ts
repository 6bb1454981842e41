/**
 * JSON text of a schema built as plain JS values, where INT64 defaults are bigints: they are
 * written as plain JSON integers, every digit kept (`JSON.stringify` refuses bigints).
 */
export function schemaText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`${value} has no JSON form`);
      return JSON.stringify(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(schemaText).join(',')}]`;
      const parts: string[] = [];
      for (const [k, v] of Object.entries(value)) {
        if (v !== undefined) parts.push(`${JSON.stringify(k)}:${schemaText(v)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new Error(`a ${typeof value} has no JSON form`);
  }
}

/**
 * Parses schema JSON text (a registered schema), keeping every digit of an integer beyond
 * ±2^53 as a bigint, where `JSON.parse` would round it: a `long` default of 2^53 + 1 reads back
 * as written. Other numbers, and texts with no such integer, are parsed as `JSON.parse` does.
 */
export function parseSchemaText(text: string): unknown {
  // 16 digits in a row are needed for an unsafe integer (2^53 has 16).
  if (!/\d{16}/.test(text)) return JSON.parse(text);
  const parser = new BigIntJsonParser(text);
  const value = parser.value();
  parser.end();
  return value;
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
// JSON.parse of the match refuses what JSON does not allow inside (control characters, escapes).
const STRING = /"(?:[^"\\]|\\.)*"/y;
const SPACE = /[ \t\n\r]*/y;

/** A strict JSON parser (RFC 8259) that reads unsafe integers as bigints. */
class BigIntJsonParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  value(): unknown {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    return this.fail();
  }

  end(): void {
    this.skipSpace();
    if (this.pos !== this.text.length) this.fail();
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.fail();
      const key = this.string();
      this.expect(':');
      // defineProperty: a "__proto__" key is an ordinary key here, as with JSON.parse.
      Object.defineProperty(out, key, {
        value: this.value(),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect('}');
      return out;
    }
  }

  private array(): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect(']');
      return out;
    }
  }

  private string(): string {
    STRING.lastIndex = this.pos;
    const match = STRING.exec(this.text);
    if (match === null) return this.fail();
    this.pos = STRING.lastIndex;
    return JSON.parse(match[0]) as string;
  }

  private number(): number | bigint {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (match === null) return this.fail();
    this.pos = NUMBER.lastIndex;
    const n = Number(match[0]);
    const integral = match[1] === undefined && match[2] === undefined;
    return integral && !Number.isSafeInteger(n) ? BigInt(match[0]) : n;
  }

  private expect(c: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== c) this.fail();
    this.pos++;
  }

  private skipSpace(): void {
    SPACE.lastIndex = this.pos;
    SPACE.exec(this.text);
    this.pos = SPACE.lastIndex;
  }

  private fail(): never {
    throw new SyntaxError(`Unexpected JSON at position ${this.pos}`);
  }
}
