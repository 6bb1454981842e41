import { ConnectException, DataException, RetriableException } from '@sluice/api';
import { LruCache } from './lru-cache.js';

/** How to reach the registry. */
export interface SchemaRegistryClientOptions {
  /** Base URLs, tried in order when one cannot be reached. */
  readonly urls: readonly string[];
  /** `user:password` for HTTP Basic authentication, or null. */
  readonly basicAuthUserInfo?: string | null;
  /** Limit of one request, milliseconds. */
  readonly requestTimeoutMs?: number;
  /** Schemas cached per kind of look-up (register, lookup, by id). */
  readonly cacheCapacity?: number;
  /** Latest versions are looked up again after this many ms; -1 caches them for good. */
  readonly latestCacheTtlMs?: number;
  /** Sends `normalize=true` on register and lookup. */
  readonly normalize?: boolean;
}

/** A registered schema: its global id, its version under the subject, and its text. */
export interface RegisteredSchema {
  readonly id: number;
  readonly version: number;
  readonly schema: string;
}

/** What the converter needs of a Schema Registry. */
export interface SchemaRegistry {
  /** Registers `schema` under `subject` (a no-op when it is there); its global id. */
  register(subject: string, schema: string): Promise<number>;
  /** The id and version of `schema` under `subject`, or null when it is not registered there. */
  lookup(subject: string, schema: string): Promise<RegisteredSchema | null>;
  /** The schema text of global id `id`. */
  schemaById(id: number): Promise<string>;
  /** The latest version registered under `subject`. */
  latest(subject: string): Promise<RegisteredSchema>;
}

/** An HTTP error answer of the registry, with Confluent's `error_code` when it sent one. */
export class SchemaRegistryError extends Error {
  override name = 'SchemaRegistryError';
  constructor(
    readonly status: number,
    readonly errorCode: number | null,
    message: string,
  ) {
    super(message);
  }
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const ACCEPT =
  'application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5';

/** Statuses that say "try again later" (Confluent maps them to timeouts and disconnects). */
const TRANSIENT_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/**
 * A small Confluent Schema Registry client over `fetch`: register, lookup, schema by id and latest
 * version, each cached (concurrent identical requests share one call). Errors are @sluice/api
 * exceptions: an unreachable registry or a transient status is a RetriableException, an unknown
 * schema or subject a DataException, refused credentials a ConnectException.
 */
export class SchemaRegistryClient implements SchemaRegistry {
  private readonly urls: readonly string[];
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly latestTtlMs: number;
  private readonly query: string;
  private readonly ids: LruCache<string, Promise<number>>;
  private readonly lookups: LruCache<string, Promise<RegisteredSchema | null>>;
  private readonly byId: LruCache<number, Promise<string>>;
  private readonly latestBySubject = new Map<
    string,
    { at: number; promise: Promise<RegisteredSchema> }
  >();

  constructor(options: SchemaRegistryClientOptions) {
    if (options.urls.length === 0) throw new Error('at least one schema registry URL is needed');
    this.urls = options.urls.map((u) => u.replace(/\/+$/, ''));
    this.headers = { 'Content-Type': CONTENT_TYPE, Accept: ACCEPT };
    if (options.basicAuthUserInfo) {
      this.headers.Authorization = `Basic ${Buffer.from(options.basicAuthUserInfo).toString('base64')}`;
    }
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.latestTtlMs = options.latestCacheTtlMs ?? -1;
    this.query = options.normalize ? '?normalize=true' : '';
    const capacity = options.cacheCapacity ?? 1000;
    this.ids = new LruCache(capacity);
    this.lookups = new LruCache(capacity);
    this.byId = new LruCache(capacity);
  }

  /** Registers `schema` (Avro JSON text) under `subject` (a no-op if it is there); its id. */
  register(subject: string, schema: string): Promise<number> {
    return this.cached(this.ids, `${subject}\u0000${schema}`, async () => {
      let body: { id?: unknown };
      try {
        body = (await this.request(
          'POST',
          `/subjects/${encodeURIComponent(subject)}/versions${this.query}`,
          { schema },
        )) as { id?: unknown };
      } catch (error) {
        throw toConnectError(error, `Error registering Avro schema under subject ${subject}`);
      }
      if (typeof body.id !== 'number') {
        throw new DataException('Schema Registry answered a registration without an id');
      }
      return body.id;
    });
  }

  /** The id and version of `schema` under `subject`, or null when it is not registered there. */
  lookup(subject: string, schema: string): Promise<RegisteredSchema | null> {
    return this.cached(this.lookups, `${subject}\u0000${schema}`, async () => {
      try {
        const body = (await this.request(
          'POST',
          `/subjects/${encodeURIComponent(subject)}${this.query}`,
          { schema },
        )) as { id: number; version: number; schema: string };
        return { id: body.id, version: body.version, schema: body.schema ?? schema };
      } catch (error) {
        if (error instanceof SchemaRegistryError && error.status === 404) return null;
        throw toConnectError(error, `Error looking up the schema under subject ${subject}`);
      }
    });
  }

  /** The schema text registered with global id `id`. */
  schemaById(id: number): Promise<string> {
    return this.cached(this.byId, id, async () => {
      try {
        const body = (await this.request('GET', `/schemas/ids/${id}`)) as { schema?: unknown };
        if (typeof body.schema !== 'string') {
          throw new DataException(`Schema Registry answered schema id ${id} without a schema`);
        }
        return body.schema;
      } catch (error) {
        if (error instanceof SchemaRegistryError && error.status === 404) {
          throw new DataException(
            `Schema ${id} not found in the Schema Registry: ${error.message}`,
            {
              cause: error,
            },
          );
        }
        throw toConnectError(error, `Error retrieving Avro schema for id ${id}`);
      }
    });
  }

  /** The latest version registered under `subject` (cached for `latestCacheTtlMs`). */
  latest(subject: string): Promise<RegisteredSchema> {
    const now = Date.now();
    const hit = this.latestBySubject.get(subject);
    if (hit !== undefined && (this.latestTtlMs < 0 || now - hit.at < this.latestTtlMs)) {
      return hit.promise;
    }
    const promise = (async () => {
      try {
        const body = (await this.request(
          'GET',
          `/subjects/${encodeURIComponent(subject)}/versions/latest`,
        )) as { id: number; version: number; schema: string };
        return { id: body.id, version: body.version, schema: body.schema };
      } catch (error) {
        if (error instanceof SchemaRegistryError && error.status === 404) {
          throw new DataException(
            `Subject ${subject} has no registered version (use.latest.version needs one): ${error.message}`,
            { cause: error },
          );
        }
        throw toConnectError(error, `Error retrieving the latest version of subject ${subject}`);
      }
    })();
    this.latestBySubject.set(subject, { at: now, promise });
    promise.catch(() => {
      if (this.latestBySubject.get(subject)?.promise === promise) {
        this.latestBySubject.delete(subject);
      }
    });
    return promise;
  }

  /** Caches the promise of a look-up; a failed one is forgotten so the next call tries again. */
  private cached<K, V>(cache: LruCache<K, Promise<V>>, key: K, load: () => Promise<V>): Promise<V> {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const promise = load().catch((error: unknown) => {
      if (cache.get(key) === promise) cache.delete(key);
      throw toConnectError(error, 'Schema Registry request failed');
    });
    cache.set(key, promise);
    return promise;
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    let lastError: unknown;
    for (const url of this.urls) {
      let response: Response;
      try {
        response = await fetch(`${url}${path}`, {
          method,
          headers: this.headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        lastError = error;
        continue; // unreachable: try the next URL
      }
      const text = await response.text();
      if (!response.ok) {
        let errorCode: number | null = null;
        let message = text;
        try {
          const parsed = JSON.parse(text) as { error_code?: unknown; message?: unknown };
          if (typeof parsed.error_code === 'number') errorCode = parsed.error_code;
          if (typeof parsed.message === 'string') message = parsed.message;
        } catch {
          // not JSON: keep the text
        }
        throw new SchemaRegistryError(
          response.status,
          errorCode,
          `${method} ${url}${path}: HTTP ${response.status}${errorCode === null ? '' : ` (error code ${errorCode})`}: ${message}`,
        );
      }
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        throw new DataException(`Schema Registry at ${url} answered ${path} with invalid JSON`, {
          cause: error,
        });
      }
    }
    const cause = lastError as { message?: string; cause?: { code?: string; message?: string } };
    const detail =
      cause?.cause?.code ?? cause?.cause?.message ?? cause?.message ?? String(lastError);
    throw new RetriableException(
      `Schema Registry unreachable at ${this.urls.join(', ')} (${method} ${path}): ${detail}`,
      { cause: lastError },
    );
  }
}

/** The @sluice/api exception for a registry failure (already-converted errors pass through). */
function toConnectError(error: unknown, what: string): ConnectException {
  if (error instanceof ConnectException) return error;
  if (error instanceof SchemaRegistryError) {
    const message = `${what}: ${error.message}`;
    if (TRANSIENT_STATUSES.has(error.status))
      return new RetriableException(message, { cause: error });
    if (error.status === 401 || error.status === 403) {
      return new ConnectException(message, { cause: error });
    }
    return new DataException(message, { cause: error });
  }
  return new DataException(`${what}: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
  });
}
