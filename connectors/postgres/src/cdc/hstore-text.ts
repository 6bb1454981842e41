import { javaHashMapOrder } from './java-hash-map-order.js';

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

/** Debezium's JSON text of an hstore value: `{"k1":"v1","k2":null}`. */
export function hstoreJson(pairs: readonly [string, string | null][]): string {
  const body = javaHashMapOrder(pairs)
    .map(([k, v]) => `${JSON.stringify(k)}:${v === null ? 'null' : JSON.stringify(v)}`)
    .join(',');
  return `{${body}}`;
}
