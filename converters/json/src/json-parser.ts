/**
 * Lossless JSON parsing. `JSON.parse` is native and fast but turns every number into a
 * double; Kafka's converter (Jackson with exact big decimals) keeps int64 beyond 2^53
 * and decimal digits exactly. So: a quick scan for number text that a double could
 * change (16 or more digits in a row), `JSON.parse` when there is none, and an own
 * exact tokenizer otherwise (also used when `JSON.parse` refuses the text, since
 * Jackson, as Kafka configures it, accepts leading zeros such as `007`).
 */

/** A non-integral JSON number kept as its exact source text. */
export class ExactNumber {
  constructor(readonly text: string) {}

  /** The nearest double, for FLOAT32/FLOAT64 and schemaless values. */
  valueOf(): number {
    return Number(this.text);
  }
}

/** What the parsers produce: JSON values, with integers as `number` or `bigint`. */
export type JsonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | ExactNumber
  | JsonValue[]
  | { [key: string]: JsonValue };

/** Malformed JSON, with the character offset where parsing stopped. */
export class JsonSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'JsonSyntaxError';
  }
}

/** A run of 16+ digits (or points) is a number a double might not keep exactly. */
const MAYBE_INEXACT = /[\d.]{16}/;

/** True when `JSON.parse(text)` keeps every number in `text` exactly. */
export function isDoubleSafe(text: string): boolean {
  return !MAYBE_INEXACT.test(text);
}

/**
 * True when a value from `JSON.parse` holds an integral number beyond ±(2^53 - 1): the only
 * numbers whose schemaless reading (a double, or a bigint for an integer) can differ from the
 * exact parser's, since a double above 2^53 may not be the integer written. Walks the value
 * with a stack of its own, so any depth `JSON.parse` accepts is checked.
 */
export function hasUnsafeInteger(value: unknown): boolean {
  if (typeof value === 'number') return isUnsafeInteger(value);
  if (typeof value !== 'object' || value === null) return false;
  const stack: object[] = [value];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item: unknown = node[i];
        if (typeof item === 'number') {
          if (isUnsafeInteger(item)) return true;
        } else if (typeof item === 'object' && item !== null) stack.push(item);
      }
      continue;
    }
    const record = node as Record<string, unknown>;
    for (const key in record) {
      const item = record[key];
      if (typeof item === 'number') {
        if (isUnsafeInteger(item)) return true;
      } else if (typeof item === 'object' && item !== null) stack.push(item);
    }
  }
  return false;
}

function isUnsafeInteger(value: number): boolean {
  return (
    (value > Number.MAX_SAFE_INTEGER || value < -Number.MAX_SAFE_INTEGER) && Number.isFinite(value)
  );
}

/** Parses one JSON document losslessly; throws JsonSyntaxError when it is malformed. */
export function parseJson(text: string): JsonValue {
  if (isDoubleSafe(text)) {
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      // Fall through: the exact parser accepts what Jackson accepts and says where it failed.
    }
  }
  return parseJsonExact(text);
}

/** Parses with the exact tokenizer only (every number kept as written). */
export function parseJsonExact(text: string): JsonValue {
  const parser = new ExactParser(text);
  parser.skipWhitespace();
  const value = parser.parseValue();
  parser.skipWhitespace();
  if (parser.pos < text.length) parser.fail('unexpected content after the JSON value');
  return value;
}

const MAX_DEPTH = 1000;

class ExactParser {
  pos = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  fail(message: string): never {
    throw new JsonSyntaxError(message, this.pos);
  }

  skipWhitespace(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else break;
    }
    this.pos = pos;
  }

  parseValue(): JsonValue {
    const c = this.text.charCodeAt(this.pos);
    switch (c) {
      case 0x7b: // {
        return this.parseObject();
      case 0x5b: // [
        return this.parseArray();
      case 0x22: // "
        return this.parseString();
      case 0x74: // t
        return this.parseLiteral('true', true);
      case 0x66: // f
        return this.parseLiteral('false', false);
      case 0x6e: // n
        return this.parseLiteral('null', null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.parseNumber();
        if (Number.isNaN(c)) this.fail('unexpected end of JSON input');
        return this.fail(`unexpected character ${JSON.stringify(this.text[this.pos])}`);
    }
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail('JSON nested too deeply');
  }

  private parseObject(): { [key: string]: JsonValue } {
    this.enter();
    this.pos++;
    const result: { [key: string]: JsonValue } = {};
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      this.depth--;
      return result;
    }
    for (;;) {
      if (this.text.charCodeAt(this.pos) !== 0x22) this.fail('expected a string key');
      const key = this.parseString();
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== 0x3a) this.fail("expected ':'");
      this.pos++;
      this.skipWhitespace();
      const value = this.parseValue();
      if (key === '__proto__') {
        Object.defineProperty(result, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        result[key] = value;
      }
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x2c) {
        this.pos++;
        this.skipWhitespace();
      } else if (c === 0x7d) {
        this.pos++;
        this.depth--;
        return result;
      } else {
        this.fail("expected ',' or '}'");
      }
    }
  }

  private parseArray(): JsonValue[] {
    this.enter();
    this.pos++;
    const result: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      this.depth--;
      return result;
    }
    for (;;) {
      result.push(this.parseValue());
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x2c) {
        this.pos++;
        this.skipWhitespace();
      } else if (c === 0x5d) {
        this.pos++;
        this.depth--;
        return result;
      } else {
        this.fail("expected ',' or ']'");
      }
    }
  }

  private parseLiteral<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail(`unexpected token, expected ${word}`);
    this.pos += word.length;
    return value;
  }

  private parseNumber(): number | bigint | ExactNumber {
    const text = this.text;
    const start = this.pos;
    let pos = start;
    if (text.charCodeAt(pos) === 0x2d) pos++;
    const intStart = pos;
    while (isDigit(text.charCodeAt(pos))) pos++;
    if (pos === intStart) {
      this.pos = pos;
      this.fail('expected a digit');
    }
    let integral = true;
    if (text.charCodeAt(pos) === 0x2e) {
      integral = false;
      pos++;
      const fracStart = pos;
      while (isDigit(text.charCodeAt(pos))) pos++;
      if (pos === fracStart) {
        this.pos = pos;
        this.fail('expected a digit after the decimal point');
      }
    }
    const e = text.charCodeAt(pos);
    if (e === 0x65 || e === 0x45) {
      integral = false;
      pos++;
      const sign = text.charCodeAt(pos);
      if (sign === 0x2b || sign === 0x2d) pos++;
      const expStart = pos;
      while (isDigit(text.charCodeAt(pos))) pos++;
      if (pos === expStart) {
        this.pos = pos;
        this.fail('expected a digit in the exponent');
      }
    }
    this.pos = pos;
    const token = text.slice(start, pos);
    if (!integral) return new ExactNumber(token);
    if (pos - intStart <= 15) return Number(token);
    const big = BigInt(token);
    return big >= -9007199254740991n && big <= 9007199254740991n ? Number(big) : big;
  }

  private parseString(): string {
    const text = this.text;
    const start = ++this.pos;
    let pos = start;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        this.pos = pos + 1;
        return text.slice(start, pos);
      }
      if (c === 0x5c) break;
      if (c < 0x20 || Number.isNaN(c)) {
        this.pos = pos;
        this.fail(
          Number.isNaN(c) ? 'unterminated string' : 'unescaped control character in string',
        );
      }
      pos++;
    }
    let out = text.slice(start, pos);
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        this.pos = pos + 1;
        return out;
      }
      if (c === 0x5c) {
        const next = text.charCodeAt(pos + 1);
        pos += 2;
        switch (next) {
          case 0x22:
            out += '"';
            break;
          case 0x5c:
            out += '\\';
            break;
          case 0x2f:
            out += '/';
            break;
          case 0x62:
            out += '\b';
            break;
          case 0x66:
            out += '\f';
            break;
          case 0x6e:
            out += '\n';
            break;
          case 0x72:
            out += '\r';
            break;
          case 0x74:
            out += '\t';
            break;
          case 0x75: {
            const hex = text.slice(pos, pos + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
              this.pos = pos;
              this.fail('invalid \\u escape');
            }
            out += String.fromCharCode(Number.parseInt(hex, 16));
            pos += 4;
            break;
          }
          default:
            this.pos = pos - 1;
            this.fail('invalid escape in string');
        }
        continue;
      }
      if (c < 0x20 || Number.isNaN(c)) {
        this.pos = pos;
        this.fail(
          Number.isNaN(c) ? 'unterminated string' : 'unescaped control character in string',
        );
      }
      out += text[pos];
      pos++;
    }
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
