import type { ConfigProblem } from '@sluice/api';
import type { PluginDescriptor, PluginRegistry, PluginRole } from '../plugins/plugin-registry.js';

/** Orders two versions segment by segment, numbers as numbers (`1.10` after `1.9`). */
function compareVersions(a: string, b: string): number {
  const as = a.split(/[.-]/);
  const bs = b.split(/[.-]/);
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    const x = as[i] ?? '0';
    const y = bs[i] ?? '0';
    const nx = Number(x);
    const ny = Number(y);
    const c = Number.isInteger(nx) && Number.isInteger(ny) ? nx - ny : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return c;
  }
  return 0;
}

/** A version requirement: `[1.0,2.0)`, `[1.0,)`, `(,2.0]`, `[1.2]`; a bare version means exactly it. */
export interface VersionRange {
  /** As Kafka prints it (a bare version `1.2` as `[1.2,1.2]`). */
  readonly text: string;
  contains(version: string): boolean;
}

/**
 * Kafka's PluginUtils.connectorVersionRequirement (KIP-891) for one Maven-style range; null for
 * no requirement (unset or `latest`). Throws on a malformed range.
 */
export function versionRange(spec: string | undefined): VersionRange | null {
  if (spec === undefined || spec.trim() === '' || spec.trim() === 'latest') return null;
  const trimmed = spec.trim();
  const text = /^[[(]/.test(trimmed) ? trimmed : `[${trimmed}]`;
  const m = /^([[(])([^,\])]*)(?:(,)([^\])]*))?([\])])$/.exec(text);
  if (!m) throw new Error(`Invalid version specification: ${spec}`);
  const [, open, low = '', comma, high = '', close] = m;
  const lower = low.trim();
  const upper = comma ? high.trim() : lower;
  return {
    // Maven prints a single version as a range from it to itself.
    text: comma ? text : `${open}${lower},${lower}${close}`,
    contains(version) {
      if (lower !== '') {
        const c = compareVersions(version, lower);
        if (c < 0 || (c === 0 && open === '(')) return false;
      }
      if (upper !== '') {
        const c = compareVersions(version, upper);
        if (c > 0 || (c === 0 && close === ')')) return false;
      }
      return true;
    },
  };
}

/** The `*.plugin.version` keys of a connector config and the plugin each pins. */
function versionedPlugins(
  props: Readonly<Record<string, string>>,
  workerConverters: Readonly<Record<'key' | 'value' | 'header', string>>,
): Array<{ key: string; role: PluginRole; plugin: string | undefined }> {
  const aliases = (list: string | undefined) =>
    (list ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
  return [
    { key: 'connector.plugin.version', role: 'connector', plugin: props['connector.class'] },
    ...(['key', 'value', 'header'] as const).map((r) => ({
      key: `${r}.converter.plugin.version`,
      role: (r === 'header' ? 'header-converter' : 'converter') as PluginRole,
      plugin: props[`${r}.converter`] ?? workerConverters[r],
    })),
    ...aliases(props.transforms).map((a) => ({
      key: `transforms.${a}.plugin.version`,
      role: 'transform' as PluginRole,
      plugin: props[`transforms.${a}.type`],
    })),
    ...aliases(props.predicates).map((a) => ({
      key: `predicates.${a}.plugin.version`,
      role: 'predicate' as PluginRole,
      plugin: props[`predicates.${a}.type`],
    })),
  ];
}

/**
 * The `*.plugin.version` settings (KIP-891) the installed plugins do not satisfy, with Kafka's
 * message. Each plugin has one installed version; a key naming no installed plugin is left to the
 * check of the plugin key itself.
 */
export function pluginVersionProblems(
  plugins: PluginRegistry,
  props: Readonly<Record<string, string>>,
  workerConverters: Readonly<Record<'key' | 'value' | 'header', string>>,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const { key, role, plugin } of versionedPlugins(props, workerConverters)) {
    const spec = props[key];
    let range: VersionRange | null;
    try {
      range = versionRange(spec);
    } catch (error) {
      problems.push({ key, value: spec, message: (error as Error).message });
      continue;
    }
    if (range === null || plugin === undefined) continue;
    let installed: PluginDescriptor;
    try {
      installed = plugins.resolve(role, plugin, key);
    } catch {
      continue;
    }
    if (!range.contains(installed.version))
      problems.push({
        key,
        value: spec,
        message: `Plugin ${plugin} not found that matches the version range ${range.text}, available versions: [${installed.version}]`,
      });
  }
  return problems;
}
