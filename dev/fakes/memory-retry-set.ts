import { retryDelayMs } from '../../shared/domain/retry-backoff';
import type { RetryFailure, RetryItem } from '../../shared/state/retry-set';

/**
 * An in-memory stand-in for the RetrySet store (shared/state/retry-set.ts) with the same rules:
 * one more attempt per record, backoff from retry-backoff.ts, abandoned at `maxAttempts`. For fast
 * unit tests of the jobs and for benchmarks; the fence is accepted and ignored.
 */
export class MemoryRetrySet {
  readonly items = new Map<string, RetryItem>();

  constructor(private readonly maxAttempts = 8) {}

  async record(failures: readonly RetryFailure[], nowMs: number, _fence: number): Promise<RetryItem[]> {
    const abandoned: RetryItem[] = [];
    for (const f of new Map(failures.map((x) => [x.key, x])).values()) {
      const seen = this.items.get(f.key);
      const attempts = (seen?.attempts ?? 0) + 1;
      const giveUp = attempts >= this.maxAttempts;
      const item: RetryItem = { key: f.key, reason: f.reason, attempts, firstFailedAt: seen?.firstFailedAt ?? nowMs, lastFailedAt: nowMs, abandoned: giveUp };
      // Like the table, a record without context keeps the context already stored.
      const context = f.context ?? seen?.context;
      if (context) item.context = context;
      if (!giveUp) item.nextAttemptAt = nowMs + retryDelayMs(attempts);
      this.items.set(f.key, item);
      if (giveUp) abandoned.push(item);
    }
    return abandoned;
  }

  async due(nowMs: number, limit = 1000): Promise<RetryItem[]> {
    return [...this.items.values()]
      .filter((i) => !i.abandoned && (i.nextAttemptAt ?? 0) <= nowMs)
      .sort((a, b) => a.firstFailedAt - b.firstFailedAt)
      .slice(0, limit);
  }

  async clear(keys: readonly string[], _fence: number): Promise<void> {
    for (const key of keys) this.items.delete(key);
  }

  async all(): Promise<RetryItem[]> {
    return [...this.items.values()];
  }

  async size(): Promise<{ pending: number; abandoned: number }> {
    const abandoned = [...this.items.values()].filter((i) => i.abandoned).length;
    return { pending: this.items.size - abandoned, abandoned };
  }
}
