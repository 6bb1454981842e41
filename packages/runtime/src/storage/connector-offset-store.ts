import type { OffsetBackingStore } from './offset-store.js';

/**
 * The source offsets of a connector with its own offsets topic (`offsets.storage.topic`, Kafka's
 * ConnectorOffsetBackingStore): the connector's topic is the primary store, the worker's the
 * secondary. Reads see both, the primary winning; writes go to the primary, then (best effort,
 * so tools reading the worker's topic see them too) to the secondary; removals reach the
 * secondary first, so that it never brings back an offset the primary no longer has.
 */
export class ConnectorOffsetStore implements OffsetBackingStore {
  constructor(
    private readonly primary: OffsetBackingStore,
    private readonly secondary: OffsetBackingStore,
    private readonly onSecondaryFailure: (error: unknown) => void,
  ) {}

  /** Both stores are shared, started and stopped by their owners. */
  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  async get(keys: readonly string[]): Promise<Map<string, string>> {
    const [secondary, primary] = await Promise.all([
      this.secondary.get(keys),
      this.primary.get(keys),
    ]);
    for (const [k, v] of primary) secondary.set(k, v);
    return secondary;
  }

  async set(entries: ReadonlyMap<string, string | null>): Promise<void> {
    const removed = new Map([...entries].filter(([, v]) => v === null));
    if (removed.size > 0) await this.secondary.set(removed);
    await this.primary.set(entries);
    const kept = new Map([...entries].filter(([, v]) => v !== null));
    if (kept.size > 0) this.secondary.set(kept).catch(this.onSecondaryFailure);
  }

  async keys(): Promise<string[]> {
    const [secondary, primary] = await Promise.all([this.secondary.keys(), this.primary.keys()]);
    return [...new Set([...secondary, ...primary])];
  }
}

/** The stores a source connector's offsets live in, as the worker hands them out. */
export interface SourceOffsets {
  /** Reads (and, at least once, writes) the connector's offsets. */
  readonly store: OffsetBackingStore;
  /**
   * The topic an exactly-once task writes its offsets to in its transactions: the connector's
   * own, else the worker's; null in standalone mode (offsets in a file).
   */
  readonly topic: string | null;
  /** The worker's store when the connector has a topic of its own (written after the primary). */
  readonly secondary: OffsetBackingStore | null;
  /** Gives the connector's topic store back (it closes when nobody uses it). */
  release(): Promise<void>;
}

/** Distributed mode's offsets topics: the worker's, and the connectors' own (shared, counted). */
export interface SourceOffsetTopics {
  /** The worker's `offset.storage.topic`. */
  readonly workerTopic: string;
  /** A started store of `topic` (created when missing), shared by its users until released. */
  acquire(topic: string): Promise<OffsetBackingStore>;
  release(topic: string): Promise<void>;
  /** Stops every store still in use (worker stop). */
  stop(): Promise<void>;
}
