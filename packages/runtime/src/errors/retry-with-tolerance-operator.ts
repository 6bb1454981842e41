import { ConnectException, RetriableException } from '@sluice/api';
import type { Logger } from '../logging/logger.js';
import type { ErrorHandlingConfig } from './error-handling-config.js';
import type { ErrorReporter, ProcessingContext } from './processing-context.js';
import { type Stage, TOLERABLE_STAGES } from './stage.js';

const RETRIES_DELAY_MIN_MS = 300;

/** What a stage returned: its value, or `skipped` when a tolerated failure dropped the record. */
export type StageResult<T> = { ok: true; value: T } | { ok: false };

/** Where the record being processed came from, for the reporters. */
export type RecordOrigin = Pick<ProcessingContext, 'consumerRecord' | 'sourceRecord'>;

/** Counters for status and metrics (Kafka's task-error-metrics). */
export interface ErrorCounters {
  /** Failed attempts at an operation (total-record-failures). */
  failures: number;
  /** Records whose processing ended in an error, tolerated or not (total-record-errors). */
  recordErrors: number;
  retries: number;
  skipped: number;
  /** Records the error log reporter wrote (total-errors-logged). */
  errorsLogged: number;
  /** Writes to the dead letter queue attempted (deadletterqueue-produce-requests). */
  dlqRequests: number;
  /** Writes to the dead letter queue that failed (deadletterqueue-produce-failures). */
  dlqFailures: number;
  /** When the last error happened, ms since the epoch; 0 before any (last-error-timestamp). */
  lastErrorTimestamp: number;
}

/** Zeroed error counters. */
export function newErrorCounters(): ErrorCounters {
  return {
    failures: 0,
    recordErrors: 0,
    retries: 0,
    skipped: 0,
    errorsLogged: 0,
    dlqRequests: 0,
    dlqFailures: 0,
    lastErrorTimestamp: 0,
  };
}

/**
 * Runs every pipeline stage with Kafka Connect's error semantics: a RetriableException is
 * retried with exponential backoff (300 ms doubling, capped by `errors.retry.delay.max.ms`)
 * until `errors.retry.timeout` (-1 = forever); then, or on another error, the failure is
 * reported (log, DLQ) and either skips the record (`errors.tolerance=all`, converter and
 * transform stages) or fails the task with "Tolerance exceeded in error handler".
 */
export class RetryWithToleranceOperator {
  private stopped = false;
  private wake: (() => void) | null = null;

  /** `counters` may be shared with the reporters, which count what they log and write. */
  constructor(
    readonly config: ErrorHandlingConfig,
    private readonly reporters: ErrorReporter[],
    private readonly log: Logger,
    readonly counters: ErrorCounters = newErrorCounters(),
  ) {}

  /** True when there is a DLQ reporter (records are written somewhere on failure). */
  get hasReporters(): boolean {
    return this.reporters.length > 0;
  }

  /**
   * Runs one stage for one record. Throws a ConnectException when the failure is not tolerated.
   * A synchronous operation that succeeds gets its result back synchronously: no promise per
   * record and stage on the hot path (await it all the same).
   */
  execute<T>(
    stage: Stage,
    executingClass: string,
    origin: RecordOrigin,
    operation: () => T | Promise<T>,
  ): StageResult<T> | Promise<StageResult<T>> {
    let result: T | Promise<T>;
    try {
      result = operation();
    } catch (error) {
      return this.afterAttempt(stage, executingClass, origin, operation, true, error);
    }
    if (!(result instanceof Promise)) return { ok: true, value: result };
    return this.afterAttempt(stage, executingClass, origin, operation, false, result);
  }

  /**
   * What `execute` does after a first attempt of `operation` that threw `outcome` (`threw`) or
   * returned the promise `outcome`: for a caller that makes the first attempt itself (a hot
   * path, without a closure per record and stage).
   */
  afterAttempt<T>(
    stage: Stage,
    executingClass: string,
    origin: RecordOrigin,
    operation: () => T | Promise<T>,
    threw: boolean,
    outcome: unknown,
  ): Promise<StageResult<T>> {
    // The retry timeout counts from the first attempt. A synchronous one took no time to speak
    // of: the clock is read here, after it, and not at all when it succeeded at once.
    const start = Date.now();
    if (threw) return this.retryOrFail(stage, executingClass, origin, operation, outcome, start);
    return (outcome as Promise<T>).then(
      (value): StageResult<T> => ({ ok: true, value }),
      (error: unknown) => this.retryOrFail(stage, executingClass, origin, operation, error, start),
    );
  }

  /** After a failed attempt: retries a RetriableException within the retry timeout, else handles the failure. */
  private async retryOrFail<T>(
    stage: Stage,
    executingClass: string,
    origin: RecordOrigin,
    operation: () => T | Promise<T>,
    firstError: unknown,
    start: number,
  ): Promise<StageResult<T>> {
    let error = firstError;
    for (let attempt = 1; ; attempt++) {
      this.counters.failures++;
      this.counters.lastErrorTimestamp = Date.now();
      if (!(error instanceof RetriableException) || this.stopped || !this.canRetry(start))
        return this.handleFailure(stage, executingClass, origin, error, attempt);
      this.counters.retries++;
      await this.backoff(attempt, start);
      try {
        const result = operation();
        const value = result instanceof Promise ? await result : result;
        return { ok: true, value };
      } catch (e) {
        error = e;
      }
    }
  }

  /**
   * Reports a failure that happened outside `execute` (the errant record reporter, a failed
   * produce). Resolves when reported and tolerated; throws when not tolerated.
   */
  async executeFailed(
    stage: Stage,
    executingClass: string,
    origin: RecordOrigin,
    error: unknown,
    tolerable = true,
  ): Promise<void> {
    this.counters.failures++;
    this.counters.lastErrorTimestamp = Date.now();
    await this.handleFailure(stage, executingClass, origin, error, 1, tolerable);
  }

  private async handleFailure(
    stage: Stage,
    executingClass: string,
    origin: RecordOrigin,
    error: unknown,
    attempts: number,
    tolerable = TOLERABLE_STAGES.has(stage),
  ): Promise<{ ok: false }> {
    this.counters.recordErrors++;
    const err = error instanceof Error ? error : new Error(String(error));
    const context: ProcessingContext = { stage, executingClass, error: err, attempts, ...origin };
    if (!tolerable || this.config.tolerance === 'none') {
      // Kafka reports the failure (log, DLQ) before failing the task only when tolerated;
      // the error log still helps the user find the record, so it is written here.
      await this.report(context, true);
      if (!tolerable && !(error instanceof RetriableException)) {
        throw new ConnectException('Unhandled exception in error handler', { cause: err });
      }
      throw new ConnectException('Tolerance exceeded in error handler', { cause: err });
    }
    this.counters.skipped++;
    await this.report(context, false);
    return { ok: false };
  }

  private async report(context: ProcessingContext, logOnly: boolean): Promise<void> {
    for (const reporter of this.reporters) {
      if (logOnly && !(reporter as { logOnly?: boolean }).logOnly) continue;
      await reporter.report(context);
    }
  }

  private canRetry(start: number): boolean {
    const timeout = this.config.retryTimeoutMs;
    if (timeout < 0) return true;
    return Date.now() - start < timeout;
  }

  private async backoff(attempt: number, start: number): Promise<void> {
    let delay = RETRIES_DELAY_MIN_MS * 2 ** (attempt - 1);
    if (delay > this.config.retryDelayMaxMs) delay = Math.random() * this.config.retryDelayMaxMs;
    if (this.config.retryTimeoutMs >= 0)
      delay = Math.min(delay, start + this.config.retryTimeoutMs - Date.now());
    if (delay <= 0) return;
    this.log.debug({ delayMs: Math.round(delay), attempt }, 'retrying after a retriable error');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, delay);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  /** Ends any retry in progress (task stopping): the current attempt fails instead of waiting. */
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  async close(): Promise<void> {
    this.stop();
    for (const reporter of this.reporters) await reporter.close();
  }
}
