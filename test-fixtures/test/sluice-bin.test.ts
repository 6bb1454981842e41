import { describe, expect, it } from 'vitest';
import { shebangNodeFlags } from '../src/sluice-bin.js';

describe('shebangNodeFlags', () => {
  it('gives the flags after `env -S node`', () => {
    expect(
      shebangNodeFlags('#!/usr/bin/env -S node --max-semi-space-size=32  --stack-size=2000'),
    ).toEqual(['--max-semi-space-size=32', '--stack-size=2000']);
  });

  it('gives none for a plain node shebang or none at all', () => {
    expect(shebangNodeFlags('#!/usr/bin/env node')).toEqual([]);
    expect(shebangNodeFlags('import x from "y";')).toEqual([]);
  });
});
