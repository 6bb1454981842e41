import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cacheDir, kafkaBrokers, withFileLock } from '@sluice/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateRegistry, startPrivateRegistry } from './private-registry.js';
import {
  createExampleTables,
  run,
  runPipeline,
  runReadmePipeline,
  tscPath,
  type WorkerCommand,
  writeStrictConsumer,
} from './user-project.js';
import { publicPackages, REPO_ROOT } from './workspace-packages.js';

const POSTGRES_README = join(REPO_ROOT, 'connectors', 'postgres', 'README.md');
const PACKAGES = ['@sluice/worker', '@sluice/connector-postgres'];

describe('installing the published packages from a registry, as a user would', () => {
  const work = mkdtempSync(join(tmpdir(), 'sluice-install-'));
  const logFile = join(work, 'commands.log');
  let registry: PrivateRegistry;
  let releaseLock: () => void = () => undefined;
  let lockHeld: Promise<void> = Promise.resolve();

  beforeAll(async () => {
    // One run at a time per machine: the registry's cache of third-party packages is shared.
    await new Promise<void>((acquired, failed) => {
      lockHeld = withFileLock(
        join(cacheDir(), 'verdaccio-install-test.lock'),
        () => {
          acquired();
          return new Promise<void>((resolve) => {
            releaseLock = resolve;
          });
        },
        { timeoutMs: 20 * 60_000 },
      ).catch(failed);
    });
    registry = await startPrivateRegistry(work);
    await run('pnpm', ['-r', 'publish', '--no-git-checks', '--registry', registry.url], {
      cwd: REPO_ROOT,
      env: registry.env,
      logFile,
    });
  });

  afterAll(async () => {
    await registry?.stop();
    releaseLock();
    await lockHeld;
    rmSync(work, { recursive: true, force: true });
  });

  it('publishes every public package with its workspace ranges rewritten to versions', async () => {
    for (const pkg of publicPackages()) {
      const response = await fetch(`${registry.url}${pkg.json.name.replace('/', '%2f')}`);
      expect(response.status, `${pkg.json.name} in the registry`).toBe(200);
      const packument = (await response.json()) as {
        versions: Record<string, Record<string, unknown>>;
      };
      const manifest = packument.versions[pkg.json.version];
      expect(manifest, `${pkg.json.name}@${pkg.json.version}`).toBeDefined();
      expect(JSON.stringify(manifest)).not.toContain('workspace:');
      if (pkg.json.sluice !== undefined)
        expect(manifest?.peerDependencies).toMatchObject({
          '@sluice/api': `^${pkg.json.version}`,
        });
    }
  });

  /** Installs, runs the README pipeline and compiles the strict consumer in `project`. */
  async function checkProject(project: string, worker: WorkerCommand): Promise<void> {
    const data = await createExampleTables();
    const { payloads, exit, log } = await runReadmePipeline(
      worker,
      POSTGRES_README,
      data,
      join(project, 'pipeline'),
    );
    expect(payloads).toEqual(data.orders.map((name) => expect.objectContaining({ name })));
    expect(log).toMatch(/Found \d+ plugins/);
    // Ctrl-C: the worker drains and exits 0; npx and pnpm then end by the signal, as in a shell.
    expect(log).toContain('Sluice worker stopped');
    expect(log).not.toContain('exiting without waiting');
    expect([0, 'SIGINT']).toContain(exit);
  }

  /**
   * The installed worker runs the patched client: the runtime's @sluice/kafkajs has the file
   * the patch changes most as built here, and no unpatched kafkajs was installed.
   */
  function expectPatchedClient(project: string): void {
    const fromWorker = createRequire(
      join(project, 'node_modules', '@sluice', 'worker', 'package.json'),
    );
    const runtime = dirname(fromWorker.resolve('@sluice/runtime/package.json'));
    const client = dirname(
      createRequire(join(runtime, 'package.json')).resolve('@sluice/kafkajs/package.json'),
    );
    const file = join('dist', 'src', 'network', 'connection.js');
    expect(readFileSync(join(client, file), 'utf8')).toBe(
      readFileSync(join(REPO_ROOT, 'packages', 'kafkajs', file), 'utf8'),
    );
    expect(existsSync(join(project, 'node_modules', 'kafkajs'))).toBe(false);
  }

  it('npm install: npx sluice runs the connector README example, a strict TypeScript project compiles', async () => {
    const project = join(work, 'npm-project');
    mkdirSync(project);
    const options = { cwd: project, env: registry.env, logFile };
    await run('npm', ['install', ...PACKAGES], options);
    await run('npm', ['install', '--save-dev', '@types/node@20'], options);
    expectPatchedClient(project);
    await checkProject(project, {
      command: 'npx',
      args: ['sluice'],
      cwd: project,
      env: registry.env,
    });
    writeStrictConsumer(project);
    await run(process.execPath, [tscPath(), '-p', project], options);
  });

  it('pnpm add: pnpm exec sluice runs the README example, a strict TypeScript project compiles', async () => {
    const project = join(work, 'pnpm-project');
    mkdirSync(project);
    const options = { cwd: project, env: registry.env, logFile };
    await run('pnpm', ['add', ...PACKAGES], options);
    await run('pnpm', ['add', '--save-dev', '@types/node@20'], options);
    expectPatchedClient(project);
    await checkProject(project, {
      command: 'pnpm',
      args: ['exec', 'sluice'],
      cwd: project,
      env: registry.env,
    });
    writeStrictConsumer(project);
    await run(process.execPath, [tscPath(), '-p', project], options);
  });

  it('npm install -g: the global sluice finds a connector installed globally beside it', async () => {
    const prefix = join(work, 'global');
    const elsewhere = join(work, 'elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    const options = { cwd: elsewhere, env: registry.env, logFile };
    await run('npm', ['install', '-g', '--prefix', prefix, '@sluice/worker'], options);
    await run('npm', ['install', '-g', '--prefix', prefix, '@sluice/connector-postgres'], options);
    // Run from a folder with no package.json: only the global install can provide the plugin.
    await checkProject(elsewhere, {
      command: join(prefix, 'bin', 'sluice'),
      args: [],
      cwd: elsewhere,
      env: registry.env,
    });
  });

  it('npm create sluice-connector: the project builds and passes its kit tests; a worker runs its packed tarball', async () => {
    const scaffold = publicPackages().find((p) => p.json.name === 'create-sluice-connector');
    const env = {
      ...registry.env,
      npm_config_yes: 'true',
      SLUICE_KAFKA_BROKERS: kafkaBrokers().join(','),
    };
    await run(
      'npm',
      [
        'create',
        `sluice-connector@${scaffold?.json.version}`,
        'sluice-connector-acme',
        '--',
        '--kind',
        'both',
      ],
      { cwd: work, env, logFile },
    );
    const project = join(work, 'sluice-connector-acme');
    const options = { cwd: project, env, logFile };
    await run('npm', ['install'], options);
    await run('npm', ['run', 'build'], options);
    // The README's config tables were generated from the ConfigDefs by the build.
    expect(readFileSync(join(project, 'README.md'), 'utf8')).toContain('| `poll.interval.ms`');
    await run('npm', ['test'], options);
    await run('npm', ['pack', '--pack-destination', work], options);
    // A user installs the packed connector beside the worker and runs it.
    const user = join(work, 'acme-user');
    mkdirSync(user);
    await run('npm', ['install', '@sluice/worker', join(work, 'sluice-connector-acme-0.1.0.tgz')], {
      ...options,
      cwd: user,
    });
    const input = join(user, 'input.txt');
    writeFileSync(input, 'one\ntwo\nthree\n');
    const topic = `acme-${process.pid}-${Date.now().toString(36)}`;
    const result = await runPipeline(
      { command: 'npx', args: ['sluice'], cwd: user, env: registry.env },
      { name: 'acme-source', 'connector.class': 'AcmeSource', file: input, topic },
      topic,
      3,
      join(user, 'pipeline'),
    );
    expect(result.values.map((v) => (JSON.parse(v) as { payload: unknown }).payload)).toEqual([
      'one',
      'two',
      'three',
    ]);
    expect(result.log).toContain('sluice-connector-acme@0.1.0');
  });
});
