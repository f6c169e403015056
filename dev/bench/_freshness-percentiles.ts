/**
 * Latency figures of the freshness benchmark: nearest-rank percentiles (the smallest sample with at
 * least p % of the samples at or below it), so every figure printed is a latency actually observed.
 */
export interface LatencySummary {
  count: number;
  p50Ms: number | undefined;
  p95Ms: number | undefined;
  maxMs: number | undefined;
}

/** Nearest-rank percentile of `samples` (any order), p in (0, 100]; undefined without samples. */
export function nearestRankPercentile(samples: readonly number[], p: number): number | undefined {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1];
}

export function summarizeLatencies(samples: readonly number[]): LatencySummary {
  return {
    count: samples.length,
    p50Ms: nearestRankPercentile(samples, 50),
    p95Ms: nearestRankPercentile(samples, 95),
    maxMs: samples.length === 0 ? undefined : Math.max(...samples),
  };
}
