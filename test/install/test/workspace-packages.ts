import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo's root folder. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The parts of a package.json these checks read. */
export interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  description?: string;
  license?: string;
  repository?: { type?: string; url?: string; directory?: string };
  homepage?: string;
  bugs?: { url?: string };
  engines?: Record<string, string>;
  bin?: Record<string, string>;
  exports?: Record<string, unknown>;
  files?: string[];
  publishConfig?: Record<string, unknown>;
  scripts?: Record<string, string>;
  sluice?: unknown;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** One package of the workspace: its folder relative to the root, and its package.json. */
export interface WorkspacePackage {
  dir: string;
  path: string;
  json: PackageJson;
}

/** Reads a package.json. */
export function readPackageJson(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** Every package of pnpm-workspace.yaml (its `- folder` and `- folder/*` entries). */
export function workspacePackages(): WorkspacePackage[] {
  const yaml = readFileSync(join(REPO_ROOT, 'pnpm-workspace.yaml'), 'utf8');
  const globs = [...yaml.matchAll(/^\s*-\s*['"]?([^'"\s]+)['"]?\s*$/gm)].map((m) => m[1] as string);
  const dirs = globs.flatMap((glob) => {
    if (!glob.endsWith('/*')) return [glob];
    const parent = glob.slice(0, -2);
    return readdirSync(join(REPO_ROOT, parent), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => `${parent}/${e.name}`);
  });
  return dirs
    .filter((dir) => existsSync(join(REPO_ROOT, dir, 'package.json')))
    .sort()
    .map((dir) => {
      const path = join(REPO_ROOT, dir);
      return { dir, path, json: readPackageJson(path) };
    });
}

/** The packages that are published to npm (not `private`). */
export function publicPackages(): WorkspacePackage[] {
  return workspacePackages().filter((p) => p.json.private !== true);
}
