/** Watches records arrive somewhere (a topic, a file) and times the flow from first to last. */
import { open } from 'node:fs/promises';
import type { WorkerProcess } from './worker-process.js';

/** What a watched flow measured. */
export interface Flow {
  /** Seconds from the first observation of a record to the observation of the last one. */
  readonly seconds: number;
  /** Records that arrived within those seconds (the target minus those seen at first). */
  readonly records: number;
  /** `process.hrtime.bigint()` when the first record was seen. */
  readonly firstSeenAt: bigint;
}

export interface WatchOptions {
  /** Current number of records arrived. */
  readonly count: () => Promise<number>;
  readonly target: number;
  readonly pollMs?: number;
  readonly onProgress?: (arrived: number) => void;
  /** Fail if this worker exits before the target is reached. */
  readonly worker?: WorkerProcess;
  /** Fail when nothing moved for this long (a stuck pipeline, not a slow one). */
  readonly stallMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `count` until it reaches `target`; the rate counts what arrived after the first sighting. */
export async function watchFlow(options: WatchOptions): Promise<Flow> {
  const pollMs = options.pollMs ?? 50;
  const stallMs = options.stallMs ?? 180_000;
  let exited = false;
  void options.worker?.exited.then(() => {
    exited = true;
  });
  let firstSeenAt: bigint | undefined;
  let firstCount = 0;
  let last = -1;
  let lastMoveAt = Date.now();
  for (;;) {
    const arrived = await options.count();
    const now = process.hrtime.bigint();
    if (arrived !== last) {
      last = arrived;
      lastMoveAt = Date.now();
      options.onProgress?.(arrived);
    }
    if (arrived > 0 && firstSeenAt === undefined) {
      firstSeenAt = now;
      firstCount = arrived;
    }
    if (arrived >= options.target && firstSeenAt !== undefined) {
      return {
        seconds: Number(now - firstSeenAt) / 1e9,
        records: arrived - firstCount,
        firstSeenAt,
      };
    }
    if (exited) {
      throw new Error(
        `the ${options.worker?.system} worker exited after ${arrived} of ${options.target} records (log: ${options.worker?.logFile})`,
      );
    }
    if (Date.now() - lastMoveAt > stallMs) {
      throw new Error(
        `no progress for ${stallMs / 1000} s at ${arrived} of ${options.target} records${options.worker ? ` (log: ${options.worker.logFile})` : ''}`,
      );
    }
    await sleep(pollMs);
  }
}

/** Counts the lines of a growing file, reading only what was appended since the last call. */
export class LineCounter {
  private position = 0;
  private lines = 0;
  private readonly buffer = Buffer.allocUnsafe(4 * 1024 * 1024);

  constructor(private readonly file: string) {}

  /** Complete lines (newlines) in the file so far. */
  async count(): Promise<number> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(this.file, 'r');
    } catch {
      return this.lines; // not created yet
    }
    try {
      for (;;) {
        const { bytesRead } = await handle.read(this.buffer, 0, this.buffer.length, this.position);
        if (bytesRead === 0) break;
        this.position += bytesRead;
        const read = this.buffer.subarray(0, bytesRead);
        for (let at = read.indexOf(10); at !== -1; at = read.indexOf(10, at + 1)) this.lines++;
      }
    } finally {
      await handle.close();
    }
    return this.lines;
  }

  /** Bytes read so far. */
  bytes(): number {
    return this.position;
  }
}
