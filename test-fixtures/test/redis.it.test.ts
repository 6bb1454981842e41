import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisUrl } from '../src/connection-info.js';

describe('redis service', () => {
  const client = new Redis(redisUrl());

  afterAll(async () => {
    await client.quit();
  });

  it('returns the value a SET stored', async () => {
    const key = `test-fixtures:${randomUUID()}`;
    await client.set(key, 'hello sluice', 'EX', 60);
    expect(await client.get(key)).toBe('hello sluice');
  });
});
