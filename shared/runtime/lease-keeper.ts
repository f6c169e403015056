import { errorMessage } from '../errors';
import type { HeldLease, LeaseStore } from '../state/lease';
import type { Clock, Logger } from '../domain/ports';

/**
 * Renews a held lease in the background every third of its duration until stopped. A failed renewal
 * is logged; if the lease was really lost, the run's next fenced write fails with LeaseLostError.
 * `stop()` waits for a renewal in flight, so the release that follows is not undone by it.
 */
export class LeaseKeeper {
  private readonly timer: ReturnType<typeof setInterval>;
  private inFlight: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly leases: LeaseStore,
    private readonly lease: HeldLease,
    private readonly durationMs: () => number,
    private readonly clock: Clock,
    private readonly logger: Logger,
    intervalMs: number,
  ) {
    this.timer = setInterval(() => this.renew(), Math.max(1000, intervalMs));
    this.timer.unref();
  }

  private renew(): void {
    if (this.stopped) return;
    this.inFlight = this.leases
      .renew(this.lease, this.durationMs(), this.clock.now())
      .catch((error: unknown) => this.logger.warn('lease renewal failed', { error: errorMessage(error), fence: this.lease.fence }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.inFlight;
  }
}
