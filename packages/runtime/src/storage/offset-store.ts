import { canonicalJson, parseOffsetJson, stringifyOffsetJson } from './offset-json.js';

/** A source partition or offset: a JSON object of primitives. */
export type OffsetMap = Record<string, unknown>;

/**
 * Where source offsets live. Keys and values are the serialized JSON of Kafka Connect's
 * offset format — key `["<connector>", {<source partition>}]`, value `{<source offset>}`,
 * `null` = removed — exactly what a Kafka-topic-backed store (distributed mode) puts in
 * its record keys and values, so both stores share this interface.
 */
export interface OffsetBackingStore {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Values for the given serialized keys (absent keys are missing from the result). */
  get(keys: readonly string[]): Promise<Map<string, string>>;
  /** Writes every entry durably and atomically; a `null` value deletes the key. */
  set(entries: ReadonlyMap<string, string | null>): Promise<void>;
  /** Every stored key (serialized), for listing a connector's offsets. */
  keys(): Promise<string[]>;
}

/** The serialized offset key of a connector's source partition, in Kafka Connect's format. */
export function offsetKey(connector: string, partition: OffsetMap): string {
  return stringifyOffsetJson([connector, partition]);
}

/** Parses a serialized offset key; undefined when it is not `[string, object]`. */
export function parseOffsetKey(
  key: string,
): { connector: string; partition: OffsetMap } | undefined {
  try {
    const parsed = parseOffsetJson(key);
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      parsed[1] !== null &&
      typeof parsed[1] === 'object'
    ) {
      return { connector: parsed[0], partition: parsed[1] as OffsetMap };
    }
  } catch {
    // Keys written by something else (or corrupt) are skipped by callers.
  }
  return undefined;
}

/** Keys compare by content: `{"a":1,"b":2}` and `{"b":2,"a":1}` name the same partition. */
export function canonicalKey(key: string): string {
  try {
    return canonicalJson(parseOffsetJson(key));
  } catch {
    return key;
  }
}

/** Base for stores that keep every entry in memory, indexed by canonical key. */
export abstract class InMemoryIndexedStore implements OffsetBackingStore {
  protected readonly data = new Map<string, { key: string; value: string }>();

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;
  protected abstract persist(): Promise<void>;

  async get(keys: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const key of keys) {
      const entry = this.data.get(canonicalKey(key));
      if (entry) out.set(key, entry.value);
    }
    return out;
  }

  async set(entries: ReadonlyMap<string, string | null>): Promise<void> {
    const previous = new Map(this.data);
    for (const [key, value] of entries) {
      const canonical = canonicalKey(key);
      if (value === null) this.data.delete(canonical);
      else this.data.set(canonical, { key, value });
    }
    try {
      await this.persist();
    } catch (error) {
      // A failed write leaves the store as it was, so a later flush retries the same entries.
      this.data.clear();
      for (const [k, v] of previous) this.data.set(k, v);
      throw error;
    }
  }

  async keys(): Promise<string[]> {
    return [...this.data.values()].map((e) => e.key);
  }
}

/** Offsets kept in memory only (tests, and connectors that need no durability). */
export class MemoryOffsetStore extends InMemoryIndexedStore {
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  protected async persist(): Promise<void> {}
}
