import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigException } from '@sluice/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/logging/logger.js';
import { loadPlugins } from '../src/plugins/plugin-loader.js';

let root: string;

/** A fake plugin package: package.json with a manifest plus one ESM module. */
async function pluginPackage(
  dir: string,
  name: string,
  plugins: Array<{ kind: string; name: string; export: string; aliases?: string[] }>,
  moduleSource: string,
): Promise<void> {
  await mkdir(join(dir, 'dist'), { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name, version: '1.2.3', type: 'module', sluice: { plugins } }),
  );
  await writeFile(join(dir, 'dist', 'index.js'), moduleSource);
}

const CONVERTER_SOURCE = `
export class UpperConverter {
  configure() {}
  config() { return null; }
  fromConnectData(_t, _h, _s, v) { return new TextEncoder().encode(String(v).toUpperCase()); }
  toConnectData(_t, _h, v) { return { schema: null, value: new TextDecoder().decode(v) }; }
}
export class HalfConverter {
  configure() {}
  toConnectData() { return null; }
}
`;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sluice-plugins-'));
  const pluginPath = join(root, 'plugins');
  await pluginPackage(
    join(pluginPath, 'upper'),
    'sluice-upper',
    [
      {
        kind: 'converter',
        name: 'UpperConverter',
        export: './dist/index.js#UpperConverter',
        aliases: ['com.example.UpperConverter'],
      },
      { kind: 'converter', name: 'HalfConverter', export: './dist/index.js#HalfConverter' },
      { kind: 'converter', name: 'GhostConverter', export: './dist/index.js#Nope' },
    ],
    CONVERTER_SOURCE,
  );
  // Another package claiming the same short name and alias.
  await pluginPackage(
    join(pluginPath, '@other', 'upper'),
    '@other/upper',
    [
      {
        kind: 'converter',
        name: 'UpperConverter',
        export: './dist/index.js#UpperConverter',
        aliases: ['com.example.UpperConverter'],
      },
    ],
    CONVERTER_SOURCE,
  );
  // A package whose manifest is broken is reported, not fatal.
  await mkdir(join(pluginPath, 'broken'), { recursive: true });
  await writeFile(
    join(pluginPath, 'broken', 'package.json'),
    JSON.stringify({ name: 'broken', sluice: { plugins: [{ kind: 'nope' }] } }),
  );
  // A "worker" whose dependency declares a plugin.
  const worker = join(root, 'worker');
  await mkdir(worker, { recursive: true });
  await writeFile(
    join(worker, 'package.json'),
    JSON.stringify({ name: 'w', dependencies: { 'dep-plugin': '1.0.0', 'not-installed': '1' } }),
  );
  await pluginPackage(
    join(worker, 'node_modules', 'dep-plugin'),
    'dep-plugin',
    [{ kind: 'converter', name: 'DepConverter', export: './dist/index.js#UpperConverter' }],
    CONVERTER_SOURCE,
  );
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function expectConfigError(fn: () => unknown, key: string, pattern: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigException);
    expect((error as ConfigException).problems.map((p) => p.key)).toContain(key);
    expect((error as Error).message).toMatch(pattern);
    return;
  }
  throw new Error('expected a ConfigException');
}

describe('plugin loader', () => {
  it('registers the built-in converters under short and Java class names', async () => {
    const { registry } = await loadPlugins({ log: silentLogger() });
    const byJava = registry.resolve(
      'converter',
      'org.apache.kafka.connect.storage.StringConverter',
      'value.converter',
    );
    expect(byJava.name).toBe('StringConverter');
    const { instance } = await registry.instantiate(
      'header-converter',
      'org.apache.kafka.connect.storage.SimpleHeaderConverter',
      'header.converter',
    );
    expect(typeof (instance as { toConnectHeader: unknown }).toConnectHeader).toBe('function');
    expect(registry.resolve('converter', 'ByteArrayConverter', 'k').packageName).toBe(
      '@sluice/runtime',
    );
  });

  it('finds plugins among the worker dependencies and in plugin.path, and loads them lazily', async () => {
    const { registry, problems } = await loadPlugins({
      dependencyRoots: [join(root, 'worker')],
      pluginPath: [join(root, 'plugins')],
      log: silentLogger(),
    });
    const dep = await registry.instantiate('converter', 'DepConverter', 'value.converter');
    expect(dep.plugin.packageName).toBe('dep-plugin');
    expect(dep.plugin.version).toBe('1.2.3');
    const converter = dep.instance as {
      fromConnectData(t: string, h: null, s: null, v: unknown): Uint8Array;
    };
    expect(new TextDecoder().decode(converter.fromConnectData('t', null, null, 'abc'))).toBe('ABC');
    // The broken manifest is reported with its location and the field at fault.
    expect(problems).toHaveLength(1);
    expect(problems[0]?.location).toContain('broken');
    expect(problems[0]?.message).toContain('sluice.plugins[0].kind');
  });

  it('reports a name claimed by two packages instead of shadowing one, and accepts the qualified names', async () => {
    const { registry } = await loadPlugins({
      pluginPath: [join(root, 'plugins')],
      log: silentLogger(),
    });
    expect(registry.conflicts().map((c) => c.name)).toEqual(
      expect.arrayContaining(['UpperConverter', 'com.example.UpperConverter']),
    );
    expectConfigError(
      () => registry.resolve('converter', 'UpperConverter', 'value.converter'),
      'value.converter',
      /ambiguous: it names @other\/upper\/UpperConverter .* and sluice-upper\/UpperConverter/,
    );
    expect(
      registry.resolve('converter', '@other/upper/UpperConverter', 'value.converter').packageName,
    ).toBe('@other/upper');
    expect(
      registry.resolve('converter', 'sluice-upper/UpperConverter', 'value.converter').packageName,
    ).toBe('sluice-upper');
  });

  it('refuses a plugin missing a method of its interface, naming the package and the methods', async () => {
    const { registry } = await loadPlugins({
      pluginPath: [join(root, 'plugins')],
      log: silentLogger(),
    });
    await expect(
      registry.instantiate('converter', 'HalfConverter', 'key.converter'),
    ).rejects.toThrow(
      /HalfConverter of package sluice-upper .*missing methods fromConnectData, config/,
    );
    await expect(
      registry.instantiate('converter', 'GhostConverter', 'key.converter'),
    ).rejects.toThrow(/not a class.*export name/);
  });

  it('lists the installed plugins of the kind when a name is unknown', async () => {
    const { registry } = await loadPlugins({ log: silentLogger() });
    expectConfigError(
      () => registry.resolve('connector', 'com.example.Nope', 'connector.class'),
      'connector.class',
      /Failed to find any connector plugin named com.example.Nope. Installed connector plugins: none/,
    );
    expectConfigError(
      () => registry.resolve('converter', 'Nope', 'value.converter'),
      'value.converter',
      /Installed converter plugins: .*@sluice\/runtime\/StringConverter/,
    );
  });
});
