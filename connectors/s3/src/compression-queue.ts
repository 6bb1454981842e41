/**
 * Compression jobs of one object, run one after another off the event loop (zlib's thread pool or
 * the codec worker) while records keep being encoded; their output is taken in the order the jobs
 * were added. One job at a time per object keeps a single compressor's memory alive, and the raw
 * bytes waiting are bounded because the writer takes the output once a part's worth is queued.
 */
export class CompressionQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private results: Promise<Uint8Array[]>[] = [];
  private queuedBytes = 0;

  /** Bytes (before compression) of the jobs added since the last {@link take}. */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  /** Whether a job was added since the last {@link take}. */
  get isEmpty(): boolean {
    return this.results.length === 0;
  }

  /** Queues `job`, which compresses `rawBytes` bytes into chunks, after the jobs before it. */
  add(rawBytes: number, job: () => Uint8Array[] | Promise<Uint8Array[]>): void {
    const result = this.tail.then(job);
    // A failure is thrown by take(); until then it must not count as an unhandled rejection.
    this.tail = result.catch(() => {});
    this.results.push(result);
    this.queuedBytes += rawBytes;
  }

  /** Waits for every job added so far and takes their output, in order. */
  async take(): Promise<Uint8Array[]> {
    const results = this.results;
    this.results = [];
    this.queuedBytes = 0;
    return (await Promise.all(results)).flat();
  }
}
