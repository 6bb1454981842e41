/**
 * PostgreSQL's COPY text format for rows of query parameters (the values `toPgParam` returns:
 * text, `Buffer`s for bytea, arrays, nulls): one line per row, tab between columns, `\N` for
 * NULL, backslash escapes for backslash, newline, carriage return and tab. Each value reaches the
 * column's input function as exactly the text a bound parameter would have carried.
 */

const COPY_SPECIAL = /[\\\n\r\t]/;
const COPY_SPECIAL_ALL = /[\\\n\r\t]/g;
const COPY_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** Text with COPY's special characters escaped. */
export function escapeCopyText(text: string): string {
  return COPY_SPECIAL.test(text)
    ? text.replace(COPY_SPECIAL_ALL, (c) => COPY_ESCAPES[c] as string)
    : text;
}

const ELEMENT_SPECIAL_ALL = /[\\"]/g;

/** An array literal (`{"a","b",NULL}`), as pg writes array parameters; nested arrays nest. */
export function arrayLiteral(items: readonly unknown[]): string {
  const parts: string[] = [];
  for (const item of items) {
    if (item === null || item === undefined) parts.push('NULL');
    else if (Array.isArray(item)) parts.push(arrayLiteral(item));
    else if (Buffer.isBuffer(item)) parts.push(`"\\\\x${item.toString('hex')}"`);
    else parts.push(`"${String(item).replace(ELEMENT_SPECIAL_ALL, '\\$&')}"`);
  }
  return `{${parts.join(',')}}`;
}

/** One parameter as a COPY text field. */
export function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') return escapeCopyText(value);
  // `\x...` is bytea's hex input; the backslash itself is escaped for COPY.
  if (Buffer.isBuffer(value)) return `\\\\x${value.toString('hex')}`;
  if (Array.isArray(value)) return escapeCopyText(arrayLiteral(value));
  return escapeCopyText(String(value));
}

/** Chunks of roughly this many characters are handed to the connection one at a time. */
const CHUNK_CHARS = 1 << 20;

/** COPY text lines (without their newlines) joined into chunks that each end at a row boundary. */
export function copyChunks(lines: readonly string[]): string[] {
  const chunks: string[] = [];
  let start = 0;
  let size = 0;
  for (let i = 0; i < lines.length; i++) {
    size += (lines[i] as string).length + 1;
    if (size >= CHUNK_CHARS || i === lines.length - 1) {
      chunks.push(`${lines.slice(start, i + 1).join('\n')}\n`);
      start = i + 1;
      size = 0;
    }
  }
  return chunks;
}
