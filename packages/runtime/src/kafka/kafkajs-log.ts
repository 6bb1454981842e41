import { createRequire } from 'node:module';
import { logLevel } from '@sluice/kafkajs';
import type { Logger } from '../logging/logger.js';

/** One line kafkajs logs: its message and fields. */
export interface KafkajsLogEntry {
  message: string;
  [field: string]: unknown;
}

/**
 * Messages of the Kafka protocol errors kafkajs retries (its own table, read once): kafkajs logs
 * a failed response at error level with only the message, before retrying it.
 */
const RETRIABLE_PROTOCOL_ERRORS: ReadonlySet<string> = (() => {
  try {
    const { errorCodes } = createRequire(import.meta.url)(
      '@sluice/kafkajs/src/protocol/error.js',
    ) as {
      errorCodes: Array<{ message: string; retriable: boolean }>;
    };
    return new Set(errorCodes.filter((e) => e.retriable).map((e) => e.message));
  } catch {
    // Another kafkajs layout: such lines stay at error level.
    return new Set<string>();
  }
})();

/**
 * Whether a line kafkajs logs at error level describes a condition it (or the runtime) retries:
 * a response with a retriable error (coordinator loading, topic-partition not hosted yet, leader
 * moving), a connection that failed (reconnected; the runtime logs its own retries), or a step of
 * one of its retry loops (`retryCount`), a consumer re-joining its group. Kafka's Java clients log these as warnings or lower.
 */
export function isRetriedCondition(entry: KafkajsLogEntry): boolean {
  if (entry.retryCount !== undefined || entry.retryTime !== undefined) return true;
  const { message } = entry;
  if (message.startsWith('Connection error') || message === 'Connection timeout') return true;
  if (message.endsWith('re-joining the group')) return true;
  return (
    message.startsWith('Response ') &&
    typeof entry.error === 'string' &&
    RETRIABLE_PROTOCOL_ERRORS.has(entry.error)
  );
}

/** Kafka's messages for a topic the broker has no metadata for yet (being created, or unknown). */
const METADATA_WAIT_ERRORS = new Set([
  'This server does not host this topic-partition',
  'There is no leader for this topic-partition as we are in the middle of a leadership election',
]);

/** Kafka's messages telling a group member to join again (a rebalance is under way). */
const GROUP_REJOIN_ERRORS = new Set([
  'The group is rebalancing, so a rejoin is needed',
  'Specified group generation id is not valid',
]);

/**
 * kafkajs's `logCreator`, writing through the worker's logger: errors it retries become warnings,
 * its info lines debug (kafkajs is chatty about routine group and producer steps).
 */
export function kafkaLogCreator(log: Logger) {
  return () =>
    ({ level, log: entry }: { level: number; log: KafkajsLogEntry }) => {
      const { message, timestamp: _t, logger: _l, ...rest } = entry;
      const fields = { kafkajs: rest };
      // Said for every idempotent producer with bounded retries, which is what we want.
      if (message.startsWith('Limiting retries for the idempotent producer')) return;
      // A topic without metadata yet is waited for (and reported) by the producer itself; a
      // group rebalancing is routine for its members (Kafka's clients log it at INFO).
      if (
        (message.startsWith('Response Metadata') && METADATA_WAIT_ERRORS.has(String(rest.error))) ||
        (message.startsWith('Response ') && GROUP_REJOIN_ERRORS.has(String(rest.error)))
      )
        log.debug(fields, message);
      else if (level === logLevel.ERROR && !isRetriedCondition(entry)) log.error(fields, message);
      else if (level === logLevel.ERROR || level === logLevel.WARN) log.warn(fields, message);
      else if (level === logLevel.INFO) log.debug(fields, message);
      else log.trace(fields, message);
    };
}
