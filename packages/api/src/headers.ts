import { Decimal } from './decimal.js';
import { DataException } from './errors.js';
import { ConnectDate, ConnectTime, ConnectTimestamp } from './logical-types.js';
import { Schema, type SchemaType } from './schema.js';
import { schemaEquals, valuesEqual } from './schema-equality.js';
import { Struct } from './struct.js';
import { validateValue } from './validate-value.js';

/** One record header: a key (keys may repeat), a value and its schema (`null` when schemaless). */
export interface Header {
  readonly key: string;
  readonly schema: Schema | null;
  readonly value: unknown;
}

/** An immutable header, as Kafka's ConnectHeader. */
export class ConnectHeader implements Header {
  readonly key: string;
  readonly schema: Schema | null;
  readonly value: unknown;

  constructor(key: string, value: unknown, schema: Schema | null) {
    if (typeof key !== 'string') throw new DataException('Null header keys are not permitted');
    this.key = key;
    this.value = value ?? null;
    this.schema = schema ?? (value instanceof Struct ? value.schema : null);
    Object.freeze(this);
  }

  /** The same header under another key. */
  rename(key: string): ConnectHeader {
    return key === this.key ? this : new ConnectHeader(key, this.value, this.schema);
  }

  /** A header with this key and a new value and schema. */
  with(schema: Schema | null, value: unknown): ConnectHeader {
    return new ConnectHeader(this.key, value, schema);
  }

  toString(): string {
    return `ConnectHeader(key=${this.key}, value=${String(this.value)}, schema=${String(this.schema)})`;
  }
}

function headersEqual(a: Header, b: Header): boolean {
  return a.key === b.key && schemaEquals(a.schema, b.schema) && valuesEqual(a.value, b.value);
}

function checkKey(key: string): void {
  if (typeof key !== 'string') throw new DataException('Header key cannot be null');
}

/**
 * The ordered headers of a record, as Kafka's ConnectHeaders: a key may appear several times and
 * order is kept. `add*` methods check the value against its schema; they return `this` to chain.
 * Headers are mutable; `ConnectRecord.newRecord` gives each new record a duplicate.
 */
export class ConnectHeaders implements Iterable<Header> {
  private readonly list: Header[];

  constructor(headers?: Iterable<Header>) {
    this.list = [];
    if (headers) {
      for (const header of headers) {
        if (header == null) throw new DataException('Unable to add a null header.');
        this.list.push(header);
      }
    }
  }

  get size(): number {
    return this.list.length;
  }

  isEmpty(): boolean {
    return this.list.length === 0;
  }

  clear(): this {
    this.list.length = 0;
    return this;
  }

  /** Adds a header object, or a key, value and schema (the value is checked against the schema). */
  add(header: Header): this;
  add(key: string, value: unknown, schema: Schema | null): this;
  add(keyOrHeader: string | Header, value?: unknown, schema?: Schema | null): this {
    if (typeof keyOrHeader !== 'string') {
      if (keyOrHeader == null) throw new DataException('Unable to add a null header.');
      this.list.push(keyOrHeader);
      return this;
    }
    checkKey(keyOrHeader);
    if (schema != null) {
      if ((value === null || value === undefined) && !schema.optional) {
        throw new DataException(
          `A null value requires an optional schema but was ${String(schema)}`,
        );
      }
      checkHeaderValue(keyOrHeader, schema, value);
    }
    return this.push(keyOrHeader, value, schema ?? null);
  }

  private push(key: string, value: unknown, schema: Schema | null): this {
    checkKey(key);
    this.list.push(new ConnectHeader(key, value, schema));
    return this;
  }

  private addTyped(key: string, value: unknown, schema: Schema, optionalSchema: Schema): this {
    return this.add(key, value, value === null || value === undefined ? optionalSchema : schema);
  }

  addString(key: string, value: string | null): this {
    return this.addTyped(key, value, Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA);
  }
  addBytes(key: string, value: Uint8Array | null): this {
    return this.addTyped(key, value, Schema.BYTES_SCHEMA, Schema.OPTIONAL_BYTES_SCHEMA);
  }
  addBoolean(key: string, value: boolean): this {
    return this.add(key, value, Schema.BOOLEAN_SCHEMA);
  }
  /** An INT8 header (the number must fit in 8 bits). */
  addByte(key: string, value: number): this {
    return this.add(key, value, Schema.INT8_SCHEMA);
  }
  /** An INT16 header. */
  addShort(key: string, value: number): this {
    return this.add(key, value, Schema.INT16_SCHEMA);
  }
  /** An INT32 header. */
  addInt(key: string, value: number): this {
    return this.add(key, value, Schema.INT32_SCHEMA);
  }
  /** An INT64 header; numbers are accepted when they are safe integers and stored as bigint. */
  addLong(key: string, value: bigint | number): this {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new DataException(`addLong needs a bigint or a safe integer, got ${value}`);
    }
    return this.add(key, BigInt(value), Schema.INT64_SCHEMA);
  }
  addFloat(key: string, value: number): this {
    return this.add(key, value, Schema.FLOAT32_SCHEMA);
  }
  addDouble(key: string, value: number): this {
    return this.add(key, value, Schema.FLOAT64_SCHEMA);
  }
  addList(key: string, value: readonly unknown[] | null, schema: Schema): this {
    if (value === null) return this.add(key, null, null);
    checkType(schema, 'ARRAY');
    return this.add(key, value, schema);
  }
  addMap(key: string, value: ReadonlyMap<unknown, unknown> | null, schema: Schema): this {
    if (value === null) return this.add(key, null, null);
    checkType(schema, 'MAP');
    return this.add(key, value, schema);
  }
  addStruct(key: string, value: Struct | null): this {
    if (value === null) return this.add(key, null, null);
    value.validate();
    return this.add(key, value, value.schema);
  }
  /** A Decimal header, with a Decimal schema of the value's scale. */
  addDecimal(key: string, value: Decimal | null): this {
    if (value === null) return this.add(key, null, null);
    return this.add(key, value, Decimal.schema(value.scale));
  }
  /** A Date (logical type) header: the Date must be at midnight UTC. */
  addDate(key: string, value: Date | null): this {
    if (value !== null) checkHeaderValue(key, ConnectDate.SCHEMA, value);
    return this.push(key, value, ConnectDate.SCHEMA);
  }
  /** A Time (logical type) header: the Date must be on 1970-01-01 UTC. */
  addTime(key: string, value: Date | null): this {
    if (value !== null) checkHeaderValue(key, ConnectTime.SCHEMA, value);
    return this.push(key, value, ConnectTime.SCHEMA);
  }
  /** A Timestamp (logical type) header. */
  addTimestamp(key: string, value: Date | null): this {
    if (value !== null) checkHeaderValue(key, ConnectTimestamp.SCHEMA, value);
    return this.push(key, value, ConnectTimestamp.SCHEMA);
  }

  /** The last header with this key, or `null`. */
  lastWithName(key: string): Header | null {
    checkKey(key);
    for (let i = this.list.length - 1; i >= 0; i--) {
      const header = this.list[i];
      if (header !== undefined && header.key === key) return header;
    }
    return null;
  }

  /** Every header with this key, in order. */
  allWithName(key: string): Header[] {
    checkKey(key);
    return this.list.filter((h) => h.key === key);
  }

  /** Removes every header with this key. */
  remove(key: string): this {
    checkKey(key);
    this.replaceAll(this.list.filter((h) => h.key !== key));
    return this;
  }

  /** Keeps only the last header of each key (or of the given key), in their original order. */
  retainLatest(key?: string): this {
    if (key !== undefined) checkKey(key);
    const seen = new Set<string>();
    const kept: Header[] = [];
    for (let i = this.list.length - 1; i >= 0; i--) {
      const header = this.list[i];
      if (header === undefined) continue;
      const applies = key === undefined || header.key === key;
      if (applies && seen.has(header.key)) continue;
      if (applies) seen.add(header.key);
      kept.push(header);
    }
    this.replaceAll(kept.reverse());
    return this;
  }

  /**
   * Replaces each header (with this key, or every header when no key is given) by what
   * `transform` returns; `null` removes it.
   */
  apply(transform: (header: Header) => Header | null): this;
  apply(key: string, transform: (header: Header) => Header | null): this;
  apply(
    keyOrTransform: string | ((header: Header) => Header | null),
    maybeTransform?: (header: Header) => Header | null,
  ): this {
    const key = typeof keyOrTransform === 'string' ? keyOrTransform : undefined;
    const transform = typeof keyOrTransform === 'string' ? maybeTransform : keyOrTransform;
    if (transform === undefined) throw new DataException('A header transform is required');
    const next: Header[] = [];
    for (const header of this.list) {
      if (key !== undefined && header.key !== key) {
        next.push(header);
        continue;
      }
      const updated = transform(header);
      if (updated !== null) next.push(updated);
    }
    this.replaceAll(next);
    return this;
  }

  private replaceAll(headers: Header[]): void {
    this.list.length = 0;
    this.list.push(...headers);
  }

  /** An independent copy (the headers themselves are immutable and shared). */
  duplicate(): ConnectHeaders {
    return new ConnectHeaders(this.list);
  }

  /** The headers, in order, as an array. */
  toArray(): Header[] {
    return [...this.list];
  }

  [Symbol.iterator](): Iterator<Header> {
    return this.list[Symbol.iterator]();
  }

  /** Same keys, schemas and values in the same order. */
  equals(other: unknown): boolean {
    if (!(other instanceof ConnectHeaders) || other.size !== this.size) return false;
    const theirs = other.toArray();
    return this.list.every((h, i) => {
      const o = theirs[i];
      return o !== undefined && headersEqual(h, o);
    });
  }

  toString(): string {
    return `ConnectHeaders(headers=${this.list.map(String).join(', ')})`;
  }
}

/** The headers of a record (Kafka's `Headers` interface); the implementation is {@link ConnectHeaders}. */
export type Headers = ConnectHeaders;

function checkHeaderValue(key: string, schema: Schema, value: unknown): void {
  try {
    validateValue(schema, value);
  } catch (error) {
    if (error instanceof DataException) {
      throw new DataException(`Header "${key}": ${error.message}`, { cause: error });
    }
    throw error;
  }
}

function checkType(schema: Schema, type: SchemaType): void {
  if (schema.type !== type) {
    throw new DataException(`Expecting ${type} but instead found ${schema.type}`);
  }
}
