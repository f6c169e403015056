import type { Context } from 'aws-lambda';
import type { BoundCursors } from './bound-cursors';
import type { JobRequest } from '../domain/job-request';
import type { Deadline } from '../domain/ports';
import type { ProgressReporter } from './progress-reporter';

/**
 * What the middlewares learn about one invocation, kept in middy's `request.internal.run`
 * (each middleware fills its part in `before`, the next ones and the handler read it).
 */
export interface RunState {
  /** Lambda request id (or a UUID): run id, lease owner, history key. */
  runId: string;
  startedAt: number;
  /** Set by the event parser. */
  request?: JobRequest;
  /** Set by the dependencies middleware. */
  deps?: unknown;
  /** Set by the lease middleware: the lease was taken (`fence`), or another run holds it (`skipped`). */
  fence?: number;
  /** The lease and cursor scope of the run: the job, or `<job>#reconcile` (docs/design.md §4). */
  scope?: string;
  skipped?: 'already running' | 'paused';
  cursors?: BoundCursors;
  /** Set by the deadline middleware. */
  deadline?: Deadline;
  progress?: ProgressReporter;
}

/** The part of middy's request the fecjst middlewares use. */
export interface JobMiddyRequest {
  event: unknown;
  context: Context;
  response: unknown;
  error: unknown;
  internal: Record<string, unknown>;
}

/** A middleware in middy's shape (before/after/onError over the request). */
export interface JobMiddleware {
  before?(request: JobMiddyRequest): Promise<void>;
  after?(request: JobMiddyRequest): Promise<void>;
  onError?(request: JobMiddyRequest): Promise<void>;
}

export function runState(request: JobMiddyRequest): RunState {
  const state = request.internal.run as RunState | undefined;
  if (!state) throw new Error('fecjst: the run-summary middleware must come first');
  return state;
}

/** Remaining Lambda time (infinite outside Lambda, where the context has no clock). */
export function remainingMs(context: Context | undefined): number {
  return typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : Number.POSITIVE_INFINITY;
}
