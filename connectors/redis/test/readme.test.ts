import { readFileSync } from 'node:fs';
import type { ConfigDef } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { KEYS_SOURCE_CONFIG_DEF, SINK_CONFIG_DEF, STREAM_SOURCE_CONFIG_DEF } from '../src/index.js';

// The formatter pads table cells and writes emphasis with underscores; compare the cells.
const cells = (markdown: string) =>
  markdown
    .replace(/ *\| */g, '|')
    .replace(/-{3,}/g, '---')
    .replace(/\*(\w+)\*/g, '_$1_');
const readme = cells(readFileSync(new URL('../README.md', import.meta.url), 'utf8'));

/** The rows of a generated config table (the connection keys are documented once for all three). */
const rows = (def: ConfigDef<object>) =>
  def
    .toMarkdown()
    .trim()
    .split('\n')
    .filter((line) => line.startsWith('| `'));

describe('README', () => {
  it.each([
    ['sink', SINK_CONFIG_DEF],
    ['stream source', STREAM_SOURCE_CONFIG_DEF],
    ['keys source', KEYS_SOURCE_CONFIG_DEF],
  ])('documents every %s key as the generated config table has it', (_, def) => {
    for (const row of rows(def as ConfigDef<object>)) expect(readme).toContain(cells(row));
  });
});
