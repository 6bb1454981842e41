import { ConfigException } from '@sluice/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseProperties } from '../src/config/properties-file.js';

// Bounded so the file runs in about a second on CI; a failure prints its seed to replay.
const RUNS = { numRuns: 500 };

/** Escapes as java.util.Properties.store writes (keys escape spaces too; values a leading one). */
function javaEscape(text: string, isKey: boolean): string {
  let out = '';
  for (const [i, c] of [...text].entries()) {
    const code = c.codePointAt(0) as number;
    if (c === '\\') out += '\\\\';
    else if (c === '\t') out += '\\t';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\f') out += '\\f';
    else if ('=:#!'.includes(c)) out += `\\${c}`;
    else if (c === ' ' && (isKey || i === 0)) out += '\\ ';
    else if (code < 0x20 || code > 0x7e) {
      for (const unit of c.split('')) {
        out += `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;
      }
    } else out += c;
  }
  return out;
}

describe('properties parser', () => {
  it('reads back every key and value Java would store, whatever they hold', () => {
    const text = fc.string({ unit: 'binary', maxLength: 12 });
    fc.assert(
      fc.property(
        fc.dictionary(
          text.filter((k) => k !== ''),
          text,
          { maxKeys: 6 },
        ),
        (props) => {
          const file = Object.entries(props)
            .map(([k, v]) => `${javaEscape(k, true)}=${javaEscape(v, false)}`)
            .join('\n');
          expect(parseProperties(`# stored\n${file}\n`)).toEqual({ ...props });
        },
      ),
      RUNS,
    );
  });

  it('never crashes on random text: it reads it or refuses it with a ConfigException naming the line', () => {
    const chars = fc.constantFrom(
      'a',
      '=',
      ':',
      ' ',
      '\\',
      'u',
      '0',
      'f',
      '\n',
      '\r',
      '#',
      '!',
      '\t',
      'é',
    );
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 40 }), (text) => {
        try {
          parseProperties(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigException);
          expect((error as Error).message).toMatch(/^Line \d+: /);
        }
      }),
      RUNS,
    );
  });
});
