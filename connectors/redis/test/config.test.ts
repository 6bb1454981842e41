import { ConfigException } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import {
  parseKeysSourceConfig,
  parseSinkConfig,
  parseStreamSourceConfig,
  validateSinkProps,
} from '../src/config.js';

describe('sink config', () => {
  it('has redis-kafka-connect defaults: XADD to the key ${topic}, localhost:6379, 60 s timeout', () => {
    const config = parseSinkConfig({});
    expect(config).toMatchObject({
      command: 'XADD',
      keyspace: '${topic}',
      separator: ':',
      multiExec: false,
      waitReplicas: 0,
      keyTtlSeconds: -1,
      charset: 'utf8',
    });
    expect(config.connection).toMatchObject({
      cluster: false,
      timeoutMs: 60_000,
      tls: null,
      username: null,
      password: null,
    });
    expect([config.connection.uri.host, config.connection.uri.port]).toEqual(['localhost', 6379]);
  });

  it('accepts the 1.x redis.type names and the 0.x redis.command names, in any case', () => {
    expect(parseSinkConfig({ 'redis.type': 'HASH' }).command).toBe('HSET');
    expect(parseSinkConfig({ 'redis.type': 'list' }).command).toBe('RPUSH');
    expect(parseSinkConfig({ 'redis.type': 'TIMESERIES' }).command).toBe('TSADD');
    expect(parseSinkConfig({ 'redis.command': 'lpush' }).command).toBe('LPUSH');
    expect(parseSinkConfig({ 'redis.command': 'JSONSET', 'redis.type': 'JSON' }).command).toBe(
      'JSONSET',
    );
  });

  it('refuses redis.type and redis.command that disagree, naming both', () => {
    expect(() => parseSinkConfig({ 'redis.command': 'SADD', 'redis.type': 'HASH' })).toThrow(
      /redis\.type: redis\.command=SADD is also set and says otherwise/,
    );
  });

  it('takes redis.key as the 0.x name of redis.keyspace, and redis.multi.exec for redis.multiexec', () => {
    expect(parseSinkConfig({ 'redis.key': ' orders ' }).keyspace).toBe('orders');
    expect(parseSinkConfig({ 'redis.keyspace': '' }).keyspace).toBe('');
    expect(parseSinkConfig({ 'redis.multi.exec': 'true' }).multiExec).toBe(true);
    expect(parseSinkConfig({ 'redis.multiexec': 'true' }).multiExec).toBe(true);
    expect(() => parseSinkConfig({ 'redis.keyspace': 'a', 'redis.key': 'b' })).toThrow(
      /redis\.keyspace: redis\.key=b is also set/,
    );
    expect(() =>
      parseSinkConfig({ 'redis.multi.exec': 'true', 'redis.multiexec': 'false' }),
    ).toThrow(/redis\.multi\.exec/);
  });

  it('prefers redis.uri over host and port, and the password keys over the URI’s', () => {
    const fromUri = parseSinkConfig({
      'redis.uri': 'rediss://u:p@db.example:6390/2',
      'redis.host': 'ignored',
    }).connection;
    expect(fromUri).toMatchObject({ username: 'u', password: 'p', cluster: false });
    expect(fromUri.uri).toMatchObject({ host: 'db.example', port: 6390, database: 2 });
    expect(fromUri.tls).toEqual({
      verifyPeer: true,
      caFile: null,
      certFile: null,
      keyFile: null,
      keyPassword: null,
    });
    const overridden = parseSinkConfig({
      'redis.uri': 'redis://u:p@h',
      'redis.username': 'admin',
      'redis.password': 'other',
      'redis.tls': 'true',
      'redis.insecure': 'true',
      'redis.timeout': '5',
    }).connection;
    expect(overridden).toMatchObject({ username: 'admin', password: 'other', timeoutMs: 5000 });
    expect(overridden.tls?.verifyPeer).toBe(false);
    expect(
      parseSinkConfig({ 'redis.host': 'cache', 'redis.port': '7000' }).connection.uri,
    ).toMatchObject({ host: 'cache', port: 7000 });
  });

  it('reports every problem at once, each with its key, and hides the URI password', () => {
    let error: unknown;
    try {
      parseSinkConfig({
        'redis.uri': 'http://user:secret@h',
        'redis.command': 'HGET',
        'redis.charset': 'EBCDIC',
        'redis.key.ttl': '-5',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigException);
    const keys = (error as ConfigException).problems.map((p) => p.key).sort();
    expect(keys).toEqual(['redis.charset', 'redis.command', 'redis.key.ttl', 'redis.uri']);
    expect((error as Error).message).not.toContain('secret');
    expect((error as Error).message).toMatch(/redis\.uri: the URI must start with redis:\/\//);
  });

  it('refuses a database other than 0 for a cluster', () => {
    const values = validateSinkProps({ 'redis.uri': 'redis://h:7000/1', 'redis.cluster': 'true' });
    expect(values.find((v) => v.name === 'redis.uri')?.errorMessages).toEqual([
      expect.stringMatching(/a Redis Cluster has only database 0/),
    ]);
  });
});

describe('stream source config', () => {
  it('has redis-kafka-connect defaults and replaces ${stream} and ${task}', () => {
    expect(
      parseStreamSourceConfig({ 'redis.stream.name': 'orders', 'task.id': '2' }),
    ).toMatchObject({
      stream: 'orders',
      topic: 'orders',
      startOffset: '0-0',
      atMostOnce: false,
      group: 'kafka-consumer-group',
      consumer: 'consumer-2',
      blockMs: 100,
      batchSize: 500,
    });
    expect(
      parseStreamSourceConfig({
        'redis.stream.name': 'orders',
        topic: 'redis_${stream}',
        'redis.stream.delivery': 'at-most-once',
        'redis.stream.offset': '$',
      }),
    ).toMatchObject({ topic: 'redis_orders', atMostOnce: true, startOffset: '$' });
  });

  it('requires the stream name and refuses a start offset that is not an entry id', () => {
    expect(() => parseStreamSourceConfig({})).toThrow(/redis\.stream\.name/);
    expect(() =>
      parseStreamSourceConfig({ 'redis.stream.name': 's', 'redis.stream.offset': 'latest' }),
    ).toThrow(/redis\.stream\.offset/);
  });
});

describe('keys source config', () => {
  it('has redis-kafka-connect defaults: every key, topic rediskeys, LIVE', () => {
    expect(parseKeysSourceConfig({})).toMatchObject({
      topic: 'rediskeys',
      pattern: '*',
      scan: true,
      idleTimeoutMs: 0,
      batchSize: 500,
    });
    expect(parseKeysSourceConfig({ mode: 'liveonly' }).scan).toBe(false);
  });
});
