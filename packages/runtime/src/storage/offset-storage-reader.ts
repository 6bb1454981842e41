import { parseOffsetJson } from './offset-json.js';
import { type OffsetBackingStore, type OffsetMap, offsetKey } from './offset-store.js';

/** What a source task reads its committed offsets through (Kafka's OffsetStorageReader). */
export class OffsetStorageReaderImpl {
  constructor(
    private readonly store: OffsetBackingStore,
    private readonly connector: string,
  ) {}

  /** The committed offset of one source partition, or null. */
  async offset(partition: OffsetMap): Promise<OffsetMap | null> {
    const result = await this.offsets([partition]);
    return result.get(partition) ?? null;
  }

  /** Committed offsets of several source partitions, keyed by the partition objects given. */
  async offsets(partitions: readonly OffsetMap[]): Promise<Map<OffsetMap, OffsetMap | null>> {
    const keys = partitions.map((p) => offsetKey(this.connector, p));
    const values = await this.store.get(keys);
    const out = new Map<OffsetMap, OffsetMap | null>();
    partitions.forEach((p, i) => {
      const raw = values.get(keys[i] as string);
      out.set(p, raw === undefined ? null : (parseOffsetJson(raw) as OffsetMap | null));
    });
    return out;
  }
}
