import type { ConfigDef } from './config-def.js';
import type { ConnectRecord } from './connect-record.js';

/**
 * A single message transform (SMT): changes or drops one record at a time, synchronously, as in
 * Kafka. Build changed records with `record.newRecord({...})`, which keeps the record's kind.
 */
export interface Transformation<R extends ConnectRecord = ConnectRecord> {
  /** Configures the transform (its `transforms.<alias>.*` settings, prefix removed). */
  configure(props: Record<string, unknown>): void;
  /** The transformed record, or `null` to drop it. */
  apply(record: R): R | null;
  config(): ConfigDef<object>;
  version?(): string;
  close(): void;
}

/** A condition that gates a transform (`transforms.<alias>.predicate`). */
export interface Predicate<R extends ConnectRecord = ConnectRecord> {
  /** Configures the predicate (its `predicates.<name>.*` settings, prefix removed). */
  configure(props: Record<string, unknown>): void;
  /** Whether the record matches. */
  test(record: R): boolean;
  config(): ConfigDef<object>;
  version?(): string;
  close(): void;
}
