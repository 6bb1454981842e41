import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from './run-command.js';
import type { InstallContext } from './service-definition.js';

/** What `goInstall` builds: one `main` package of a module, at a pinned version. */
export interface GoInstallSpec {
  /** Package path of the command, e.g. `github.com/FerretDB/FerretDB/cmd/ferretdb`. */
  readonly packagePath: string;
  /** Module version as the Go module proxy knows it (a tag or a pseudo-version). */
  readonly version: string;
  /** Name of the binary `go install` writes (the last element of the package path). */
  readonly binary: string;
}

/** What `goBuildModule` builds: a command inside a module that needs its source patched first. */
export interface GoModuleBuildSpec {
  /** Module path, e.g. `github.com/FerretDB/FerretDB`. */
  readonly module: string;
  /** Module version (a tag or a pseudo-version). */
  readonly version: string;
  /** Package of the command, relative to the module root, e.g. `./cmd/ferretdb`. */
  readonly packageDir: string;
  /** Name of the binary to write. */
  readonly binary: string;
  /** Extra `-tags` for `go build`. */
  readonly tags?: readonly string[];
  /** Adjusts the module's source (a writable copy) before building, e.g. writes generated files. */
  prepare(sourceDir: string): Promise<void>;
}

/** The `go` to run: `$GOROOT/bin/go` when GOROOT is set, else `go` from PATH. */
export function goCommand(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.GOROOT;
  if (root !== undefined && root !== '') {
    const go = join(root, 'bin', 'go');
    if (existsSync(go)) return go;
  }
  return 'go';
}

/**
 * Builds a Go command from the Go module proxy into `<installDir>/bin/<binary>` and
 * returns its path; does nothing when it is already there. Module downloads and the
 * build cache live under `<cache>/go/` (shared by every Go-built service), so a
 * rebuild after a version bump reuses what it can. Stripped and path-trimmed: the
 * binary is smaller and the link step (the slow part on two cores) is shorter.
 */
export async function goInstall(ctx: InstallContext, spec: GoInstallSpec): Promise<string> {
  const bin = join(ctx.installDir, 'bin');
  const binary = join(bin, spec.binary);
  const complete = join(bin, '.complete');
  if (existsSync(complete) && existsSync(binary)) return binary;
  ctx.progress(
    `building ${spec.packagePath}@${spec.version} with go install (minutes on a cold cache)`,
  );
  const staging = join(ctx.installDir, 'bin.partial');
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  await runCommand(
    goCommand(),
    ['install', ...BUILD_FLAGS, `${spec.packagePath}@${spec.version}`],
    { cwd: ctx.installDir, ...goRunOptions(ctx, { GOBIN: staging }) },
  );
  return publishBinary(staging, bin, spec.binary, `${spec.packagePath}@${spec.version}`);
}

/**
 * Like `goInstall`, for a module whose source must be adjusted before it builds (so
 * `go install module@version` cannot be used): downloads the module through the
 * proxy, copies it into `<installDir>/src`, lets `spec.prepare` patch the copy, builds
 * the command into `<installDir>/bin/<binary>`, and removes the copy.
 */
export async function goBuildModule(ctx: InstallContext, spec: GoModuleBuildSpec): Promise<string> {
  const bin = join(ctx.installDir, 'bin');
  const binary = join(bin, spec.binary);
  if (existsSync(join(bin, '.complete')) && existsSync(binary)) return binary;
  const coordinates = `${spec.module}@${spec.version}`;
  ctx.progress(
    `building ${coordinates} (${spec.packageDir}) with go build (minutes on a cold cache)`,
  );
  const options = goRunOptions(ctx, {});
  await runCommand(goCommand(), ['mod', 'download', coordinates], {
    cwd: ctx.installDir,
    ...options,
  });
  const source = join(ctx.installDir, 'src');
  await rm(source, { recursive: true, force: true });
  await cp(moduleCacheDir(ctx, spec.module, spec.version), source, { recursive: true });
  // Files in the module cache are read-only unless it was filled with -modcacherw.
  await chmodTree(source);
  await spec.prepare(source);
  const staging = join(ctx.installDir, 'bin.partial');
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const tags =
    spec.tags === undefined || spec.tags.length === 0 ? [] : [`-tags=${spec.tags.join(',')}`];
  await runCommand(
    goCommand(),
    ['build', ...BUILD_FLAGS, ...tags, '-o', join(staging, spec.binary), spec.packageDir],
    { cwd: source, ...options },
  );
  const built = await publishBinary(staging, bin, spec.binary, coordinates);
  await rm(source, { recursive: true, force: true });
  return built;
}

// Stripped and path-trimmed: a smaller binary, and a shorter link step (the slow part on two cores).
const BUILD_FLAGS = ['-trimpath', '-ldflags=-s -w'];

function goRunOptions(
  ctx: InstallContext,
  extraEnv: Readonly<Record<string, string>>,
): { logFile: string; env: Record<string, string>; timeoutMs: number } {
  const goDir = join(ctx.cacheDir, 'go');
  return {
    logFile: ctx.installLogFile,
    env: {
      GOMODCACHE: join(goDir, 'mod'),
      GOCACHE: join(goDir, 'build-cache'),
      GOFLAGS: '-buildvcs=false -modcacherw',
      // Pure-Go builds: no C toolchain needed, and a static binary.
      CGO_ENABLED: '0',
      ...extraEnv,
    },
    // A cold MinIO build downloads ~1 GB of modules and compiles for minutes on two cores.
    timeoutMs: 40 * 60_000,
  };
}

/** Moves a freshly built binary into place and marks the install complete. */
async function publishBinary(
  staging: string,
  bin: string,
  binary: string,
  coordinates: string,
): Promise<string> {
  if (!existsSync(join(staging, binary))) {
    throw new Error(`the Go build succeeded but wrote no ${binary} into ${staging}`);
  }
  // Rename last so an interrupted build is redone rather than half-used.
  await rm(bin, { recursive: true, force: true });
  await rename(staging, bin);
  await writeFile(join(bin, '.complete'), `${coordinates} ${new Date().toISOString()}\n`);
  return join(bin, binary);
}

/** `<GOMODCACHE>/<module path with capitals escaped as !lowercase>@<version>`. */
function moduleCacheDir(ctx: InstallContext, module: string, version: string): string {
  const escaped = module.replace(/[A-Z]/g, (letter) => `!${letter.toLowerCase()}`);
  return join(ctx.cacheDir, 'go', 'mod', `${escaped}@${version}`);
}

async function chmodTree(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await chmodTree(path);
    else if (entry.isFile()) await chmod(path, 0o644);
  }
}
