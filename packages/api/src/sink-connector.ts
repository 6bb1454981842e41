import {
  Connector,
  type ConnectorContext,
  type ConnectorProps,
  type TaskClass,
} from './connector.js';
import type { MaybePromise } from './maybe-promise.js';
import type { SinkTask } from './sink-task.js';
import type { TopicPartitionMap } from './topic-partition.js';

/** A sink connector's context. */
export interface SinkConnectorContext extends ConnectorContext {}

/** A connector that writes records from Kafka to an external system. */
export abstract class SinkConnector extends Connector {
  /** The key naming the topics to consume, `topics`. */
  static readonly TOPICS_CONFIG = 'topics';
  /** The key naming a topic regex to consume, `topics.regex`. */
  static readonly TOPICS_REGEX_CONFIG = 'topics.regex';

  declare protected context: SinkConnectorContext;

  /** Called by the runtime before `start`. */
  override initialize(
    context: SinkConnectorContext,
    taskConfigs?: readonly ConnectorProps[],
  ): void {
    super.initialize(context, taskConfigs);
  }

  abstract override taskClass(): TaskClass<SinkTask>;

  /**
   * Called when a user alters or resets the consumer offsets through the REST API (KIP-875):
   * offsets are the next offsets to consume, `null` to reset a partition. Return true if the
   * connector accepts them (it keeps no offsets of its own); throw to refuse. Default: false.
   */
  alterOffsets(
    _props: ConnectorProps,
    _offsets: TopicPartitionMap<number | null>,
  ): MaybePromise<boolean> {
    return false;
  }
}
