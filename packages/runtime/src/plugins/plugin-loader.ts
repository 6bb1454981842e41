import type { Logger } from '../logging/logger.js';
import { builtinPlugins } from './builtin-plugins.js';
import {
  type DiscoveryProblem,
  dependencyPackages,
  type FoundPackage,
  logDiscoveryProblems,
  packagePlugins,
  pluginPathPackages,
} from './plugin-discovery.js';
import { PluginRegistry } from './plugin-registry.js';

export interface PluginLoaderOptions {
  /** Packages whose dependencies are searched (the worker's own package folder). */
  dependencyRoots?: readonly string[];
  /** The worker's `plugin.path` folders. */
  pluginPath?: readonly string[];
  log: Logger;
}

/** What discovery found: the registry plus everything it could not use. */
export interface LoadedPlugins {
  registry: PluginRegistry;
  problems: DiscoveryProblem[];
}

/**
 * Finds every plugin: the runtime's built-ins, packages with a `sluice` manifest among the
 * dependencies of `dependencyRoots`, and those in `plugin.path`. Nothing is imported yet (that
 * happens when a config names the plugin). Names claimed twice are logged as conflicts.
 */
export async function loadPlugins(options: PluginLoaderOptions): Promise<LoadedPlugins> {
  const problems: DiscoveryProblem[] = [];
  const registry = new PluginRegistry();
  for (const p of builtinPlugins()) registry.add(p);
  const found: FoundPackage[] = [];
  for (const root of options.dependencyRoots ?? []) {
    found.push(...(await dependencyPackages(root, problems)));
  }
  for (const folder of options.pluginPath ?? []) {
    if (folder.trim() === '') continue;
    found.push(...(await pluginPathPackages(folder.trim(), problems)));
  }
  const seenDirs = new Set<string>();
  for (const pkg of found) {
    if (seenDirs.has(pkg.dir)) continue;
    seenDirs.add(pkg.dir);
    for (const plugin of packagePlugins(pkg, problems)) registry.add(plugin);
  }
  logDiscoveryProblems(problems, options.log);
  for (const c of registry.conflicts()) {
    options.log.warn(
      { kind: c.kind, name: c.name, plugins: c.claimedBy },
      `Plugin name ${c.name} (${c.kind}) is claimed by ${c.claimedBy.join(' and ')}; configs must use the package-qualified name`,
    );
  }
  logPluginSummary(registry, options.log);
  return { registry, problems };
}

/**
 * One short line of what was found: how many plugins of each kind and the packages they come
 * from (the full list, one name per plugin, at debug level).
 */
function logPluginSummary(registry: PluginRegistry, log: Logger): void {
  const plugins = registry.list();
  const kinds: Record<string, number> = {};
  const packages = new Map<string, string>();
  for (const p of plugins) {
    kinds[p.kind] = (kinds[p.kind] ?? 0) + 1;
    packages.set(p.packageName, `${p.packageName}@${p.version}`);
  }
  const counts = Object.entries(kinds)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
  log.info(
    { packages: [...packages.values()].sort() },
    `Found ${plugins.length} plugins in ${packages.size} package${packages.size === 1 ? '' : 's'}: ${counts}`,
  );
  log.debug({ plugins: plugins.map((p) => `${p.kind}:${p.qualifiedName}`) }, 'plugins found');
}
