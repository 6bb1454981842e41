/** The mapping variable whose value becomes the write's TTL (`USING TTL`). */
export const TTL_COLUMN = '__ttl';
/** The mapping variable whose value becomes the write timestamp (`USING TIMESTAMP`). */
export const TIMESTAMP_COLUMN = '__timestamp';

/** Where a column's value comes from. */
export type FieldSource =
  | { readonly kind: 'key' | 'value'; readonly path: readonly string[] }
  | { readonly kind: 'header'; readonly name: string }
  | { readonly kind: 'now' };

/** One `column=field` entry of a mapping. */
export interface MappedColumn {
  /** The column name as Cassandra knows it (quotes removed, case kept). */
  readonly column: string;
  readonly source: FieldSource;
  /** The field as written in the mapping, for messages. */
  readonly text: string;
}

/** Splits `text` on `separator` outside double quotes and parentheses. */
function splitOutside(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/**
 * One identifier: `"Quoted ""name"""` (a CQL quoted identifier) or a bare word taken literally,
 * case kept (as the DataStax connector reads unquoted names in mappings).
 */
function identifier(text: string, what: string): string {
  const t = text.trim();
  if (t.startsWith('"')) {
    if (t.length < 2 || !t.endsWith('"') || /(^|[^"])"([^"]|$)/.test(t.slice(1, -1))) {
      throw new Error(`${what} ${t} is not a properly quoted identifier`);
    }
    return t.slice(1, -1).replaceAll('""', '"');
  }
  if (t === '' || /[\s"(),=]/.test(t)) throw new Error(`${what} '${t}' is not a valid identifier`);
  return t;
}

/** `key.a.b`, `value`, `header.name` or `now()`. */
function parseField(text: string): FieldSource {
  const t = text.trim();
  if (t.toLowerCase() === 'now()') return { kind: 'now' };
  const segments = splitOutside(t, '.');
  const [head, ...rest] = segments;
  const root = head?.trim();
  if (root === 'header') {
    if (rest.length === 0) throw new Error(`Field '${t}' names no header`);
    return { kind: 'header', name: identifier(rest.join('.'), 'Header') };
  }
  if (root === 'key' || root === 'value') {
    return { kind: root, path: rest.map((s) => identifier(s, 'Field')) };
  }
  throw new Error(
    `Invalid field name '${t}': field names in mapping must be 'key', 'value', or start with 'key.' or 'value.' or 'header.', or be the function now()`,
  );
}

/**
 * Parses a DataStax-style mapping: `col1=key.f1, col2=value.f2, col3=header.h, __ttl=value.ttl,
 * __timestamp=value.ts, id=now()`. Throws one Error listing every problem.
 */
export function parseMapping(text: string): MappedColumn[] {
  const columns: MappedColumn[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const entry of splitOutside(text, ',')) {
    if (entry.trim() === '') {
      problems.push('an entry is empty (two commas in a row, or a comma at the end)');
      continue;
    }
    const parts = splitOutside(entry, '=');
    if (parts.length !== 2) {
      problems.push(`'${entry.trim()}' is not of the form column=field`);
      continue;
    }
    try {
      const column = identifier(parts[0] as string, 'Column');
      const source = parseField(parts[1] as string);
      if (seen.has(column)) problems.push(`Mapping already defined for column '${column}'`);
      seen.add(column);
      columns.push({ column, source, text: (parts[1] as string).trim() });
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
  return columns;
}
