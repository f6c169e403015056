import { nearestRankPercentile, summarizeLatencies } from '../../../dev/bench/_freshness-percentiles';

describe('the freshness benchmark percentiles (nearest rank)', () => {
  it('answers a latency that was observed: the smallest sample with p % at or below it', () => {
    const samples = [900, 100, 500, 300, 700, 200, 800, 400, 1000, 600];
    expect(nearestRankPercentile(samples, 50)).toBe(500);
    expect(nearestRankPercentile(samples, 95)).toBe(1000);
    expect(nearestRankPercentile(samples, 10)).toBe(100);
    expect(nearestRankPercentile(samples, 100)).toBe(1000);
  });

  it('takes the samples in any order and leaves them unsorted', () => {
    const samples = [3, 1, 2];
    expect(nearestRankPercentile(samples, 50)).toBe(2);
    expect(samples).toEqual([3, 1, 2]);
  });

  it('has no figure without samples and refuses a percentile outside (0, 100]', () => {
    expect(nearestRankPercentile([], 95)).toBeUndefined();
    expect(() => nearestRankPercentile([1], 0)).toThrow(RangeError);
    expect(() => nearestRankPercentile([1], 101)).toThrow(RangeError);
  });

  it('summarizes count, p50, p95 and max', () => {
    const samples = Array.from({ length: 20 }, (_, i) => (i + 1) * 1000);
    expect(summarizeLatencies(samples)).toEqual({ count: 20, p50Ms: 10_000, p95Ms: 19_000, maxMs: 20_000 });
    expect(summarizeLatencies([])).toEqual({ count: 0, p50Ms: undefined, p95Ms: undefined, maxMs: undefined });
  });
});
