import type { Redis } from 'ioredis';
import type { RedisConnection } from './redis-connection.js';

/** Keys SCAN looks at per step: MATCH filters after counting, so a small COUNT finds little. */
const SCAN_COUNT = 1000;
/** SCAN steps one `next()` takes at most while it has found fewer keys than asked for. */
const STEPS_PER_CALL = 20;

/**
 * Walks every key matching a pattern with SCAN: on one server, or on each master of a cluster in
 * turn (SCAN only sees the keys of the node it runs on). SCAN may return a key more than once;
 * every key that exists for the whole walk is returned at least once.
 */
export class KeyScanner {
  private readonly nodes: Redis[];
  private node = 0;
  private cursor = '0';
  /** Keys found by SCAN and not handed out yet. */
  private found: string[] = [];

  constructor(
    connection: RedisConnection,
    private readonly pattern: string,
  ) {
    this.nodes = connection.masters();
  }

  /** True once every node was walked to the end and every key found was handed out. */
  get done(): boolean {
    return this.node >= this.nodes.length && this.found.length === 0;
  }

  /** Up to `count` more keys; fewer (maybe none) after a few SCAN steps over sparse matches. */
  async next(count: number): Promise<string[]> {
    for (let steps = 0; this.found.length < count && steps < STEPS_PER_CALL; steps++) {
      const node = this.nodes[this.node];
      if (node === undefined) break;
      const [cursor, keys] = await node.scan(
        this.cursor,
        'MATCH',
        this.pattern,
        'COUNT',
        SCAN_COUNT,
      );
      this.cursor = cursor;
      if (cursor === '0') this.node++;
      for (const key of keys) this.found.push(key);
    }
    return this.found.splice(0, count);
  }
}
