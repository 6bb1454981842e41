import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { counterConfigDef } from '../examples/counter-source.js';
import { fileSinkConfigDef } from '../examples/file-sink.js';
import * as api from '../src/index.js';

const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it.each(['counter-source.ts', 'file-sink.ts'])(
    'shows examples/%s exactly as compiled and tested',
    async (name) => {
      const source = await readFile(new URL(`../examples/${name}`, import.meta.url), 'utf8');
      expect(readme).toContain(`\`\`\`ts\n// examples/${name}\n${source}\`\`\``);
    },
  );

  it('shows the config tables the examples generate', () => {
    // The repository's formatter pads table columns and writes emphasis as _x_: compare the
    // cells, not their formatting.
    const cells = (markdown: string): string =>
      markdown
        .replace(/ {2,}/g, ' ')
        .replace(/-{3,}/g, '---')
        .replace(/\*(\w+)\*/g, '_$1_');
    expect(cells(readme)).toContain(cells(counterConfigDef.toMarkdown()));
    expect(cells(readme)).toContain(cells(fileSinkConfigDef.toMarkdown()));
  });

  it('has the install line and the justification for having no dependencies', async () => {
    expect(readme).toContain('npm install @sluice/api');
    expect(readme).toContain('**No runtime dependencies.**');
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it('lists every runtime export in its reference', () => {
    const missing = Object.keys(api).filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
