import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logging/logger.js';
import { loadPlugins } from '../src/plugins/plugin-loader.js';

let root: string;

const SOURCE = `export class TagConverter {
  configure() {}
  fromConnectData() { return new Uint8Array(); }
  toConnectData() { return { schema: null, value: null }; }
}
`;

/** A plugin package declaring one converter, `TagConverter`. */
async function pluginPackage(dir: string, name: string, version: string): Promise<void> {
  await mkdir(join(dir, 'dist'), { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({
      name,
      version,
      type: 'module',
      sluice: {
        plugins: [
          { kind: 'converter', name: 'TagConverter', export: './dist/index.js#TagConverter' },
        ],
      },
    }),
  );
  await writeFile(join(dir, 'dist', 'index.js'), SOURCE);
}

/** A package.json without plugins (a worker, a user's project). */
async function plainPackage(dir: string, dependencies: Record<string, string> = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'p', dependencies }));
}

/** Discovery with its log lines (JSON objects) kept. */
async function discover(options: { dependencyRoots?: string[]; pluginPath?: string[] }) {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  const { registry } = await loadPlugins({
    ...options,
    log: createLogger({ level: 'debug' }, destination),
  });
  const warnings = lines.filter((l) => l.level === 40).map((l) => String(l.msg));
  return { registry, warnings };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sluice-discovery-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('plugin discovery in the layouts npm and pnpm install', () => {
  it('finds a connector installed globally beside the worker (npm install -g)', async () => {
    const modules = join(root, 'global', 'lib', 'node_modules');
    const worker = join(modules, '@sluice', 'worker');
    await plainPackage(worker);
    await pluginPackage(join(modules, '@acme', 'connector-tag'), '@acme/connector-tag', '1.0.0');
    const { registry, warnings } = await discover({
      dependencyRoots: [worker, join(root, 'global')],
    });
    expect(registry.resolve('converter', 'TagConverter', 'key.converter').packageName).toBe(
      '@acme/connector-tag',
    );
    expect(warnings).toEqual([]);
  });

  it('counts a package reached through pnpm symbolic links and through its store folder once', async () => {
    const project = join(root, 'pnpm-project');
    const store = join(project, 'node_modules', '.pnpm');
    const tagReal = join(store, 'tag@1.0.0', 'node_modules', 'tag');
    const workerReal = join(store, 'worker@1.0.0', 'node_modules', 'worker');
    await pluginPackage(tagReal, 'tag', '1.0.0');
    await plainPackage(workerReal, { tag: '1.0.0' });
    // The worker's dependency, linked beside it in the store, and the project's, linked at the top.
    await symlink(tagReal, join(store, 'worker@1.0.0', 'node_modules', 'tag'));
    await symlink(tagReal, join(project, 'node_modules', 'tag'));
    await plainPackage(project, { tag: '1.0.0', worker: '1.0.0' });
    const { registry, warnings } = await discover({ dependencyRoots: [workerReal, project] });
    expect(registry.list('converter').filter((p) => p.packageName === 'tag')).toHaveLength(1);
    expect(registry.conflicts()).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('finds the packages of a plugin.path folder holding an npm node_modules', async () => {
    const pluginPath = join(root, 'plugins');
    await plainPackage(pluginPath, { '@acme/connector-pp': '1.0.0' });
    await pluginPackage(
      join(pluginPath, 'node_modules', '@acme', 'connector-pp'),
      '@acme/connector-pp',
      '1.0.0',
    );
    const { registry } = await discover({ pluginPath: [pluginPath] });
    expect(registry.resolve('converter', 'TagConverter', 'key.converter').packageName).toBe(
      '@acme/connector-pp',
    );
  });

  it('uses the highest of two versions of one plugin package and says so, naming both', async () => {
    const worker = join(root, 'two', 'worker');
    const project = join(root, 'two', 'project');
    await plainPackage(worker, { dup: '^1.0.0' });
    await pluginPackage(join(worker, 'node_modules', 'dup'), 'dup', '1.4.0');
    await plainPackage(project, { dup: '^1.10.0' });
    await pluginPackage(join(project, 'node_modules', 'dup'), 'dup', '1.10.0');
    const { registry, warnings } = await discover({ dependencyRoots: [worker, project] });
    const plugin = registry.resolve('converter', 'TagConverter', 'key.converter');
    expect(plugin.version).toBe('1.10.0');
    expect(plugin.location).toBe(join(project, 'node_modules', 'dup'));
    expect(warnings).toEqual([
      `Plugin package dup is installed in 2 versions: 1.10.0 (${join(project, 'node_modules', 'dup')}), 1.4.0 (${join(worker, 'node_modules', 'dup')}); using 1.10.0 from ${join(project, 'node_modules', 'dup')}`,
    ]);
  });
});
