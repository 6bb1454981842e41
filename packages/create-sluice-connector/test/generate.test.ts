import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { generate, stemOf } from '../src/generate.js';

const here = dirname(fileURLToPath(import.meta.url));
const ranges = { api: '^0.1.0', testkit: '^0.1.0', worker: '^0.1.0' };
const tsc = join(
  dirname(createRequire(import.meta.url).resolve('typescript/package.json')),
  'bin',
  'tsc',
);
// Inside this package, so the generated code resolves @sluice/* and vitest from its devDependencies.
const outputs: string[] = [];

afterAll(async () => {
  for (const dir of outputs) await rm(dir, { recursive: true, force: true });
});

describe('create-sluice-connector', () => {
  it('names the plugins and classes after the package', () => {
    expect(stemOf('sluice-connector-acme-db')).toBe('AcmeDb');
    expect(stemOf('@acme/connector-orders')).toBe('Orders');
    expect(stemOf('my-connector')).toBe('My');
    expect(stemOf('42-things')).toBe('My42Things');
  });

  async function generated(kind: 'source' | 'sink' | 'both'): Promise<string> {
    const dir = await mkdtemp(join(here, '..', `.generated-${kind}-`));
    outputs.push(dir);
    await generate({ dir, kind, packageName: 'sluice-connector-acme', ranges });
    return dir;
  }

  it.each(['source', 'sink', 'both'] as const)(
    'writes a %s connector package: manifest, ConfigDef, README, kit tests, changesets',
    async (kind) => {
      const dir = await generated(kind);
      const files = await readdir(dir, { recursive: true });
      expect(files).toEqual(
        expect.arrayContaining([
          'README.md',
          join('src', 'config.ts'),
          join('test', 'conformance.it.test.ts'),
          join('.changeset', 'config.json'),
          join('scripts', 'readme-config.mjs'),
        ]),
      );
      expect(files.includes(join('src', 'source-task.ts'))).toBe(kind !== 'sink');
      expect(files.includes(join('src', 'sink-task.ts'))).toBe(kind !== 'source');
      const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
      expect(pkg.peerDependencies).toEqual({ '@sluice/api': '^0.1.0' });
      expect(pkg.sluice.plugins.map((p: { name: string }) => p.name)).toEqual(
        [kind !== 'sink' && 'AcmeSource', kind !== 'source' && 'AcmeSink'].filter(Boolean),
      );
    },
  );

  it('writes code that type-checks strictly (skipLibCheck false), source and sink together', async () => {
    const dir = await generated('both');
    await promisify(execFile)(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')]).catch(
      (error: { stdout: string }) => {
        throw new Error(`the generated project does not compile:\n${error.stdout}`);
      },
    );
  });

  it('refuses a folder that is not empty', async () => {
    await expect(generate({ dir: here, kind: 'source', ranges })).rejects.toThrow(/is not empty/);
  });
});
