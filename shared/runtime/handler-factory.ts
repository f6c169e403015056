import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { cachedDependencies } from './cached-dependencies-middleware';
import { eventParser } from './event-parser-middleware';
import type { JobDefinition, JobHandler } from './job-definition';
import { JobRuntime } from './job-runtime';
import { jobLease } from './lease-middleware';
import type { RunContext } from '../jobs/run-context';
import type { JobMiddleware, JobMiddyRequest, RunState } from './run-request';
import type { RunOutcome } from '../domain/run-outcome';
import { runSummaryRecorder } from './run-summary-middleware';
import { softDeadline } from './soft-deadline-middleware';
import { ErpBudgetDeadlineError } from '../state/state-errors';
import { cursorSummary } from './summary-builder';

export type { JobDefinition, JobHandler } from './job-definition';

/**
 * The handler of each function (docs/design.md §1, §4, §6, §8): the job's use case wrapped in middy
 * middlewares, one concern each, in this order (`before` top-down, `after`/`onError` bottom-up):
 *
 * 1. Powertools logger context and metrics flushing;
 * 2. runSummaryRecorder — run id; the run summary returned, logged, kept in history, mirrored as metrics;
 * 3. eventParser — environment (once) and event; invalid → ConfigError naming the variable or field;
 * 4. cachedDependencies — adapters built once per cold start, before the lease (bad secrets touch nothing);
 * 5. jobLease — one run at a time; held elsewhere → `skipped: "already running"`; "run started" line;
 * 6. softDeadline — remaining time − DEADLINE_MARGIN_MS, the progress hook, the "run timing out" line.
 *
 * The base handler only builds the RunContext from what they prepared and calls the use case, between
 * beginning and releasing the run's ERP budget (docs/design.md §7): a call that waited for the budget
 * until the soft deadline (ERP_BUDGET_DEADLINE) ends the run incomplete, with what it committed.
 */
export function createJobHandler<Deps>(definition: JobDefinition<Deps>): JobHandler {
  const runtime = new JobRuntime<Deps>(definition);
  const generic = runtime as unknown as JobRuntime<unknown>;
  // middy gives the base handler (event, context) only: the run state travels from the middlewares
  // to it keyed by this invocation's context object.
  const runs = new WeakMap<object, RunState>();
  const handOver: JobMiddleware = {
    async before(request: JobMiddyRequest) {
      runs.set(request.context, request.internal.run as RunState);
    },
  };

  async function runJob(_event: unknown, context: Context): Promise<RunOutcome | undefined> {
    const run = runs.get(context);
    runs.delete(context);
    if (!run?.request || !run.deadline || !run.cursors || run.fence === undefined) {
      if (run?.skipped) return undefined;
      throw new Error('fecjst: the run state was not prepared by the middlewares');
    }
    const progress = run.progress;
    const ctx: RunContext = {
      job: runtime.job,
      runId: run.runId,
      startedAt: run.startedAt,
      request: run.request,
      env: runtime.environment(),
      fence: run.fence,
      ...(run.scope && run.scope !== runtime.job ? { lease: run.scope } : {}),
      cursors: run.cursors,
      clock: runtime.clock,
      logger: runtime.logger,
      metrics: runtime.metrics,
      deadline: run.deadline,
      progress: (counts) => progress?.report(counts),
    };
    const budget = definition.erpBudget?.(run.deps as Deps);
    budget?.beginRun({ deadline: run.deadline, ...(run.scope && run.scope !== runtime.job ? { job: run.scope } : {}) });
    try {
      return await definition.run(run.deps as Deps, ctx);
    } catch (error) {
      if (!(error instanceof ErpBudgetDeadlineError)) throw error;
      runtime.logger.warn('run stopped: the ERP budget had no room before the soft deadline', { code: error.code, message: error.message });
      return budgetStopped(run);
    } finally {
      await budget?.release();
    }
  }

  /** The outcome of a run stopped by ERP_BUDGET_DEADLINE: what it committed, the counts it last reported. */
  function budgetStopped(run: RunState): RunOutcome {
    const window = run.request?.window;
    return {
      window: window ? { from: new Date(window.fromMs).toISOString(), to: new Date(window.toMs).toISOString() } : { from: null, to: null },
      complete: false,
      counts: { ...(run.progress?.latest ?? {}), erpBudgetDeadline: 1 },
      failures: [],
      cursor: run.cursors ? cursorSummary(run.cursors) : { before: null, after: null },
      incompleteReason:
        'ERP budget: no room for the next ERP call before the soft deadline (ERP_BUDGET_DEADLINE); committed pages stay committed, the next run continues from the committed cursor',
    };
  }

  return middy(runJob)
    .use(injectLambdaContext(runtime.powertools.logger, { resetKeys: true }))
    .use(logMetrics(runtime.powertools.metrics, { captureColdStartMetric: true }))
    .use(runSummaryRecorder(generic))
    .use(eventParser(generic))
    .use(cachedDependencies(runtime))
    .use(jobLease(generic))
    .use(softDeadline(generic))
    .use(handOver) as unknown as JobHandler;
}
