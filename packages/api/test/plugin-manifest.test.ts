import { describe, expect, it } from 'vitest';
import {
  ConnectException,
  hasPluginManifest,
  missingPluginMethods,
  PLUGIN_KINDS,
  PluginManifestException,
  parsePluginManifest,
  SinkTask,
  SourceConnector,
} from '../src/index.js';

function problemsOf(packageJson: unknown): { path: string; message: string }[] {
  try {
    parsePluginManifest(packageJson, 'pkg');
  } catch (error) {
    expect(error).toBeInstanceOf(PluginManifestException);
    expect(error).toBeInstanceOf(ConnectException);
    return [...(error as PluginManifestException).problems];
  }
  throw new Error('expected a PluginManifestException');
}

describe('parsePluginManifest', () => {
  it('parses the manifest of DESIGN.md, splitting each export into module path and name', () => {
    const manifest = parsePluginManifest(
      {
        name: '@sluice/connector-postgres',
        sluice: {
          plugins: [
            {
              kind: 'source',
              name: 'PostgresSource',
              export: './dist/source.js#PostgresSourceConnector',
              aliases: ['io.confluent.connect.jdbc.JdbcSourceConnector'],
            },
            { kind: 'sink', name: 'PostgresSink', export: './dist/sink.js#PostgresSinkConnector' },
          ],
        },
      },
      '@sluice/connector-postgres',
    );
    expect(manifest.packageName).toBe('@sluice/connector-postgres');
    expect(manifest.plugins).toEqual([
      {
        kind: 'source',
        name: 'PostgresSource',
        export: './dist/source.js#PostgresSourceConnector',
        aliases: ['io.confluent.connect.jdbc.JdbcSourceConnector'],
        packageName: '@sluice/connector-postgres',
        modulePath: './dist/source.js',
        exportName: 'PostgresSourceConnector',
      },
      {
        kind: 'sink',
        name: 'PostgresSink',
        export: './dist/sink.js#PostgresSinkConnector',
        aliases: [],
        packageName: '@sluice/connector-postgres',
        modulePath: './dist/sink.js',
        exportName: 'PostgresSinkConnector',
      },
    ]);
    expect(Object.isFrozen(manifest.plugins)).toBe(true);
  });

  it('accepts every plugin kind and ignores fields it does not know', () => {
    const plugins = PLUGIN_KINDS.map((kind, i) => ({
      kind,
      name: `P${i}`,
      export: `./dist/p${i}.js#P${i}`,
      since: '2.0',
    }));
    expect(parsePluginManifest({ sluice: { plugins, future: true } }, 'pkg').plugins).toHaveLength(
      7,
    );
  });

  it('refuses what is not a manifest, naming where', () => {
    expect(problemsOf(null)).toEqual([
      { path: '(root)', message: 'package.json must be a JSON object' },
    ]);
    expect(problemsOf({ name: 'x' })).toEqual([
      { path: 'sluice', message: 'must be an object with a "plugins" array' },
    ]);
    expect(problemsOf({ sluice: { plugins: {} } })).toEqual([
      { path: 'sluice.plugins', message: 'must be an array of plugin declarations' },
    ]);
    expect(problemsOf({ sluice: { plugins: [] } })).toEqual([
      { path: 'sluice.plugins', message: 'must declare at least one plugin' },
    ]);
    expect(problemsOf({ sluice: { plugins: ['x'] } })).toEqual([
      { path: 'sluice.plugins[0]', message: 'must be an object with kind, name and export' },
    ]);
  });

  it('reports every problem of every entry at once', () => {
    const problems = problemsOf({
      sluice: {
        plugins: [
          { kind: 'connector', name: 'has space', export: 'dist/x.js' },
          { kind: 'sink', name: 'Ok', export: './dist/x.js#Ok', aliases: 'Alias' },
          { kind: 'sink', name: 'Ok2', export: './dist/x.js#Ok2', aliases: ['', 'a b', 3] },
        ],
      },
    });
    expect(problems.map((p) => p.path)).toEqual([
      'sluice.plugins[0].kind',
      'sluice.plugins[0].name',
      'sluice.plugins[0].export',
      'sluice.plugins[1].aliases',
      'sluice.plugins[2].aliases[0]',
      'sluice.plugins[2].aliases[1]',
      'sluice.plugins[2].aliases[2]',
    ]);
    expect(problems[0]?.message).toBe(
      'must be one of source, sink, converter, header-converter, transform, predicate, config-provider; got "connector"',
    );
    expect(problems[2]?.message).toMatch(/^must be "\.\/<path inside the package>#<ExportName>"/);
  });

  it('puts the package name and every problem in the message', () => {
    try {
      parsePluginManifest({ sluice: { plugins: [{ kind: 'sink', name: 'S' }] } }, 'my-pkg');
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe(
        'Invalid Sluice plugin manifest in package my-pkg:\n  - sluice.plugins[0].export: must be "./<path inside the package>#<ExportName>", e.g. "./dist/source.js#MySourceConnector"; got undefined',
      );
      expect((error as PluginManifestException).packageName).toBe('my-pkg');
    }
  });

  it('refuses an export path that leaves the package', () => {
    expect(
      problemsOf({
        sluice: { plugins: [{ kind: 'sink', name: 'S', export: './dist/../../evil.js#S' }] },
      }),
    ).toEqual([
      { path: 'sluice.plugins[0].export', message: 'must stay inside the package (no "..")' },
    ]);
  });

  it('refuses a name or alias used twice for the same kind, but allows it across kinds', () => {
    const problems = problemsOf({
      sluice: {
        plugins: [
          { kind: 'source', name: 'Pg', export: './a.js#A', aliases: ['Jdbc'] },
          { kind: 'source', name: 'Jdbc', export: './b.js#B' },
          { kind: 'source', name: 'Other', export: './c.js#C', aliases: ['Pg'] },
        ],
      },
    });
    expect(problems).toEqual([
      {
        path: 'sluice.plugins[1].name',
        message:
          '"Jdbc" is already used by sluice.plugins[0] (names and aliases must be unique per kind)',
      },
      {
        path: 'sluice.plugins[2].aliases[0]',
        message:
          '"Pg" is already used by sluice.plugins[0] (names and aliases must be unique per kind)',
      },
    ]);
    expect(() =>
      parsePluginManifest(
        {
          sluice: {
            plugins: [
              { kind: 'source', name: 'Pg', export: './a.js#A' },
              { kind: 'sink', name: 'Pg', export: './b.js#B' },
            ],
          },
        },
        'pkg',
      ),
    ).not.toThrow();
  });
});

describe('hasPluginManifest', () => {
  it('is true only for a package.json with a sluice field', () => {
    expect(hasPluginManifest({ sluice: {} })).toBe(true);
    expect(hasPluginManifest({ name: 'x' })).toBe(false);
    expect(hasPluginManifest('sluice')).toBe(false);
  });
});

describe('missingPluginMethods', () => {
  it('finds nothing missing on a complete connector class, inherited methods included', () => {
    class Complete extends SourceConnector {
      version = () => '1';
      override start(): void {}
      override taskClass(): never {
        throw new Error('unused');
      }
      override taskConfigs() {
        return [];
      }
      override stop(): void {}
      override config(): never {
        throw new Error('unused');
      }
    }
    // `version` is an instance property here: a class check misses it, an instance check does not.
    expect(missingPluginMethods('source', Complete)).toEqual(['version']);
    expect(missingPluginMethods('source', new Complete())).toEqual([]);
  });

  it('names the methods a plugin lacks', () => {
    class HalfTask extends SinkTask {
      override version(): string {
        return '1';
      }
      override start(): void {}
      override stop(): void {}
      override put(): void {}
    }
    expect(missingPluginMethods('sink-task', HalfTask)).toEqual([]);
    expect(missingPluginMethods('transform', { apply() {}, configure() {} })).toEqual([
      'config',
      'close',
    ]);
    expect(missingPluginMethods('converter', null)).toEqual([
      'configure',
      'fromConnectData',
      'toConnectData',
      'config',
    ]);
  });
});
