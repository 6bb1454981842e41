/**
 * hstore values: PostgreSQL's text form (`"k1"=>"v1", "k2"=>NULL`) and the JSON object text
 * Debezium makes of them.
 */

/** The pairs of hstore text, in the order PostgreSQL printed them. */
export function parseHstore(text: string): [string, string | null][] {
  const pairs: [string, string | null][] = [];
  let pos = 0;
  const skipSpaces = () => {
    while (pos < text.length && (text[pos] === ' ' || text[pos] === ',')) pos++;
  };
  const quoted = (): string => {
    if (text[pos] !== '"') throw new Error(`malformed hstore text at ${pos}: ${text}`);
    pos++;
    let out = '';
    while (pos < text.length && text[pos] !== '"') {
      if (text[pos] === '\\') pos++;
      out += text[pos] ?? '';
      pos++;
    }
    pos++;
    return out;
  };
  skipSpaces();
  while (pos < text.length) {
    const key = quoted();
    if (text.slice(pos, pos + 2) !== '=>')
      throw new Error(`malformed hstore text at ${pos}: ${text}`);
    pos += 2;
    let value: string | null;
    if (text.startsWith('NULL', pos)) {
      value = null;
      pos += 4;
    } else {
      value = quoted();
    }
    pairs.push([key, value]);
    skipSpaces();
  }
  return pairs;
}

/** Java's `String.hashCode` (over UTF-16 code units, 32-bit overflow). */
function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The pairs in the iteration order of a java.util.HashMap they were put into: Debezium collects
 * hstore pairs in one and writes the JSON in that order. Buckets by spread hash over the final
 * capacity (16, doubled while the map is more than 3/4 full), insertion order within a bucket.
 */
function javaHashMapOrder<T>(pairs: readonly [string, T][]): [string, T][] {
  const unique = new Map<string, T>();
  for (const [k, v] of pairs) unique.set(k, v);
  let capacity = 16;
  while (unique.size > capacity * 0.75) capacity *= 2;
  const entries = [...unique.entries()].map(([k, v], order) => {
    const h = javaHash(k);
    return { k, v, order, bucket: (h ^ (h >>> 16)) & (capacity - 1) };
  });
  entries.sort((a, b) => a.bucket - b.bucket || a.order - b.order);
  return entries.map(({ k, v }) => [k, v]);
}

/** Debezium's JSON text of an hstore value: `{"k1":"v1","k2":null}`. */
export function hstoreJson(pairs: readonly [string, string | null][]): string {
  const body = javaHashMapOrder(pairs)
    .map(([k, v]) => `${JSON.stringify(k)}:${v === null ? 'null' : JSON.stringify(v)}`)
    .join(',');
  return `{${body}}`;
}
