import { describe, expect, it } from 'vitest';
import { keySlot } from '../src/key-slot.js';

describe('keySlot', () => {
  it('matches the slots Redis Cluster documents', () => {
    // CRC16-XMODEM of "123456789" is 0x31C3 (the checksum's standard check value).
    expect(keySlot('123456789')).toBe(0x31c3);
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('')).toBe(0);
  });

  it('hashes only the hash tag when there is a non-empty one', () => {
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'));
    expect(keySlot('{user1000}.followers')).toBe(keySlot('{user1000}.following'));
    // An empty tag does not count: the whole key is hashed.
    expect(keySlot('foo{}{bar}')).not.toBe(keySlot('bar'));
    expect(keySlot('foo{{bar}}zap')).toBe(keySlot('{bar'));
  });

  it('hashes the UTF-8 bytes of a string key, the same as the bytes themselves', () => {
    expect(keySlot('clé:é')).toBe(keySlot(Buffer.from('clé:é', 'utf8')));
    expect(keySlot(Buffer.from([0xff, 0x00, 0x7b, 0x7d]))).toBeGreaterThanOrEqual(0);
  });
});
