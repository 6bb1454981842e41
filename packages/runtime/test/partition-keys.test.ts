import { describe, expect, it } from 'vitest';
import { canonicalJson, PartitionKeys } from '../src/storage/offset-json.js';

describe('PartitionKeys', () => {
  it('gives every partition its canonical JSON, fresh objects of the same content included', () => {
    const keys = new PartitionKeys();
    const partitions: Record<string, unknown>[] = [
      { filename: 'a.txt' },
      { filename: 'a.txt' },
      { filename: 'b.txt' },
      { filename: 'a.txt', extra: 1 },
      { extra: 1, filename: 'a.txt' },
      { filename: 'a.txt' },
      { filename: 'a.txt', gone: undefined },
      { filename: 'a.txt' },
      { n: 0 },
      { n: -0 },
      { n: 1n },
      { n: '1' },
      { n: 1 },
      { nested: { a: 1 } },
      { nested: { a: 2 } },
      { nested: { a: 2 } },
      {},
      { filename: null },
      {},
    ];
    for (const partition of partitions)
      expect(
        keys.keyOf(partition),
        JSON.stringify(partition, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)),
      ).toBe(canonicalJson(partition));
  });
});
