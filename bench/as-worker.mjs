// Runs a bench script (with tsx) in a Node started with the Sluice worker's flags, the ones in
// the `sluice` bin's first line: connector tasks a bench runs in its own process (and the raw
// client beside them) then run under the same V8 settings as in a worker.
//   node as-worker.mjs redis.bench.ts [args...]
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { sluiceNodeFlags } from '@sluice/test-fixtures';

const require = createRequire(import.meta.url);
const bin = join(dirname(require.resolve('@sluice/worker/package.json')), 'bin', 'sluice.js');
const [script, ...args] = process.argv.slice(2);
if (script === undefined) {
  process.stderr.write('usage: node as-worker.mjs <script.ts> [args...]\n');
  process.exit(2);
}
const run = spawnSync(
  process.execPath,
  [...sluiceNodeFlags(bin), '--import', 'tsx', script, ...args],
  { stdio: 'inherit' },
);
process.exit(run.status ?? 1);
