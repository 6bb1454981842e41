import {
  ConnectException,
  ConnectHeaders,
  ConnectTimestamp,
  DataException,
  Decimal,
  Schema,
  SchemaBuilder,
  SinkRecord,
  Struct,
} from '@sluice/api';
import { redisUrl } from '@sluice/test-fixtures';
import { type Cluster, Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { keySlot } from '../src/key-slot.js';
import { RedisSinkTask } from '../src/sink-task.js';
import { CLUSTER, startSink, TARGETS, type Target, unique } from './harness.js';

const ORDER = SchemaBuilder.struct()
  .name('shop.Order')
  .field('id', Schema.INT64_SCHEMA)
  .field('customer', Schema.STRING_SCHEMA)
  .field('total', Decimal.schema(2))
  .field('placed', ConnectTimestamp.SCHEMA)
  .field('note', Schema.OPTIONAL_STRING_SCHEMA)
  .build();

function order(id: number): Struct {
  return new Struct(ORDER)
    .put('id', BigInt(id))
    .put('customer', `customer ${id}`)
    .put('total', Decimal.of(BigInt(id * 100 + 5), 2))
    .put('placed', new Date(Date.UTC(2024, 4, 1, 12, 0, id)));
}

let offset = 0;
function record(topic: string, key: unknown, value: unknown, extra = {}): SinkRecord {
  return new SinkRecord({
    topic,
    kafkaPartition: 0,
    kafkaOffset: offset++,
    key,
    keySchema: typeof key === 'string' ? Schema.STRING_SCHEMA : null,
    value,
    valueSchema: value instanceof Struct ? value.schema : null,
    ...extra,
  });
}

/** Whether the server of SLUICE_REDIS_URL has a module command (Redis Stack has both). */
async function serverKnows(command: string): Promise<boolean> {
  const client = new Redis(redisUrl());
  try {
    const [info] = (await client.call('COMMAND', 'INFO', command)) as unknown[];
    return info !== null && info !== undefined;
  } finally {
    client.disconnect();
  }
}

const hasJson = await serverKnows('JSON.SET');
const hasTimeSeries = await serverKnows('TS.ADD');

describe.each(TARGETS)('sink on $name Redis', (target: Target) => {
  const redis = target.client();
  const tasks: RedisSinkTask[] = [];

  async function sink(props: Record<string, string>, options: { dlq?: boolean } = {}) {
    const started = await startSink(new RedisSinkTask(), { ...target.props(), ...props }, options);
    tasks.push(started.task);
    return started;
  }

  afterAll(async () => {
    await Promise.all(tasks.map((t) => t.stop()));
    redis.disconnect();
  });

  it('HSET writes one hash per record key with the struct’s fields as text; a tombstone deletes it', async () => {
    const topic = unique('orders');
    const { task } = await sink({ 'redis.type': 'HASH' });
    const records = Array.from({ length: 60 }, (_, i) => record(topic, String(i), order(i)));
    await task.put(records);
    expect(await redis.hgetall(`${topic}:7`)).toEqual({
      id: '7',
      customer: 'customer 7',
      total: '7.05',
      placed: '2024-05-01T12:00:07.000Z',
    });
    for (let i = 0; i < 60; i++) expect(await redis.hget(`${topic}:${i}`, 'id')).toBe(String(i));
    if (target.name === 'cluster') {
      // One put() spread over the three masters: one pipeline each, no redirection.
      const { slots } = redis as Cluster;
      const owners = new Set(records.map((r) => slots[keySlot(`${topic}:${r.key}`)]?.[0]));
      expect(owners.size).toBe(3);
    }
    await task.put([record(topic, '7', null)]);
    expect(await redis.exists(`${topic}:7`)).toBe(0);
    expect(await redis.exists(`${topic}:8`)).toBe(1);
  });

  it('SET writes strings and bytes under keyspace:key; DEL deletes the keys of its records', async () => {
    const topic = unique('strings');
    const { task } = await sink({
      'redis.command': 'SET',
      'redis.keyspace': `${topic}-${'${topic}'}`,
    });
    await task.put([
      record(topic, 'a', 'alpha'),
      record(topic, 'b', new Uint8Array([0, 255, 10])),
      record(topic, 'c', 3.5),
    ]);
    const prefix = `${topic}-${topic}`;
    expect(await redis.get(`${prefix}:a`)).toBe('alpha');
    expect(await redis.getBuffer(`${prefix}:b`)).toEqual(Buffer.from([0, 255, 10]));
    expect(await redis.get(`${prefix}:c`)).toBe('3.5');
    const deleter = (await sink({ 'redis.command': 'DEL', 'redis.keyspace': prefix })).task;
    await deleter.put([record(topic, 'a', 'any value'), record(topic, 'c', null)]);
    expect(await redis.exists(`${prefix}:a`)).toBe(0);
    expect(await redis.exists(`${prefix}:b`)).toBe(1);
    expect(await redis.exists(`${prefix}:c`)).toBe(0);
  });

  it('XADD appends one entry per record, in order, to the stream named by the keyspace', async () => {
    const topic = unique('events');
    const { task } = await sink({});
    await task.put([
      record(topic, null, order(1)),
      record(
        topic,
        null,
        new Map([
          ['kind', 'refund'],
          ['amount', '3'],
        ]),
      ),
      record(topic, null, { kind: 'note', text: 'schemaless' }),
    ]);
    const entries = await redis.xrange(topic, '-', '+');
    expect(entries.map(([, fields]) => fields)).toEqual([
      ['id', '1', 'customer', 'customer 1', 'total', '1.05', 'placed', '2024-05-01T12:00:01.000Z'],
      ['kind', 'refund', 'amount', '3'],
      ['kind', 'note', 'text', 'schemaless'],
    ]);
  });

  it('LPUSH and RPUSH push record keys in record order; a tombstone removes the member', async () => {
    const topic = unique('lists');
    const left = (await sink({ 'redis.command': 'LPUSH', 'redis.keyspace': `${topic}:left` })).task;
    const right = (await sink({ 'redis.type': 'LIST', 'redis.keyspace': `${topic}:right` })).task;
    const members = ['a', 'b', 'c', 'b'].map((k) => record(topic, k, 'value'));
    await left.put(members);
    await right.put(members);
    expect(await redis.lrange(`${topic}:left`, 0, -1)).toEqual(['b', 'c', 'b', 'a']);
    expect(await redis.lrange(`${topic}:right`, 0, -1)).toEqual(['a', 'b', 'c', 'b']);
    await right.put([record(topic, 'b', null)]);
    expect(await redis.lrange(`${topic}:right`, 0, -1)).toEqual(['a', 'c']);
  });

  it('SADD and ZADD add record keys (ZADD scored by the value); tombstones remove them', async () => {
    const topic = unique('sets');
    const set = (await sink({ 'redis.command': 'SADD', 'redis.keyspace': `${topic}:s` })).task;
    const zset = (await sink({ 'redis.type': 'ZSET', 'redis.keyspace': `${topic}:z` })).task;
    await set.put(['x', 'y', 'x', 'z'].map((k) => record(topic, k, 1)));
    await zset.put([record(topic, 'x', 2.5), record(topic, 'y', -1), record(topic, 'z', 10n)]);
    expect((await redis.smembers(`${topic}:s`)).sort()).toEqual(['x', 'y', 'z']);
    expect(await redis.zrange(`${topic}:z`, '0', '-1', 'WITHSCORES')).toEqual([
      'y',
      '-1',
      'x',
      '2.5',
      'z',
      '10',
    ]);
    await set.put([record(topic, 'y', null)]);
    await zset.put([record(topic, 'x', null)]);
    expect((await redis.smembers(`${topic}:s`)).sort()).toEqual(['x', 'z']);
    expect(await redis.zrange(`${topic}:z`, '0', '-1')).toEqual(['y', 'z']);
  });

  it('sets the TTL of redis.key.ttl, or of a record’s redis.key.ttl header', async () => {
    const topic = unique('ttl');
    const { task } = await sink({ 'redis.command': 'SET', 'redis.key.ttl': '300' });
    await task.put([
      record(topic, 'config', 'v'),
      record(topic, 'header', 'v', {
        headers: new ConnectHeaders().addString('redis.key.ttl', '40'),
      }),
    ]);
    const configTtl = await redis.ttl(`${topic}:config`);
    const headerTtl = await redis.ttl(`${topic}:header`);
    expect(configTtl).toBeGreaterThan(290);
    expect(configTtl).toBeLessThanOrEqual(300);
    expect(headerTtl).toBeGreaterThan(30);
    expect(headerTtl).toBeLessThanOrEqual(40);
  });

  it('with redis.multiexec writes each put() in MULTI/EXEC transactions (one per slot)', async () => {
    const topic = unique('tx');
    const hashes = (await sink({ 'redis.command': 'HSET', 'redis.multiexec': 'true' })).task;
    await hashes.put(Array.from({ length: 20 }, (_, i) => record(topic, String(i), { n: i })));
    for (let i = 0; i < 20; i++) expect(await redis.hget(`${topic}:${i}`, 'n')).toBe(String(i));
    const stream = (await sink({ 'redis.command': 'XADD', 'redis.multi.exec': 'true' })).task;
    await stream.put(Array.from({ length: 5 }, (_, i) => record(topic, null, { n: i })));
    expect(await redis.xlen(topic)).toBe(5);
  });

  it('sends a record whose command Redis refuses to the error reporter with the server’s error, and writes the rest', async () => {
    const topic = unique('dlq');
    await redis.set(`${topic}:2`, 'a string, not a hash');
    const { task, reported, log } = await sink({ 'redis.command': 'HSET' }, { dlq: true });
    const records = [1, 2, 3].map((i) => record(topic, String(i), order(i)));
    await task.put(records);
    expect(await redis.hget(`${topic}:1`, 'id')).toBe('1');
    expect(await redis.hget(`${topic}:3`, 'id')).toBe('3');
    expect(reported).toHaveLength(1);
    expect(reported[0]?.record).toBe(records[1]);
    expect(reported[0]?.error).toBeInstanceOf(DataException);
    expect(reported[0]?.error.message).toBe(
      `Redis refused HSET on key ${topic}:2: WRONGTYPE Operation against a key holding the wrong kind of value (topic='${topic}', partition=0, offset=${records[1]?.kafkaOffset})`,
    );
    expect(log.messages('warn')).toContain(
      '1 records could not be written to Redis; sent to the error reporter',
    );
  });

  it('the same inside MULTI/EXEC: only the refused records are reported, the rest is written', async () => {
    const topic = unique('dlq-tx');
    await redis.set(`${topic}:2`, 'a string, not a hash');
    const { task, reported } = await sink(
      { 'redis.command': 'HSET', 'redis.multiexec': 'true' },
      { dlq: true },
    );
    // Key 2 is refused when EXEC runs (WRONGTYPE); "text" is no map, refused before sending.
    await task.put([
      record(topic, '1', { n: 1 }),
      record(topic, '2', { n: 2 }),
      record(topic, 'text', 'not a map'),
      record(topic, '3', { n: 3 }),
    ]);
    expect(await redis.hget(`${topic}:1`, 'n')).toBe('1');
    expect(await redis.hget(`${topic}:3`, 'n')).toBe('3');
    expect(reported.map((r) => [r.record.key, r.error.message.split(' (topic')[0]])).toEqual([
      [
        'text',
        'HSET needs a Struct or map value (one field per struct field or map entry), not a string; use a converter with schemas or schemaless JSON',
      ],
      [
        '2',
        `Redis refused HSET on key ${topic}:2: WRONGTYPE Operation against a key holding the wrong kind of value`,
      ],
    ]);
  });

  it('fails the task naming the record and the server’s error when there is no error reporter', async () => {
    const topic = unique('fail');
    await redis.sadd(`${topic}:k`, 'a set, not a hash');
    const { task } = await sink({ 'redis.command': 'HSET' });
    const bad = record(topic, 'k', { n: 1 });
    const error = await task.put([record(topic, 'ok', { n: 2 }), bad]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectException);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^Redis refused HSET on key ${topic}:k: WRONGTYPE .*\\(topic='${topic}', partition=0, offset=${bad.kafkaOffset}\\); configure errors.tolerance=all`,
      ),
    );
    // The other record of the batch was written all the same.
    expect(await redis.hget(`${topic}:ok`, 'n')).toBe('2');
  });

  it.runIf(!hasJson && target.name === 'standalone')(
    'refuses JSONSET at start when the server has no RedisJSON, naming the module',
    async () => {
      await expect(sink({ 'redis.type': 'JSON' })).rejects.toThrow(
        /redis\.command=JSONSET writes with JSON\.SET, which .* does not know: it needs the RedisJSON module/,
      );
      await expect(sink({ 'redis.command': 'TSADD' })).rejects.toThrow(
        /needs the RedisTimeSeries module/,
      );
    },
  );
});

// Debian's redis-server has no modules: these run when SLUICE_REDIS_URL points at a server that
// has them (Redis Stack, Redis 8).
describe.runIf(hasJson)('JSONSET against a server with RedisJSON', () => {
  it('writes each value as a JSON document at the key keyspace:key; a tombstone deletes it', async () => {
    const redis = new Redis(redisUrl());
    const topic = unique('json');
    const { task } = await startSink(new RedisSinkTask(), {
      'redis.uri': redisUrl(),
      'redis.type': 'JSON',
    });
    try {
      await task.put([
        record(topic, '1', order(1)),
        record(topic, '2', '{"raw":true}'),
        record(topic, '3', { nested: { list: [1, 2] } }),
      ]);
      expect(JSON.parse((await redis.call('JSON.GET', `${topic}:1`)) as string)).toMatchObject({
        id: 1,
        customer: 'customer 1',
        placed: Date.UTC(2024, 4, 1, 12, 0, 1),
      });
      expect(JSON.parse((await redis.call('JSON.GET', `${topic}:2`)) as string)).toEqual({
        raw: true,
      });
      expect(
        JSON.parse((await redis.call('JSON.GET', `${topic}:3`, '$.nested.list')) as string),
      ).toEqual([[1, 2]]);
      await task.put([record(topic, '1', null)]);
      expect(await redis.exists(`${topic}:1`)).toBe(0);
    } finally {
      await task.stop();
      redis.disconnect();
    }
  });
});

describe.runIf(hasTimeSeries)('TSADD against a server with RedisTimeSeries', () => {
  it('adds one sample per record: time from the key, value from the value', async () => {
    const redis = new Redis(redisUrl());
    const topic = unique('ts');
    const { task } = await startSink(new RedisSinkTask(), {
      'redis.uri': redisUrl(),
      'redis.type': 'TIMESERIES',
    });
    try {
      await task.put([
        record(topic, 1_714_564_800_000, 21.5),
        record(topic, 1_714_564_860_000n, 22),
      ]);
      expect(await redis.call('TS.RANGE', topic, '-', '+')).toEqual([
        [1_714_564_800_000, '21.5'],
        [1_714_564_860_000, '22'],
      ]);
    } finally {
      await task.stop();
      redis.disconnect();
    }
  });
});

describe('key slots', () => {
  const cluster = CLUSTER.client();
  afterAll(() => cluster.disconnect());

  it('are those the cluster computes (CLUSTER KEYSLOT), hash tags and non-ASCII keys included', async () => {
    const keys = ['plain', '{tag}.a', 'a{tag}b', 'é:ü', 'x{}y', unique('k'), '{}', '}{'];
    for (const key of keys) {
      expect(keySlot(key), key).toBe(await cluster.call('CLUSTER', 'KEYSLOT', key));
    }
  });
});
