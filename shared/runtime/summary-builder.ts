import type { FecjstError } from '../errors';
import type { BoundCursors } from './bound-cursors';
import type { JobName, JobRequest } from '../domain/job-request';
import type { RunOutcome } from '../domain/run-outcome';
import { MAX_LISTED_FAILURES, type RunSummary } from './run-summary';

/** What one invocation ended with: the use case's outcome, a skip, or a run-level failure. */
export type RunEnd =
  | { kind: 'outcome'; outcome: RunOutcome; deadlineReached: boolean }
  | { kind: 'skipped'; why: 'already running' | 'paused' }
  | { kind: 'failed'; error: FecjstError; cursors?: BoundCursors };

export interface SummaryInput {
  job: JobName;
  runId: string;
  request?: JobRequest;
  durationMs: number;
  end: RunEnd;
}

const EMPTY_WINDOW = { from: null, to: null };

/** The one builder of the run summary of docs/design.md §8, for every way a run can end. */
export function buildRunSummary({ job, runId, request, durationMs, end }: SummaryInput): RunSummary {
  const identity = { job, runId, mode: request ? summaryMode(request) : ('incremental' as const), dryRun: request?.dryRun ?? false };
  if (end.kind === 'skipped') {
    const incompleteReason = end.why === 'paused' ? 'the job is paused (npm run ops -- resume)' : 'another run holds the lease (already running)';
    return {
      ...identity,
      window: EMPTY_WINDOW,
      complete: false,
      skipped: end.why,
      counts: {},
      failures: [],
      durationMs,
      cursor: { before: null, after: null },
      incompleteReason,
    };
  }
  if (end.kind === 'failed') {
    const cursor = end.cursors ? cursorSummary(end.cursors) : { before: null, after: null };
    return {
      ...identity,
      window: EMPTY_WINDOW,
      complete: false,
      counts: {},
      failures: [],
      durationMs,
      cursor,
      error: { code: end.error.code, message: end.error.message },
      incompleteReason: `run failed (${end.error.code}); committed pages stay committed, the next run repeats the rest`,
    };
  }
  const { cursorLagSeconds: _lag, ...reported } = end.outcome;
  const summary: RunSummary = { ...identity, ...reported, failures: reported.failures.slice(0, MAX_LISTED_FAILURES), durationMs };
  if (reported.failures.length > MAX_LISTED_FAILURES) summary.counts = { ...summary.counts, failuresNotListed: reported.failures.length - MAX_LISTED_FAILURES };
  if (!summary.complete && !summary.incompleteReason) {
    summary.incompleteReason = end.deadlineReached
      ? 'soft deadline reached (DEADLINE_MARGIN_MS before the Lambda timeout); the next run continues from the committed cursor'
      : 'stopped early by the job';
  }
  return summary;
}

/** `manual` when the event names an explicit window, SKUs or orders; otherwise the requested mode. */
export function summaryMode(request: JobRequest): RunSummary['mode'] {
  return request.skus || request.orders || request.window ? 'manual' : (request.mode as RunSummary['mode']);
}

/** The positions a run read first and wrote last, as the summary's `cursor`. */
export function cursorSummary(cursors: BoundCursors): { before: unknown; after: unknown } {
  return { before: fromMap(cursors.before), after: fromMap(cursors.after) };
}

function fromMap(map: Map<string, unknown>): unknown {
  if (map.size === 0) return null;
  if (map.size === 1) return [...map.values()][0];
  return Object.fromEntries(map);
}
