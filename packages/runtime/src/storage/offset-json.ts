/**
 * JSON for source partitions and offsets. Offsets may hold 64-bit integers (positions,
 * LSNs), so integers outside the safe range are read back as `bigint` and bigints are
 * written as plain JSON numbers: nothing is rounded.
 */

/** Serialises a partition/offset value; object keys keep their insertion order. */
export function stringifyOffsetJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`Cannot write ${value} in a source offset`);
      return JSON.stringify(value);
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(stringifyOffsetJson).join(',')}]`;
      if (value instanceof Map) {
        return `{${[...value].map(([k, v]) => `${JSON.stringify(String(k))}:${stringifyOffsetJson(v)}`).join(',')}}`;
      }
      const entries = Object.entries(value as Record<string, unknown>).filter(
        ([, v]) => v !== undefined,
      );
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stringifyOffsetJson(v)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`Cannot write a ${typeof value} in a source offset`);
  }
}

/** Parses JSON, returning integers beyond Number.MAX_SAFE_INTEGER as bigint. */
export function parseOffsetJson(text: string): unknown {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const fail = (what: string): never => {
    throw new SyntaxError(`Invalid offset JSON at position ${i}: ${what}`);
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const out: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        ws();
        const k = value();
        if (typeof k !== 'string') fail('expected a string key');
        ws();
        if (text[i++] !== ':') fail('expected :');
        out[k as string] = value();
        ws();
        const d = text[i++];
        if (d === '}') return out;
        if (d !== ',') fail('expected , or }');
      }
    }
    if (c === '[') {
      i++;
      const out: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        out.push(value());
        ws();
        const d = text[i++];
        if (d === ']') return out;
        if (d !== ',') fail('expected , or ]');
      }
    }
    if (c === '"') {
      const start = i;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      return JSON.parse(text.slice(start, i));
    }
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?|^true|^false|^null/.exec(text.slice(i, i + 400));
    if (!m) return fail('unexpected character');
    i += m[0].length;
    if (m[0] === 'true') return true;
    if (m[0] === 'false') return false;
    if (m[0] === 'null') return null;
    if (m[1] === undefined && m[2] === undefined) {
      const n = Number(m[0]);
      return Number.isSafeInteger(n) ? n : BigInt(m[0]);
    }
    return Number(m[0]);
  };
  const result = value();
  ws();
  if (i !== text.length) fail('trailing characters');
  return result;
}

/** Same JSON with object keys sorted, so equal partitions compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof Map)
  ) {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .filter((k) => obj[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
      .join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Map) return canonicalJson(Object.fromEntries(value));
  return stringifyOffsetJson(value);
}

/**
 * `canonicalJson` of source partitions, remembering the last one: a task's records usually come
 * from a few partitions, each record with a fresh partition object of the same flat content, and
 * comparing that content is cheaper than writing it again for every record.
 */
export class PartitionKeys {
  private last: Readonly<Record<string, unknown>> | null = null;
  private lastSize = 0;
  private lastKey = '';

  keyOf(partition: Readonly<Record<string, unknown>>): string {
    const last = this.last;
    if (last !== null && sameFlatContent(partition, last, this.lastSize)) return this.lastKey;
    this.lastKey = canonicalJson(partition);
    let size = 0;
    let flat = true;
    for (const key in partition) {
      size++;
      if (typeof partition[key] === 'object' && partition[key] !== null) flat = false;
    }
    // Nested values would need a deep comparison: those partitions are written every time.
    this.last = flat && !(partition instanceof Map) ? partition : null;
    this.lastSize = size;
    return this.lastKey;
  }
}

/** Whether `a` has exactly `size` keys, each holding the same primitive as in `b`. */
function sameFlatContent(
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
  size: number,
): boolean {
  if (a instanceof Map) return false;
  let count = 0;
  for (const key in a) {
    const value = a[key];
    if (value !== b[key] || !Object.hasOwn(b, key)) return false;
    if (typeof value === 'object' && value !== null) return false;
    count++;
  }
  return count === size;
}
