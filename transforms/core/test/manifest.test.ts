import { readFileSync } from 'node:fs';
import { missingPluginMethods, parsePluginManifest } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import * as exported from '../src/index.js';

const packageJson = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as unknown;

describe('plugin manifest', () => {
  const manifest = parsePluginManifest(packageJson, '@sluice/transforms');

  it('declares every export it names, each implementing its interface', () => {
    for (const plugin of manifest.plugins) {
      const candidate = (exported as Record<string, unknown>)[plugin.exportName];
      expect(candidate, plugin.exportName).toBeTypeOf('function');
      expect(missingPluginMethods(plugin.kind, candidate), plugin.name).toEqual([]);
    }
  });

  it("accepts Kafka's Java class names as aliases", () => {
    const aliases = new Map(
      manifest.plugins.flatMap((p) => p.aliases.map((alias) => [alias, p.exportName] as const)),
    );
    expect(aliases.get('org.apache.kafka.connect.transforms.InsertField$Value')).toBe(
      'InsertFieldValue',
    );
    expect(aliases.get('org.apache.kafka.connect.transforms.predicates.TopicNameMatches')).toBe(
      'TopicNameMatches',
    );
    const transforms = manifest.plugins.filter((p) => p.kind === 'transform');
    const predicates = manifest.plugins.filter((p) => p.kind === 'predicate');
    expect(transforms).toHaveLength(26);
    expect(predicates).toHaveLength(3);
  });
});
