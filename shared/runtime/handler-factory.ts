import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { loadEnvironment, type Environment } from '../config/environment';
import { SecretsLoader } from '../config/secrets-loader';
import { errorMessage } from '../errors';
import { CursorStore } from '../state/cursor-store';
import { LeaseStore, type HeldLease } from '../state/lease';
import { RunHistory } from '../state/run-history';
import { createStateDocumentClient } from '../state/state-table';
import { parseJobEvent, type JobName, type JobRequest } from './job-request';
import { MetricNames } from './metric-names';
import type { Clock, Deadline, Logger, MetricsSink } from './ports';
import { systemClock } from './ports';
import { createPowertools, PowertoolsMetricsSink, RedactingLogger } from './powertools-adapters';
import { MAX_LISTED_FAILURES, type RunOutcome, type RunSummary } from './run-summary';

/** Cursors of the running job, bound to its lease: `advance` fails once the lease is lost. */
export interface JobCursors {
  read<T>(name: string): Promise<T | undefined>;
  advance<T>(name: string, position: T | null): Promise<void>;
}

/** Everything a use case receives besides its own dependencies (design.md §1). */
export interface RunContext {
  job: JobName;
  runId: string;
  request: JobRequest;
  env: Environment;
  fence: number;
  cursors: JobCursors;
  clock: Clock;
  logger: Logger;
  metrics: MetricsSink;
  deadline: Deadline;
}

export interface RuntimeServices {
  secrets: SecretsLoader;
  logger: Logger;
}

export interface JobDefinition<Deps> {
  job: JobName;
  /** Builds the adapters once per cold start (rebuilt after a failure). */
  buildDependencies(env: Environment, runtime: RuntimeServices): Promise<Deps>;
  run(deps: Deps, ctx: RunContext): Promise<RunOutcome>;
  /** Releases what the dependencies hold (pools, sockets): called after each invocation when IS_LOCAL. */
  dispose?(deps: Deps): Promise<void>;
  /** Overrides for tests. */
  clock?: Clock;
  environment?: NodeJS.ProcessEnv;
}

/**
 * The one handler factory of the three functions: parse the event (invalid → error, nothing touched),
 * build dependencies once per cold start, take the job's lease (held → `skipped`), run the use case
 * under a soft deadline, and return the run summary — logged once, kept in run history and mirrored as
 * metrics. A run-level failure fails the invocation (so the Errors alarm fires); item failures do not.
 */
export function createJobHandler<Deps>(definition: JobDefinition<Deps>) {
  const { job } = definition;
  const clock = definition.clock ?? systemClock;
  let env: Environment | undefined;
  const pt = createPowertools(job, process.env.LOG_LEVEL);
  const logger = new RedactingLogger(pt.logger);
  const metrics = new PowertoolsMetricsSink(pt.metrics);
  let deps: Promise<Deps> | undefined;
  let state: { leases: LeaseStore; cursors: CursorStore; history: RunHistory } | undefined;
  let secrets: SecretsLoader | undefined;

  async function base(event: unknown, context: Context): Promise<RunSummary> {
    const startedAt = clock.now();
    try {
      return await invoke(event, context, startedAt);
    } catch (error) {
      metrics.count(MetricNames.runFailed, 1);
      logger.error('run failed', { error: errorMessage(error), code: (error as { code?: unknown }).code, context: (error as { context?: unknown }).context, durationMs: clock.now() - startedAt });
      throw error;
    }
  }

  async function invoke(event: unknown, context: Context, startedAt: number): Promise<RunSummary> {
    const runId = context?.awsRequestId || randomUUID();
    env ??= loadEnvironment(definition.environment ?? process.env);
    const request = parseJobEvent(job, event);
    pt.logger.appendKeys({ correlation_id: request.eventId ?? runId, job, trigger: request.trigger });

    if (!state) {
      const doc = createStateDocumentClient();
      state = { leases: new LeaseStore(doc, env.STATE_TABLE), cursors: new CursorStore(doc, env.STATE_TABLE), history: new RunHistory(doc, env.STATE_TABLE, env.RUN_HISTORY_DAYS) };
    }
    secrets ??= new SecretsLoader({ maxAgeSeconds: env.SECRETS_CACHE_SECONDS });
    const services = { secrets, logger };
    deps ??= definition.buildDependencies(env, services).catch((error: unknown) => {
      deps = undefined;
      throw error;
    });

    const mode = request.skus || request.orders || request.window ? 'manual' : request.mode;
    const lease = await state.leases.acquire(job, runId, env.LEASE_SECONDS * 1000, startedAt);
    if (!lease) {
      const summary: RunSummary = {
        job, runId, mode, dryRun: request.dryRun, skipped: 'already running', window: { from: null, to: null }, complete: false,
        counts: {}, failures: [], cursor: { before: null, after: null }, durationMs: clock.now() - startedAt,
      };
      logger.info('run summary', { summary });
      return summary;
    }

    const renewal = startRenewal(state.leases, lease, env.LEASE_SECONDS * 1000, clock, logger);
    const leases = state.leases;
    const cursorStore = state.cursors;
    try {
      const built = await deps;
      const remaining = () => (typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : Number.POSITIVE_INFINITY);
      const margin = env.DEADLINE_MARGIN_MS;
      const deadline: Deadline = { remainingMs: () => remaining() - margin, expired: () => remaining() - margin <= 0 };
      const cursors: JobCursors = {
        read: async <T>(name: string) => (await cursorStore.read<T>(job, name))?.position,
        advance: <T>(name: string, position: T | null) => cursorStore.advance(job, name, position, lease.fence, clock.now()),
      };
      const outcome = await definition.run(built, { job, runId, request, env: env as Environment, fence: lease.fence, cursors, clock, logger, metrics, deadline });
      const summary: RunSummary = {
        job, runId, mode, dryRun: request.dryRun, ...outcome,
        failures: outcome.failures.slice(0, MAX_LISTED_FAILURES), durationMs: clock.now() - startedAt,
      };
      if (outcome.failures.length > MAX_LISTED_FAILURES) summary.counts = { ...summary.counts, failuresNotListed: outcome.failures.length - MAX_LISTED_FAILURES };
      metrics.count(MetricNames.runSucceeded, 1);
      metrics.count(MetricNames.itemFailures, outcome.failures.length);
      if (outcome.cursorLagSeconds !== undefined) metrics.gauge(MetricNames.cursorLagSeconds, Math.max(0, Math.round(outcome.cursorLagSeconds)), 'Seconds');
      logger.info('run summary', { summary });
      await state.history.record(job, runId, startedAt, summary).catch((error: unknown) => logger.warn('could not record run history', { error: errorMessage(error) }));
      return summary;
    } finally {
      renewal.stop();
      await leases.release(lease).catch((error: unknown) => logger.warn('could not release the lease', { error: errorMessage(error) }));
      if (process.env.IS_LOCAL === 'true' && deps && definition.dispose) {
        const current = deps;
        deps = undefined;
        await definition.dispose(await current.catch(() => undefined as unknown as Deps)).catch(() => undefined);
      }
    }
  }

  const handler = middy(base)
    .use(injectLambdaContext(pt.logger, { resetKeys: true }))
    .use(logMetrics(pt.metrics, { captureColdStartMetric: true }));
  return handler;
}

function startRenewal(leases: LeaseStore, lease: HeldLease, durationMs: number, clock: Clock, logger: Logger): { stop(): void } {
  const timer = setInterval(() => {
    leases.renew(lease, durationMs, clock.now()).catch((error: unknown) => logger.warn('lease renewal failed', { error: errorMessage(error) }));
  }, Math.max(10_000, durationMs / 3));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
