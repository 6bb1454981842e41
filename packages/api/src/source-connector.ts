import {
  Connector,
  type ConnectorContext,
  type ConnectorProps,
  type TaskClass,
} from './connector.js';
import type { MaybePromise } from './maybe-promise.js';
import type { OffsetStorageReader } from './offset-storage-reader.js';
import type { SourceOffset, SourcePartition } from './source-record.js';
import type { SourceTask } from './source-task.js';

/** Whether a source connector can deliver exactly once with the given config (KIP-618). */
export type ExactlyOnceSupport = 'SUPPORTED' | 'UNSUPPORTED';

/** Whether a source connector can define its own transaction boundaries (KIP-618). */
export type ConnectorTransactionBoundaries = 'SUPPORTED' | 'UNSUPPORTED';

/** A source connector's context: the connector context plus its committed offsets. */
export interface SourceConnectorContext extends ConnectorContext {
  offsetStorageReader(): OffsetStorageReader;
}

/** One source offset to change (KIP-875): `offset: null` removes the partition's offset. */
export interface SourceOffsetAlteration {
  readonly partition: SourcePartition;
  readonly offset: SourceOffset | null;
}

/** A connector that reads from an external system into Kafka. */
export abstract class SourceConnector extends Connector {
  declare protected context: SourceConnectorContext;

  /** Called by the runtime before `start`, with the context a source connector needs. */
  override initialize(
    context: SourceConnectorContext,
    taskConfigs?: readonly ConnectorProps[],
  ): void {
    super.initialize(context, taskConfigs);
  }

  abstract override taskClass(): TaskClass<SourceTask>;

  /**
   * Whether the connector supports exactly-once delivery with this config; `null` (the default)
   * means it does not say, and a worker requiring exactly-once refuses it.
   */
  exactlyOnceSupport(_props: ConnectorProps): MaybePromise<ExactlyOnceSupport | null> {
    return null;
  }

  /** Whether the connector can define transaction boundaries (`transaction.boundary=connector`). */
  canDefineTransactionBoundaries(
    _props: ConnectorProps,
  ): MaybePromise<ConnectorTransactionBoundaries> {
    return 'UNSUPPORTED';
  }

  /**
   * Called when a user alters or resets offsets through the REST API (KIP-875), before they are
   * written. Return true if the connector accepts them (e.g. it keeps no offsets of its own);
   * throw to refuse. The default, false, lets the runtime proceed with a warning that the
   * connector did not confirm.
   */
  alterOffsets(
    _props: ConnectorProps,
    _offsets: readonly SourceOffsetAlteration[],
  ): MaybePromise<boolean> {
    return false;
  }
}
