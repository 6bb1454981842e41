/**
 * A schemaless map value: a plain object (what the JSON converter produces) or a `Map` with
 * string keys. Kafka's transforms see both as `Map<String, Object>`.
 */
export type SchemalessMap = Record<string, unknown> | Map<unknown, unknown>;

/** Whether a value is a schemaless map (a `Map`, or a plain object). */
export function isSchemalessMap(value: unknown): value is SchemalessMap {
  if (value instanceof Map) return true;
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The entry for `key`, or `null` when absent (Java's `Map.get`). */
export function mapGet(map: SchemalessMap, key: string): unknown {
  if (map instanceof Map) return map.has(key) ? (map.get(key) ?? null) : null;
  return Object.hasOwn(map, key) ? (map[key] ?? null) : null;
}

/** The entries, keys as given (a `Map` may hold non-string keys). */
export function mapEntries(map: SchemalessMap): [unknown, unknown][] {
  return map instanceof Map ? [...map.entries()] : Object.entries(map);
}

/**
 * A mutable copy of a schemaless map that is turned back into the input's kind (plain object or
 * `Map`) by `build()`.
 */
export class MapDraft {
  private readonly entries: Map<unknown, unknown>;

  private constructor(
    private readonly asObject: boolean,
    entries: Iterable<[unknown, unknown]>,
  ) {
    this.entries = new Map(entries);
  }

  /** An empty draft that builds the same kind of map as `like`. */
  static empty(like: SchemalessMap | null = null): MapDraft {
    return new MapDraft(!(like instanceof Map), []);
  }

  /** A draft holding a copy of `map`'s entries. */
  static copyOf(map: SchemalessMap): MapDraft {
    return new MapDraft(!(map instanceof Map), mapEntries(map));
  }

  set(key: string, value: unknown): this {
    this.entries.set(key, value ?? null);
    return this;
  }

  delete(key: string): this {
    this.entries.delete(key);
    return this;
  }

  build(): SchemalessMap {
    if (!this.asObject) return new Map(this.entries);
    const out: Record<string, unknown> = {};
    for (const [key, value] of this.entries) {
      const name = String(key);
      if (name === '__proto__') {
        Object.defineProperty(out, name, { value, enumerable: true, writable: true });
      } else out[name] = value;
    }
    return out;
  }
}
