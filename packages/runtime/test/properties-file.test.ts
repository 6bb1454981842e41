import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseProperties,
  parsePropertiesWithLines,
  readConfigFile,
} from '../src/config/properties-file.js';

describe('parseProperties', () => {
  it('reads Java .properties with comments, separators, escapes and continuations', () => {
    const text = [
      '# comment',
      '! another',
      'name=file-source',
      'connector.class : FileStreamSource',
      'tasks.max 1',
      'file=/tmp/a\\ b.txt',
      'long.value=one, \\',
      '    two, \\',
      '    three',
      'key\\=with\\:sep=v',
      'unicode=caf\\u00e9',
      'tabs=a\\tb',
      'empty=',
      '  indented = yes  ',
      'trailing.backslash=c:\\\\',
    ].join('\n');
    expect(parseProperties(text)).toEqual({
      name: 'file-source',
      'connector.class': 'FileStreamSource',
      'tasks.max': '1',
      file: '/tmp/a b.txt',
      'long.value': 'one, two, three',
      'key=with:sep': 'v',
      unicode: 'café',
      tabs: 'a\tb',
      empty: '',
      indented: 'yes  ',
      'trailing.backslash': 'c:\\',
    });
  });

  it('flags lines holding only a key, not keys separated from their value by whitespace, with line numbers', () => {
    const parsed = parsePropertiesWithLines(
      [
        '# Kafka reads whitespace as a separator: this line is fine.',
        'bootstrap.servers localhost:9092',
        'offset.storage.file.filename',
        'plugin.path=',
        'listeners   ',
        'multi.line=a, \\',
        '  b',
        'key.converter',
        'key.converter=StringConverter',
      ].join('\n'),
    );
    expect(parsed.props).toEqual({
      'bootstrap.servers': 'localhost:9092',
      'offset.storage.file.filename': '',
      'plugin.path': '',
      listeners: '',
      'multi.line': 'a, b',
      'key.converter': 'StringConverter',
    });
    expect(Object.fromEntries(parsed.lines)).toEqual({
      'bootstrap.servers': 2,
      'offset.storage.file.filename': 3,
      'plugin.path': 4,
      listeners: 5,
      'multi.line': 6,
      'key.converter': 9,
    });
    // An explicit `key=` is an empty value on purpose; a key set again on a later line counts there.
    expect(parsed.problems.map((p) => p.key)).toEqual([
      'offset.storage.file.filename',
      'listeners',
    ]);
    expect(parsed.problems[0]?.message).toBe(
      "offset.storage.file.filename has no value: the line holds only a key, without '=' (Java properties read it as offset.storage.file.filename with an empty value); write offset.storage.file.filename=<value>, or offset.storage.file.filename= for an empty value",
    );
  });

  it('accepts flat JSON and Kafka REST-style {"name","config"} files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'props-'));
    const a = join(dir, 'a.json');
    await writeFile(a, JSON.stringify({ name: 'x', config: { 'tasks.max': 2, topic: 't' } }));
    expect(await readConfigFile(a)).toEqual({ name: 'x', 'tasks.max': '2', topic: 't' });
    const b = join(dir, 'b.json');
    await writeFile(b, JSON.stringify({ name: 'y', 'connector.class': 'C' }));
    expect(await readConfigFile(b)).toEqual({ name: 'y', 'connector.class': 'C' });
  });
});
