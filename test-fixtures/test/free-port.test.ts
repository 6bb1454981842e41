import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isPortFree, PortInUseError, pickPort, pinnedPort } from '../src/free-port.js';

describe('pickPort', () => {
  const servers: Server[] = [];

  afterEach(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    servers.length = 0;
  });

  async function occupy(): Promise<number> {
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  }

  it('picks a port nothing listens on', async () => {
    const port = await pickPort('SLUICE_TEST_PORT', {});
    expect(port).toBeGreaterThan(0);
    expect(await isPortFree(port)).toBe(true);
  });

  it('never hands out a port listed in avoid', async () => {
    const first = await pickPort('SLUICE_TEST_PORT', {});
    const second = await pickPort('SLUICE_TEST_PORT', {}, new Set([first]));
    expect(second).not.toBe(first);
  });

  it('uses the pinned port when it is free', async () => {
    const free = await pickPort('SLUICE_TEST_PORT', {});
    expect(await pickPort('SLUICE_TEST_PORT', { SLUICE_TEST_PORT: String(free) })).toBe(free);
  });

  it('says which pinned port is taken and by which variable', async () => {
    const taken = await occupy();
    const attempt = pickPort('SLUICE_KAFKA_PORT', { SLUICE_KAFKA_PORT: String(taken) });
    await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
    await expect(attempt).rejects.toThrow(
      `port ${taken} (pinned by SLUICE_KAFKA_PORT) is already in use`,
    );
  });

  it('refuses a pinned value that is not a port', () => {
    expect(() => pinnedPort('SLUICE_REDIS_PORT', { SLUICE_REDIS_PORT: '70000' })).toThrow(
      'SLUICE_REDIS_PORT=70000 is not a TCP port',
    );
    expect(pinnedPort('SLUICE_REDIS_PORT', {})).toBeUndefined();
  });
});
