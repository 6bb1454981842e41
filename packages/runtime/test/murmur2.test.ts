import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { keyPartition, murmur2 } from '../src/kafka/murmur2.js';

const require = createRequire(import.meta.url);
/** kafkajs' Long-based murmur2 (its DefaultPartitioner's hash), which the runtime used before. */
const kafkajsMurmur2 = require('@sluice/kafkajs/src/producer/partitioners/default/murmur2.js') as (
  key: Buffer,
) => number;

describe('murmur2', () => {
  it('gives the hashes of Kafka’s UtilsTest.testMurmur2', () => {
    const cases: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, hash] of cases) expect(murmur2(Buffer.from(key)), key).toBe(hash);
  });

  it('agrees with kafkajs’ partitioner hash for keys of every length and byte value', () => {
    let seed = 42;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) | 0;
      return (seed >>> 16) & 0xff;
    };
    for (let length = 0; length < 300; length++) {
      const key = Buffer.alloc(length);
      for (let i = 0; i < length; i++) key[i] = next();
      expect(murmur2(key), `length ${length}`).toBe(kafkajsMurmur2(key));
      expect(keyPartition(key, 7)).toBe((kafkajsMurmur2(key) & 0x7fffffff) % 7);
    }
  });
});
