import { describe, expect, it } from 'vitest';
import { displayUri, parseRedisUri } from '../src/redis-uri.js';

describe('parseRedisUri', () => {
  it('reads host, port, database, credentials and parameters as Lettuce does', () => {
    expect(
      parseRedisUri('redis://app:s%40cret@cache.internal:6380/3?timeout=10s&clientName=orders'),
    ).toEqual({
      tls: false,
      host: 'cache.internal',
      port: 6380,
      socketPath: null,
      username: 'app',
      password: 's@cret',
      database: 3,
      timeoutMs: 10_000,
      clientName: 'orders',
      verifyPeer: true,
    });
  });

  it('takes user info without a colon as the password, and defaults the port to 6379', () => {
    const uri = parseRedisUri('redis://secret@localhost');
    expect([uri.username, uri.password, uri.port, uri.database]).toEqual([null, 'secret', 6379, 0]);
  });

  it('turns TLS on for rediss:// and its aliases, and off peer verification with verifyPeer=NONE', () => {
    expect(parseRedisUri('rediss://h:1').tls).toBe(true);
    expect(parseRedisUri('redis+tls://h:1').tls).toBe(true);
    expect(parseRedisUri('rediss://h:1?verifyPeer=NONE').verifyPeer).toBe(false);
  });

  it('reads a Unix socket path and the database parameter', () => {
    const uri = parseRedisUri('redis-socket:///run/redis/redis.sock?database=2');
    expect([uri.socketPath, uri.database]).toEqual(['/run/redis/redis.sock', 2]);
  });

  it('reads Lettuce durations in every unit, a bare number being seconds', () => {
    expect(parseRedisUri('redis://h?timeout=250ms').timeoutMs).toBe(250);
    expect(parseRedisUri('redis://h?timeout=2m').timeoutMs).toBe(120_000);
    expect(parseRedisUri('redis://h?timeout=5').timeoutMs).toBe(5_000);
  });

  it('accepts an IPv6 host', () => {
    const uri = parseRedisUri('redis://[::1]:7000');
    expect([uri.host, uri.port]).toEqual(['::1', 7000]);
    expect(displayUri(uri)).toBe('redis://[::1]:7000');
  });

  it('refuses other schemes, sentinel URIs, unknown parameters and bad databases, saying why', () => {
    expect(() => parseRedisUri('http://h')).toThrow(/must start with redis:\/\//);
    expect(() => parseRedisUri('localhost:6379')).toThrow(/must start with redis:\/\//);
    expect(() => parseRedisUri('redis-sentinel://h:26379')).toThrow(
      /Sentinel URIs are not supported/,
    );
    expect(() => parseRedisUri('redis://h?sslmode=x')).toThrow(
      /parameter sslmode is not supported/,
    );
    expect(() => parseRedisUri('redis://h/db1')).toThrow(
      /database in the URI path must be a number/,
    );
    expect(() => parseRedisUri('redis://h?timeout=soon')).toThrow(/not a duration/);
  });

  it('shows a URI without its password', () => {
    expect(displayUri(parseRedisUri('rediss://app:secret@h:6380/1'))).toBe('rediss://app@h:6380/1');
    expect(displayUri(parseRedisUri('redis://secret@h'))).toBe('redis://h:6379');
  });
});
