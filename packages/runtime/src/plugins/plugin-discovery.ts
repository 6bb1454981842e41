import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hasPluginManifest, parsePluginManifest } from '@sluice/api';
import type { Logger } from '../logging/logger.js';
import { declaredPlugin, type PluginDescriptor } from './plugin-registry.js';

/** A package that declares plugins, found on disk. */
export interface FoundPackage {
  /** Its real folder (symbolic links resolved: pnpm links packages from its store). */
  dir: string;
  packageJson: Record<string, unknown>;
}

/** A package that could not be used, with why (shown at start). */
export interface DiscoveryProblem {
  location: string;
  message: string;
}

async function readPackageJson(dir: string): Promise<Record<string, unknown> | null> {
  let text: string;
  try {
    text = await readFile(join(dir, 'package.json'), 'utf8');
  } catch {
    return null;
  }
  const parsed: unknown = JSON.parse(text);
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : null;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The folder of `dep` as Node would find it from `fromDir` (node_modules, walking up). */
async function findDependency(fromDir: string, dep: string): Promise<string | null> {
  let dir = resolve(fromDir);
  for (;;) {
    const candidate = join(dir, 'node_modules', dep);
    if (await isDirectory(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Packages with a `sluice` manifest among the dependencies of the package at `rootDir`. */
export async function dependencyPackages(
  rootDir: string,
  problems: DiscoveryProblem[],
): Promise<FoundPackage[]> {
  const root = await readPackageJson(rootDir);
  if (!root) return [];
  const deps = Object.keys((root.dependencies as Record<string, string> | undefined) ?? {});
  const out: FoundPackage[] = [];
  for (const dep of deps) {
    const dir = await findDependency(rootDir, dep);
    const found = dir ? await pluginPackageAt(dir, problems) : null;
    if (found) out.push(found);
  }
  return out;
}

/** The plugin package in `dir` (by its real path), or null if it declares no plugins. */
async function pluginPackageAt(
  dir: string,
  problems: DiscoveryProblem[],
): Promise<FoundPackage | null> {
  try {
    const packageJson = await readPackageJson(dir);
    if (!packageJson || !hasPluginManifest(packageJson)) return null;
    return { dir: await realpath(dir), packageJson };
  } catch (error) {
    problems.push({ location: dir, message: (error as Error).message });
    return null;
  }
}

/** Plugin packages in the sub-folders of `dir`, scoped `@org/name` ones and node_modules too. */
async function scanFolder(dir: string, problems: DiscoveryProblem[]): Promise<FoundPackage[]> {
  let entries: string[];
  try {
    entries = (await readdir(dir)).sort();
  } catch {
    return [];
  }
  const out: FoundPackage[] = [];
  for (const entry of entries) {
    if (entry.startsWith('.')) continue;
    const child = join(dir, entry);
    if (!(await isDirectory(child))) continue;
    if (entry.startsWith('@') || entry === 'node_modules')
      out.push(...(await scanFolder(child, problems)));
    else {
      const found = await pluginPackageAt(child, problems);
      if (found) out.push(found);
    }
  }
  return out;
}

/**
 * Plugin packages installed beside the package at `packageDir`, when it is itself installed in a
 * node_modules folder: a global install (`npm install -g @sluice/worker` and then a connector)
 * puts the worker and the connector side by side, neither a dependency of the other.
 */
export async function besidePackages(
  packageDir: string,
  problems: DiscoveryProblem[],
): Promise<FoundPackage[]> {
  let dir = dirname(resolve(packageDir));
  if (basename(dir).startsWith('@')) dir = dirname(dir);
  return basename(dir) === 'node_modules' ? scanFolder(dir, problems) : [];
}

/**
 * Packages with a `sluice` manifest in a `plugin.path` folder: the folder itself when it is such
 * a package, else its sub-folders (scoped `@org/name` ones too), and its node_modules.
 */
export async function pluginPathPackages(
  folder: string,
  problems: DiscoveryProblem[],
): Promise<FoundPackage[]> {
  if (!(await isDirectory(folder))) {
    problems.push({ location: folder, message: 'plugin.path folder does not exist' });
    return [];
  }
  const itself = await pluginPackageAt(folder, problems);
  return itself ? [itself] : scanFolder(folder, problems);
}

/** The plugins a found package declares (invalid manifests become problems). */
export function packagePlugins(
  found: FoundPackage,
  problems: DiscoveryProblem[],
): PluginDescriptor[] {
  const name = typeof found.packageJson.name === 'string' ? found.packageJson.name : found.dir;
  const version =
    typeof found.packageJson.version === 'string' ? found.packageJson.version : '0.0.0';
  try {
    const manifest = parsePluginManifest(found.packageJson, name);
    return manifest.plugins.map((declaration) =>
      declaredPlugin(declaration, version, found.dir, async () => {
        const url = pathToFileURL(join(found.dir, declaration.modulePath)).href;
        return (await import(url)) as Record<string, unknown>;
      }),
    );
  } catch (error) {
    problems.push({ location: found.dir, message: (error as Error).message });
    return [];
  }
}

/** Logs what discovery could not use, one warning each. */
export function logDiscoveryProblems(problems: DiscoveryProblem[], log: Logger): void {
  for (const p of problems)
    log.warn({ location: p.location }, `Plugin package ignored: ${p.message}`);
}
