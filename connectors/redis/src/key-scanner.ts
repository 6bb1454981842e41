import type { Redis } from 'ioredis';
import type { RedisConnection } from './redis-connection.js';

/**
 * Walks every key matching a pattern with SCAN, a page at a time: on one server, or on each
 * master of a cluster in turn (SCAN only sees the keys of the node it runs on). SCAN may return
 * a key more than once; every key that exists for the whole walk is returned at least once.
 */
export class KeyScanner {
  private readonly nodes: Redis[];
  private node = 0;
  private cursor = '0';

  constructor(
    connection: RedisConnection,
    private readonly pattern: string,
  ) {
    this.nodes = connection.masters();
  }

  /** True once every node was walked to the end. */
  get done(): boolean {
    return this.node >= this.nodes.length;
  }

  /** The next keys (about `count`, maybe none while pages are sparse). */
  async next(count: number): Promise<string[]> {
    const node = this.nodes[this.node];
    if (node === undefined) return [];
    const [cursor, keys] = await node.scan(this.cursor, 'MATCH', this.pattern, 'COUNT', count);
    this.cursor = cursor;
    if (cursor === '0') this.node++;
    return keys;
  }
}
