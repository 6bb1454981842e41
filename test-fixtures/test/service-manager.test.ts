import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../src/daemon-process.js';
import type { ServiceDefinition } from '../src/service-definition.js';
import { ServiceError } from '../src/service-error.js';
import { ensureServices, serviceStatus, stopServices } from '../src/service-manager.js';
import { registerService } from '../src/service-registry.js';

/** Answers when a TCP connection to host:port opens. */
function tcpAnswers(connection: string): Promise<void> {
  const url = new URL(connection);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

/** A stand-in service: a Node TCP server, or a process that fails like a broken server. */
function fakeService(name: string, script: (port: number) => string) {
  const calls = { install: 0, start: 0 };
  const definition: ServiceDefinition = {
    name,
    version: '1.0.0',
    envVar: `SLUICE_${name.toUpperCase().replaceAll('-', '_')}_URL`,
    envExample: 'tcp://127.0.0.1:1234',
    source: 'a node one-liner',
    readyTimeoutMs: 5_000,
    async install() {
      calls.install++;
    },
    async start(ctx) {
      calls.start++;
      const port = await ctx.port();
      const pid = ctx.spawnDaemon(process.execPath, ['-e', script(port)]);
      return { connection: `tcp://127.0.0.1:${port}`, pid };
    },
    checkReady: tcpAnswers,
  };
  registerService(definition);
  return { definition, calls };
}

const listen = (port: number) =>
  `require('node:net').createServer(() => {}).listen(${port}, '127.0.0.1'); setInterval(() => {}, 1000);`;

describe('ensureServices', async () => {
  const cache = await mkdtemp(join(tmpdir(), 'sluice-cache-'));
  const env = { SLUICE_CACHE_DIR: cache };
  const started: string[] = [];

  afterAll(async () => {
    await stopServices(started, { env });
  });

  it('starts a service once when two callers ask at the same time, then reuses it', async () => {
    const { calls } = fakeService('fake-shared', listen);
    started.push('fake-shared');
    const [first, second] = await Promise.all([
      ensureServices(['fake-shared'], { env }),
      ensureServices(['fake-shared'], { env }),
    ]);
    expect([first['fake-shared']?.origin, second['fake-shared']?.origin].sort()).toEqual([
      'reused',
      'started',
    ]);
    expect(first['fake-shared']?.connection).toBe(second['fake-shared']?.connection);
    expect(calls.start).toBe(1);

    const [status] = await serviceStatus(['fake-shared'], { env });
    expect(status).toMatchObject({
      state: 'running',
      connection: first['fake-shared']?.connection,
    });
    expect(existsSync(join(cache, 'fake-shared-1.0.0'))).toBe(true);
  });

  it('stops what it started: the process is gone and status says stopped', async () => {
    fakeService('fake-stop', listen);
    const resolved = await ensureServices(['fake-stop'], { env });
    const [before] = await serviceStatus(['fake-stop'], { env });
    expect(before?.pid).toBeDefined();
    const results = await stopServices(['fake-stop'], { env });
    expect(results).toEqual([{ name: 'fake-stop', outcome: 'stopped' }]);
    expect(isProcessAlive(before?.pid ?? 0)).toBe(false);
    const [after] = await serviceStatus(['fake-stop'], { env });
    expect(after?.state).toBe('stopped');
    // Refused at least once within a few tries: on a busy machine another process may take the
    // freed port for a moment, or a connect to it may meet itself (TCP self-connection).
    const connection = resolved['fake-stop']?.connection ?? '';
    let refused = false;
    for (let i = 0; i < 20 && !refused; i++) {
      refused = await tcpAnswers(connection).then(
        () => false,
        () => true,
      );
      if (!refused) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(refused).toBe(true);
  });

  it('uses the server named by the env var without installing or starting anything', async () => {
    const { calls } = fakeService('fake-existing', listen);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const url = `tcp://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    try {
      const resolved = await ensureServices(['fake-existing'], {
        env: { ...env, SLUICE_FAKE_EXISTING_URL: url },
      });
      expect(resolved['fake-existing']).toMatchObject({ origin: 'env', connection: url });
      expect(resolved['fake-existing']?.env).toEqual({ SLUICE_FAKE_EXISTING_URL: url });
      expect(calls).toEqual({ install: 0, start: 0 });
    } finally {
      server.close();
    }
  });

  it('reports the service and its env var when the named server does not answer', async () => {
    fakeService('fake-missing', listen);
    const attempt = ensureServices(['fake-missing'], {
      env: { ...env, SLUICE_FAKE_MISSING_URL: 'tcp://127.0.0.1:1' },
      existingServerTimeoutMs: 500,
    });
    await expect(attempt).rejects.toBeInstanceOf(ServiceError);
    await expect(attempt).rejects.toThrow(
      /^fake-missing: SLUICE_FAKE_MISSING_URL=tcp:\/\/127.0.0.1:1 does not answer/,
    );
  });

  it('fails fast with the command and the log tail when the server exits before it is ready', async () => {
    fakeService(
      'fake-crash',
      () => `console.error('FATAL: cannot open data dir'); process.exit(3);`,
    );
    const attempt = ensureServices(['fake-crash'], { env });
    await expect(attempt).rejects.toThrow(ServiceError);
    const error = (await attempt.catch((e: unknown) => e)) as ServiceError;
    expect(error.message).toContain('fake-crash: exited with code 3 before it was ready');
    expect(error.message).toContain(`command: ${process.execPath} -e`);
    expect(error.message).toContain(`log: ${join(cache, 'run', 'fake-crash.log')}`);
    expect(error.message).toContain('| FATAL: cannot open data dir');
    expect(error.message).toContain('set SLUICE_FAKE_CRASH_URL');
    const [status] = await serviceStatus(['fake-crash'], { env });
    expect(status?.state).toBe('stopped');
  });

  it('names the known services when asked for an unknown one', async () => {
    await expect(ensureServices(['nosuch'], { env })).rejects.toThrow(
      /unknown service "nosuch"; known services: kafka, postgres, redis/,
    );
  });
});
