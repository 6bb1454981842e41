import { ConnectException, type ConnectorLogger } from '@sluice/api';
import type { Redis } from 'ioredis';
import type { RedisConnection } from './redis-connection.js';

/**
 * Follows keyspace notifications (`__keyspace@<db>__:<pattern>`) and calls `onKey` with the
 * key of each event. One subscriber connection per master: in a cluster, each node only
 * publishes the events of its own keys. Notifications are fire-and-forget in Redis: events
 * published while a subscriber is disconnected are lost.
 */
export class KeyspaceListener {
  private subscribers: Redis[] = [];

  constructor(
    private readonly connection: RedisConnection,
    private readonly log: ConnectorLogger,
  ) {}

  /**
   * Checks that the server publishes keyspace events (`notify-keyspace-events` with `K`),
   * subscribes, and resolves once every subscription is in place.
   */
  async start(database: number, pattern: string, onKey: (key: string) => void): Promise<void> {
    const prefix = `__keyspace@${database}__:`;
    for (const node of this.connection.masters()) {
      await this.checkNotifications(node);
      // Cluster node connections do not reconnect on their own; a subscriber must.
      const subscriber = node.duplicate({
        retryStrategy: (times: number) => Math.min(100 * 2 ** times, 5_000),
      });
      this.subscribers.push(subscriber);
      subscriber.on('error', (error: Error) => {
        this.log.warn(
          { err: error },
          `Keyspace notification subscriber of ${this.connection.description} lost its connection (${error.message}); changes made until it is back are missed`,
        );
      });
      subscriber.on('pmessage', (_pattern: string, channel: string) => {
        onKey(channel.slice(prefix.length));
      });
      await subscriber.psubscribe(`${prefix}${pattern}`);
    }
  }

  private async checkNotifications(node: Redis): Promise<void> {
    let flags: string;
    try {
      const reply = (await node.call('CONFIG', 'GET', 'notify-keyspace-events')) as string[];
      flags = reply[1] ?? '';
    } catch (error) {
      // Managed services often refuse CONFIG: trust the operator, but say what is needed.
      this.log.warn(
        { err: error },
        `Cannot check notify-keyspace-events on ${this.connection.description} (${(error as Error).message}); keyspace notifications must be on (K plus event classes, e.g. KEA) for changes to be read`,
      );
      return;
    }
    if (!flags.includes('K') || flags.replace(/[KE]/g, '') === '') {
      throw new ConnectException(
        `${this.connection.description} does not publish keyspace notifications (notify-keyspace-events="${flags}"): set it to KEA (CONFIG SET notify-keyspace-events KEA, or in redis.conf) so the keys source sees changes`,
      );
    }
  }

  /** Unsubscribes and closes the subscriber connections. */
  stop(): void {
    for (const subscriber of this.subscribers) subscriber.disconnect();
    this.subscribers = [];
  }
}
