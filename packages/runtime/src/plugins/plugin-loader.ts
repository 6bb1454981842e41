import type { Logger } from '../logging/logger.js';
import { builtinPlugins } from './builtin-plugins.js';
import { choosePackages, type DuplicatePackage, versionOf } from './package-choice.js';
import {
  besidePackages,
  type DiscoveryProblem,
  dependencyPackages,
  type FoundPackage,
  logDiscoveryProblems,
  packagePlugins,
  pluginPathPackages,
} from './plugin-discovery.js';
import { PluginRegistry } from './plugin-registry.js';

export interface PluginLoaderOptions {
  /**
   * Packages whose dependencies are searched (the worker's own package folder, the current
   * project); when such a package is itself installed in a node_modules folder, the plugin
   * packages installed beside it too (a global install).
   */
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
 * dependencies of `dependencyRoots` or installed beside them, and those in `plugin.path`. One
 * copy of each package is kept (the highest version; a warning names every version found).
 * Nothing is imported yet (that happens when a config names the plugin). Names claimed by two
 * packages are logged as conflicts.
 */
export async function loadPlugins(options: PluginLoaderOptions): Promise<LoadedPlugins> {
  const problems: DiscoveryProblem[] = [];
  const registry = new PluginRegistry();
  for (const p of builtinPlugins()) registry.add(p);
  const found: FoundPackage[] = [];
  for (const root of options.dependencyRoots ?? []) {
    found.push(...(await dependencyPackages(root, problems)));
    found.push(...(await besidePackages(root, problems)));
  }
  for (const folder of options.pluginPath ?? []) {
    if (folder.trim() === '') continue;
    found.push(...(await pluginPathPackages(folder.trim(), problems)));
  }
  const { packages, duplicates } = choosePackages(found);
  for (const pkg of packages) {
    for (const plugin of packagePlugins(pkg, problems)) registry.add(plugin);
  }
  logDiscoveryProblems(problems, options.log);
  for (const duplicate of duplicates) logDuplicate(duplicate, options.log);
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

/**
 * Says which copy of a package found twice is used: a warning when the versions differ (the
 * configs run on one of them, and the user should know which), debug when it is the same
 * version in two folders (npm does not always deduplicate).
 */
function logDuplicate(duplicate: DuplicatePackage, log: Logger): void {
  const { name, chosen, others } = duplicate;
  const version = versionOf(chosen);
  const copies = [chosen, ...others].map((p) => `${versionOf(p)} (${p.dir})`);
  const fields = { package: name, version, location: chosen.dir, found: copies };
  if (others.every((p) => versionOf(p) === version)) {
    log.debug(
      fields,
      `Plugin package ${name} ${version} found in ${copies.length} folders; using ${chosen.dir}`,
    );
    return;
  }
  log.warn(
    fields,
    `Plugin package ${name} is installed in ${copies.length} versions: ${copies.join(', ')}; using ${version} from ${chosen.dir}`,
  );
}
