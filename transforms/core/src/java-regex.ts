import { DataException } from '@sluice/api';

/**
 * Compiles a Java regular expression as a JS RegExp. The common syntax is the same; Java's
 * leading inline flags (`(?i)`, `(?s)`, `(?m)`) become RegExp flags, and `\A`, `\z`, `\Z` become
 * `^`/`$`. Constructs JS lacks (possessive quantifiers, atomic groups) are refused as invalid.
 */
export function compileJavaRegex(pattern: string, anchored = false): RegExp {
  let source = pattern;
  let flags = '';
  const inline = /^\(\?([imsx]+)\)/.exec(source);
  if (inline !== null) {
    const letters = inline[1] ?? '';
    if (letters.includes('x')) throw new SyntaxError('the COMMENTS flag (?x) is not supported');
    flags = [...new Set(letters)].join('');
    source = source.slice(inline[0].length);
  }
  if (/\(\?>|[*+?}]\+/.test(source)) {
    throw new SyntaxError('possessive quantifiers and atomic groups are not supported');
  }
  source = source.replace(/\\A/g, '^').replace(/\\[zZ]/g, '$');
  return new RegExp(anchored ? `^(?:${source})$` : source, flags);
}

/**
 * Turns a Java `Matcher` replacement string (`$1`, `${name}`, `\$` for a literal dollar) into a
 * replacer for `String.prototype.replace`.
 */
export function javaReplacement(
  replacement: string,
): (match: string, ...rest: unknown[]) => string {
  type Part = string | { digits: string } | { name: string };
  const parts: Part[] = [];
  let literal = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i] as string;
    if (c === '\\') {
      i++;
      if (i >= replacement.length) {
        throw new DataException('character to be escaped is missing');
      }
      literal += replacement[i];
    } else if (c === '$') {
      if (literal !== '') parts.push(literal);
      literal = '';
      i++;
      if (i >= replacement.length) {
        throw new DataException('Illegal group reference: group index is missing');
      }
      if (replacement[i] === '{') {
        const end = replacement.indexOf('}', i);
        if (end < 0) throw new DataException("named capturing group is missing trailing '}'");
        parts.push({ name: replacement.slice(i + 1, end) });
        i = end;
      } else {
        const digits = /^\d+/.exec(replacement.slice(i));
        if (digits === null) throw new DataException('Illegal group reference');
        parts.push({ digits: digits[0] });
        i += digits[0].length - 1;
      }
    } else literal += c;
  }
  if (literal !== '') parts.push(literal);
  return (match: string, ...rest: unknown[]): string => {
    const last = rest[rest.length - 1];
    const named = typeof last === 'object' && last !== null ? (last as Record<string, string>) : {};
    const groups = rest.filter((_, index) => index < rest.length - (named === last ? 3 : 2));
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') out += part;
      else if ('digits' in part) {
        // Java reads the first digit, then more digits while they still name an existing group.
        let group = Number(part.digits[0]);
        let used = 1;
        while (used < part.digits.length) {
          const next = group * 10 + Number(part.digits[used]);
          if (next > groups.length) break;
          group = next;
          used++;
        }
        if (group > groups.length) throw new DataException(`No group ${group}`);
        out += group === 0 ? match : ((groups[group - 1] as string | undefined) ?? '');
        out += part.digits.slice(used);
      } else {
        if (!(part.name in named)) throw new DataException(`No group with name {${part.name}}`);
        out += named[part.name] ?? '';
      }
    }
    return out;
  };
}
