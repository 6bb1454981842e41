import { type ChildProcess, spawn } from 'node:child_process';
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

/** `pnpm quickstart <variant>` as a terminal runs it, with its output collected. */
interface Quickstart {
  readonly pnpm: ChildProcess;
  output(): string;
  readonly exited: Promise<number | string>;
  /** Ctrl-C: SIGINT to pnpm's whole process group, as a terminal sends it. */
  interrupt(): void;
  kill(): void;
}

async function startQuickstart(variant: string): Promise<Quickstart> {
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
  const pnpm = spawn('pnpm', ['quickstart', variant], {
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
  return {
    pnpm,
    output: () => output,
    exited,
    interrupt: () => process.kill(-(pnpm.pid as number), 'SIGINT'),
    kill: () => {
      if (pnpm.exitCode !== null) return;
      process.kill(-(pnpm.pid as number), 'SIGKILL');
      // The cluster's workers run in process groups of their own (so Ctrl-C reaches only the
      // script): end the ones it started, or they outlive a failed test.
      for (const [, pid] of output.matchAll(/\(pid (\d+)\), log lines prefixed/g)) {
        try {
          process.kill(-Number(pid), 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    },
  };
}

/** Waits for `done`; a timeout says what the quickstart printed (its last 6,000 characters). */
async function waitForQuickstart(q: Quickstart, what: string, done: () => boolean) {
  try {
    await waitFor(what, () => {
      if (q.pnpm.exitCode !== null) throw new Error(`pnpm quickstart exited:\n${q.output()}`);
      return done();
    });
  } catch (error) {
    throw new Error(
      `${(error as Error).message}; the quickstart printed:\n${q.output().slice(-6000)}`,
    );
  }
}

describe('pnpm quickstart', () => {
  it('ends cleanly after Ctrl-C: exit code 0, no ELIFECYCLE, and says how to stop the services', async () => {
    const q = await startQuickstart('file');
    try {
      await waitForQuickstart(q, 'the pipeline running', () =>
        q.output().includes('connector local-file-sink created'),
      );
      q.interrupt();
      expect(await q.exited, q.output()).toBe(0);
    } finally {
      q.kill();
    }
    const output = q.output();
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

  it('distributed: three workers form a cluster, run the file pipeline created through REST, and all stop with SIGTERM on Ctrl-C', async () => {
    const q = await startQuickstart('distributed');
    // Both connectors RUNNING on workers of the cluster, and the initial 1000 lines through.
    const moving =
      /\[quickstart\] lines in input: (\d+), lines in output: (\d+) \| cluster-file-sink: RUNNING on 127\.0\.0\.1:\d+; cluster-file-source: RUNNING on 127\.0\.0\.1:\d+\n/g;
    try {
      // Any report will do: the first ones may come before the sink wrote anything.
      await waitForQuickstart(q, 'the pipeline moving on the cluster', () =>
        [...q.output().matchAll(moving)].some((m) => Number(m[2]) >= 1000),
      );
      q.interrupt();
      expect(await q.exited, q.output()).toBe(0);
    } finally {
      q.kill();
    }
    const output = q.output();
    expect(output).toMatch(
      /\[quickstart\]\s+worker 1: REST API http:\/\/127\.0\.0\.1:\d+ \(pid \d+\)/,
    );
    expect(output).toMatch(
      /\[quickstart\] The cluster has 3 workers, generation \d+; the leader is/,
    );
    for (const name of ['cluster-file-source', 'cluster-file-sink'])
      expect(output).toMatch(
        new RegExp(
          `\\[quickstart\\] (Created connector ${name} through|Connector ${name} is already in the cluster)`,
        ),
      );
    // The workers run in process groups of their own: the terminal's SIGINT reached only the
    // quickstart, which sent each worker one SIGTERM (a second signal would stop it at once).
    expect(output.match(/\[worker \d\] .*SIGTERM received: stopping/g)).toHaveLength(3);
    expect(output).not.toContain('SIGINT received');
    expect(output).not.toContain('again: exiting without waiting');
    expect(output).toContain(
      '[quickstart] Workers exited: worker 1 with code 0, worker 2 with code 0, worker 3 with code 0.',
    );
    expect(output).toContain(
      '[quickstart] kafka keeps running for the next run; stop it with `pnpm services down`.',
    );
    expect(output).not.toContain('ELIFECYCLE');
  });
});
