import type { Environment } from '../config/environment';
import type { JobName, JobRequest } from '../domain/job-request';
import type { Clock, Deadline, Logger, MetricsSink } from '../domain/ports';

// What every use case receives (docs/design.md §1). It lives with the use cases (not in domain/) because it
// carries the validated Environment of config/; the runtime builds it, the use cases only read it.

/**
 * The cursors of the running job, bound to its lease (docs/design.md §3): `advance` commits a position
 * only while this run holds the lease (LeaseLostError otherwise) and only if nobody moved the cursor
 * item since this run last read or wrote it (CursorConflictError). `null` resets a position.
 * Positions are any JSON-able value: epoch ms, `{ afterSku }`, `{ afterOrderId }` …
 */
export interface JobCursors {
  read<T>(name: string): Promise<T | undefined>;
  advance<T>(name: string, position: T | null): Promise<void>;
}

/** Everything a use case receives besides its own dependencies (docs/design.md §1). */
export interface RunContext {
  job: JobName;
  /** The Lambda request id (or a UUID outside Lambda); also the lease owner and run-history key. */
  runId: string;
  /** Epoch ms the invocation started. */
  startedAt: number;
  /** The validated event (docs/design.md §9). */
  request: JobRequest;
  /** The validated environment, parsed once per cold start. */
  env: Environment;
  /** This run's fencing token: pass it to fenced writes such as OrderLedger.putMany(entries, ctx.fence, ctx.lease ?? ctx.job). */
  fence: number;
  /** The lease the fence belongs to when it is not the job's: `<job>#reconcile` (docs/design.md §4). */
  lease?: string;
  cursors: JobCursors;
  clock: Clock;
  /** JSON logger; every field and string is redacted (no secret, token, sign, phone or address). */
  logger: Logger;
  metrics: MetricsSink;
  /** Soft deadline: getRemainingTimeInMillis() − DEADLINE_MARGIN_MS; check between pages (docs/design.md §6). */
  deadline: Deadline;
  /**
   * Reports the counts so far on a long run: logged as one "run progress" line at most every
   * PROGRESS_LOG_SECONDS (30 s by default), and remembered for the "run timing out" line. Optional so
   * tests and scripts may build a context without it; the handler always sets it.
   */
  progress?(counts: Record<string, number>): void;
}
