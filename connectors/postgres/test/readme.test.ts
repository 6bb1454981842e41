import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CDC_CONFIG_DEF, SINK_CONFIG_DEF, SOURCE_CONFIG_DEF } from '../src/index.js';

// The formatter pads table cells and writes emphasis with underscores; compare the cells.
const cells = (markdown: string) =>
  markdown
    .replace(/ *\| */g, '|')
    .replace(/-{3,}/g, '---')
    .replace(/\*(\w+)\*/g, '_$1_');
const readme = cells(readFileSync(new URL('../README.md', import.meta.url), 'utf8'));

describe('README', () => {
  it('documents every source key in the generated config table', () => {
    expect(readme).toContain(cells(SOURCE_CONFIG_DEF.toMarkdown().trim()));
  });

  it('documents every sink key in the generated config table', () => {
    expect(readme).toContain(cells(SINK_CONFIG_DEF.toMarkdown().trim()));
  });

  it('documents every CDC source key in the generated config table', () => {
    expect(readme).toContain(cells(CDC_CONFIG_DEF.toMarkdown().trim()));
  });
});
