import type { Clock, Logger } from '../domain/ports';

/** At most one "run progress" line per this many ms. */
export const PROGRESS_INTERVAL_MS = 30_000;

/**
 * The `progress(counts)` hook of the run context: remembers the latest counts and logs them as one
 * "run progress" line at most every 30 s, so a long run is never blind, and a run cut by Lambda's
 * timeout leaves its last counts in the log (see softDeadline's "run timing out" line).
 */
export class ProgressReporter {
  private lastLoggedAt: number;
  latest: Record<string, number> = {};

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly startedAt: number,
    private readonly intervalMs = PROGRESS_INTERVAL_MS,
  ) {
    this.lastLoggedAt = startedAt;
  }

  report(counts: Record<string, number>): void {
    this.latest = { ...counts };
    const now = this.clock.now();
    if (now - this.lastLoggedAt < this.intervalMs) return;
    this.lastLoggedAt = now;
    this.logger.info('run progress', { counts: this.latest, elapsedMs: now - this.startedAt });
  }
}
