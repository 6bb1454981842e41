import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { declarationImports, packageProblems, type RuleContext } from './package-rules.js';
import {
  type PackageJson,
  publicPackages,
  REPO_ROOT,
  readPackageJson,
  workspacePackages,
} from './workspace-packages.js';

const all = workspacePackages();
const context: RuleContext = {
  license: readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8'),
  publicNames: new Set(all.filter((p) => p.json.private !== true).map((p) => p.json.name)),
  privateNames: new Set(all.filter((p) => p.json.private === true).map((p) => p.json.name)),
};

describe('package.json rules (CONTRIBUTING.md, "Package conventions")', () => {
  it.each(publicPackages().map((p) => [p.json.name, p] as const))(
    '%s is publishable as it is',
    (_name, pkg) => {
      expect(packageProblems(pkg, context)).toEqual([]);
    },
  );

  it('the install test depends on every public package, so turbo builds them before it publishes them', () => {
    const own = readPackageJson(join(REPO_ROOT, 'test', 'install'));
    const missing = [...context.publicNames].filter((n) => own.devDependencies?.[n] === undefined);
    expect(missing).toEqual([]);
  });

  it('pnpm release versions the changesets, builds and publishes', () => {
    const root = readPackageJson(REPO_ROOT);
    expect(root.scripts?.release).toMatch(/^changeset version && .*build.* && changeset publish$/);
    const config = JSON.parse(readFileSync(join(REPO_ROOT, '.changeset', 'config.json'), 'utf8'));
    expect(config.access).toBe('public');
    // Without it, any minor release of @sluice/api would bump every plugin (its peer dependents)
    // by a major version, even when the new version still satisfies their peer range.
    expect(
      config.___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH
        ?.onlyUpdatePeerDependentsWhenOutOfRange,
    ).toBe(true);
  });
});

describe('the rules refuse a package that breaks them', () => {
  const root = mkdtempSync(join(tmpdir(), 'sluice-rules-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function write(path: string, text: string): void {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }

  it('names each broken rule', () => {
    const json: PackageJson = {
      name: '@sluice/connector-broken',
      version: '0.0.0',
      license: 'MIT',
      exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } },
      bin: { broken: './bin/broken.js' },
      files: ['dist'],
      sluice: { plugins: [] },
      dependencies: {
        '@sluice/api': 'workspace:*',
        '@sluice/test-fixtures': 'workspace:*',
        pg: '8.23.1',
      },
    };
    write('pkg/package.json', JSON.stringify(json));
    write('pkg/LICENSE', 'not the root license');
    write(
      'pkg/dist/index.d.ts',
      "import type { Pool } from 'pg';\nimport type { Readable } from 'node:stream';\nexport declare const x: import('kafkajs').Kafka;\n",
    );
    write(
      'pkg/dist/index.js.map',
      JSON.stringify({ version: 3, sources: ['../src/index.ts'], mappings: '' }),
    );
    write('pkg/src/index.ts', 'export {};\n');
    // An installed pg without types of its own, as the real one.
    write('pkg/node_modules/pg/package.json', JSON.stringify({ name: 'pg', version: '8.23.1' }));
    const problems = packageProblems(
      { dir: 'connectors/broken', path: join(root, 'pkg'), json },
      context,
    );
    expect(problems).toEqual([
      'description is missing',
      'license is MIT, not Apache-2.0',
      'repository must be {"type": "git", "url": "git+https://github.com/sluice/sluice.git", "directory": "connectors/broken"}',
      'homepage must be https://github.com/sluice/sluice/tree/main/connectors/broken#readme',
      'bugs must be {"url": "https://github.com/sluice/sluice/issues"}',
      'publishConfig must be {"access": "public"} (a scoped package is private by default)',
      'engines.node is missing',
      'LICENSE differs from the root LICENSE',
      'README.md is missing',
      './bin/broken.js (exports or bin) is not in files',
      'source map dist/index.js.map points to src/index.ts, which is not published: add its folder to files or stop emitting source maps',
      'dependencies.@sluice/api is workspace:*: workspace packages use "workspace:^"',
      'dependencies names the private package @sluice/test-fixtures, which is never published',
      'a plugin package has "@sluice/api": "workspace:^" in peerDependencies (one copy per worker)',
      'a plugin package must not have @sluice/api in dependencies (a peer instead)',
      'a plugin package has @sluice/api in devDependencies too (to build)',
      'its declaration files import kafkajs, which is not in dependencies or peerDependencies',
      'its declaration files import pg, which has no types of its own: @types/pg belongs in dependencies',
    ]);
  });

  it('reads the bare specifiers of a declaration file', () => {
    const text = [
      '/// <reference types="node" />',
      "import type { A } from './a.js';",
      "export { B } from '@aws-sdk/client-s3';",
      "export type C = import('pg').Pool;",
      "import 'side-effect';",
    ].join('\n');
    expect(declarationImports(text).sort()).toEqual([
      '@aws-sdk/client-s3',
      'node',
      'pg',
      'side-effect',
    ]);
  });
});
