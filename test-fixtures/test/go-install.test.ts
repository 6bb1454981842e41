import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { goBuildModule, goInstall } from '../src/go-install.js';
import { CommandError } from '../src/run-command.js';
import type { InstallContext } from '../src/service-definition.js';

// A stand-in `go` (found through GOROOT) that records its calls and mimics what the
// real one leaves behind: a read-only module in GOMODCACHE, binaries in GOBIN or -o.
const FAKE_GO = `#!/usr/bin/env bash
set -eu
echo "$*" >> "$FAKE_GO_CALLS"
case "$1" in
  mod)
    target="$3"; module="\${target%@*}"; version="\${target#*@}"
    escaped="$(echo "$module" | sed -E 's/([A-Z])/!\\L\\1/g')"
    dir="$GOMODCACHE/$escaped@$version"
    mkdir -p "$dir/cmd/tool" "$dir/build/version"
    echo "module $module" > "$dir/go.mod"
    chmod -R a-w "$dir"
    ;;
  build)
    [ -f build/version/version.txt ] || { echo "version.txt missing" >&2; exit 1; }
    while [ "$1" != "-o" ]; do shift; done
    echo "built from $(cat build/version/version.txt)" > "$2"
    ;;
  install)
    target="\${@: -1}"; path="\${target%@*}"
    echo "installed" > "$GOBIN/\${path##*/}"
    ;;
esac
`;

describe('Go builds of service binaries', () => {
  let root: string;
  let calls: string;
  const saved = { GOROOT: process.env.GOROOT, FAKE_GO_CALLS: process.env.FAKE_GO_CALLS };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'sluice-go-install-'));
    await mkdir(join(root, 'goroot', 'bin'), { recursive: true });
    await writeFile(join(root, 'goroot', 'bin', 'go'), FAKE_GO);
    await chmod(join(root, 'goroot', 'bin', 'go'), 0o755);
    calls = join(root, 'go-calls.log');
    process.env.GOROOT = join(root, 'goroot');
    process.env.FAKE_GO_CALLS = calls;
  });

  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  async function context(): Promise<InstallContext> {
    const installDir = join(root, 'cache', 'tool-v1.2.3');
    await mkdir(installDir, { recursive: true });
    await mkdir(join(root, 'cache', 'run'), { recursive: true });
    return {
      installDir,
      cacheDir: join(root, 'cache'),
      installLogFile: join(root, 'cache', 'run', 'tool-install.log'),
      progress: () => undefined,
    };
  }

  async function goCalls(): Promise<string[]> {
    if (!existsSync(calls)) return [];
    return (await readFile(calls, 'utf8')).trim().split('\n');
  }

  it('builds a patched copy of a module once; the second install runs no go command', async () => {
    const ctx = await context();
    const spec = {
      module: 'github.com/Example/Tool',
      version: 'v1.2.3',
      packageDir: './cmd/tool',
      binary: 'tool',
      tags: ['no_extras'],
      prepare: (source: string) =>
        writeFile(join(source, 'build', 'version', 'version.txt'), 'v1.2.3\n'),
    };

    const binary = await goBuildModule(ctx, spec);
    expect(binary).toBe(join(ctx.installDir, 'bin', 'tool'));
    expect(await readFile(binary, 'utf8')).toBe('built from v1.2.3\n');
    // The writable copy the patch went into is gone; only the binary stays.
    expect(existsSync(join(ctx.installDir, 'src'))).toBe(false);
    expect(await goCalls()).toEqual([
      'mod download github.com/Example/Tool@v1.2.3',
      `build -trimpath -ldflags=-s -w -tags=no_extras -o ${join(ctx.installDir, 'bin.partial', 'tool')} ./cmd/tool`,
    ]);

    expect(await goBuildModule(ctx, spec)).toBe(binary);
    expect(await goCalls()).toHaveLength(2);
  });

  it('installs a command into bin/ once; the second install runs no go command', async () => {
    const ctx = await context();
    const spec = { packagePath: 'example.com/tool/cmd/tool', version: 'v0.0.0-1', binary: 'tool' };

    const binary = await goInstall(ctx, spec);
    expect(await readFile(binary, 'utf8')).toBe('installed\n');
    expect(await goInstall(ctx, spec)).toBe(binary);
    expect(await goCalls()).toEqual([
      'install -trimpath -ldflags=-s -w example.com/tool/cmd/tool@v0.0.0-1',
    ]);
  });

  it('fails naming the go command and the log when the build fails, and leaves no binary', async () => {
    const ctx = await context();
    const failing = goBuildModule(ctx, {
      module: 'github.com/Example/Tool',
      version: 'v1.2.3',
      packageDir: './cmd/tool',
      binary: 'tool',
      // No version.txt: the fake build refuses, as FerretDB's binary would panic.
      prepare: async () => undefined,
    });

    await expect(failing).rejects.toBeInstanceOf(CommandError);
    await expect(failing).rejects.toMatchObject({
      command: expect.stringContaining('build -trimpath'),
      logFile: ctx.installLogFile,
    });
    expect(await readFile(ctx.installLogFile, 'utf8')).toContain('version.txt missing');
    expect(existsSync(join(ctx.installDir, 'bin', 'tool'))).toBe(false);
  });
});
