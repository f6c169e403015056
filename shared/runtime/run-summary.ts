import type { JobMode, JobName } from '../domain/job-request';
import type { RunOutcome } from '../domain/run-outcome';

/**
 * The run summary of docs/design.md §8: returned to `serverless invoke`, logged once as one JSON line
 * ("run summary", or "run failed" with `error`), kept in run history, mirrored as metrics.
 * `cursorLagSeconds` is published as the CursorLagSeconds metric, not repeated here.
 */
export interface RunSummary extends Omit<RunOutcome, 'cursorLagSeconds'> {
  job: JobName;
  runId: string;
  /** `manual` when the event named an explicit window, SKUs or orders. */
  mode: JobMode | 'manual';
  dryRun: boolean;
  /** Set when the run did nothing: `"already running"` (another run holds the lease) or `"paused"` (a scheduled run of a paused job). */
  skipped?: 'already running' | 'paused';
  /** Set (in logs and history only) when the run failed; the invocation then fails with this error. */
  error?: { code: string; message: string };
  durationMs: number;
}

/** At most this many failures are listed in a summary (the counts hold the totals). */
export const MAX_LISTED_FAILURES = 50;
