import type { Schema } from '@sluice/api';

/**
 * A small least-recently-used cache of derived schemas, keyed by the input schema object, as
 * Kafka's transforms keep (`LRUCache(16)`). Converters reuse schema objects, so identity is the
 * cheap and usual hit.
 */
export class SchemaCache {
  private readonly entries = new Map<Schema, Schema>();

  constructor(private readonly capacity = 16) {}

  /** The cached schema derived from `schema`, built with `derive` on a miss. */
  get(schema: Schema, derive: (schema: Schema) => Schema): Schema {
    const hit = this.entries.get(schema);
    if (hit !== undefined) {
      this.entries.delete(schema);
      this.entries.set(schema, hit);
      return hit;
    }
    const derived = derive(schema);
    this.entries.set(schema, derived);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    return derived;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
