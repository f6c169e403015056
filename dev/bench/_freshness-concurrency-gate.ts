/**
 * Lambda's reserved concurrency 1, as the freshness benchmark's scheduler applies it to one function:
 * an invocation (a schedule tick or a push-triggered start) while the function's one instance is busy
 * is throttled, and the benchmark drops it and counts it. Deployed, Lambda keeps a throttled async
 * event in its queue and retries it until the function's maximum event age (serverless.yml: 300 s;
 * `maximumRetryAttempts: 0` governs function errors, not throttles), so a throttled tick may still run
 * soon after the busy run ends: dropping it makes the benchmark's latencies err high, never low.
 */
export type GateDecision = 'invoke' | 'throttled';

export class ReservedConcurrencyGate {
  private busy = false;
  invoked = 0;
  throttled = 0;

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
