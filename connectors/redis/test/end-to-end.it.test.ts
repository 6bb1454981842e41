import { spawnWorkerProcess, type WorkerProcess } from '@sluice/connector-testkit';
import { createStandalone, type StandaloneHerder } from '@sluice/runtime';
import { redisClusterUrl, redisUrl } from '@sluice/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER, STANDALONE, unique, waitFor } from './harness.js';
import {
  createTopics,
  failures,
  header,
  log,
  produce,
  readTopic,
  text,
  topicSize,
  workerProps,
} from './kafka.js';

/** A name Kafka accepts as a topic, also used as the Redis key prefix. */
const name = (label: string) => unique(label).replaceAll(':', '-');

let herder: StandaloneHerder;

beforeAll(async () => {
  ({ herder } = await createStandalone(await workerProps(), { log }));
  await herder.start();
});

afterAll(async () => {
  await herder?.stop();
});

/** A JsonConverter envelope of an order struct. */
function orderJson(id: number, note: string | null): string {
  return JSON.stringify({
    schema: {
      type: 'struct',
      name: 'shop.Order',
      optional: false,
      fields: [
        { field: 'id', type: 'int64', optional: false },
        { field: 'customer', type: 'string', optional: false },
        { field: 'note', type: 'string', optional: true },
      ],
    },
    payload: { id, customer: `customer ${id}`, note },
  });
}

describe('sink through Kafka', () => {
  it('writes a topic into Redis Cluster hashes with the redis-kafka-connect class name; a refused record goes to the DLQ with the server’s error', async () => {
    const topic = name('orders');
    const dlq = `${topic}-dlq`;
    await createTopics(topic, dlq);
    const redis = CLUSTER.client();
    try {
      await redis.set(`${topic}:13`, 'a string where a hash should go');
      await herder.putConnectorConfig(
        'redis-sink',
        {
          'connector.class': 'com.redis.kafka.connect.RedisSinkConnector',
          topics: topic,
          'redis.uri': redisClusterUrl(),
          'redis.cluster': 'true',
          'redis.type': 'HASH',
          'errors.tolerance': 'all',
          'errors.deadletterqueue.topic.name': dlq,
          'errors.deadletterqueue.topic.replication.factor': '1',
          'errors.deadletterqueue.context.headers.enable': 'true',
        },
        false,
      );
      await produce(topic, [
        ...Array.from({ length: 20 }, (_, i) => ({
          key: String(i),
          value: orderJson(i, i % 2 === 0 ? 'even' : null),
          ...(i === 7 ? { headers: { 'redis.key.ttl': '120' } } : {}),
        })),
        { key: '4', value: null },
      ]);
      const [dead] = await readTopic(dlq, (records) => {
        const failed = failures(herder, ['redis-sink']);
        if (failed.length > 0) throw new Error(failed.join('\n'));
        return records.length >= 1;
      });
      await waitFor('the tombstone of key 4', async () => (await redis.exists(`${topic}:4`)) === 0);
      expect(await redis.hgetall(`${topic}:2`)).toEqual({
        id: '2',
        customer: 'customer 2',
        note: 'even',
      });
      expect(await redis.hgetall(`${topic}:19`)).toEqual({ id: '19', customer: 'customer 19' });
      for (const i of [0, 1, 5, 12, 14, 18]) {
        expect(await redis.hget(`${topic}:${i}`, 'id')).toBe(String(i));
      }
      const ttl = await redis.ttl(`${topic}:7`);
      expect(ttl).toBeGreaterThan(60);
      expect(ttl).toBeLessThanOrEqual(120);
      expect(await redis.ttl(`${topic}:8`)).toBe(-1);
      expect(await redis.get(`${topic}:13`)).toBe('a string where a hash should go');
      expect(dead && text(dead.key)).toBe('13');
      expect(dead && text(dead.value)).toBe(orderJson(13, null));
      expect(dead && header(dead, '__connect.errors.offset')).toBe('13');
      expect(dead && header(dead, '__connect.errors.exception.message')).toBe(
        `Redis refused HSET on key ${topic}:13: WRONGTYPE Operation against a key holding the wrong kind of value (topic='${topic}', partition=0, offset=13)`,
      );
    } finally {
      await herder.deleteConnector('redis-sink');
      redis.disconnect();
    }
  });
});

describe('keys source through Kafka', () => {
  it('sends each key with its value as redis-kafka-connect’s keys Value, by its class name', async () => {
    const topic = name('keys');
    await createTopics(topic);
    const redis = STANDALONE.client();
    const prefix = unique('kafka-keys');
    try {
      await redis.config('SET', 'notify-keyspace-events', 'KEA');
      await redis.hset(`${prefix}:h`, 'a', '1');
      await redis.zadd(`${prefix}:z`, 1.5, 'm', 1.5, 'n');
      await herder.putConnectorConfig(
        'redis-keys',
        {
          'connector.class': 'com.redis.kafka.connect.RedisKeysSourceConnector',
          'redis.uri': redisUrl(),
          'redis.keys.pattern': `${prefix}:*`,
          topic,
        },
        false,
      );
      await redis.rpush(`${prefix}:l`, 'x', 'y');
      const records = await readTopic(topic, (r) => {
        const failed = failures(herder, ['redis-keys']);
        if (failed.length > 0) throw new Error(failed.join('\n'));
        return new Set(r.map((x) => text(x.key))).size >= 3;
      });
      const values = new Map(
        records.map((r) => [text(r.key), JSON.parse(text(r.value) ?? 'null').payload]),
      );
      expect(values.get(`${prefix}:h`)).toEqual({
        key: `${prefix}:h`,
        ttl: null,
        type: 'hash',
        hash: { a: '1' },
        string: null,
        json: null,
        list: null,
        set: null,
        zset: null,
      });
      expect(values.get(`${prefix}:z`)?.zset).toEqual({ m: 1.5, n: 1.5 });
      expect(values.get(`${prefix}:l`)?.list).toEqual(['x', 'y']);
    } finally {
      await herder.deleteConnector('redis-keys');
      redis.disconnect();
    }
  });
});

describe('stream source through Kafka', () => {
  it('loses no entry across kill -9: entries read but not yet in Kafka stay pending and are sent after the restart, acknowledged ones are not sent again', async () => {
    const stream = name('events');
    const topic = `redis_${stream}`;
    await createTopics(topic);
    const redis = STANDALONE.client();
    // Records wait 5 s in the producer before they are sent: a window to kill the worker in.
    const worker = await workerProps({ 'producer.linger.ms': '5000' });
    const connector = {
      'connector.class': 'com.redis.kafka.connect.RedisStreamSourceConnector',
      'redis.uri': redisUrl(),
      'redis.stream.name': stream,
      topic: 'redis_${stream}',
      'tasks.max': '1',
    };
    const add = async (from: number, count: number) => {
      const ids: string[] = [];
      for (let n = from; n < from + count; n++) {
        ids.push((await redis.xadd(stream, '*', 'n', String(n))) as string);
      }
      return ids;
    };
    const pending = async () =>
      Number(((await redis.xpending(stream, 'kafka-consumer-group')) as [number])[0]);
    const children: WorkerProcess[] = [];
    try {
      const first = await add(0, 30);
      children.push(await spawnWorkerProcess(worker, { 'redis-stream': connector }));
      await readTopic(topic, (records) => records.length >= 30);
      await waitFor('the first 30 entries acknowledged', async () => (await pending()) === 0);

      const unsent = await add(30, 20);
      // Read (pending in the group) but still lingering in the producer: kill now.
      await waitFor(
        '20 entries read and not yet acknowledged',
        async () => (await pending()) === 20,
      );
      await (children[0] as WorkerProcess).kill();
      expect(await pending()).toBe(20);
      const whileDown = await add(50, 10);

      children.push(await spawnWorkerProcess(worker, { 'redis-stream': connector }));
      const records = await readTopic(topic, (r) => r.length >= 60);
      await waitFor('every entry acknowledged', async () => (await pending()) === 0);
      // Exactly the 60 entries, in order, once each: the 30 acknowledged before the kill were
      // not re-read, the 20 pending ones were read again first.
      expect(records.map((r) => text(r.key))).toEqual([...first, ...unsent, ...whileDown]);
      expect(await topicSize(topic)).toBe(60);
      const value = JSON.parse(text(records[42]?.value) ?? 'null');
      expect(value.payload).toEqual({ id: unsent[12], body: { n: '42' }, stream });
    } finally {
      await Promise.all(children.map((c) => c.kill()));
      redis.disconnect();
    }
  }, 300_000);
});
