import { Redis } from 'ioredis';
import { getContainerRuntimeClient } from 'testcontainers';
import { describe, expect, it } from 'vitest';
import { OFFICIAL_IMAGES } from '../src/containers/official-images.js';
import { ensureServices } from '../src/service-manager.js';
import { serviceDefinition, serviceNames } from '../src/service-registry.js';
import { minioEnv } from '../src/services/s3.js';

/** A container's address as testcontainers would report it: every port mapped 10000 up. */
const address = {
  host: 'localhost',
  port: (p: number) => p + 10_000,
  bound: [41001, 41002, 41003],
};

describe('the testcontainers backend', () => {
  it('has an official image, with a pinned tag, for every service', () => {
    expect([...OFFICIAL_IMAGES.keys()].sort()).toEqual(serviceNames().sort());
    for (const service of OFFICIAL_IMAGES.values()) {
      expect(service.image, service.name).toMatch(/^[a-z0-9./-]+:[\w.-]+$/);
      expect(service.image, service.name).not.toMatch(/:latest$/);
    }
  });

  it('sets the variables the local launchers set, in the same form', () => {
    const variables = Object.fromEntries(
      [...OFFICIAL_IMAGES.values()].map((s) => [s.name, s.variables(address)]),
    );
    expect(variables).toEqual({
      // Kafka and the cluster's nodes announce 127.0.0.1 at host ports bound at the same number.
      kafka: { connection: '127.0.0.1:41001' },
      postgres: { connection: 'postgres://postgres@localhost:15432/postgres' },
      redis: { connection: 'redis://localhost:16379' },
      'redis-cluster': { connection: 'redis://127.0.0.1:41001' },
      mongodb: { connection: 'mongodb://localhost:37017/?directConnection=true' },
      s3: { connection: 'http://localhost:19000', env: minioEnv().variables },
      cassandra: { connection: 'localhost:19042' },
      'schema-registry': { connection: 'http://localhost:18080/apis/ccompat/v7' },
    });
    // What the tests read: each service's variable, plus S3's credentials.
    expect(Object.keys(minioEnv().variables).sort()).toEqual([
      'SLUICE_S3_ACCESS_KEY_ID',
      'SLUICE_S3_REGION',
      'SLUICE_S3_SECRET_ACCESS_KEY',
    ]);
  });

  it('builds every container without a Docker engine (creating one contacts none)', async () => {
    let next = 42000;
    for (const service of OFFICIAL_IMAGES.values()) {
      await expect(
        service.container(async () => next++),
        service.name,
      ).resolves.toBeDefined();
    }
  });

  it('starts redis from its image where a Docker engine answers, and says clearly when none does', async () => {
    const env = { SLUICE_FIXTURES_BACKEND: 'testcontainers' };
    const engine = await getContainerRuntimeClient().then(
      () => true,
      () => false,
    );
    if (!engine) {
      // This machine (and CI) has no Docker engine: the choice is honoured, and refused clearly.
      const failure = ensureServices(['redis'], { env });
      await expect(failure).rejects.toThrow(
        'redis: SLUICE_FIXTURES_BACKEND=testcontainers, but no Docker engine answers. Start Docker (or point DOCKER_HOST at one), or unset SLUICE_FIXTURES_BACKEND to start the servers without Docker',
      );
      await expect(failure).rejects.toThrow('Could not find a working container runtime strategy');
      return;
    }
    const { redis } = await ensureServices(['redis'], { env });
    expect(redis?.origin).toBe('container');
    expect(redis?.env).toEqual({ [serviceDefinition('redis').envVar]: redis?.connection });
    const client = new Redis(redis?.connection as string);
    try {
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.disconnect();
    }
  });

  it('names the per-service variable when it is the one that chose Docker', async () => {
    const engine = await getContainerRuntimeClient().then(
      () => true,
      () => false,
    );
    const env = { SLUICE_CASSANDRA_BACKEND: 'testcontainers' };
    if (!engine) {
      await expect(ensureServices(['cassandra'], { env })).rejects.toThrow(
        'cassandra: SLUICE_CASSANDRA_BACKEND=testcontainers, but no Docker engine answers',
      );
    } else {
      expect((await ensureServices(['cassandra'], { env })).cassandra?.origin).toBe('container');
    }
  });
});
