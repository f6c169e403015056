/**
 * Paces calls so that neither limit is ever exceeded: at most `perSecond` calls in any 1-second
 * window and `perMinute` in any 60-second window (jst-api.md §2.7: 5/s → code 199, 100/min → code 200).
 * A sliding log of send times, with a small safety margin on each window so that network jitter
 * between our clock and the server's never makes two windows look shorter to the server, and calls are
 * spaced evenly (1/perSecond apart) rather than released in bursts.
 */
export interface RateLimit {
  perSecond: number;
  perMinute: number;
}

export interface RateLimiterDeps {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Extra milliseconds added to each window (default 200 ms on the second, 300 ms on the minute). */
  secondMarginMs?: number;
  minuteMarginMs?: number;
}

export class RateLimiter {
  private readonly sent: number[] = [];
  private queue: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly secondWindow: number;
  private readonly minuteWindow: number;
  private readonly spacingMs: number;

  constructor(private readonly limit: RateLimit, deps: RateLimiterDeps = {}) {
    if (!(limit.perSecond >= 1) || !(limit.perMinute >= 1)) throw new RangeError('rate limits must be at least 1 call per window');
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.secondWindow = 1000 + (deps.secondMarginMs ?? 200);
    // Even spacing inside a second: a burst released at once is what a late server sees bunched.
    this.spacingMs = 1000 / limit.perSecond;
    this.minuteWindow = 60_000 + (deps.minuteMarginMs ?? 300);
  }

  /** Resolves when one more call may be sent now, and records it. Callers are served in order. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.waitForSlot());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      const now = this.now();
      while (this.sent.length > 0 && this.sent[0]! <= now - this.minuteWindow) this.sent.shift();
      const last = this.sent[this.sent.length - 1];
      const spacing = last === undefined ? 0 : last + this.spacingMs - now;
      const wait = Math.max(spacing, this.waitFor(now, this.secondWindow, this.limit.perSecond), this.waitFor(now, this.minuteWindow, this.limit.perMinute));
      if (wait <= 0) {
        this.sent.push(now);
        return;
      }
      await this.sleep(wait);
    }
  }

  /** Milliseconds until fewer than `max` calls lie within the last `windowMs`. */
  private waitFor(now: number, windowMs: number, max: number): number {
    const n = this.sent.length;
    if (n < max) return 0;
    const oldestThatCounts = this.sent[n - max]!;
    return oldestThatCounts + windowMs - now;
  }
}
