import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(here, 'package.json'));
const upstreamVersion = (require('kafkajs/package.json') as { version: string }).version;
const patch = readFileSync(
  join(here, '..', '..', 'patches', `kafkajs@${upstreamVersion}.patch`),
  'utf8',
);

/** Each file the patch changes, with the lines it adds. */
function addedLines(diff: string): Map<string, string[]> {
  const files = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of diff.split('\n')) {
    const header = /^diff --git a\/(\S+) b\/\S+$/.exec(line);
    if (header) {
      current = [];
      files.set(header[1] as string, current);
    } else if (current !== null && line.startsWith('+') && !line.startsWith('+++')) {
      current.push(line.slice(1));
    }
  }
  return files;
}

describe('@sluice/kafkajs', () => {
  it('ships every line the repository patch adds, in the file it changes', () => {
    const files = addedLines(patch);
    expect(files.size).toBeGreaterThan(5);
    for (const [file, lines] of files) {
      const shipped = readFileSync(join(here, 'dist', file), 'utf8').split('\n');
      let from = 0;
      for (const line of lines) {
        // In order: each added line after the one before it.
        const at = shipped.indexOf(line, from);
        expect(at, `${file}: "${line}"`).toBeGreaterThanOrEqual(0);
        from = at + 1;
      }
    }
  });

  it('loads as kafkajs does, by its name and by its internal paths', () => {
    const client = require('@sluice/kafkajs') as { Kafka: unknown; logLevel: { INFO: number } };
    expect(typeof client.Kafka).toBe('function');
    expect(client.logLevel.INFO).toBe(4);
    const { errorCodes } = require('@sluice/kafkajs/src/protocol/error.js') as {
      errorCodes: { type: string }[];
    };
    expect(errorCodes.some((e) => e.type === 'NOT_COORDINATOR_FOR_GROUP')).toBe(true);
  });
});
