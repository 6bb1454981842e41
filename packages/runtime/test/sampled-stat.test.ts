import { describe, expect, it } from 'vitest';
import { SampledStat } from '../src/worker-task/sampled-stat.js';

describe('SampledStat', () => {
  it('is NaN before anything is recorded', () => {
    const stat = new SampledStat(1000, 2);
    expect(stat.avg(0)).toBeNaN();
    expect(stat.max(0)).toBeNaN();
  });

  it('averages and maximizes the values of the last samples, and forgets older ones', () => {
    const stat = new SampledStat(1000, 2);
    stat.record(10, 0);
    stat.record(30, 500);
    expect(stat.avg(600)).toBe(20);
    expect(stat.max(600)).toBe(30);
    // A second sample starts after one window; both count.
    stat.record(5, 1200);
    expect(stat.avg(1300)).toBe(15);
    expect(stat.max(1300)).toBe(30);
    // Two windows after the first sample started, it no longer counts.
    expect(stat.avg(2000)).toBe(5);
    expect(stat.max(2000)).toBe(5);
    // A third sample replaces the oldest one.
    stat.record(1, 2300);
    expect(stat.avg(2400)).toBe(3);
    expect(stat.max(2400)).toBe(5);
    // Nothing recorded for two windows: NaN again, as Kafka.
    expect(stat.avg(4400)).toBeNaN();
    expect(stat.max(4400)).toBeNaN();
  });
});
