import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisClusterUrl } from '../src/connection-info.js';

describe('redis-cluster service', () => {
  const seed = new URL(redisClusterUrl());
  const cluster = new Cluster([{ host: seed.hostname, port: Number(seed.port) }]);

  afterAll(async () => {
    await cluster.quit();
  });

  it('has three masters sharing all 16384 slots, no replicas', async () => {
    const shards = (await cluster.call('CLUSTER', 'SLOTS')) as [number, number, unknown][];
    const covered = shards.reduce((n, [from, to]) => n + (to - from + 1), 0);
    expect(covered).toBe(16384);
    expect(cluster.nodes('master')).toHaveLength(3);
    expect(cluster.nodes('slave')).toHaveLength(0);
  });

  it('stores each key on the master that owns its slot, across all three', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `test-fixtures:${randomUUID()}:${i}`);
    for (const key of keys) await cluster.set(key, key, 'EX', 60);
    const owners = new Set<string>();
    for (const key of keys) {
      const slot = (await cluster.call('CLUSTER', 'KEYSLOT', key)) as number;
      const owner = cluster.slots[slot]?.[0] ?? '';
      owners.add(owner);
      const node = cluster
        .nodes('master')
        .find((n) => `${n.options.host}:${n.options.port}` === owner);
      // Asked directly, the owner answers (any other master would answer MOVED).
      expect(await node?.get(key)).toBe(key);
    }
    expect(owners.size).toBe(3);
  });
});
