import { RecordingLogger } from '@sluice/test-fixtures';
import type { Cluster, Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { runPipelined } from '../src/command-pipeline.js';
import { parseSinkConfig } from '../src/config.js';
import { keySlot } from '../src/key-slot.js';
import { RedisConnection } from '../src/redis-connection.js';
import { CLUSTER, unique } from './harness.js';

const address = (node: Redis) => `${node.options.host}:${node.options.port}`;

/** Moves `slot` (and its keys) from one master to another, as `redis-cli --cluster reshard` does. */
async function moveSlot(masters: readonly Redis[], slot: number, from: Redis, to: Redis) {
  const fromId = (await from.call('CLUSTER', 'MYID')) as string;
  const toId = (await to.call('CLUSTER', 'MYID')) as string;
  await to.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', fromId);
  await from.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', toId);
  for (;;) {
    const keys = (await from.call('CLUSTER', 'GETKEYSINSLOT', slot, 100)) as string[];
    if (keys.length === 0) break;
    await from.call(
      'MIGRATE',
      to.options.host ?? '',
      to.options.port ?? 0,
      '',
      0,
      5000,
      'KEYS',
      ...keys,
    );
  }
  for (const node of [to, from, ...masters.filter((m) => m !== to && m !== from)]) {
    await node.call('CLUSTER', 'SETSLOT', slot, 'NODE', toId);
  }
}

describe('a slot moved to another master (resharding)', () => {
  const admin = CLUSTER.client() as Cluster;
  afterAll(() => admin.disconnect());

  it('sends the commands answered MOVED again to the new owner, after refreshing the slot map', async () => {
    const connection = await RedisConnection.open(
      parseSinkConfig(CLUSTER.props()).connection,
      new RecordingLogger(),
      'sluice-test',
    );
    const key = unique('moving');
    const other = unique('staying');
    const slot = keySlot(key);
    await admin.get(key); // the admin client's slot map is loaded
    const masters = admin.nodes('master');
    const owner = masters.find((m) => address(m) === admin.slots[slot]?.[0]) as Redis;
    const target = masters.find((m) => m !== owner) as Redis;
    await moveSlot(masters, slot, owner, target);
    try {
      // The connection still believes the old owner has the slot.
      expect(address(connection.masterOfSlot(slot) as Redis)).toBe(address(owner));
      const results = await runPipelined(connection, [
        { name: 'SET', key, args: [key, 'moved', 'EX', 60] },
        { name: 'SET', key: other, args: [other, 'stayed', 'EX', 60] },
      ]);
      expect(results.map((r) => r.error)).toEqual([null, null]);
      expect(await target.get(key)).toBe('moved');
      expect(await admin.get(other)).toBe('stayed');
      expect(address(connection.masterOfSlot(slot) as Redis)).toBe(address(target));
    } finally {
      await moveSlot(masters, slot, target, owner);
      await connection.close();
    }
  });
});
