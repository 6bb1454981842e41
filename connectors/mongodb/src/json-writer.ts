import { DataException } from '@sluice/api';
import { BSON, Decimal128 } from 'mongodb';
import type { RawElement } from './raw-bson.js';

/**
 * The JSON dialects of mongo-kafka's `output.json.formatter`, as the Java driver writes them:
 * - `strict` (DefaultJson): legacy strict extended JSON, `{"$numberLong": "1"}`, `{"$date": 1}`,
 *   `{"$binary": "...", "$type": "00"}`;
 * - `canonical` (ExtendedJson): canonical extended JSON, every type kept;
 * - `simplified` (SimplifiedJson): relaxed extended JSON with ObjectIds, dates (ISO-8601),
 *   decimals and binaries (base64) as plain strings.
 */
export type JsonMode = 'strict' | 'canonical' | 'simplified';

/** Java's `Double.toString`: shortest digits, `1.0`, `1.0E10`, `1.0E-5`. */
export function javaDouble(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (!Number.isFinite(d)) return d > 0 ? 'Infinity' : '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const sign = d < 0 ? '-' : '';
  const abs = Math.abs(d);
  let [mantissa = '', exponent = '0'] = abs.toExponential().split('e');
  // Java writes at least two digits and, where one digit is the shortest (subnormals such as
  // 5e-324), the two-digit decimal closest to the value: 4.9E-324.
  if (mantissa.length === 1) {
    const two = abs.toExponential(1);
    if (Number(two) === abs && !two.startsWith(`${mantissa}.0`))
      [mantissa = '', exponent = '0'] = two.split('e');
  }
  const digits = mantissa.replace('.', '');
  const exp = Number(exponent);
  if (abs >= 1e-3 && abs < 1e7) {
    if (exp >= 0) {
      const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      return `${sign}${whole}.${digits.slice(exp + 1) || '0'}`;
    }
    return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return `${sign}${digits[0]}.${digits.slice(1) || '0'}E${exp}`;
}

// Characters the Java driver writes as they are (Unicode letters, digits, punctuation, symbols
// and spaces); everything else (controls, format characters, marks, surrogates) as \uXXXX.
const PLAIN =
  /^[\p{Lu}\p{Ll}\p{Lt}\p{Lo}\p{Nd}\p{Nl}\p{No}\p{Zs}\p{Pc}\p{Pd}\p{Ps}\p{Pe}\p{Pi}\p{Pf}\p{Po}\p{Sm}\p{Sc}\p{Sk}\p{So}]$/u;
const NEEDS_ESCAPE = /[^\x20-\x21\x23-\x5b\x5d-\x7e]/;

/** A JSON string literal escaped as the Java driver's JSON writer escapes it. */
export function quote(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) {
      out += s[i];
      continue;
    }
    switch (c) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += '\\\\';
        break;
      case 0x08:
        out += '\\b';
        break;
      case 0x0c:
        out += '\\f';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      default:
        out +=
          c >= 0xd800 && c <= 0xdfff
            ? `\\u${c.toString(16).padStart(4, '0')}`
            : PLAIN.test(s[i] as string)
              ? s[i]
              : `\\u${c.toString(16).padStart(4, '0')}`;
    }
  }
  return `${out}"`;
}

/** An ISO-8601 instant as Java's `ISO_DATE_TIME` prints a UTC time: seconds always, millis when not 0. */
export function isoDateTime(ms: number): string {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime()))
    throw new DataException(`The date ${ms} ms since the epoch is outside the range of dates`);
  const iso = date.toISOString();
  const plain = iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
  // Years beyond 9999 are written with their sign by both.
  return plain;
}

/** Reads BSON bytes and writes them as JSON text in one pass (no intermediate objects). */
class BsonJsonWriter {
  private readonly view: DataView;

  constructor(
    private readonly bytes: Buffer,
    private readonly mode: JsonMode,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The end of the C string starting at `at` (its NUL byte). */
  private cstringEnd(at: number): number {
    const end = this.bytes.indexOf(0, at);
    if (end < 0) throw new DataException('Invalid BSON: a name is not terminated');
    return end;
  }

  document(at: number, array: boolean): string {
    const length = this.view.getInt32(at, true);
    const end = at + length - 1;
    let i = at + 4;
    let out = array ? '[' : '{';
    let first = true;
    while (i < end) {
      const type = this.bytes[i] as number;
      const nameEnd = this.cstringEnd(i + 1);
      if (!first) out += ', ';
      first = false;
      if (!array) out += `${quote(this.bytes.toString('utf8', i + 1, nameEnd))}: `;
      const [text, next] = this.value(type, nameEnd + 1);
      out += text;
      i = next;
    }
    return out + (array ? ']' : '}');
  }

  private string(at: number): [string, number] {
    const length = this.view.getInt32(at, true);
    return [this.bytes.toString('utf8', at + 4, at + 4 + length - 1), at + 4 + length];
  }

  private hex(at: number, length: number): string {
    return this.bytes.toString('hex', at, at + length);
  }

  private int64(at: number): bigint {
    return this.view.getBigInt64(at, true);
  }

  private date(ms: bigint): string {
    if (this.mode === 'strict') return `{"$date": ${ms}}`;
    if (this.mode === 'canonical') return `{"$date": {"$numberLong": "${ms}"}}`;
    return quote(isoDateTime(Number(ms)));
  }

  /** The JSON of the value of `type` starting at `at`, and where the next element starts. */
  value(type: number, at: number): [string, number] {
    const mode = this.mode;
    switch (type) {
      case 0x01: {
        const d = this.view.getFloat64(at, true);
        const text =
          mode === 'canonical' || !Number.isFinite(d)
            ? mode === 'strict'
              ? javaDouble(d)
              : `{"$numberDouble": "${javaDouble(d)}"}`
            : javaDouble(d);
        return [text, at + 8];
      }
      case 0x02: {
        const [s, next] = this.string(at);
        return [quote(s), next];
      }
      case 0x03:
        return [this.document(at, false), at + this.view.getInt32(at, true)];
      case 0x04:
        return [this.document(at, true), at + this.view.getInt32(at, true)];
      case 0x05: {
        const length = this.view.getInt32(at, true);
        const subtype = this.bytes[at + 4] as number;
        let dataAt = at + 5;
        let dataLength = length;
        // Subtype 2 (old binary) repeats its length inside the data.
        if (subtype === 2) {
          dataLength = this.view.getInt32(dataAt, true);
          dataAt += 4;
        }
        const base64 = this.bytes.toString('base64', dataAt, dataAt + dataLength);
        const sub = subtype.toString(16).toUpperCase().padStart(2, '0');
        const text =
          mode === 'strict'
            ? `{"$binary": "${base64}", "$type": "${sub}"}`
            : mode === 'canonical'
              ? `{"$binary": {"base64": "${base64}", "subType": "${sub}"}}`
              : `"${base64}"`;
        return [text, at + 5 + length];
      }
      case 0x06:
        return ['{"$undefined": true}', at];
      case 0x07: {
        const hex = this.hex(at, 12);
        return [mode === 'simplified' ? `"${hex}"` : `{"$oid": "${hex}"}`, at + 12];
      }
      case 0x08:
        return [this.bytes[at] === 0 ? 'false' : 'true', at + 1];
      case 0x09:
        return [this.date(this.int64(at)), at + 8];
      case 0x0a:
        return ['null', at];
      case 0x0b: {
        const patternEnd = this.cstringEnd(at);
        const optionsEnd = this.cstringEnd(patternEnd + 1);
        const pattern = quote(this.bytes.toString('utf8', at, patternEnd));
        const options = quote(this.bytes.toString('utf8', patternEnd + 1, optionsEnd));
        const text =
          mode === 'strict'
            ? `{"$regex": ${pattern}, "$options": ${options}}`
            : `{"$regularExpression": {"pattern": ${pattern}, "options": ${options}}}`;
        return [text, optionsEnd + 1];
      }
      case 0x0c: {
        const [ns, next] = this.string(at);
        const hex = this.hex(next, 12);
        // Relaxed JSON (SimplifiedJson) writes a DBPointer as a DBRef, its id as a string.
        if (mode === 'simplified') return [`{"$ref": ${quote(ns)}, "$id": "${hex}"}`, next + 12];
        const id = `{"$ref": ${quote(ns)}, "$id": {"$oid": "${hex}"}}`;
        return [mode === 'strict' ? id : `{"$dbPointer": ${id}}`, next + 12];
      }
      case 0x0d: {
        const [code, next] = this.string(at);
        return [`{"$code": ${quote(code)}}`, next];
      }
      case 0x0e: {
        const [symbol, next] = this.string(at);
        return [mode === 'simplified' ? quote(symbol) : `{"$symbol": ${quote(symbol)}}`, next];
      }
      case 0x0f: {
        const total = this.view.getInt32(at, true);
        const [code, scopeAt] = this.string(at + 4);
        return [
          `{"$code": ${quote(code)}, "$scope": ${this.document(scopeAt, false)}}`,
          at + total,
        ];
      }
      case 0x10: {
        const n = this.view.getInt32(at, true);
        return [mode === 'canonical' ? `{"$numberInt": "${n}"}` : String(n), at + 4];
      }
      case 0x11: {
        const increment = this.view.getUint32(at, true);
        const time = this.view.getUint32(at + 4, true);
        return [`{"$timestamp": {"t": ${time}, "i": ${increment}}}`, at + 8];
      }
      case 0x12: {
        const n = this.int64(at);
        return [mode === 'simplified' ? String(n) : `{"$numberLong": "${n}"}`, at + 8];
      }
      case 0x13: {
        const text = new Decimal128(this.bytes.subarray(at, at + 16)).toString();
        return [mode === 'simplified' ? `"${text}"` : `{"$numberDecimal": "${text}"}`, at + 16];
      }
      case 0xff:
        return ['{"$minKey": 1}', at];
      case 0x7f:
        return ['{"$maxKey": 1}', at];
      default:
        throw new DataException(`Invalid BSON: unknown element type 0x${type.toString(16)}`);
    }
  }
}

/** A BSON document (its bytes) as JSON text in `mode`. */
export function bsonToJson(bytes: Uint8Array, mode: JsonMode): string {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return new BsonJsonWriter(buffer, mode).document(0, false);
}

/** The value of one element of a document (found with `findElement`) as JSON text. */
export function bsonElementToJson(bytes: Buffer, element: RawElement, mode: JsonMode): string {
  return new BsonJsonWriter(bytes, mode).value(element.type, element.start)[0];
}

/**
 * One BSON value as JSON text, as mongo-kafka writes a non-document value into a string field
 * (a string value without its quotes).
 */
export function bsonValueToJson(value: unknown, mode: JsonMode): string {
  const text = bsonToJson(BSON.serialize({ v: value }), mode);
  const inner = text.slice(6, -1);
  return inner.startsWith('"') && inner.endsWith('"') ? inner.slice(1, -1) : inner;
}
