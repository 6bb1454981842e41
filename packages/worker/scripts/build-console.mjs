// Builds the web console the worker serves at /ui: console/src bundled into one ES module with
// esbuild, next to console/index.html and console/console.css, in dist/console.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(pkg, 'dist', 'console');
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await build({
  entryPoints: [join(pkg, 'console', 'src', 'main.ts')],
  outfile: join(out, 'console.js'),
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
await copyFile(join(pkg, 'console', 'index.html'), join(out, 'index.html'));
await copyFile(join(pkg, 'console', 'console.css'), join(out, 'console.css'));
