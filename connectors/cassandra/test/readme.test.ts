import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CODEC_CONFIG_DEF,
  CONNECTION_CONFIG_DEF,
  prefixed,
  SINK_WRITES_CONFIG_DEF,
  SOURCE_READS_CONFIG_DEF,
  TABLE_CONFIG_DEF,
} from '../src/index.js';

// The formatter pads table cells and writes emphasis with underscores; compare the cells.
const cells = (markdown: string) =>
  markdown
    .replace(/ *\| */g, '|')
    .replace(/-{3,}/g, '---')
    .replace(/\*(\w+)\*/g, '_$1_');
const readme = cells(readFileSync(new URL('../README.md', import.meta.url), 'utf8'));

describe('README', () => {
  it('documents every connection key in the generated tables', () => {
    expect(readme).toContain(
      cells(
        CONNECTION_CONFIG_DEF.toMarkdown({ groupHeadings: true })
          .replaceAll('### ', '#### ')
          .trim(),
      ),
    );
  });

  it('documents every sink key, per-table and per-topic setting', () => {
    expect(readme).toContain(cells(SINK_WRITES_CONFIG_DEF.toMarkdown().trim()));
    expect(readme).toContain(
      cells(prefixed(TABLE_CONFIG_DEF, 'topic.<topic>.<keyspace>.<table>.').toMarkdown().trim()),
    );
    expect(readme).toContain(
      cells(prefixed(CODEC_CONFIG_DEF, 'topic.<topic>.').toMarkdown().trim()),
    );
  });

  it('documents every source key', () => {
    expect(readme).toContain(cells(SOURCE_READS_CONFIG_DEF.toMarkdown().trim()));
  });
});
