/**
 * Kafka's murmur2 hash of a record key (`org.apache.kafka.common.utils.Utils.murmur2`), which its
 * built-in partitioner uses: `toPositive(murmur2(key)) % partitions`. 32-bit arithmetic with
 * Math.imul gives Java's int overflow exactly; kafkajs' version does the same with Long objects,
 * which cost more than encoding the record (Debezium's keys with schemas are ~200 bytes).
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const m = 0x5bd1e995;
  let h = 0x9747b28c ^ length;
  const end = length & ~3;
  for (let i = 0; i < end; i += 4) {
    let k =
      (data[i] as number) |
      ((data[i + 1] as number) << 8) |
      ((data[i + 2] as number) << 16) |
      ((data[i + 3] as number) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  // The last 1-3 bytes, as Java's falling-through switch takes them.
  const rest = length & 3;
  if (rest > 0) {
    if (rest === 3) h ^= (data[end + 2] as number) << 16;
    if (rest >= 2) h ^= (data[end + 1] as number) << 8;
    h ^= data[end] as number;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's partition of a keyed record among `count` partitions (its built-in partitioner). */
export function keyPartition(key: Uint8Array, count: number): number {
  return (murmur2(key) & 0x7fffffff) % count;
}
