import { fullJitterDelay } from '../../../shared/jst/backoff';
import { chunkList, chunkTimeRange, MAX_RANGE_MS, modifiedRangeChunks, skuIdBatches } from '../../../shared/jst/time-chunks';

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

describe('API-sized request helpers', () => {
  it('turns any SKU list into batches of at most 100 distinct, non-blank sku_ids', () => {
    const skus = [...Array.from({ length: 230 }, (_, i) => `S${i}`), 'S1', ' ', 'S2 '];
    const batches = skuIdBatches(skus);
    expect(batches.map((b) => b.length)).toEqual([100, 100, 30]);
    expect(batches.flat()).toEqual(Array.from({ length: 230 }, (_, i) => `S${i}`));
  });

  it('turns any range into ≤ 7-day modified ranges', () => {
    const from = Date.UTC(2026, 10, 1);
    const ranges = modifiedRangeChunks({ fromMs: from, toMs: from + 15 * 86_400_000 });
    expect(ranges.map((r) => (r.toMs - r.fromMs) / 86_400_000)).toEqual([7, 7, 1]);
  });
});
