import { readFile } from 'node:fs/promises';

/**
 * Parses Java `.properties` text as `java.util.Properties.load` does: `#`/`!` comments,
 * `=`, `:` or whitespace separators, backslash line continuations (leading whitespace of
 * the next line dropped), `\t \n \r \f \uXXXX` escapes, and escaped separators in keys.
 */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] as string).replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // Join continuation lines: an odd number of trailing backslashes continues the line.
    while (endsWithContinuation(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + (lines[++i] as string).replace(/^[ \t\f]+/, '');
    }
    if (endsWithContinuation(line)) line = line.slice(0, -1);
    let keyEnd = 0;
    while (keyEnd < line.length) {
      const c = line[keyEnd];
      if (c === '\\') {
        keyEnd += 2;
        continue;
      }
      if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
      keyEnd++;
    }
    const rawKey = line.slice(0, keyEnd);
    let rest = line.slice(keyEnd).replace(/^[ \t\f]+/, '');
    if (rest.startsWith('=') || rest.startsWith(':')) rest = rest.slice(1).replace(/^[ \t\f]+/, '');
    out[unescapeJava(rawKey)] = unescapeJava(rest);
  }
  return out;
}

function endsWithContinuation(line: string): boolean {
  let n = 0;
  for (let j = line.length - 1; j >= 0 && line[j] === '\\'; j--) n++;
  return n % 2 === 1;
}

function unescapeJava(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = s[++i];
    if (n === undefined) break;
    if (n === 't') out += '\t';
    else if (n === 'n') out += '\n';
    else if (n === 'r') out += '\r';
    else if (n === 'f') out += '\f';
    else if (n === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Error(`Malformed \\uXXXX escape: \\u${hex}`);
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 4;
    } else out += n;
  }
  return out;
}

/** A connector config file: `.properties`, flat JSON, or Kafka's `{"name": ..., "config": {...}}`. */
export async function readConfigFile(path: string): Promise<Record<string, string>> {
  const text = await readFile(path, 'utf8');
  const trimmed = text.trim();
  if (path.endsWith('.json') || trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new Error(`${path} must hold a JSON object`);
    }
    const obj = parsed as Record<string, unknown>;
    const nested = obj.config;
    const flat: Record<string, unknown> =
      nested !== null && typeof nested === 'object' && !Array.isArray(nested)
        ? {
            ...(nested as Record<string, unknown>),
            ...(typeof obj.name === 'string' ? { name: obj.name } : {}),
          }
        : obj;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(flat)) {
      if (v === null || v === undefined) continue;
      out[k] = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
    return out;
  }
  return parseProperties(text);
}
