import type { KafkaAdmin, KafkaHeader, KafkaProducer } from '../kafka/kafka-port.js';
import type { Logger } from '../logging/logger.js';
import { stringifyOffsetJson } from '../storage/offset-json.js';
import { exceptionClassName } from './java-class-names.js';
import { type ErrorReporter, type ProcessingContext, stackTrace } from './processing-context.js';
import type { ErrorCounters } from './retry-with-tolerance-operator.js';

export const ERROR_HEADER_PREFIX = '__connect.errors.';
export const DLQ_HEADERS = {
  topic: `${ERROR_HEADER_PREFIX}topic`,
  partition: `${ERROR_HEADER_PREFIX}partition`,
  offset: `${ERROR_HEADER_PREFIX}offset`,
  connectorName: `${ERROR_HEADER_PREFIX}connector.name`,
  taskId: `${ERROR_HEADER_PREFIX}task.id`,
  stage: `${ERROR_HEADER_PREFIX}stage`,
  className: `${ERROR_HEADER_PREFIX}class.name`,
  exceptionClassName: `${ERROR_HEADER_PREFIX}exception.class.name`,
  exceptionMessage: `${ERROR_HEADER_PREFIX}exception.message`,
  exceptionStacktrace: `${ERROR_HEADER_PREFIX}exception.stacktrace`,
  /** Sluice's source-side DLQ: the failed record's source partition and offset (JSON). */
  sourcePartition: `${ERROR_HEADER_PREFIX}source.partition`,
  sourceOffset: `${ERROR_HEADER_PREFIX}source.offset`,
} as const;

const encoder = new TextEncoder();

/** Kafka creates the DLQ topic with one partition. */
const DLQ_PARTITIONS = 1;

/**
 * Writes failed records to `errors.deadletterqueue.topic.name`. Sink side (as Kafka): the
 * original key, value, headers and timestamp, plus `__connect.errors.*` context headers
 * when enabled. Source side (Sluice only): the converted key/value bytes when conversion
 * got that far, else the record's string form as the value, with the source partition and
 * offset in `__connect.errors.source.partition|offset` headers. `report` resolves once
 * Kafka acknowledged the DLQ record.
 */
export class DeadLetterQueueReporter implements ErrorReporter {
  constructor(
    private readonly producer: KafkaProducer,
    private readonly topic: string,
    private readonly connector: string,
    private readonly taskId: number,
    private readonly contextHeaders: boolean,
    private readonly log: Logger,
    private readonly counters: Pick<ErrorCounters, 'dlqRequests' | 'dlqFailures'> = {
      dlqRequests: 0,
      dlqFailures: 0,
    },
  ) {}

  /** Creates the DLQ topic if missing (one partition, the configured replication factor). */
  static async ensureTopic(
    admin: KafkaAdmin,
    topic: string,
    replicationFactor: number,
    log: Logger,
  ): Promise<void> {
    const created = await admin.createTopics([
      { topic, numPartitions: DLQ_PARTITIONS, replicationFactor },
    ]);
    if (created.length > 0) log.info({ topic }, `Created dead letter queue topic ${topic}`);
  }

  async report(context: ProcessingContext): Promise<void> {
    const headers: KafkaHeader[] = [];
    let key: Uint8Array | null = null;
    let value: Uint8Array | null = null;
    let timestamp: number | undefined;
    let topic = '';
    let partition = -1;
    let offset = '-1';
    if (context.consumerRecord) {
      const c = context.consumerRecord;
      key = c.key;
      value = c.value;
      headers.push(...c.headers);
      if (c.timestamp >= 0) timestamp = c.timestamp;
      topic = c.topic;
      partition = c.partition;
      offset = c.offset.toString();
    } else if (context.sourceRecord) {
      const s = context.sourceRecord;
      key = s.key ?? null;
      value = s.value !== undefined ? s.value : encoder.encode(s.describe());
      if (s.value === undefined && s.key === undefined) key = null;
      if (s.timestamp !== null) timestamp = s.timestamp;
      topic = s.topic;
      headers.push({
        key: DLQ_HEADERS.sourcePartition,
        value: encoder.encode(stringifyOffsetJson(s.sourcePartition)),
      });
      headers.push({
        key: DLQ_HEADERS.sourceOffset,
        value: encoder.encode(stringifyOffsetJson(s.sourceOffset)),
      });
    } else {
      return;
    }
    if (this.contextHeaders) {
      const add = (k: string, v: string) => {
        if (headers.some((h) => h.key === k)) {
          this.log.error(`Header already contains the '${k}' key.`);
          return;
        }
        headers.push({ key: k, value: encoder.encode(v) });
      };
      add(DLQ_HEADERS.topic, topic);
      add(DLQ_HEADERS.partition, String(partition));
      add(DLQ_HEADERS.offset, offset);
      add(DLQ_HEADERS.connectorName, this.connector);
      add(DLQ_HEADERS.taskId, String(this.taskId));
      add(DLQ_HEADERS.stage, context.stage);
      add(DLQ_HEADERS.className, context.executingClass);
      add(DLQ_HEADERS.exceptionClassName, exceptionClassName(context.error));
      add(DLQ_HEADERS.exceptionMessage, context.error.message ?? '');
      add(DLQ_HEADERS.exceptionStacktrace, stackTrace(context.error));
    }
    this.counters.dlqRequests++;
    try {
      await this.producer.send({
        topic: this.topic,
        key,
        value,
        headers,
        ...(timestamp !== undefined ? { timestamp } : {}),
      });
    } catch (error) {
      this.counters.dlqFailures++;
      this.log.error(
        { err: error },
        `Could not produce message to dead letter queue. topic=${this.topic}`,
      );
      throw error;
    }
  }

  /** Flushes and closes the reporter's producer (each reporter owns its own). */
  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
