import type { JobMode, JobName } from './job-request';

/** One item a run could not apply; it is retried by a later run. */
export interface ItemFailure {
  /** SKU, increment id … */
  key: string;
  reason: string;
}

/** What a use case reports; the handler adds identity and timing (docs/design.md §8). */
export interface RunOutcome {
  window: { from: string | null; to: string | null };
  complete: boolean;
  counts: Record<string, number>;
  failures: ItemFailure[];
  cursor: { before: unknown; after: unknown };
  /** Planned changes of a dry run (the first 100), or other detail worth returning. */
  details?: Record<string, unknown>;
  /** Seconds between now and the committed cursor, for the CursorLagSeconds metric (omit for explicit windows). */
  cursorLagSeconds?: number;
  /** Why the run is `complete: false`, when the use case knows (the handler fills in the deadline and failures). */
  incompleteReason?: string;
}

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
