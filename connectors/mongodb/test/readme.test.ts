import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  SINK_CONNECTION_CONFIG_DEF,
  SINK_TOPIC_CONFIG_DEF,
  SOURCE_CONNECTION_CONFIG_DEF,
  SOURCE_READS_CONFIG_DEF,
} from '../src/index.js';

// A formatter may pad table cells and write emphasis with underscores; compare the cells.
const cells = (markdown: string) =>
  markdown
    .replace(/ *\| */g, '|')
    .replace(/-{3,}/g, '---')
    .replace(/\*(\w+)\*/g, '_$1_');
const readme = cells(readFileSync(new URL('../README.md', import.meta.url), 'utf8'));
const grouped = (markdown: string) => markdown.replaceAll('### ', '#### ').trim();

describe('README', () => {
  it('documents every connection key of the sink and the source', () => {
    expect(readme).toContain(cells(SINK_CONNECTION_CONFIG_DEF.toMarkdown().trim()));
    expect(readme).toContain(cells(SOURCE_CONNECTION_CONFIG_DEF.toMarkdown().trim()));
  });

  it('documents every sink key', () => {
    expect(readme).toContain(
      cells(grouped(SINK_TOPIC_CONFIG_DEF.toMarkdown({ groupHeadings: true }))),
    );
  });

  it('documents every source key', () => {
    expect(readme).toContain(
      cells(grouped(SOURCE_READS_CONFIG_DEF.toMarkdown({ groupHeadings: true }))),
    );
  });
});
