import { RateLimiter } from '../../../shared/jst/rate-limiter';

/** A fake clock where sleeping advances time, so limiter behaviour is exact and instant. */
function fakeTime() {
  let t = 1_000_000;
  return { now: () => t, sleep: async (ms: number) => void (t += ms), advance: (ms: number) => void (t += ms), at: () => t };
}

/** Most calls that fall into any window of `windowMs` (a server's sliding window), given their times. */
function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
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
      const release = await limiter.acquire();
      times.push(clock.at());
      clock.advance(30); // the round trip
      release();
    }
    expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(5);
    expect(maxInWindow(times, 60_000)).toBeLessThanOrEqual(100);
    // and does not waste the budget: two full minutes of 100, then 50 more at 5/s (about 10 s).
    expect(times.at(-1)! - times[0]!).toBeLessThan(2 * 60_000 + 11_000);
  });

  it('keeps a server window clean even when requests reach the server late', async () => {
    // The server sees each call at a random moment between its start and its reply. Whatever that
    // moment is, no server window may hold more than the limit.
    const clock = fakeTime();
    const limiter = new RateLimiter({ perSecond: 20, perMinute: 300 }, clock);
    const serverTimes: number[] = [];
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const pending: Array<{ at: number; release: () => void }> = [];
    for (let i = 0; i < 400; i++) {
      const acquiring = limiter.acquire();
      // Let earlier calls finish while this one waits for its slot.
      let release: (() => void) | undefined;
      void acquiring.then((r) => (release = r));
      for (let spins = 0; release === undefined; spins++) {
        await Promise.resolve();
        if (spins % 10 === 9) {
          const done = pending.shift();
          if (done) {
            clock.advance(Math.max(0, done.at - clock.at()));
            done.release();
          } else clock.advance(1);
        }
      }
      const roundTrip = 20 + random() * 400;
      serverTimes.push(clock.at() + random() * roundTrip);
      pending.push({ at: clock.at() + roundTrip, release });
    }
    expect(maxInWindow(serverTimes, 1000)).toBeLessThanOrEqual(20);
    expect(maxInWindow(serverTimes, 60_000)).toBeLessThanOrEqual(300);
  });

  it('holds the next window until a slow call has replied', async () => {
    const clock = fakeTime();
    const limiter = new RateLimiter({ perSecond: 1, perMinute: 100 }, clock);
    const releaseFirst = await limiter.acquire();
    let second = false;
    const next = limiter.acquire().then((release) => {
      second = true;
      release();
    });
    clock.advance(5000);
    await new Promise((r) => setImmediate(r));
    expect(second).toBe(false);
    releaseFirst();
    await next;
    expect(second).toBe(true);
  });

  it('serves concurrent callers in order', async () => {
    const clock = fakeTime();
    const limiter = new RateLimiter({ perSecond: 2, perMinute: 100 }, clock);
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => limiter.acquire().then((release) => (order.push(i), release()))));
    expect(order).toEqual([0, 1, 2, 3]);
  });

  it('refuses limits that are not whole positive numbers, saying which', () => {
    expect(() => new RateLimiter({ perSecond: 0, perMinute: 100 })).toThrow(/0\/s, 100\/min/);
    expect(() => new RateLimiter({ perSecond: 5, perMinute: 1.5 })).toThrow(RangeError);
  });

  it('lets a call go only after the account-wide budget also did, and reports rate-limit codes to it', async () => {
    const clock = fakeTime();
    const events: string[] = [];
    const budget = {
      acquire: async () => {
        events.push('budget');
        await clock.sleep(300);
      },
      noteRateLimited: () => void events.push('rate-limited'),
    };
    const limiter = new RateLimiter({ perSecond: 5, perMinute: 100, budget }, clock);
    const release = await limiter.acquire();
    events.push(`call at +${clock.at() - 1_000_000}`);
    release();
    limiter.noteRateLimited();
    expect(events).toEqual(['budget', 'call at +300', 'rate-limited']);
  });
});
