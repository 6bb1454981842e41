import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { ConfigException, ConnectException, type ConnectorLogger } from '@sluice/api';
import { Cluster, Redis } from 'ioredis';
import type { ConnectionSettings, TlsSettings } from './connection-config.js';
import { displayUri } from './redis-uri.js';

/** How often a connection problem that keeps repeating is logged again. */
const REPEAT_LOG_MS = 30_000;

function readPem(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new ConfigException(
      `Invalid value ${file} for configuration ${key}: cannot read it (${(error as Error).message})`,
      { key, cause: error },
    );
  }
}

function tlsOptions(tls: TlsSettings, servername: string): ConnectionOptions {
  return {
    rejectUnauthorized: tls.verifyPeer,
    ...(servername === '' || /^[\d.:]+$/.test(servername) ? {} : { servername }),
    ...(tls.caFile === null ? {} : { ca: readPem(tls.caFile, 'redis.cacert') }),
    ...(tls.certFile === null ? {} : { cert: readPem(tls.certFile, 'redis.key.cert') }),
    ...(tls.keyFile === null ? {} : { key: readPem(tls.keyFile, 'redis.key.file') }),
    ...(tls.keyPassword === null ? {} : { passphrase: tls.keyPassword }),
  };
}

/**
 * One ioredis client (a `Redis`, or a `Cluster` with `redis.cluster=true`) opened from the
 * connection settings, with what the tasks need on top: the master nodes and which of them owns
 * a slot (for slot-aware pipelines), and a close that does not hang.
 */
export class RedisConnection {
  private constructor(
    readonly client: Redis | Cluster,
    /** Where it connects, without secrets, for messages. */
    readonly description: string,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Connects and waits until the server (every master, for a cluster) answers. `name` is given to
   * the server as the client name. Throws a ConnectException naming the server and the cause.
   */
  static async open(
    settings: ConnectionSettings,
    log: ConnectorLogger,
    name: string,
  ): Promise<RedisConnection> {
    const { uri } = settings;
    const description = `${settings.cluster ? 'Redis Cluster at ' : ''}${displayUri(uri)}`;
    const common = {
      ...(settings.username === null ? {} : { username: settings.username }),
      ...(settings.password === null ? {} : { password: settings.password }),
      ...(settings.tls === null ? {} : { tls: tlsOptions(settings.tls, uri.host) }),
      connectionName: uri.clientName ?? name,
      connectTimeout: Math.min(settings.timeoutMs, uri.timeoutMs ?? settings.timeoutMs),
      // A command is tried on one more connection after a reconnect, then fails (retriable):
      // the runtime redelivers the batch; an unbounded queue would only hide the outage.
      maxRetriesPerRequest: 1,
      // No commandTimeout: it costs a timer per command; `withTimeout` bounds whole pipelines.
      lazyConnect: true,
      // RESP2: the reply shapes every command here parses (RESP3 maps would need other code).
      protocol: 2 as const,
    };
    const retryStrategy = (times: number) => Math.min(100 * 2 ** times, 5_000);
    const client = settings.cluster
      ? new Cluster([{ host: uri.host, port: uri.port }], {
          redisOptions: common,
          clusterRetryStrategy: retryStrategy,
          slotsRefreshTimeout: Math.min(settings.timeoutMs, 10_000),
          lazyConnect: true,
        })
      : new Redis({
          ...common,
          ...(uri.socketPath === null
            ? { host: uri.host, port: uri.port }
            : { path: uri.socketPath }),
          db: uri.database,
          retryStrategy,
        });
    let firstError: Error | undefined;
    let lastLogged = { message: '', at: 0 };
    client.on('error', (error: Error) => {
      firstError ??= error;
      const now = Date.now();
      if (error.message === lastLogged.message && now - lastLogged.at < REPEAT_LOG_MS) return;
      lastLogged = { message: error.message, at: now };
      log.warn({ err: error }, `Redis connection problem (${description}): ${error.message}`);
    });
    const connection = new RedisConnection(client, description, settings.timeoutMs);
    try {
      await connection.withTimeout(
        (async () => {
          await client.connect();
          // A cluster client is "ready" once it knows the slots: make sure each master answers.
          const nodes = client instanceof Cluster ? client.nodes('master') : [client];
          await Promise.all(nodes.map((node) => node.ping()));
        })(),
        'while connecting',
      );
    } catch (error) {
      client.disconnect();
      const cause = firstError ?? error;
      throw new ConnectException(
        `Cannot connect to ${description}: ${(cause as Error).message ?? String(cause)}`,
        { cause },
      );
    }
    return connection;
  }

  /**
   * `promise` (the replies of a pipeline or command), or a rejection once `redis.timeout`
   * (plus `extraMs`, e.g. a read's BLOCK) has passed without them. The rejection is not a server
   * reply, so it counts as retriable.
   */
  withTimeout<T>(promise: Promise<T>, what: string, extraMs = 0): Promise<T> {
    const ms = this.timeoutMs + extraMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${this.description} did not answer ${what} within ${ms} ms`)),
        ms,
      );
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  get isCluster(): boolean {
    return this.client instanceof Cluster;
  }

  /** The master nodes: the one server, or each master of the cluster. */
  masters(): Redis[] {
    return this.client instanceof Cluster ? this.client.nodes('master') : [this.client];
  }

  /** The master that owns `slot` as far as the client knows, or undefined (slots not known). */
  masterOfSlot(slot: number): Redis | undefined {
    if (!(this.client instanceof Cluster)) return this.client;
    const owner = this.client.slots[slot]?.[0];
    if (owner === undefined) return undefined;
    return this.client
      .nodes('master')
      .find((node) => `${node.options.host}:${node.options.port}` === owner);
  }

  /** Asks the cluster for its slots again (after MOVED); nothing to do for one server. */
  refreshSlots(): Promise<void> {
    const client = this.client;
    if (!(client instanceof Cluster)) return Promise.resolve();
    return new Promise((resolve) => {
      // A refresh that fails leaves the old map: the next attempt gets MOVED again and retries.
      client.refreshSlotsCache(() => resolve());
    });
  }

  /** QUIT, or a hard disconnect when the server does not answer within the timeout. */
  async close(): Promise<void> {
    const client = this.client;
    if (client.status === 'end') return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.quit(),
        new Promise((resolve) => {
          timer = setTimeout(resolve, Math.min(this.timeoutMs, 5_000));
        }),
      ]);
    } catch {
      // Closing a broken connection: nothing more to do than disconnect.
    } finally {
      clearTimeout(timer);
      client.disconnect();
    }
  }
}
