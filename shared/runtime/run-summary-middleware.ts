import { randomUUID } from 'node:crypto';
import { errorMessage, type FecjstError } from '../errors';
import { committedCursorLagSeconds } from './cursor-lag';
import type { JobRuntime } from './job-runtime';
import { MetricNames } from '../domain/metric-names';
import { runState, type JobMiddleware, type JobMiddyRequest, type RunState } from './run-request';
import type { RunOutcome } from '../domain/run-outcome';
import type { RunSummary } from './run-summary';
import { toRunFailure } from './runtime-errors';
import { buildRunSummary, type RunEnd } from './summary-builder';

/** Error codes of a request the operator got wrong: returned as an error, but not a paging run failure. */
const REJECTED_EVENT_CODES = new Set(['EVENT_INVALID']);

/**
 * The first of the fecjst middlewares (its `after`/`onError` run last): gives the invocation its run
 * id and start time, and turns however the run ended into the run summary of docs/design.md §8 — returned,
 * logged once as one JSON line ("run summary", or "run failed" with the error), kept in run history
 * once the lease was taken, and mirrored as metrics:
 * - RunSucceeded (the heartbeat) and ItemFailures on a finished run; RunFailed on a run-level failure;
 *   EventsRejected instead for an invalid manual event (the operator sees the error; nobody is paged);
 * - RunPaused for a scheduled run of a paused job (the heartbeat alarm ignores those periods);
 * - CursorLagSeconds on every outcome (from the use case, else from the committed cursor), so the
 *   lag alarm also sees runs that fail or are skipped.
 * A run-level failure is re-thrown as a typed error so the invocation fails.
 */
export function runSummaryRecorder(runtime: JobRuntime<unknown>): JobMiddleware {
  const { job, clock, logger, metrics, powertools } = runtime;

  async function publishCursorLag(run: RunState, outcome?: RunOutcome): Promise<void> {
    let lag = run.request?.window || run.request?.skus || run.request?.orders ? undefined : outcome?.cursorLagSeconds;
    if (lag === undefined) {
      const state = runtime.stateIfBuilt();
      if (!state) return;
      lag = await committedCursorLagSeconds(state.cursors, job, clock.now()).catch(() => undefined);
    }
    if (lag !== undefined && Number.isFinite(lag)) metrics.gauge(MetricNames.cursorLagSeconds, Math.max(0, Math.round(lag)), 'Seconds');
  }

  async function recordHistory(run: RunState, summary: RunSummary): Promise<void> {
    const state = runtime.stateIfBuilt();
    if (!state) return;
    await state.history
      .record(job, summary.runId, run.startedAt, summary)
      .catch((error: unknown) => logger.warn('could not record run history', { error: errorMessage(error) }));
  }

  function summarise(run: RunState, end: RunEnd): RunSummary {
    return buildRunSummary({ job, runId: run.runId, request: run.request, durationMs: clock.now() - run.startedAt, end });
  }

  return {
    async before(request: JobMiddyRequest) {
      const runId = request.context?.awsRequestId || randomUUID();
      request.internal.run = { runId, startedAt: clock.now() } satisfies RunState;
      powertools.logger.appendKeys({ job, run_id: runId });
      powertools.logger.setCorrelationId(runId);
    },

    async after(request) {
      const run = runState(request);
      if (run.skipped) {
        const summary = summarise(run, { kind: 'skipped', why: run.skipped });
        if (run.skipped === 'paused') metrics.count(MetricNames.runPaused, 1);
        await publishCursorLag(run);
        logger.info('run summary', { summary });
        await recordHistory(run, summary);
        request.response = summary;
        return;
      }
      const outcome = request.response as RunOutcome;
      const summary = summarise(run, { kind: 'outcome', outcome, deadlineReached: run.deadline?.expired() ?? false });
      metrics.count(MetricNames.runSucceeded, 1);
      metrics.count(MetricNames.itemFailures, outcome.failures.length);
      await publishCursorLag(run, outcome);
      logger.info('run summary', { summary });
      await recordHistory(run, summary);
      request.response = summary;
    },

    async onError(request) {
      const run = request.internal.run as RunState | undefined;
      const env = (() => {
        try {
          return runtime.environment();
        } catch {
          return undefined;
        }
      })();
      const failure: FecjstError = toRunFailure(job, request.error, { dbSecretId: env?.DB_SECRET_ID, stateTable: env?.STATE_TABLE });
      request.error = failure;
      const errorFields = { code: failure.code, message: failure.message, context: failure.context };
      if (REJECTED_EVENT_CODES.has(failure.code)) {
        metrics.count(MetricNames.eventsRejected, 1);
        logger.error('run failed', { error: errorFields, durationMs: run ? clock.now() - run.startedAt : 0, paging: false });
        return;
      }
      metrics.count(MetricNames.runFailed, 1);
      if (!run) {
        logger.error('run failed', { error: errorFields });
        return;
      }
      await publishCursorLag(run);
      if (run.fence !== undefined) {
        // The lease was taken: the run started. Its summary so far is logged and kept in history.
        const summary = summarise(run, { kind: 'failed', error: failure, cursors: run.cursors });
        logger.error('run failed', { error: errorFields, summary });
        await recordHistory(run, summary);
      } else {
        logger.error('run failed', { error: errorFields, durationMs: clock.now() - run.startedAt });
      }
    },
  };
}
