/** Java's `String.hashCode` (over UTF-16 code units, 32-bit overflow). */
function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The pairs in the iteration order of a java.util.HashMap they were put into: Debezium collects
 * hstore pairs in one and writes the JSON in that order. Buckets by spread hash over the final
 * capacity (16, doubled while the map is more than 3/4 full), insertion order within a bucket.
 */
export function javaHashMapOrder<T>(pairs: readonly [string, T][]): [string, T][] {
  const unique = new Map<string, T>();
  for (const [k, v] of pairs) unique.set(k, v);
  let capacity = 16;
  while (unique.size > capacity * 0.75) capacity *= 2;
  const entries = [...unique.entries()].map(([k, v], order) => {
    const h = javaHash(k);
    return { k, v, order, bucket: (h ^ (h >>> 16)) & (capacity - 1) };
  });
  entries.sort((a, b) => a.bucket - b.bucket || a.order - b.order);
  return entries.map(({ k, v }) => [k, v]);
}
