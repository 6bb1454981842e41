import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sluiceNodeFlags } from '../src/sluice-bin.js';

describe('sluiceNodeFlags', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-bin-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function binWith(firstLine: string): Promise<string> {
    const file = join(dir, `bin-${Math.random().toString(36).slice(2)}.js`);
    await writeFile(file, `${firstLine}\nconsole.log('hi');\n`);
    return file;
  }

  it('gives the flags after `env -S node`', async () => {
    const bin = await binWith('#!/usr/bin/env -S node --max-semi-space-size=32  --stack-size=2000');
    expect(sluiceNodeFlags(bin)).toEqual(['--max-semi-space-size=32', '--stack-size=2000']);
  });

  it('gives none for a plain node shebang or none at all', async () => {
    expect(sluiceNodeFlags(await binWith('#!/usr/bin/env node'))).toEqual([]);
    expect(sluiceNodeFlags(await binWith('import x from "y";'))).toEqual([]);
  });
});
