import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExtractNewRecordState } from '../src/index.js';

// The formatter pads table cells and writes emphasis with underscores; compare the cells.
const cells = (markdown: string) =>
  markdown
    .replace(/ *\| */g, '|')
    .replace(/-{3,}/g, '---')
    .replace(/\*(\w+)\*/g, '_$1_');
const readme = cells(readFileSync(new URL('../README.md', import.meta.url), 'utf8'));

describe('README', () => {
  it('documents every ExtractNewRecordState key in the generated config table', () => {
    expect(readme).toContain(cells(new ExtractNewRecordState().config().toMarkdown().trim()));
  });
});
