/**
 * Counts events in a trailing time window, in amortised O(1): a log of event times with a moving head,
 * compacted now and then. The sandbox uses one per limit to decide 199/200 like the ERP (docs/erp-api.md §2.7).
 */
export class SlidingWindowLog {
  private times: number[] = [];
  private head = 0;

  constructor(readonly windowMs: number) {}

  /** Events in (now − windowMs, now]. */
  count(now: number): number {
    while (this.head < this.times.length && this.times[this.head]! <= now - this.windowMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  record(now: number): void {
    this.times.push(now);
  }

  clear(): void {
    this.times = [];
    this.head = 0;
  }
}
