/**
 * Paces ERP calls so that a server enforcing the same limits never rejects one (docs/erp-api.md §2.7:
 * 5/s → code 199, 100/min → code 200; docs/design.md §7).
 *
 * The server counts a call when it *processes* it, which lies somewhere between the moment we start
 * sending and the moment its reply arrives. Counting our own send times is therefore not enough: a
 * request delayed on the way (first connection, event-loop stall, GC) reaches the server late and lands
 * in the same server window as calls sent a second later — exactly the bunching that produced 199s in
 * an earlier version of this limiter. So each call holds its slot until its reply arrives (`release`),
 * and call number n + limit may only *start* once call n has *finished* plus the window:
 *
 *   start(n + limit) ≥ end(n) + window   ⇒   server(n + limit) − server(n) ≥ window
 *
 * for every n, whatever the network did, so no server-side sliding (or fixed-bucket) window ever holds
 * more than `limit` calls. A small margin covers clock granularity. Calls are also spaced evenly
 * (1/perSecond apart) rather than released as a burst. The cost is one round trip per window, i.e.
 * about 0.1 % of the per-minute budget at 50 ms latency.
 *
 * The limits above are one container's. The ERP's are the account's, shared by the three functions
 * (docs/design.md §7): with `budget` set, every call also waits for its turn in the account-wide budget
 * (shared/state/erp-budget.ts) after this limiter let it go, and rate-limit codes are reported to it.
 */
export interface RateLimit {
  perSecond: number;
  perMinute: number;
  /** The account-wide budget shared through the state table (absent: this container alone). */
  budget?: CallBudget;
}

/** An account-wide call budget: `acquire` resolves when a call may start now. */
export interface CallBudget {
  acquire(): Promise<void>;
  /** The ERP answered with a rate-limit code (199/200). */
  noteRateLimited(): void;
}

export interface RateLimiterDeps {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds added to the 1-second window (default 10: clock granularity only, see above). */
  secondMarginMs?: number;
  /** Milliseconds added to the 60-second window (default 100). */
  minuteMarginMs?: number;
}

/** Call it when the reply has arrived (or the call failed): the slot's window starts counting then. */
export type ReleaseSlot = () => void;

interface Slot {
  startedAt: number;
  endedAt: number | undefined;
}

export class RateLimiter {
  /** Calls in start order; pruned from the front once finished and older than the minute window. */
  private readonly slots: Slot[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private releaseWaiters: Array<() => void> = [];
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly secondWindow: number;
  private readonly minuteWindow: number;
  private readonly spacingMs: number;

  constructor(
    private readonly limit: RateLimit,
    deps: RateLimiterDeps = {},
  ) {
    if (!(Number.isInteger(limit.perSecond) && limit.perSecond >= 1) || !(Number.isInteger(limit.perMinute) && limit.perMinute >= 1)) {
      throw new RangeError(`ERP rate limits must be whole numbers of at least 1 call per window (got ${limit.perSecond}/s, ${limit.perMinute}/min)`);
    }
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.secondWindow = 1000 + (deps.secondMarginMs ?? 10);
    this.minuteWindow = 60_000 + (deps.minuteMarginMs ?? 100);
    this.spacingMs = 1000 / limit.perSecond;
  }

  /** Calls currently holding a slot without having released it. */
  get inFlight(): number {
    return this.slots.filter((s) => s.endedAt === undefined).length;
  }

  /**
   * Resolves when one more call may start now, with the function that releases its slot. Callers are
   * served in order. Every acquired slot must be released exactly once (extra calls are ignored).
   */
  acquire(): Promise<ReleaseSlot> {
    const turn = this.queue.then(async () => {
      const release = await this.waitForSlot();
      if (!this.limit.budget) return release;
      try {
        await this.limit.budget.acquire();
        return release;
      } catch (error) {
        release();
        throw error;
      }
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Reports a rate-limit code (199/200) to the shared budget, which shrinks the account's rate. */
  noteRateLimited(): void {
    this.limit.budget?.noteRateLimited();
  }

  private async waitForSlot(): Promise<ReleaseSlot> {
    for (;;) {
      const now = this.now();
      this.prune(now);
      const blocked = this.blockedUntil(now);
      if (blocked === 'in-flight') {
        await new Promise<void>((resolve) => this.releaseWaiters.push(resolve));
        continue;
      }
      if (blocked <= now) {
        const slot: Slot = { startedAt: now, endedAt: undefined };
        this.slots.push(slot);
        return () => this.release(slot);
      }
      await this.sleep(blocked - now);
    }
  }

  /** The earliest time the next call may start, or 'in-flight' when that depends on a pending reply. */
  private blockedUntil(now: number): number | 'in-flight' {
    const last = this.slots[this.slots.length - 1];
    let earliest = last === undefined ? now : last.startedAt + this.spacingMs;
    for (const [limit, window] of [
      [this.limit.perSecond, this.secondWindow],
      [this.limit.perMinute, this.minuteWindow],
    ] as const) {
      // The new call gets index n; every call p ≤ n − limit must have ended a full window ago.
      const upTo = this.slots.length - limit;
      for (let p = 0; p <= upTo; p++) {
        const endedAt = this.slots[p]!.endedAt;
        if (endedAt === undefined) return 'in-flight';
        earliest = Math.max(earliest, endedAt + window);
      }
    }
    return earliest;
  }

  private prune(now: number): void {
    while (this.slots.length > this.limit.perMinute) {
      const first = this.slots[0]!;
      if (first.endedAt === undefined || first.endedAt > now - this.minuteWindow) return;
      this.slots.shift();
    }
  }

  private release(slot: Slot): void {
    if (slot.endedAt !== undefined) return;
    slot.endedAt = this.now();
    const waiters = this.releaseWaiters;
    this.releaseWaiters = [];
    for (const wake of waiters) wake();
  }
}
