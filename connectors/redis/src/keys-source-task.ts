import { type ConnectorProps, SourceRecord, SourceTask } from '@sluice/api';
import { type KeysSourceConfig, parseKeysSourceConfig } from './config.js';
import { readKeys } from './key-reader.js';
import { KeyScanner } from './key-scanner.js';
import { KeyspaceListener } from './keyspace-listener.js';
import { RedisConnection } from './redis-connection.js';
import { KEYS_VALUE_SCHEMA, keyValueStruct, SOURCE_KEY_SCHEMA } from './schema-mapping.js';
import { VERSION } from './version.js';

/** How long an idle poll waits for a notification before returning nothing. */
const IDLE_WAIT_MS = 500;
/** A backlog of changed keys this large is worth a warning (it lives in memory). */
const BACKLOG_WARNING = 100_000;

/**
 * Sends Redis keys with their values: with `mode=LIVE` every key matching the pattern first
 * (SCAN), then each key again whenever a keyspace notification says it changed; with LIVEONLY
 * only the changes. Each record's key is the Redis key and its value the key's type, expiry and
 * value as read when the record is made (so a key changed many times before it is read is sent
 * once, with its latest value; a deleted key is sent with type `none`).
 *
 * No delivery guarantee: Redis keyspace notifications are fire-and-forget, so changes published
 * while the subscriber is disconnected (a network problem, a restart of the task) are missed,
 * and nothing is resumed after a restart except by scanning again (LIVE). Records carry no
 * source offsets.
 */
export class RedisKeysSourceTask extends SourceTask {
  private config: KeysSourceConfig | null = null;
  private connection: RedisConnection | null = null;
  private listener: KeyspaceListener | null = null;
  private scanner: KeyScanner | null = null;
  /** Changed keys not read yet, oldest first, each once. */
  private changed = new Set<string>();
  private wake: (() => void) | null = null;
  private lastActivity = Date.now();
  private idleStopped = false;
  private backlogWarned = false;
  private stopped = false;

  version(): string {
    return VERSION;
  }

  async start(props: ConnectorProps): Promise<void> {
    const config = parseKeysSourceConfig(props);
    this.config = config;
    this.stopped = false;
    this.connection = await RedisConnection.open(config.connection, this.log, 'sluice-redis-keys');
    this.listener = new KeyspaceListener(this.connection, this.log);
    try {
      // Subscribe before scanning: a key changed during the scan is then read (again) after it.
      await this.listener.start(config.connection.uri.database, config.pattern, (key) =>
        this.onChange(key),
      );
    } catch (error) {
      // The runtime does not call stop() after a failed start: close what was opened.
      await this.stop();
      throw error;
    }
    this.scanner = config.scan ? new KeyScanner(this.connection, config.pattern) : null;
    this.lastActivity = Date.now();
    this.log.info(
      { pattern: config.pattern, scan: config.scan },
      `${config.scan ? 'Reading every key matching' : 'Following changes of keys matching'} ${config.pattern} on ${this.connection.description}`,
    );
  }

  private onChange(key: string): void {
    this.changed.delete(key);
    this.changed.add(key);
    if (!this.backlogWarned && this.changed.size >= BACKLOG_WARNING) {
      this.backlogWarned = true;
      this.log.warn(
        { keys: this.changed.size },
        `${this.changed.size} changed keys are waiting to be read: keys change faster than they are sent`,
      );
    }
    this.wake?.();
  }

  async poll(): Promise<SourceRecord[] | null> {
    try {
      return await this.read();
    } catch (error) {
      // stop() closed the connection under a read: not a failure.
      if (this.stopped) return null;
      throw error;
    }
  }

  private async read(): Promise<SourceRecord[] | null> {
    const config = this.config;
    const connection = this.connection;
    if (this.stopped || this.idleStopped || config === null || connection === null) {
      if (this.idleStopped) await this.idle();
      return null;
    }
    const keys = this.takeChanged(config.batchSize);
    const scanner = this.scanner;
    if (keys.length < config.batchSize && scanner !== null && !scanner.done) {
      const seen = new Set(keys);
      for (const key of await scanner.next(config.batchSize - keys.length)) {
        if (!seen.has(key)) keys.push(key);
      }
      if (scanner.done) this.log.info(`Finished scanning the keys matching ${config.pattern}`);
    }
    if (keys.length === 0) {
      if (config.idleTimeoutMs > 0 && Date.now() - this.lastActivity >= config.idleTimeoutMs) {
        this.idleStopped = true;
        this.listener?.stop();
        this.log.info(
          `No key to read for ${config.idleTimeoutMs} ms (redis.keys.timeout): stopped reading; restart the connector to read again`,
        );
        return null;
      }
      if (scanner === null || scanner.done) await this.idle();
      return [];
    }
    this.lastActivity = Date.now();
    const { values, again } = await readKeys(connection, keys);
    for (const key of again) this.onChange(key);
    const timestamp = Date.now();
    return values.map(
      (read) =>
        new SourceRecord({
          sourcePartition: null,
          sourceOffset: null,
          topic: config.topic,
          keySchema: SOURCE_KEY_SCHEMA,
          key: read.key,
          valueSchema: KEYS_VALUE_SCHEMA,
          value: keyValueStruct(read),
          timestamp,
        }),
    );
  }

  private takeChanged(count: number): string[] {
    const keys: string[] = [];
    for (const key of this.changed) {
      if (keys.length >= count) break;
      keys.push(key);
    }
    for (const key of keys) this.changed.delete(key);
    if (this.changed.size < BACKLOG_WARNING / 2) this.backlogWarned = false;
    return keys;
  }

  /** Waits for a change (or stop), at most a short while, so the worker keeps control. */
  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, IDLE_WAIT_MS);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    this.listener?.stop();
    this.listener = null;
    const connection = this.connection;
    this.connection = null;
    await connection?.close();
  }
}
