import type { JobRuntime } from './job-runtime';
import type { Deadline } from './ports';
import { ProgressReporter } from './progress-reporter';
import { remainingMs, runState, type JobMiddleware, type JobMiddyRequest } from './run-request';

/** The "run timing out" line is written this long before Lambda's hard timeout. */
const TIMEOUT_WARNING_MS = 1_000;

/**
 * The soft deadline of docs/design.md §6: remaining time − DEADLINE_MARGIN_MS, checked by the use case
 * between pages. Also the progress hook, and a last "run timing out" error line (with the last
 * reported counts) written just before Lambda's hard timeout, should the run still be going: a run
 * killed by the timeout is never silent.
 */
export function softDeadline(runtime: JobRuntime<unknown>): JobMiddleware {
  const timers = new WeakMap<JobMiddyRequest, ReturnType<typeof setTimeout>>();
  const clear = async (request: JobMiddyRequest) => {
    clearTimeout(timers.get(request));
    timers.delete(request);
  };
  return {
    async before(request) {
      const run = runState(request);
      if (run.skipped) return;
      const margin = runtime.environment().DEADLINE_MARGIN_MS;
      const deadline: Deadline = { remainingMs: () => remainingMs(request.context) - margin, expired: () => remainingMs(request.context) - margin <= 0 };
      run.deadline = deadline;
      const progress = new ProgressReporter(runtime.logger, runtime.clock, run.startedAt);
      run.progress = progress;
      const left = remainingMs(request.context);
      if (Number.isFinite(left) && left > TIMEOUT_WARNING_MS) {
        const timer = setTimeout(() => {
          runtime.logger.error('run timing out', { counts: progress.latest, elapsedMs: runtime.clock.now() - run.startedAt, deadlineMarginMs: margin });
        }, left - TIMEOUT_WARNING_MS);
        timer.unref();
        timers.set(request, timer);
      }
    },
    after: clear,
    onError: clear,
  };
}
