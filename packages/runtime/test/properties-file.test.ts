import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProperties, readConfigFile } from '../src/config/properties-file.js';

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
