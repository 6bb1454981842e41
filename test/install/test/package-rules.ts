import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { type PackageJson, readPackageJson, type WorkspacePackage } from './workspace-packages.js';

/** The repository every package.json points to (repository, homepage, bugs). */
export const REPOSITORY = 'https://github.com/sluice/sluice';

/**
 * Packages that republish third-party code (the patched kafkajs): they keep the upstream's
 * license, and their LICENSE file is the upstream's with its copyright line.
 */
export const FORKS: Readonly<Record<string, { license: string; copyright: string }>> = {
  '@sluice/kafkajs': { license: 'MIT', copyright: 'Copyright (c) 2018 Túlio Ornelas' },
};

/** What the rules compare a package against. */
export interface RuleContext {
  /** The root LICENSE text: each package ships the same file. */
  license: string;
  /** Names of the workspace's public packages. */
  publicNames: ReadonlySet<string>;
  /** Names of the workspace's private packages (never a dependency of a public one). */
  privateNames: ReadonlySet<string>;
}

function filesUnder(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(suffix))
    .map((f) => join(dir, f));
}

/** Whether `relPath` (relative to the package) is published by the `files` field. */
function published(files: readonly string[], relPath: string): boolean {
  const path = relPath.split(sep).join('/').replace(/^\.\//, '');
  return files.some((f) => {
    const entry = f.replace(/^\.\//, '').replace(/\/$/, '');
    return path === entry || path.startsWith(`${entry}/`);
  });
}

/** The bare module specifiers a declaration file imports (`pg`, `@aws-sdk/client-s3`). */
export function declarationImports(text: string): string[] {
  const patterns = [
    /\bfrom\s+['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bimport\s+['"]([^'"]+)['"]/g,
    /\/\/\/\s*<reference\s+types\s*=\s*['"]([^'"]+)['"]/g,
  ];
  const out = new Set<string>();
  for (const pattern of patterns)
    for (const m of text.matchAll(pattern)) {
      const spec = m[1] as string;
      if (!spec.startsWith('.') && !spec.startsWith('/')) out.add(spec);
    }
  return [...out];
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

function isNodeBuiltin(specifier: string): boolean {
  // `/// <reference types="node" />`: Node's own types, which a TypeScript project for Node has.
  if (specifier === 'node') return true;
  return specifier.startsWith('node:') || builtinModules.includes(packageNameOf(specifier));
}

/** The folder of `name` as Node finds it from `fromDir`, or null. */
function installedDir(fromDir: string, name: string): string | null {
  let dir = resolve(fromDir);
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Whether an installed package carries its own type declarations. */
function hasOwnTypes(dir: string): boolean {
  const json = readPackageJson(dir) as PackageJson & { types?: string; typings?: string };
  return (
    json.types !== undefined ||
    json.typings !== undefined ||
    JSON.stringify(json.exports ?? {}).includes('"types"') ||
    existsSync(join(dir, 'index.d.ts'))
  );
}

/** `@scope/name` → `@types/scope__name`, `name` → `@types/name`. */
function typesPackageOf(name: string): string {
  return `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;
}

/** The files an `exports` field points to (its values, not its subpath keys). */
function exportTargets(exports: unknown): string[] {
  if (typeof exports === 'string') return [exports];
  if (typeof exports !== 'object' || exports === null) return [];
  return Object.values(exports).flatMap(exportTargets);
}

function metadataProblems(pkg: WorkspacePackage): string[] {
  const { json, dir } = pkg;
  const problems: string[] = [];
  if (!json.description) problems.push('description is missing');
  const license = FORKS[json.name]?.license ?? 'Apache-2.0';
  if (json.license !== license) problems.push(`license is ${json.license}, not ${license}`);
  const repo = json.repository;
  if (repo?.type !== 'git' || repo.url !== `git+${REPOSITORY}.git` || repo.directory !== dir)
    problems.push(
      `repository must be {"type": "git", "url": "git+${REPOSITORY}.git", "directory": "${dir}"}`,
    );
  if (json.homepage !== `${REPOSITORY}/tree/main/${dir}#readme`)
    problems.push(`homepage must be ${REPOSITORY}/tree/main/${dir}#readme`);
  if (json.bugs?.url !== `${REPOSITORY}/issues`)
    problems.push(`bugs must be {"url": "${REPOSITORY}/issues"}`);
  if (json.publishConfig?.access !== 'public')
    problems.push(
      'publishConfig must be {"access": "public"} (a scoped package is private by default)',
    );
  if (!json.engines?.node) problems.push('engines.node is missing');
  return problems;
}

function fileProblems(pkg: WorkspacePackage, context: RuleContext): string[] {
  const { json, path } = pkg;
  const problems: string[] = [];
  const files = json.files ?? [];
  if (!json.files) problems.push('files is missing: every file of the folder would be published');
  const fork = FORKS[json.name];
  if (!existsSync(join(path, 'LICENSE'))) problems.push('LICENSE file is missing');
  else if (fork !== undefined) {
    if (!readFileSync(join(path, 'LICENSE'), 'utf8').includes(fork.copyright))
      problems.push(`LICENSE lacks the upstream's "${fork.copyright}"`);
  } else if (readFileSync(join(path, 'LICENSE'), 'utf8') !== context.license)
    problems.push('LICENSE differs from the root LICENSE');
  if (!existsSync(join(path, 'README.md'))) problems.push('README.md is missing');
  const targets = [...Object.values(json.bin ?? {}), ...exportTargets(json.exports)];
  for (const target of targets)
    if (target !== './package.json' && !published(files, target))
      problems.push(`${target} (exports or bin) is not in files`);
  if (!existsSync(join(path, 'dist'))) {
    problems.push('dist is missing: build the package first');
    return problems;
  }
  for (const map of filesUnder(join(path, 'dist'), '.map')) {
    const parsed = JSON.parse(readFileSync(map, 'utf8')) as {
      sourceRoot?: string;
      sources?: string[];
    };
    for (const source of parsed.sources ?? []) {
      const abs = resolve(dirname(map), parsed.sourceRoot ?? '', source);
      const rel = relative(path, abs);
      if (!existsSync(abs) || rel.startsWith('..') || !published(files, rel)) {
        problems.push(
          `source map ${relative(path, map)} points to ${rel}, which is not published: add its folder to files or stop emitting source maps`,
        );
        break;
      }
    }
  }
  return problems;
}

function dependencyProblems(pkg: WorkspacePackage, context: RuleContext): string[] {
  const { json, path } = pkg;
  const problems: string[] = [];
  const deps = json.dependencies ?? {};
  const peers = json.peerDependencies ?? {};
  for (const [field, list] of [
    ['dependencies', deps],
    ['peerDependencies', peers],
  ] as const) {
    for (const [name, range] of Object.entries(list)) {
      if (context.privateNames.has(name))
        problems.push(`${field} names the private package ${name}, which is never published`);
      if (context.publicNames.has(name) && range !== 'workspace:^')
        problems.push(`${field}.${name} is ${range}: workspace packages use "workspace:^"`);
    }
  }
  if (json.sluice !== undefined) {
    if (peers['@sluice/api'] !== 'workspace:^')
      problems.push(
        'a plugin package has "@sluice/api": "workspace:^" in peerDependencies (one copy per worker)',
      );
    if (deps['@sluice/api'] !== undefined)
      problems.push('a plugin package must not have @sluice/api in dependencies (a peer instead)');
    if (json.devDependencies?.['@sluice/api'] === undefined)
      problems.push('a plugin package has @sluice/api in devDependencies too (to build)');
  }
  const imported = new Set(
    filesUnder(join(path, 'dist'), '.d.ts')
      .flatMap((f) => declarationImports(readFileSync(f, 'utf8')))
      .filter((s) => !isNodeBuiltin(s))
      .map(packageNameOf),
  );
  for (const name of [...imported].sort()) {
    if (name === json.name) continue;
    if (deps[name] === undefined && peers[name] === undefined) {
      problems.push(
        `its declaration files import ${name}, which is not in dependencies or peerDependencies`,
      );
      continue;
    }
    const dir = installedDir(path, name);
    const typesPackage = typesPackageOf(name);
    if (dir && !hasOwnTypes(dir) && deps[typesPackage] === undefined)
      problems.push(
        `its declaration files import ${name}, which has no types of its own: ${typesPackage} belongs in dependencies`,
      );
  }
  return problems;
}

/** Every rule a public package breaks, each as a sentence (empty when publishable). */
export function packageProblems(pkg: WorkspacePackage, context: RuleContext): string[] {
  return [
    ...metadataProblems(pkg),
    ...fileProblems(pkg, context),
    ...dependencyProblems(pkg, context),
  ];
}
