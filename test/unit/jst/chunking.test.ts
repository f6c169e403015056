import { fullJitterDelay } from '../../../shared/jst/backoff';
import { chunkList } from '../../../shared/domain/chunk-list';

describe('backoff and chunking', () => {
  it('full jitter stays below the exponential ceiling and the cap', () => {
    expect(fullJitterDelay(0, 500, 20_000, () => 0.999)).toBe(499);
    expect(fullJitterDelay(3, 500, 20_000, () => 0.5)).toBe(2000);
    expect(fullJitterDelay(10, 500, 20_000, () => 0.999)).toBe(19_980);
    expect(fullJitterDelay(4, 500, 20_000, () => 0)).toBe(0);
  });

  it('splits lists into batches', () => {
    expect(chunkList([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(
      chunkList(
        Array.from({ length: 250 }, (_, i) => i),
        100,
      ).map((b) => b.length),
    ).toEqual([100, 100, 50]);
  });
});
