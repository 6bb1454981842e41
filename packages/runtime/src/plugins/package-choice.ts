import { compareVersions } from './package-version.js';
import type { FoundPackage } from './plugin-discovery.js';

/** A package found in more than one folder: the copy used, and the ones set aside. */
export interface DuplicatePackage {
  readonly name: string;
  readonly chosen: FoundPackage;
  readonly others: readonly FoundPackage[];
}

function nameOf(found: FoundPackage): string {
  return typeof found.packageJson.name === 'string' ? found.packageJson.name : found.dir;
}

/** The version of a found package (`0.0.0` when it has none). */
export function versionOf(found: FoundPackage): string {
  return typeof found.packageJson.version === 'string' ? found.packageJson.version : '0.0.0';
}

/**
 * Keeps one copy of each plugin package. The same package is found twice when a connector is
 * installed next to the worker that bundles another version of it, or in a project and in
 * `plugin.path`: the highest version wins (as Kafka Connect loads the latest version of a plugin
 * by default), the first found among equal versions. Folders are real paths, so one package
 * reached through a pnpm symbolic link and through its store folder counts once.
 */
export function choosePackages(found: readonly FoundPackage[]): {
  packages: FoundPackage[];
  duplicates: DuplicatePackage[];
} {
  const byName = new Map<string, FoundPackage[]>();
  for (const pkg of found) {
    const copies = byName.get(nameOf(pkg)) ?? [];
    if (!copies.some((c) => c.dir === pkg.dir)) copies.push(pkg);
    byName.set(nameOf(pkg), copies);
  }
  const packages: FoundPackage[] = [];
  const duplicates: DuplicatePackage[] = [];
  for (const [name, copies] of byName) {
    // A stable sort: among equal versions the first found stays first.
    const ordered = [...copies].sort((a, b) => compareVersions(versionOf(b), versionOf(a)));
    const [chosen, ...others] = ordered as [FoundPackage, ...FoundPackage[]];
    packages.push(chosen);
    if (others.length > 0) duplicates.push({ name, chosen, others });
  }
  return { packages, duplicates };
}
