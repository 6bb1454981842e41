import type { ConfigDef } from './config-def.js';
import type { ConnectHeaders } from './headers.js';
import type { MaybePromise } from './maybe-promise.js';
import type { Schema } from './schema.js';
import type { SchemaAndValue } from './schema-and-value.js';

/**
 * Converts record keys or values between Connect data and bytes (`key.converter`,
 * `value.converter`). Each method may return a Promise (e.g. to reach a schema registry); the
 * runtime awaits only when one comes back, so synchronous converters (JSON) stay fast.
 */
export interface Converter {
  /** Configures the converter (the `key.converter.*` / `value.converter.*` settings, prefix removed). */
  configure(configs: Record<string, unknown>, isKey: boolean): void;
  /** Serializes a value of `schema` (`null` schema: schemaless) for `topic`; `null` for a null value. */
  fromConnectData(
    topic: string,
    headers: ConnectHeaders,
    schema: Schema | null,
    value: unknown,
  ): MaybePromise<Uint8Array | null>;
  /** Deserializes bytes read from `topic` (`null` for a tombstone). */
  toConnectData(
    topic: string,
    headers: ConnectHeaders,
    value: Uint8Array | null,
  ): MaybePromise<SchemaAndValue>;
  /** The converter's configuration definition. */
  config(): ConfigDef<object>;
  /** The converter's version, if it reports one. */
  version?(): string;
  /** Releases resources; called when the task using it stops. */
  close?(): MaybePromise<void>;
}

/** Converts header values between Connect data and bytes (`header.converter`). */
export interface HeaderConverter {
  /** Configures the converter (the `header.converter.*` settings, prefix removed). */
  configure(configs: Record<string, unknown>): void;
  /** Deserializes one header value read from `topic`. */
  toConnectHeader(
    topic: string,
    headerKey: string,
    value: Uint8Array | null,
  ): MaybePromise<SchemaAndValue>;
  /** Serializes one header value of `schema` for `topic`. */
  fromConnectHeader(
    topic: string,
    headerKey: string,
    schema: Schema | null,
    value: unknown,
  ): MaybePromise<Uint8Array | null>;
  config(): ConfigDef<object>;
  version?(): string;
  close(): MaybePromise<void>;
}
