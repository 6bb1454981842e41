import type { Schema } from '@sluice/api';

/**
 * A small least-recently-used cache of derived schemas, keyed by the input schema object, as
 * Kafka's transforms keep (`LRUCache(16)`). Converters reuse schema objects, so identity is the
 * cheap and usual hit.
 */
export class SchemaCache {
  private readonly entries = new Map<Schema, Schema>();
  /** The most recently used entry: most records of a topic share one schema. */
  private lastKey: Schema | null = null;
  private lastValue: Schema | null = null;

  constructor(private readonly capacity = 16) {}

  /** The cached schema derived from `schema`, built with `derive` on a miss. */
  get(schema: Schema, derive: (schema: Schema) => Schema): Schema {
    // Already the most recently used: no need to move it in the map.
    if (schema === this.lastKey) return this.lastValue as Schema;
    let value = this.entries.get(schema);
    if (value !== undefined) this.entries.delete(schema);
    else value = derive(schema);
    this.entries.set(schema, value);
    this.lastKey = schema;
    this.lastValue = value;
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    return value;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.lastKey = null;
    this.lastValue = null;
  }
}
