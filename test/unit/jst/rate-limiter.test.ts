import { RateLimiter } from '../../../shared/jst/rate-limiter';
import { fullJitterDelay } from '../../../shared/jst/backoff';
import { chunkList, chunkTimeRange, MAX_RANGE_MS } from '../../../shared/jst/time-chunks';

/** A fake clock where sleeping advances time, so limiter behaviour is exact and instant. */
function fakeTime() {
  let t = 1_000_000;
  return { now: () => t, sleep: async (ms: number) => void (t += ms), at: () => t };
}

function maxInWindow(times: number[], windowMs: number): number {
  let max = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

describe('RateLimiter', () => {
  it('never lets more than perSecond calls into any 1-second window, nor perMinute into any minute', async () => {
    const clock = fakeTime();
    const limiter = new RateLimiter({ perSecond: 5, perMinute: 100 }, clock);
    const times: number[] = [];
    for (let i = 0; i < 250; i++) {
      await limiter.acquire();
      times.push(clock.at());
    }
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(5);
    expect(maxInWindow(times, 60_000)).toBeLessThanOrEqual(100);
    // and does not waste the budget: two full minutes of 100, then 50 more at 5/s (10 s), plus margins.
    expect(times.at(-1)! - times[0]!).toBeLessThan(2 * 60_000 + 10_000 + 4_000);
  });

  it('serves concurrent callers in order', async () => {
    const clock = fakeTime();
    const limiter = new RateLimiter({ perSecond: 2, perMinute: 100 }, clock);
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => limiter.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3]);
  });
});

describe('backoff and chunking', () => {
  it('full jitter stays below the exponential ceiling and the cap', () => {
    expect(fullJitterDelay(0, 500, 20_000, () => 0.999)).toBe(499);
    expect(fullJitterDelay(3, 500, 20_000, () => 0.5)).toBe(2000);
    expect(fullJitterDelay(10, 500, 20_000, () => 0.999)).toBe(19_980);
    expect(fullJitterDelay(4, 500, 20_000, () => 0)).toBe(0);
  });

  it('splits a time range into ≤7-day chunks that cover it exactly', () => {
    const from = Date.UTC(2026, 0, 1);
    const to = from + 20 * 86_400_000 + 1234;
    const chunks = chunkTimeRange(from, to);
    expect(chunks).toHaveLength(3);
    expect(chunks[0]!.fromMs).toBe(from);
    expect(chunks.at(-1)!.toMs).toBe(to - 1234 + 2000);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.fromMs).toBe(chunks[i - 1]!.toMs);
    for (const c of chunks) expect(c.toMs - c.fromMs).toBeLessThanOrEqual(MAX_RANGE_MS);
    expect(chunkTimeRange(from, from)).toEqual([]);
  });

  it('splits lists into batches', () => {
    expect(chunkList([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunkList(Array.from({ length: 250 }, (_, i) => i), 100).map((b) => b.length)).toEqual([100, 100, 50]);
  });
});
