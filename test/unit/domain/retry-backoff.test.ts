import { nextRetryAt, retryDelayMs } from '../../../shared/domain/retry-backoff';

describe('retry backoff of rejected orders', () => {
  it('doubles from 5 minutes and stops growing at 12 hours', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([5, 10, 20, 40].map((m) => m * 60_000));
    expect(retryDelayMs(9)).toBe(12 * 3600_000);
    expect(retryDelayMs(1000)).toBe(12 * 3600_000);
    expect(nextRetryAt(3, 1_000)).toBe(1_000 + 20 * 60_000);
  });
});
