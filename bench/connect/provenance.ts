/** What a benchmark report says about where it ran: the Java and the Sluice build measured. */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { javaCommand } from '@sluice/test-fixtures';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The first line of `java -version` (printed on stderr). */
export function javaVersion(): string {
  const result = spawnSync(javaCommand(), ['-version'], { encoding: 'utf8' });
  return (result.stderr || result.stdout || 'java (version unknown)').split('\n')[0] ?? 'java';
}

/**
 * Which Sluice was measured: the repository's commit, how many files of the worker's packages
 * differ from it, and when the runtime's dist was built (the bin runs from dist).
 */
export function sluiceProvenance(): string {
  const git = (args: string[]) =>
    spawnSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).stdout?.trim() ?? '';
  const commit = git(['rev-parse', '--short', 'HEAD']) || 'unknown';
  const dirty = git([
    'status',
    '--porcelain',
    '--',
    'packages',
    'connectors',
    'converters',
    'transforms',
  ])
    .split('\n')
    .filter((line) => line !== '').length;
  let built = 'unknown';
  try {
    built = statSync(join(repo, 'packages', 'runtime', 'dist', 'index.js')).mtime.toISOString();
  } catch {
    // not built
  }
  return `commit ${commit}, ${dirty} uncommitted file(s) under packages/ connectors/ converters/ transforms/, runtime dist built ${built}`;
}
