import { sleep } from './daemon-process.js';

/** Options for `waitUntilReady`. */
export interface WaitOptions {
  readonly timeoutMs: number;
  /** Delay between attempts (default 250 ms). */
  readonly intervalMs?: number;
  /** Checked before each attempt: a message here (e.g. "exited with code 1") stops waiting. */
  readonly abortReason?: () => string | undefined;
}

/** Thrown when readiness did not come in time or the process died while waiting. */
export class NotReadyError extends Error {
  constructor(
    message: string,
    readonly lastError: unknown,
  ) {
    super(message, lastError === undefined ? {} : { cause: lastError });
    this.name = 'NotReadyError';
  }
}

/** Retries `check` until it resolves, the timeout passes, or `abortReason` says to stop. */
export async function waitUntilReady(
  check: () => Promise<void>,
  options: WaitOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const reason = options.abortReason?.();
    if (reason !== undefined) throw new NotReadyError(reason, lastError);
    try {
      await check();
      return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new NotReadyError(
        `did not answer within ${Math.round(options.timeoutMs / 1000)} s`,
        lastError,
      );
    }
    await sleep(options.intervalMs ?? 250);
  }
}
