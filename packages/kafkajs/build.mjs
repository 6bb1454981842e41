// Copies kafkajs as this workspace installs it (pnpm applies patches/kafkajs@<version>.patch,
// see the root package.json) into dist/, so the published package carries the patched client.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, 'package.json'));
const upstream = dirname(require.resolve('kafkajs/package.json'));
const { version } = JSON.parse(readFileSync(join(upstream, 'package.json'), 'utf8'));
const patch = join(here, '..', '..', 'patches', `kafkajs@${version}.patch`);
const marker = 'Patched by Sluice';
const types = readFileSync(join(upstream, 'types', 'index.d.ts'), 'utf8');
if (!existsSync(patch) || !types.includes(marker)) {
  throw new Error(
    `kafkajs ${version} in ${upstream} is not the patched build (no ${patch}, or its types lack "${marker}"): run pnpm install at the repository root`,
  );
}

const dist = join(here, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);
for (const entry of ['index.js', 'src', 'types', 'LICENSE']) {
  cpSync(join(upstream, entry), join(dist, entry), { recursive: true });
}
// kafkajs reads its own package.json (src/errors.js: where to report a bug): this fork's.
const own = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
writeFileSync(
  join(dist, 'package.json'),
  `${JSON.stringify({ version, bugs: own.bugs, type: 'commonjs' }, null, 2)}\n`,
);
process.stdout.write(`@sluice/kafkajs: kafkajs ${version} with ${basename(patch)} → dist/\n`);
