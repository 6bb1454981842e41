import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from './sluice-process.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const dirs: string[] = [];

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('pnpm quickstart', () => {
  it('ends cleanly after Ctrl-C: exit code 0, no ELIFECYCLE, and says how to stop the services', async () => {
    const { scripts } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const [build, run] = (scripts.quickstart ?? '').split(' && ');
    expect(build).toMatch(/^turbo run build /);
    expect(run).toBe('exec node examples/quickstart.mjs');
    // The script as pnpm runs it, in a package of its own without the build step: the test's own
    // build already ran, and a build inside a running turbo could rewrite packages under it.
    const dir = await mkdtemp(join(tmpdir(), 'sluice-quickstart-'));
    dirs.push(dir);
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'quickstart-test', private: true, scripts: { quickstart: run } }),
    );
    await symlink(join(root, 'examples'), join(dir, 'examples'));
    await symlink(join(root, 'node_modules'), join(dir, 'node_modules'));

    // A terminal's Ctrl-C goes to its whole foreground process group: pnpm gets a group of its own.
    const pnpm = spawn('pnpm', ['quickstart', 'file'], {
      cwd: dir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SLUICE_LOG_FORMAT: 'json' },
    });
    let output = '';
    pnpm.stdout.on('data', (c) => {
      output += String(c);
    });
    pnpm.stderr.on('data', (c) => {
      output += String(c);
    });
    const exited = new Promise<number | string>((resolve) =>
      pnpm.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
    );
    try {
      await waitFor('the pipeline running', () => {
        if (pnpm.exitCode !== null) throw new Error(`pnpm quickstart exited:\n${output}`);
        return output.includes('connector local-file-sink created');
      });
      process.kill(-(pnpm.pid as number), 'SIGINT');
      expect(await exited, output).toBe(0);
    } finally {
      if (pnpm.exitCode === null) process.kill(-(pnpm.pid as number), 'SIGKILL');
    }
    expect(output).toContain('SIGINT received: stopping');
    expect(output).toContain(
      '[quickstart] Watch the pipeline in the web console: http://localhost:8083/ui',
    );
    expect(output).toContain('[quickstart] Worker exited with code 0.');
    expect(output).toMatch(/\[quickstart\] lines in input: \d+, lines in output: \d+/);
    expect(output).toContain(
      '[quickstart] kafka keeps running for the next run; stop it with `pnpm services down`.',
    );
    expect(output).not.toContain('ELIFECYCLE');
  });
});
