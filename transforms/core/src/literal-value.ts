import {
  ConnectDate,
  ConnectTime,
  ConnectTimestamp,
  DataException,
  Decimal,
  Schema,
  type SchemaAndValue,
  SchemaBuilder,
  type SchemaType,
} from '@sluice/api';
import { SimpleDateFormat } from './simple-date-format.js';

/**
 * Kafka's `Values.parseString`: infers a schema and value from text, as InsertHeader does with
 * `value.literal`. `true`/`false` are BOOLEAN; integers the narrowest of INT8..INT64; other
 * numbers FLOAT32, FLOAT64 or Decimal; ISO dates/times/timestamps their logical types; `[..]`
 * arrays and `{..}` maps of those; anything else is the STRING itself.
 */
export function parseLiteral(text: string | null): SchemaAndValue {
  if (text === null) return { schema: null, value: null };
  if (text === '') return { schema: Schema.STRING_SCHEMA, value: text };
  const parsed = new ValueParser(new Tokenizer(text)).parse(false);
  return parsed ?? { schema: null, value: null };
}

const DELIMITERS = new Set([':', ',', '{', '}', '[', ']', '"']);
const DATE_PATTERN = 'yyyy-MM-dd';
const TIME_PATTERN = "HH:mm:ss.SSS'Z'";
const TIMESTAMP_PATTERN = `${DATE_PATTERN}'T'${TIME_PATTERN}`;
const TEMPORAL = [
  { length: 13, schema: ConnectTime.SCHEMA, format: new SimpleDateFormat(TIME_PATTERN) },
  { length: 24, schema: ConnectTimestamp.SCHEMA, format: new SimpleDateFormat(TIMESTAMP_PATTERN) },
  { length: 10, schema: ConnectDate.SCHEMA, format: new SimpleDateFormat(DATE_PATTERN) },
];
const isBlank = (s: string | null): boolean => s === null || s.trim() === '';

/** Kafka's `Values.Parser`: tokens split at `: , { } [ ] "` unless escaped with a backslash. */
class Tokenizer {
  private index = 0;
  private nextToken: string | null = null;
  private previousToken: string | null = null;

  constructor(readonly original: string) {}

  position(): number {
    return this.index;
  }

  mark(): number {
    return this.index - (this.nextToken !== null ? this.nextToken.length : 0);
  }

  rewindTo(position: number): void {
    this.index = position;
    this.nextToken = null;
    this.previousToken = null;
  }

  hasNext(): boolean {
    return this.nextToken !== null || this.index < this.original.length;
  }

  next(): string {
    if (this.nextToken !== null) {
      this.previousToken = this.nextToken;
      this.nextToken = null;
    } else this.previousToken = this.consume();
    return this.previousToken;
  }

  nextN(n: number): string | null {
    const start = this.mark();
    for (let i = 0; i < n; i++) {
      if (!this.hasNext()) {
        this.rewindTo(start);
        return null;
      }
      this.next();
    }
    return this.original.slice(start, this.position());
  }

  previous(): string | null {
    return this.previousToken;
  }

  private consume(): string {
    let escaped = false;
    const start = this.index;
    while (this.index < this.original.length) {
      const c = this.original[this.index] as string;
      if (c === '\\') escaped = !escaped;
      else if (DELIMITERS.has(c) && !escaped) {
        if (start < this.index) return this.original.slice(start, this.index);
        this.index++;
        return c;
      } else escaped = false;
      this.index++;
    }
    return this.original.slice(start, this.index);
  }

  canConsume(expected: string): boolean {
    if (this.nextToken === null) {
      if (!this.hasNext()) return false;
      this.nextToken = this.consume();
    }
    while (isBlank(this.nextToken) && this.index < this.original.length) {
      this.nextToken = this.consume();
    }
    if ((this.nextToken as string).trim() === expected) {
      this.nextToken = null;
      return true;
    }
    return false;
  }
}

class ValueParser {
  constructor(private readonly parser: Tokenizer) {}

  private canParseSingleTokenLiteral(embedded: boolean, literal: string): boolean {
    const start = this.parser.mark();
    if (this.parser.canConsume(literal) && (embedded || !this.parser.hasNext())) return true;
    this.parser.rewindTo(start);
    return false;
  }

  parse(embedded: boolean): SchemaAndValue | null {
    const parser = this.parser;
    if (!parser.hasNext()) return null;
    if (embedded && parser.canConsume('"')) return this.parseQuotedString();
    if (this.canParseSingleTokenLiteral(embedded, 'null')) return null;
    if (this.canParseSingleTokenLiteral(embedded, 'true')) {
      return { schema: Schema.BOOLEAN_SCHEMA, value: true };
    }
    if (this.canParseSingleTokenLiteral(embedded, 'false')) {
      return { schema: Schema.BOOLEAN_SCHEMA, value: false };
    }
    const start = parser.mark();
    try {
      if (parser.canConsume('[')) return this.parseArray();
      if (parser.canConsume('{')) return this.parseMap();
    } catch (error) {
      if (!(error instanceof DataException)) throw error;
      parser.rewindTo(start);
    }
    const token = parser.next();
    if (isBlank(token)) return { schema: Schema.STRING_SCHEMA, value: token };
    return this.parseNextToken(embedded, token.trim());
  }

  private parseNextToken(embedded: boolean, token: string): SchemaAndValue {
    const first = token[0] as string;
    const digit = first >= '0' && first <= '9';
    if (digit) {
      const temporal = this.parseMultipleTokensAsTemporal(token);
      if (temporal !== null) return temporal;
    }
    if (digit || first === '+' || first === '-') {
      const number = parseAsNumber(token);
      if (number !== null) return number;
    }
    if (embedded) throw new DataException('Failed to parse embedded value');
    return { schema: Schema.STRING_SCHEMA, value: this.parser.original };
  }

  private parseQuotedString(): SchemaAndValue {
    let content = '';
    while (this.parser.hasNext()) {
      if (this.parser.canConsume('"')) break;
      content += this.parser.next();
    }
    return parseAsTemporal(content) ?? { schema: Schema.STRING_SCHEMA, value: content };
  }

  private parseArray(): SchemaAndValue {
    const parser = this.parser;
    const result: unknown[] = [];
    const merger = new SchemaMerger();
    while (parser.hasNext()) {
      if (parser.canConsume(']')) {
        const common = merger.schema;
        if (common === null) return { schema: null, value: result };
        return {
          schema: SchemaBuilder.array(common).build(),
          value: result.map((v) => convertTo(common, v)),
        };
      }
      if (parser.canConsume(',')) {
        throw new DataException(`Unable to parse an empty array element: ${parser.original}`);
      }
      const element = this.parse(true);
      merger.merge(element);
      result.push(element?.value ?? null);
      const position = parser.mark();
      if (parser.canConsume(']')) parser.rewindTo(position);
      else if (!parser.canConsume(',')) {
        throw new DataException("Array elements missing ',' delimiter");
      }
    }
    if (parser.previous() === ',') {
      throw new DataException(`Array is missing element after ',': ${parser.original}`);
    }
    throw new DataException(`Array is missing terminating ']': ${parser.original}`);
  }

  private parseMap(): SchemaAndValue {
    const parser = this.parser;
    const result = new Map<unknown, unknown>();
    const keys = new SchemaMerger();
    const values = new SchemaMerger();
    while (parser.hasNext()) {
      if (parser.canConsume('}')) {
        const keySchema = keys.schema;
        const valueSchema = values.schema;
        if (keySchema !== null && valueSchema !== null) {
          const aligned = new Map<unknown, unknown>();
          for (const [k, v] of result) {
            aligned.set(convertTo(keySchema, k), convertTo(valueSchema, v));
          }
          return { schema: SchemaBuilder.map(keySchema, valueSchema).build(), value: aligned };
        }
        return { schema: null, value: result };
      }
      if (parser.canConsume(',')) {
        throw new DataException(
          `Unable to parse a map entry with no key or value: ${parser.original}`,
        );
      }
      const key = this.parse(true);
      if (key === null || key.value === null) {
        throw new DataException(`Map entry may not have a null key: ${parser.original}`);
      }
      if (!parser.canConsume(':')) {
        throw new DataException(
          `Map entry is missing ':' at ${parser.position()} in ${parser.original}`,
        );
      }
      const value = this.parse(true);
      result.set(key.value, value?.value ?? null);
      parser.canConsume(',');
      keys.merge(key);
      values.merge(value);
    }
    if (parser.previous() === ',') {
      throw new DataException(`Map is missing element after ',': ${parser.original}`);
    }
    throw new DataException(`Map is missing terminating '}': ${parser.original}`);
  }

  private parseMultipleTokensAsTemporal(token: string): SchemaAndValue | null {
    const position = this.parser.mark();
    const remainder = this.parser.nextN(4);
    if (remainder !== null) {
      const temporal = parseAsTemporal(token + remainder);
      if (temporal !== null) return temporal;
    }
    this.parser.rewindTo(position);
    return parseAsTemporal(token);
  }
}

function parseAsTemporal(text: string): SchemaAndValue | null {
  const token = text.replaceAll('\\:', ':');
  const kind = TEMPORAL.find((t) => t.length === token.length);
  if (kind === undefined) return null;
  try {
    return { schema: kind.schema, value: new Date(kind.format.parse(token)) };
  } catch {
    return null;
  }
}

const JAVA_DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Kafka's `parseAsNumber`: exact integers by width, then FLOAT32, FLOAT64, else Decimal. */
export function parseAsNumber(token: string): SchemaAndValue | null {
  if (!JAVA_DECIMAL.test(token)) return null;
  const decimal = Decimal.fromString(token);
  const exact = parseAsExactInteger(decimal);
  if (exact !== null) return exact;
  const asNumber = Number(token);
  if (decimal.scale !== 0 && Number.isFinite(Math.fround(asNumber))) {
    return { schema: Schema.FLOAT32_SCHEMA, value: Math.fround(asNumber) };
  }
  if (decimal.scale !== 0 && Number.isFinite(asNumber)) {
    return { schema: Schema.FLOAT64_SCHEMA, value: asNumber };
  }
  return { schema: Decimal.schema(decimal.scale), value: decimal };
}

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

function parseAsExactInteger(decimal: Decimal): SchemaAndValue | null {
  const abs = decimal.unscaled < 0n ? new Decimal(-decimal.unscaled, decimal.scale) : decimal;
  if (abs.compareTo(new Decimal(1n, -19)) > 0) return null;
  if (abs.compareTo(new Decimal(1n, 0)) < 0 && decimal.unscaled !== 0n) return null;
  let whole: bigint;
  if (decimal.scale <= 0) whole = decimal.unscaled * 10n ** BigInt(-decimal.scale);
  else {
    const divisor = 10n ** BigInt(decimal.scale);
    if (decimal.unscaled % divisor !== 0n) return null;
    whole = decimal.unscaled / divisor;
  }
  if (whole < LONG_MIN || whole > LONG_MAX) return null;
  if (whole >= -128n && whole <= 127n) return { schema: Schema.INT8_SCHEMA, value: Number(whole) };
  if (whole >= -32768n && whole <= 32767n) {
    return { schema: Schema.INT16_SCHEMA, value: Number(whole) };
  }
  if (whole >= -2147483648n && whole <= 2147483647n) {
    return { schema: Schema.INT32_SCHEMA, value: Number(whole) };
  }
  return { schema: Schema.INT64_SCHEMA, value: whole };
}

const NUMERIC_RANK: Partial<Record<SchemaType, number>> = {
  INT8: 0,
  INT16: 1,
  INT32: 2,
  INT64: 3,
  FLOAT32: 4,
  FLOAT64: 5,
};

/** Kafka's `SchemaMerger`: the common schema of parsed elements (numbers widen), or none. */
class SchemaMerger {
  private common: Schema | null = null;
  private compatible = true;

  merge(latest: SchemaAndValue | null): void {
    if (latest === null || latest.schema === null || !this.compatible) return;
    if (this.common === null) {
      this.common = latest.schema;
      return;
    }
    this.common = mergeSchemas(this.common, latest.schema);
    this.compatible = this.common !== null;
  }

  get schema(): Schema | null {
    return this.common;
  }
}

function mergeSchemas(previous: Schema, next: Schema): Schema | null {
  if (previous.type !== next.type) {
    const a = previous.name === null ? NUMERIC_RANK[previous.type] : undefined;
    const b = NUMERIC_RANK[next.type];
    if (a === undefined || b === undefined) return null;
    return a >= b ? previous : next;
  }
  if (previous.optional === next.optional) return previous.optional ? previous : next;
  return null;
}

/** Converts a parsed number to the common numeric schema of its array or map. */
function convertTo(schema: Schema, value: unknown): unknown {
  if (value === null) {
    if (schema.optional) return null;
    throw new DataException('Unable to convert a null value to a schema that requires a value');
  }
  const rank = schema.name === null ? NUMERIC_RANK[schema.type] : undefined;
  if (rank === undefined) return value;
  const n = typeof value === 'bigint' ? Number(value) : (value as number);
  switch (schema.type) {
    case 'INT64':
      return typeof value === 'bigint' ? value : BigInt(Math.trunc(n));
    case 'FLOAT32':
      return Math.fround(n);
    case 'FLOAT64':
      return n;
    default:
      return n;
  }
}
