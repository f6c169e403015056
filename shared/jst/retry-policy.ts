import { fullJitterDelay } from './backoff';

export interface RetryPolicyOptions {
  /** Retries after the first attempt (default 5). */
  maxRetries?: number;
  /** Attempt k waits a random [0, min(cap, base × 2^k)) ms (defaults 500 ms, 20 s). */
  baseMs?: number;
  capMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** What the policy needs to know about a failure. */
export interface RetryDecision {
  retryable: boolean;
  /** A floor for the backoff base (e.g. a rate limit's window). */
  minBaseMs?: number;
}

/**
 * A generic retry policy: exponential backoff with full jitter, bounded attempts. It knows nothing of
 * the ERP; `classify` says which failures may succeed when repeated.
 */
export class RetryPolicy {
  readonly maxRetries: number;
  private readonly baseMs: number;
  private readonly capMs: number;
  private readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;

  constructor(options: RetryPolicyOptions = {}) {
    this.maxRetries = options.maxRetries ?? 5;
    this.baseMs = options.baseMs ?? 500;
    this.capMs = options.capMs ?? 20_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = options.random ?? Math.random;
  }

  /** The pause before retry number `attempt + 1`. */
  delay(attempt: number, minBaseMs = 0): number {
    return fullJitterDelay(attempt, Math.max(this.baseMs, minBaseMs), this.capMs, this.random);
  }

  async run<T>(
    attemptOnce: (attempt: number) => Promise<T>,
    classify: (error: unknown) => RetryDecision,
    onRetry?: (error: unknown, attempt: number, delayMs: number) => void,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await attemptOnce(attempt);
      } catch (error) {
        const decision = classify(error);
        if (!decision.retryable || attempt >= this.maxRetries) throw error;
        const delayMs = this.delay(attempt, decision.minBaseMs);
        onRetry?.(error, attempt, delayMs);
        await this.sleep(delayMs);
      }
    }
  }
}
