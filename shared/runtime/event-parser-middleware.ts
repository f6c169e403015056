import { parseJobEvent } from './job-request';
import type { JobRuntime } from './job-runtime';
import { runState, type JobMiddleware } from './run-request';

/**
 * Validates the environment (once per cold start) and the event (scheduled or manual, docs/design.md §9)
 * before anything else is touched: an invalid one fails here with a ConfigError naming the variable
 * or field, and no dependency, lease or state is used.
 */
export function eventParser(runtime: JobRuntime<unknown>): JobMiddleware {
  return {
    async before(request) {
      const run = runState(request);
      const env = runtime.environment();
      run.request = parseJobEvent(runtime.job, request.event, { nowMs: runtime.clock.now(), maxWindowDays: env.ORDER_HORIZON_DAYS });
      if (run.request.eventId) runtime.powertools.logger.setCorrelationId(run.request.eventId);
      runtime.powertools.logger.appendKeys({ trigger: run.request.trigger });
    },
  };
}
