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
 * A mutable copy of a schemaless map that `build()` returns in the input's kind (plain object or
 * `Map`). A plain object is copied straight into a new plain object.
 */
export class MapDraft {
  private constructor(
    private readonly object: Record<string, unknown> | null,
    private readonly map: Map<unknown, unknown> | null,
  ) {}

  /** An empty draft that builds the same kind of map as `like` (a plain object by default). */
  static empty(like: SchemalessMap | null = null): MapDraft {
    return like instanceof Map ? new MapDraft(null, new Map()) : new MapDraft({}, null);
  }

  /** A draft holding a copy of `map`'s entries. */
  static copyOf(map: SchemalessMap): MapDraft {
    if (map instanceof Map) return new MapDraft(null, new Map(map));
    // Object.assign copies in one step, several times faster than a spread on Node 20, but sets
    // an own "__proto__" key through the prototype setter: such a map is spread instead, which
    // keeps it a key. Only an undefined value, which a Java map cannot hold, needs setting to null.
    const copy: Record<string, unknown> = Object.hasOwn(map, '__proto__')
      ? { ...map }
      : Object.assign({}, map);
    const draft = new MapDraft(copy, null);
    for (const key in copy) if (copy[key] === undefined) draft.set(key, null);
    return draft;
  }

  set(key: string, value: unknown): this {
    const v = value ?? null;
    if (this.map !== null) this.map.set(key, v);
    else if (key === '__proto__') {
      Object.defineProperty(this.object, key, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else (this.object as Record<string, unknown>)[key] = v;
    return this;
  }

  delete(key: string): this {
    if (this.map !== null) this.map.delete(key);
    else delete (this.object as Record<string, unknown>)[key];
    return this;
  }

  build(): SchemalessMap {
    return this.map ?? (this.object as Record<string, unknown>);
  }
}
