import type { ConsumerRecord } from '../kafka/kafka-port.js';
import type { OffsetMap } from '../storage/offset-store.js';
import type { Stage } from './stage.js';

/** A source record that failed, as the DLQ and log reporters see it. */
export interface FailedSourceRecord {
  topic: string;
  sourcePartition: OffsetMap | null;
  sourceOffset: OffsetMap | null;
  /** The record's bytes when conversion got that far. */
  key: Uint8Array | null | undefined;
  value: Uint8Array | null | undefined;
  /** A readable rendering of the record, used when no converted bytes exist. */
  describe(): string;
  timestamp: number | null;
}

/** Everything known about one failure: where, in what, and the record it concerned. */
export interface ProcessingContext {
  stage: Stage;
  /** The class (plugin) that was executing: converter, transform, task. */
  executingClass: string;
  error: Error;
  attempts: number;
  /** Sink side: the raw record consumed from Kafka. */
  consumerRecord?: ConsumerRecord;
  /** Source side: the record returned by poll(). */
  sourceRecord?: FailedSourceRecord;
}

/** Receives every failure the operator handles (log, DLQ). */
export interface ErrorReporter {
  /** Resolves once the report is durable (for the DLQ: acknowledged by Kafka). */
  report(context: ProcessingContext): Promise<void>;
  close(): Promise<void>;
}

/** The error's stack trace, causes included, as Kafka prints it. */
export function stackTrace(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    if (current instanceof Error) {
      parts.push(
        depth === 0
          ? (current.stack ?? String(current))
          : `Caused by: ${current.stack ?? String(current)}`,
      );
      current = (current as { cause?: unknown }).cause;
    } else {
      parts.push(depth === 0 ? String(current) : `Caused by: ${String(current)}`);
      break;
    }
  }
  return parts.join('\n');
}
