/**
 * The shapes of plugins as the runtime calls them. These mirror the interfaces in
 * @sluice/api structurally; keeping the runtime's view in one file makes the loader's
 * contract check and the runners agree on the same method lists.
 */
import type {
  ConnectHeaders,
  ConnectorLogger,
  Header,
  Schema,
  SchemaAndValue,
  SinkRecord,
  SourceRecord,
} from '@sluice/api';

type MaybePromise<T> = T | Promise<T>;

export interface ConverterLike {
  configure(configs: Record<string, unknown>, isKey: boolean): MaybePromise<void>;
  fromConnectData(
    topic: string,
    headers: ConnectHeaders,
    schema: Schema | null,
    value: unknown,
  ): MaybePromise<Uint8Array | null>;
  toConnectData(
    topic: string,
    headers: ConnectHeaders,
    value: Uint8Array | null,
  ): MaybePromise<SchemaAndValue>;
  close?(): MaybePromise<void>;
}

export interface HeaderConverterLike {
  configure(configs: Record<string, unknown>): MaybePromise<void>;
  fromConnectHeader(
    topic: string,
    headerKey: string,
    schema: Schema | null,
    value: unknown,
  ): MaybePromise<Uint8Array | null>;
  toConnectHeader(
    topic: string,
    headerKey: string,
    value: Uint8Array | null,
  ): MaybePromise<SchemaAndValue>;
  close?(): MaybePromise<void>;
}

export interface TransformationLike<R> {
  configure(configs: Record<string, unknown>): MaybePromise<void>;
  apply(record: R): R | null;
  close?(): MaybePromise<void>;
}

export interface PredicateLike<R> {
  configure(configs: Record<string, unknown>): MaybePromise<void>;
  test(record: R): boolean;
  close?(): MaybePromise<void>;
}

export interface RecordMetadataLike {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number | null;
}

export interface SourceTaskContextLike {
  configs(): Record<string, string>;
  log: ConnectorLogger;
  offsetStorageReader(): {
    offset(partition: Record<string, unknown>): Promise<Record<string, unknown> | null>;
    offsets(
      partitions: readonly Record<string, unknown>[],
    ): Promise<Map<Record<string, unknown>, Record<string, unknown> | null>>;
  };
}

export interface SourceTaskLike {
  version?(): string;
  initialize?(context: SourceTaskContextLike): void;
  start(props: Record<string, string>): MaybePromise<void>;
  poll(): MaybePromise<SourceRecord[] | null | undefined>;
  commit?(): MaybePromise<void>;
  commitRecord?(record: SourceRecord, metadata: RecordMetadataLike | null): MaybePromise<void>;
  stop(): MaybePromise<void>;
}

export interface SinkTaskLike {
  version?(): string;
  initialize?(context: unknown): void;
  start(props: Record<string, string>): MaybePromise<void>;
  open?(partitions: Array<{ topic: string; partition: number }>): MaybePromise<void>;
  put(records: SinkRecord[]): MaybePromise<void>;
  flush?(offsets: unknown): MaybePromise<void>;
  preCommit?(offsets: unknown): MaybePromise<unknown>;
  close?(partitions: Array<{ topic: string; partition: number }>): MaybePromise<void>;
  stop(): MaybePromise<void>;
}

export interface ConnectorContextLike {
  requestTaskReconfiguration(): void;
  raiseError(error: Error): void;
  log: ConnectorLogger;
}

export interface ConnectorLike {
  version?(): string;
  initialize?(context: ConnectorContextLike): void;
  start(props: Record<string, string>): MaybePromise<void>;
  taskClass?(): unknown;
  taskConfigs(maxTasks: number): MaybePromise<Array<Record<string, string>>>;
  stop(): MaybePromise<void>;
  config?(): unknown;
  validate?(props: Record<string, string>): unknown;
}

export type { Header };
