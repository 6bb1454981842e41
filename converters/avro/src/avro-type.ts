import avro from 'avsc';
import { DecimalLogicalType } from './decimal-type.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

// avsc hands `toBuffer`'s result straight to its varint packer, which copies it, so one scratch
// buffer serves every write.
const scratch = Buffer.alloc(8);

/**
 * Avro `long` as a JS bigint: every 64-bit value exactly (avsc's own long type refuses values
 * beyond 2^53). Built with avsc's documented `LongType.__with` hook.
 */
export const BIGINT_LONG_TYPE: avro.Type = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer): bigint => buf.readBigInt64LE(0),
  toBuffer: (n: bigint): Buffer => {
    scratch.writeBigInt64LE(n, 0);
    return scratch;
  },
  // Defaults and `int` → `long` promotion come through here as numbers (or strings, see toJSON).
  fromJSON: (value: unknown): bigint => {
    if (typeof value === 'bigint') return value;
    if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
    if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
    throw new Error(`not a long: ${String(value)}`);
  },
  // Exact: a number where it is safe, digits otherwise (fromJSON reads both back).
  toJSON: (n: bigint): number | string =>
    n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(n)
      : n.toString(),
  isValid: (n: unknown): boolean => typeof n === 'bigint' && n >= INT64_MIN && n <= INT64_MAX,
  compare: (a: bigint, b: bigint): number => (a === b ? 0 : a < b ? -1 : 1),
}) as unknown as avro.Type;

function isNullableUnion(schema: unknown): boolean {
  return Array.isArray(schema) && schema.length === 2 && schema.includes('null');
}

/** How `avroType` builds a type. */
export interface AvroTypeOptions {
  /**
   * Read and write `bytes` decimals as Connect Decimals (the converter's own types) rather than
   * as Buffers of their two's complement (plain avsc values).
   */
  readonly decimals?: boolean;
}

/**
 * The avsc type of an Avro schema (parsed JSON), with longs as bigints. A two-member union with
 * `null` is unwrapped (its value is null or the member's value); every other union is wrapped
 * (`{<branch name>: value}`), so the member a value belongs to is never guessed.
 */
export function avroType(schema: unknown, options: AvroTypeOptions = {}): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, {
    registry: { long: BIGINT_LONG_TYPE },
    ...(options.decimals === true ? { logicalTypes: { decimal: DecimalLogicalType } } : {}),
    typeHook: (s, opts) => {
      // `{"type": "long", ...properties}` would otherwise get avsc's own long type.
      if (s === 'long' || (typeof s === 'object' && (s as { type?: unknown }).type === 'long')) {
        return BIGINT_LONG_TYPE;
      }
      const collection = boundedCollection(s, opts);
      if (collection !== undefined) return collection;
      if (!Array.isArray(s)) return undefined;
      const UnionType = isNullableUnion(s)
        ? avro.types.UnwrappedUnionType
        : avro.types.WrappedUnionType;
      return new (UnionType as unknown as new (s: unknown, o: unknown) => avro.Type)(s, opts);
    },
  });
}

/** What avsc's readers see of its Tap: the bytes and the read position. */
interface Tap {
  buf: Buffer;
  pos: number;
  readLong(): number;
  skipLong(): void;
  readString(): string;
}

interface ReadableType {
  _read(tap: Tap): unknown;
}

/**
 * Above this many items a block count must be backed by as many bytes left in the message: only
 * items of zero bytes (nulls, empty records) can be more numerous than the bytes holding them.
 */
const ZERO_SIZE_ITEMS_LIMIT = 1_000_000;

/** A block's item count, refused when the message cannot hold that many items. */
function blockCount(tap: Tap): number {
  let n = tap.readLong();
  if (n < 0) {
    n = -n;
    tap.skipLong(); // the block's size in bytes
  }
  if (n > Math.max(tap.buf.length - tap.pos, ZERO_SIZE_ITEMS_LIMIT)) {
    throw new Error(
      `a block of ${n} items at byte offset ${tap.pos}, more than the ${tap.buf.length - tap.pos} bytes left can hold`,
    );
  }
  return n;
}

function checkInside(tap: Tap): void {
  if (tap.pos > tap.buf.length) {
    throw new Error(`the message ends at byte offset ${tap.buf.length} inside an array or map`);
  }
}

type TypeClass = new (schema: unknown, opts: unknown) => avro.Type;

/**
 * avsc's array type with a reader that stops at the end of the message: avsc's own allocates and
 * loops over whatever item count the bytes claim (2^60 from a damaged record), so one bad record
 * could exhaust the worker's memory before the decoder notices it ran out of bytes.
 */
class BoundedArrayType extends (avro.types.ArrayType as unknown as TypeClass) {
  _read(tap: Tap): unknown[] {
    const items = (this as unknown as { itemsType: ReadableType }).itemsType;
    const values: unknown[] = [];
    for (let n = blockCount(tap); n !== 0; n = blockCount(tap)) {
      while (n-- > 0) {
        values.push(items._read(tap));
        checkInside(tap);
      }
    }
    return values;
  }
}

/** avsc's map type with a reader that stops at the end of the message (see BoundedArrayType). */
class BoundedMapType extends (avro.types.MapType as unknown as TypeClass) {
  _read(tap: Tap): Record<string, unknown> {
    const valuesType = (this as unknown as { valuesType: ReadableType }).valuesType;
    const values: Record<string, unknown> = {};
    for (let n = blockCount(tap); n !== 0; n = blockCount(tap)) {
      while (n-- > 0) {
        const key = tap.readString();
        values[key] = valuesType._read(tap);
        checkInside(tap);
      }
    }
    return values;
  }
}

function boundedCollection(schema: unknown, opts: unknown): avro.Type | undefined {
  const type =
    typeof schema === 'object' && schema !== null ? (schema as { type?: unknown }).type : undefined;
  if (type === 'array') return new BoundedArrayType(schema, opts);
  if (type === 'map') return new BoundedMapType(schema, opts);
  return undefined;
}
