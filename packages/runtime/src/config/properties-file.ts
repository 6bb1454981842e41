import { readFile } from 'node:fs/promises';
import { ConfigException, type ConfigProblem } from '@sluice/api';

/** Properties as read from text, with where each key was written and lines that look like mistakes. */
export interface ParsedProperties {
  props: Record<string, string>;
  /** The (1-based) line each key was read from: its last occurrence, the one that counts. */
  lines: Map<string, number>;
  /**
   * Lines holding only a key, with no `=`, `:` or whitespace separator: Java reads them as the
   * key with an empty value, which is never what such a line meant (`bootstrap.servers` with the
   * value forgotten, or on the next line).
   */
  problems: ConfigProblem[];
}

/**
 * Parses Java `.properties` text as `java.util.Properties.load` does: `#`/`!` comments,
 * `=`, `:` or whitespace separators, backslash line continuations (leading whitespace of
 * the next line dropped), `\t \n \r \f \uXXXX` escapes, and escaped separators in keys.
 */
export function parseProperties(text: string): Record<string, string> {
  return parsePropertiesWithLines(text).props;
}

/** {@link parseProperties}, with the line of each key and the lines that hold only a key. */
export function parsePropertiesWithLines(text: string): ParsedProperties {
  const parsed: ParsedProperties = { props: {}, lines: new Map(), problems: [] };
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNumber = i + 1;
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
    const key = unescapeJava(line.slice(0, keyEnd), lineNumber);
    let rest = line.slice(keyEnd).replace(/^[ \t\f]+/, '');
    const hasSeparator = rest.startsWith('=') || rest.startsWith(':');
    // Set again, the key's earlier line no longer counts.
    parsed.problems = parsed.problems.filter((p) => p.key !== key);
    if (hasSeparator) rest = rest.slice(1).replace(/^[ \t\f]+/, '');
    else if (rest === '') {
      parsed.problems.push({
        key,
        value: '',
        message: `${key} has no value: the line holds only a key, without '=' (Java properties read it as ${key} with an empty value); write ${key}=<value>, or ${key}= for an empty value`,
      });
    }
    // Defined, not assigned: a key such as `__proto__` is a key like any other.
    Object.defineProperty(parsed.props, key, {
      value: unescapeJava(rest, lineNumber),
      enumerable: true,
      writable: true,
      configurable: true,
    });
    parsed.lines.set(key, lineNumber);
  }
  return parsed;
}

function endsWithContinuation(line: string): boolean {
  let n = 0;
  for (let j = line.length - 1; j >= 0 && line[j] === '\\'; j--) n++;
  return n % 2 === 1;
}

/** Java's unescaping; a malformed `\\uXXXX` is refused naming its line (Java: "Malformed \\uxxxx encoding."). */
function unescapeJava(s: string, lineNumber: number): string {
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
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        throw new ConfigException(
          `Line ${lineNumber}: malformed \\uXXXX escape \\u${hex}: \\u must be followed by 4 hexadecimal digits (write \\\\u for a backslash and a u)`,
        );
      }
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 4;
    } else out += n;
  }
  return out;
}

/** A config file as read: its properties, and for `.properties` files where each key was written. */
export interface ConfigFile extends ParsedProperties {
  path: string;
}

/** A connector config file: `.properties`, flat JSON, or Kafka's `{"name": ..., "config": {...}}`. */
export async function readConfigFile(path: string): Promise<Record<string, string>> {
  return (await loadConfigFile(path)).props;
}

/**
 * Reads a worker or connector config file ({@link readConfigFile}) with the line of each key of a
 * `.properties` file and its lines that hold only a key. Throws when the file cannot be read or
 * is not valid JSON.
 */
export async function loadConfigFile(path: string): Promise<ConfigFile> {
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
    const props: Record<string, string> = {};
    for (const [k, v] of Object.entries(flat)) {
      if (v === null || v === undefined) continue;
      props[k] = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
    return { path, props, lines: new Map(), problems: [] };
  }
  return { path, ...parsePropertiesWithLines(text) };
}
