/**
 * Lambda's reserved concurrency 1, as the freshness benchmark's scheduler applies it to one function:
 * an invocation (a schedule tick or a push-triggered start) while the function's one instance is busy
 * is throttled and counted. As deployed, Lambda keeps a throttled asynchronous event in its queue and
 * retries it, the interval growing exponentially from 1 s to at most 5 min, until the function's
 * maximum event age (serverless.yml: 300 s; `maximumRetryAttempts: 0` governs function errors, not
 * throttles): `throttledRetryDelayMs` and `MAX_EVENT_AGE_MS` are that schedule, and the scheduler
 * retries a throttled event by it (an event that would be older than the age limit is dropped and
 * counted).
 */
export const MAX_EVENT_AGE_MS = 300_000;

/** The wait before the n-th retry (1-based) of a throttled asynchronous event: 1 s, 2 s, 4 s … at most 5 min. */
export function throttledRetryDelayMs(attempt: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), 300_000);
}

export type GateDecision = 'invoke' | 'throttled';

export class ReservedConcurrencyGate {
  private busy = false;
  invoked = 0;
  throttled = 0;
  /** Throttled events dropped because their next retry would pass MAX_EVENT_AGE_MS. */
  expired = 0;

  /** An invocation arrives: it runs if the function is idle, else it is throttled (and counted). */
  arrive(): GateDecision {
    if (this.busy) {
      this.throttled++;
      return 'throttled';
    }
    this.busy = true;
    this.invoked++;
    return 'invoke';
  }

  /** The running invocation ended (success or failure): the next arrival runs. */
  finished(): void {
    if (!this.busy) throw new Error('ReservedConcurrencyGate.finished() without a running invocation');
    this.busy = false;
  }

  get running(): boolean {
    return this.busy;
  }
}
