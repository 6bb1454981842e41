import { spawn } from 'node:child_process';
import type { SourceRecord, Struct } from '@sluice/api';
import { ephemeralPort } from '@sluice/test-fixtures';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisKeysSourceTask } from '../src/keys-source-task.js';
import { KEYS_VALUE_SCHEMA } from '../src/schema-mapping.js';
import { startSource, TARGETS, type Target, unique, waitFor } from './harness.js';

/** The record values by key; a later record of a key replaces an earlier one. */
function latest(records: readonly SourceRecord[]): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const r of records) {
    const value = r.value as Struct;
    const fields: Record<string, unknown> = {};
    for (const field of value.schema.fields) {
      const v = value.get(field);
      if (v !== null) fields[field.name] = v;
    }
    out.set(r.key as string, fields);
  }
  return out;
}

describe.each(TARGETS)('keys source on $name Redis', (target: Target) => {
  const redis = target.client();
  const tasks: RedisKeysSourceTask[] = [];

  beforeAll(async () => {
    // Keyspace notifications are off by default; the source needs them (on every master).
    const masters = 'nodes' in redis ? redis.nodes('master') : [redis];
    await Promise.all(masters.map((m) => m.config('SET', 'notify-keyspace-events', 'KEA')));
  });

  afterAll(async () => {
    await Promise.all(tasks.map((t) => t.stop()));
    redis.disconnect();
  });

  async function source(props: Record<string, string>) {
    const started = await startSource(new RedisKeysSourceTask(), { ...target.props(), ...props });
    tasks.push(started.task);
    return started;
  }

  /** Polls until `done` says the records so far are enough. */
  async function pollUntil(
    task: RedisKeysSourceTask,
    done: (seen: Map<string, Record<string, unknown>>) => boolean,
  ): Promise<SourceRecord[]> {
    const records: SourceRecord[] = [];
    await waitFor('the expected records', async () => {
      records.push(...((await task.poll()) ?? []));
      return done(latest(records));
    });
    return records;
  }

  it('LIVE: sends every matching key with its type, expiry and value, then each change', async () => {
    const p = unique('keys');
    await redis.set(`${p}:string`, 'hello');
    await redis.hset(`${p}:hash`, 'a', '1', 'b', '2');
    await redis.rpush(`${p}:list`, 'x', 'y', 'x');
    await redis.sadd(`${p}:set`, 'm');
    await redis.zadd(`${p}:zset`, 1, 'low', 1, 'tied', 9.5, 'high');
    await redis.xadd(`${p}:stream`, '*', 'f', 'v');
    await redis.set(`${p}:expiring`, 'soon', 'PX', 600_000);
    await redis.set(`other:${p}`, 'not matching');
    const { task, log } = await source({
      'redis.keys.pattern': `${p}:*`,
      topic: 'keys',
      'batch.size': '3',
    });
    const before = Date.now();
    const scanned = () =>
      log.messages('info').includes(`Finished scanning the keys matching ${p}:*`);
    const records = await pollUntil(task, (seen) => seen.size >= 7 && scanned());
    const seen = latest(records);
    expect([...seen.keys()].sort()).toEqual(
      ['expiring', 'hash', 'list', 'set', 'stream', 'string', 'zset'].map((k) => `${p}:${k}`),
    );
    expect(records[0]?.topic).toBe('keys');
    expect(records[0]?.valueSchema).toBe(KEYS_VALUE_SCHEMA);
    expect(seen.get(`${p}:string`)).toEqual({
      key: `${p}:string`,
      type: 'string',
      string: 'hello',
    });
    expect(seen.get(`${p}:hash`)?.hash).toEqual(
      new Map([
        ['a', '1'],
        ['b', '2'],
      ]),
    );
    expect(seen.get(`${p}:list`)?.list).toEqual(['x', 'y', 'x']);
    expect(seen.get(`${p}:set`)?.set).toEqual(['m']);
    // Every member, even those sharing a score.
    expect(seen.get(`${p}:zset`)?.zset).toEqual(
      new Map([
        ['low', 1],
        ['tied', 1],
        ['high', 9.5],
      ]),
    );
    expect(seen.get(`${p}:stream`)).toEqual({ key: `${p}:stream`, type: 'stream' });
    const expiresAt = Number(seen.get(`${p}:expiring`)?.ttl);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 590_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 600_000);

    // Changes after the scan.
    await redis.hset(`${p}:hash`, 'c', '3');
    await redis.del(`${p}:string`);
    await redis.set(`${p}:new`, 'fresh');
    const changes = latest(
      await pollUntil(task, (s) => s.has(`${p}:hash`) && s.has(`${p}:string`) && s.has(`${p}:new`)),
    );
    expect(changes.get(`${p}:hash`)?.hash).toEqual(
      new Map([
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
      ]),
    );
    expect(changes.get(`${p}:string`)).toEqual({ key: `${p}:string`, type: 'none' });
    expect(changes.get(`${p}:new`)?.string).toBe('fresh');
  });

  it('LIVEONLY: sends only keys that change, each once with its latest value however often it changed', async () => {
    const p = unique('live');
    await redis.set(`${p}:old`, 'untouched');
    const { task } = await source({ 'redis.keys.pattern': `${p}:*`, mode: 'LIVEONLY' });
    for (let i = 0; i < 50; i++) await redis.set(`${p}:counter`, String(i));
    await redis.sadd(`${p}:set`, 'a', 'b');
    const records = await pollUntil(task, (s) => s.get(`${p}:set`) !== undefined);
    expect(records.map((r) => r.key)).toEqual([`${p}:counter`, `${p}:set`]);
    expect(latest(records).get(`${p}:counter`)?.string).toBe('49');
  });
});

describe('keys source checks', () => {
  it('refuses to start when the server publishes no keyspace notifications, saying how to turn them on', async () => {
    // A private server: notify-keyspace-events stays at its default (off) without touching the
    // shared one.
    const port = await ephemeralPort();
    const server = spawn('/usr/bin/redis-server', [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ]);
    const client = new Redis({ port, lazyConnect: true, retryStrategy: () => 100 });
    client.on('error', () => {}); // refused until the server listens
    try {
      await waitFor('the private redis-server', () =>
        client.ping().then(
          () => true,
          () => false,
        ),
      );
      const task = new RedisKeysSourceTask();
      await expect(startSource(task, { 'redis.uri': `redis://127.0.0.1:${port}` })).rejects.toThrow(
        `redis://127.0.0.1:${port} does not publish keyspace notifications (notify-keyspace-events=""): set it to KEA (CONFIG SET notify-keyspace-events KEA, or in redis.conf) so the keys source sees changes`,
      );
      await task.stop();
    } finally {
      client.disconnect();
      server.kill();
    }
  });

  it('stops reading after redis.keys.timeout without any key', async () => {
    const redis = TARGETS[0]?.client() as Redis;
    await redis.config('SET', 'notify-keyspace-events', 'KEA');
    const p = unique('idle');
    const { task, log } = await startSource(new RedisKeysSourceTask(), {
      ...TARGETS[0]?.props(),
      'redis.keys.pattern': `${p}:*`,
      'redis.keys.timeout': '300',
    });
    try {
      await waitFor('the idle stop', async () => (await task.poll()) === null);
      expect(log.messages('info')).toContain(
        'No key to read for 300 ms (redis.keys.timeout): stopped reading; restart the connector to read again',
      );
      await redis.set(`${p}:late`, 'x');
      expect(await task.poll()).toBeNull();
    } finally {
      await task.stop();
      redis.disconnect();
    }
  });
});
