import type { JobName } from './job-request';

/** One item a run could not apply; it is retried by a later run. */
export interface ItemFailure {
  /** SKU, increment id … */
  key: string;
  reason: string;
}

/** What a use case reports; the handler adds identity and timing (design.md §8). */
export interface RunOutcome {
  window: { from: string | null; to: string | null };
  complete: boolean;
  counts: Record<string, number>;
  failures: ItemFailure[];
  cursor: { before: unknown; after: unknown };
  /** Planned changes of a dry run (the first 100), or other detail worth returning. */
  details?: Record<string, unknown>;
  /** Seconds between now and the committed cursor, for the CursorLagSeconds metric. */
  cursorLagSeconds?: number;
}

export interface RunSummary extends RunOutcome {
  job: JobName;
  runId: string;
  mode: 'incremental' | 'full' | 'manual';
  dryRun: boolean;
  skipped?: string;
  durationMs: number;
}

/** At most this many failures are listed in a summary (the counts hold the totals). */
export const MAX_LISTED_FAILURES = 50;
