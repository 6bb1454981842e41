/** The `errors.*` settings of one connector, parsed. */
export interface ErrorHandlingConfig {
  /** `errors.retry.timeout`: 0 = no retry, -1 = forever. */
  retryTimeoutMs: number;
  /** `errors.retry.delay.max.ms`. */
  retryDelayMaxMs: number;
  /** `errors.tolerance`. */
  tolerance: 'none' | 'all';
  logEnable: boolean;
  logIncludeMessages: boolean;
  /** `errors.deadletterqueue.topic.name`; empty = no DLQ. */
  dlqTopic: string;
  dlqReplicationFactor: number;
  dlqContextHeaders: boolean;
}

export const DEFAULT_ERROR_HANDLING: ErrorHandlingConfig = {
  retryTimeoutMs: 0,
  retryDelayMaxMs: 60_000,
  tolerance: 'none',
  logEnable: false,
  logIncludeMessages: false,
  dlqTopic: '',
  dlqReplicationFactor: 3,
  dlqContextHeaders: false,
};
