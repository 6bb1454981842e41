import { readFileSync } from 'node:fs';

/** The Node flags of a `#!/usr/bin/env -S node <flags>` line; none for any other first line. */
export function shebangNodeFlags(firstLine: string): string[] {
  const flags = /^#!\/usr\/bin\/env -S node\b(.*)$/.exec(firstLine)?.[1] ?? '';
  return flags.split(/\s+/).filter((flag) => flag !== '');
}

/**
 * The Node flags in the `sluice` bin's first line: what a user's `sluice` starts Node with.
 * Launchers here run `node <flags> <bin>` with this process's Node, so the worker they test or
 * measure runs as the user's does.
 */
export function sluiceNodeFlags(sluiceBin: string): string[] {
  return shebangNodeFlags(readFileSync(sluiceBin, 'utf8').split('\n', 1)[0] ?? '');
}
