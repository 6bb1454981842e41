/** Kafka's defaults: `metrics.sample.window.ms` (30 s) and `metrics.num.samples` (2). */
export const METRICS_SAMPLE_WINDOW_MS = 30_000;
export const METRICS_NUM_SAMPLES = 2;

interface Sample {
  start: number;
  count: number;
  sum: number;
  max: number;
}

/**
 * Average and maximum of the values recorded over a sliding window, as Kafka's `Avg` and `Max`
 * sampled stats measure them: samples of `windowMs` each, the last `numSamples` of them kept,
 * so a value counts for between one and `numSamples` windows. Recording is O(1), meant to be
 * called once per batch or commit, never per record.
 */
export class SampledStat {
  private readonly samples: Sample[] = [];

  constructor(
    private readonly windowMs = METRICS_SAMPLE_WINDOW_MS,
    private readonly numSamples = METRICS_NUM_SAMPLES,
  ) {}

  record(value: number, now = Date.now()): void {
    let current = this.samples[this.samples.length - 1];
    if (!current || now - current.start >= this.windowMs) {
      current = { start: now, count: 0, sum: 0, max: Number.NEGATIVE_INFINITY };
      this.samples.push(current);
      if (this.samples.length > this.numSamples) this.samples.shift();
    }
    current.count++;
    current.sum += value;
    if (value > current.max) current.max = value;
  }

  private live(now: number): Sample[] {
    return this.samples.filter((s) => now - s.start < this.windowMs * this.numSamples);
  }

  /** The average over the window; NaN when nothing was recorded in it (as Kafka). */
  avg(now = Date.now()): number {
    let count = 0;
    let sum = 0;
    for (const s of this.live(now)) {
      count += s.count;
      sum += s.sum;
    }
    return count === 0 ? Number.NaN : sum / count;
  }

  /** The maximum over the window; NaN when nothing was recorded in it (as Kafka). */
  max(now = Date.now()): number {
    let max = Number.NaN;
    for (const s of this.live(now)) if (Number.isNaN(max) || s.max > max) max = s.max;
    return max;
  }
}
