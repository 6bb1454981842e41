import type { MaybePromise } from './maybe-promise.js';

/** Configuration values a provider returns for one path, with how long they stay valid. */
export interface ConfigData {
  readonly data: Readonly<Record<string, string>>;
  /** Milliseconds the values may be cached, or `null` for no limit. */
  readonly ttl: number | null;
}

/**
 * Resolves `${provider:path:key}` references in configs (Kafka's ConfigProvider, e.g. secrets from
 * files or environment variables), so secrets need not be written in connector configs.
 */
export interface ConfigProvider {
  /** Configures the provider (its `config.providers.<name>.param.*` settings). */
  configure(configs: Record<string, unknown>): MaybePromise<void>;
  /** The values at `path`: only `keys` when given, else all of them. */
  get(path: string, keys?: readonly string[]): Promise<ConfigData>;
  version?(): string;
  close(): MaybePromise<void>;
}
