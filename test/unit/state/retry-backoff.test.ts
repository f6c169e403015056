import { isRetryDue, nextRetryAt, retryDelayMs } from '../../../shared/state/retry-backoff';

describe('retry backoff of rejected orders', () => {
  it('doubles from 5 minutes and stops growing at 12 hours', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([5, 10, 20, 40].map((m) => m * 60_000));
    expect(retryDelayMs(9)).toBe(12 * 3600_000);
    expect(retryDelayMs(1000)).toBe(12 * 3600_000);
    expect(nextRetryAt(3, 1_000)).toBe(1_000 + 20 * 60_000);
  });

  it('sends orders never rejected, and rejected ones once their time has come and attempts remain', () => {
    expect(isRetryDue(undefined, 0, 10)).toBe(true);
    expect(isRetryDue({ state: 'accepted', attempts: 0 }, 0, 10)).toBe(true);
    expect(isRetryDue({ state: 'rejected', attempts: 2, nextRetryAt: 500 }, 499, 10)).toBe(false);
    expect(isRetryDue({ state: 'rejected', attempts: 2, nextRetryAt: 500 }, 500, 10)).toBe(true);
    expect(isRetryDue({ state: 'rejected', attempts: 10, nextRetryAt: 0 }, 500, 10)).toBe(false);
  });
});
