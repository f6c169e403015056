import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { loadEnvironment, type Environment } from '../config/environment';
import { SecretsLoader } from '../config/secrets-loader';
import { errorMessage, FecjstError } from '../errors';
import { CursorStore } from '../state/cursor-store';
import { LeaseStore, type HeldLease } from '../state/lease';
import { RunHistory } from '../state/run-history';
import { createStateDocumentClient } from '../state/state-table';
import { isAuthenticationFailure } from './authentication-failure';
import { BoundCursors } from './bound-cursors';
import { parseJobEvent, type JobName, type JobRequest } from './job-request';
import { LeaseKeeper } from './lease-keeper';
import { MetricNames } from './metric-names';
import type { Clock, Deadline } from './ports';
import { systemClock } from './ports';
import { createPowertools, PowertoolsMetricsSink, RedactingLogger } from './powertools-adapters';
import type { RunContext, RuntimeServices } from './run-context';
import { toRunFailure } from './runtime-errors';
import { MAX_LISTED_FAILURES, type RunOutcome, type RunSummary } from './run-summary';

export type { JobCursors, RunContext, RuntimeServices } from './run-context';

export interface JobDefinition<Deps> {
  job: JobName;
  /**
   * Builds the adapters (ERP client, pool, repositories…) once per cold start; the promise is cached
   * and reused by later invocations, and built again after it failed or after an authentication failure.
   * Runs before the lease is taken: a malformed secret fails here and touches no state.
   */
  buildDependencies(env: Environment, runtime: RuntimeServices): Promise<Deps>;
  /** The use case. Return the outcome; throw only for run-level failures (item failures go in `failures`). */
  run(deps: Deps, ctx: RunContext): Promise<RunOutcome>;
  /**
   * Releases what the dependencies hold (mysql2 pool, sockets). Called after each invocation when
   * IS_LOCAL=true (`invoke local` never exits while a pool is open), and when dependencies are dropped
   * after an authentication failure.
   */
  dispose?(deps: Deps): Promise<void>;
  /** Whether a run-level error means the credentials were refused (default: isAuthenticationFailure). */
  isAuthenticationFailure?(error: unknown): boolean;
  /** Overrides for tests and local runners. */
  clock?: Clock;
  environment?: NodeJS.ProcessEnv;
}

/** The Lambda handler the factory returns (middy-wrapped; `serverless invoke` gets the summary). */
export type JobHandler = (event: unknown, context: Context) => Promise<RunSummary>;

/** A lease outlives the invocation by this much at most: no run can go on after Lambda's own timeout. */
const LEASE_GRACE_MS = 10_000;

interface StateServices {
  doc: DynamoDBDocumentClient;
  leases: LeaseStore;
  cursors: CursorStore;
  history: RunHistory;
}

/**
 * The one handler factory of the three functions (docs/design.md §1, §4, §6, §8):
 * 1. parse the environment (once) and the event: invalid → a ConfigError naming the variable or field,
 *    nothing touched;
 * 2. build the dependencies once per cold start (before the lease, so bad secrets touch nothing);
 * 3. take the job's lease (held by another run → summary with `skipped: "already running"`, success,
 *    but no RunSucceeded: a job that keeps being skipped trips the heartbeat alarm);
 *    it lasts min(LEASE_SECONDS, remaining time + 10 s) and is renewed in the background;
 * 4. run the use case with a soft deadline, cursors bound to the lease's fence, logger and metrics;
 * 5. return the run summary, logged once as one JSON line, kept in run history and mirrored as metrics
 *    (RunSucceeded heartbeat, ItemFailures, CursorLagSeconds);
 * 6. a run-level failure is logged once ("run failed", with the summary so far), counted as RunFailed,
 *    kept in history and re-thrown as a typed error so Lambda records an Error and the alarm fires.
 */
export function createJobHandler<Deps>(definition: JobDefinition<Deps>): JobHandler {
  const { job } = definition;
  const clock = definition.clock ?? systemClock;
  const processEnv = () => definition.environment ?? process.env;
  const pt = createPowertools(job, processEnv().LOG_LEVEL);
  const logger = new RedactingLogger(pt.logger);
  const metrics = new PowertoolsMetricsSink(pt.metrics);
  const authFailure = definition.isAuthenticationFailure ?? isAuthenticationFailure;

  let env: Environment | undefined;
  let state: StateServices | undefined;
  let secrets: SecretsLoader | undefined;
  let deps: Promise<Deps> | undefined;

  function dependencies(environment: Environment, stateServices: StateServices): Promise<Deps> {
    secrets ??= new SecretsLoader({ maxAgeSeconds: environment.SECRETS_CACHE_SECONDS });
    deps ??= definition.buildDependencies(environment, { secrets, logger, metrics, stateClient: stateServices.doc }).catch((error: unknown) => {
      deps = undefined;
      throw error;
    });
    return deps;
  }

  /** Forgets the built dependencies (and disposes them); with `forgetSecrets`, the cached secrets too. */
  async function dropDependencies(forgetSecrets: boolean): Promise<void> {
    if (forgetSecrets) secrets?.invalidate();
    const current = deps;
    deps = undefined;
    const built = await current?.catch(() => undefined);
    if (built !== undefined && definition.dispose) {
      await definition.dispose(built).catch((error: unknown) => logger.warn('could not dispose the dependencies', { error: errorMessage(error) }));
    }
  }

  async function base(event: unknown, context: Context): Promise<RunSummary> {
    const startedAt = clock.now();
    const runId = context?.awsRequestId || randomUUID();
    pt.logger.appendKeys({ job, run_id: runId });
    pt.logger.setCorrelationId(runId);
    let request: JobRequest | undefined;
    let partial: Partial<RunSummary> = {};
    try {
      env ??= loadEnvironment(processEnv());
      request = parseJobEvent(job, event);
      if (request.eventId) pt.logger.setCorrelationId(request.eventId);
      pt.logger.appendKeys({ trigger: request.trigger });
      state ??= createStateServices(env);
      const built = await dependencies(env, state);

      const remainingMs = () => (typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : Number.POSITIVE_INFINITY);
      const leaseMs = () => Math.min(env!.LEASE_SECONDS * 1000, remainingMs() + LEASE_GRACE_MS);
      const identity = { job, runId, mode: summaryMode(request), dryRun: request.dryRun };
      const lease = await state.leases.acquire(job, runId, leaseMs(), clock.now());
      if (!lease) return await finishSkipped(identity, startedAt, state);

      const keeper = new LeaseKeeper(state.leases, lease, leaseMs, clock, logger, leaseMs() / 3);
      const cursors = new BoundCursors(state.cursors, job, lease.fence, clock);
      partial = identity;
      try {
        const margin = env.DEADLINE_MARGIN_MS;
        const deadline: Deadline = { remainingMs: () => remainingMs() - margin, expired: () => remainingMs() - margin <= 0 };
        const ctx: RunContext = { job, runId, startedAt, request, env, fence: lease.fence, cursors, clock, logger, metrics, deadline };
        const outcome = await definition.run(built, ctx);
        return await finishSucceeded(identity, outcome, startedAt, state);
      } catch (error) {
        partial = { ...identity, cursor: { before: fromMap(cursors.before), after: fromMap(cursors.after) } };
        if (authFailure(error)) await dropDependencies(true);
        throw error;
      } finally {
        await releaseLease(keeper, state.leases, lease);
      }
    } catch (error) {
      throw await finishFailed(error, partial, startedAt);
    } finally {
      if (processEnv().IS_LOCAL === 'true') await dropDependencies(false);
    }
  }

  async function finishSkipped(identity: Pick<RunSummary, 'job' | 'runId' | 'mode' | 'dryRun'>, startedAt: number, stateServices: StateServices): Promise<RunSummary> {
    const summary: RunSummary = {
      ...identity,
      window: { from: null, to: null },
      complete: false,
      skipped: 'already running',
      counts: {},
      failures: [],
      durationMs: clock.now() - startedAt,
      cursor: { before: null, after: null },
    };
    logger.info('run summary', { summary });
    await recordHistory(stateServices, summary, startedAt);
    return summary;
  }

  async function finishSucceeded(identity: Pick<RunSummary, 'job' | 'runId' | 'mode' | 'dryRun'>, outcome: RunOutcome, startedAt: number, stateServices: StateServices): Promise<RunSummary> {
    const { cursorLagSeconds, ...reported } = outcome;
    const summary: RunSummary = {
      ...identity,
      ...reported,
      failures: outcome.failures.slice(0, MAX_LISTED_FAILURES),
      durationMs: clock.now() - startedAt,
    };
    if (outcome.failures.length > MAX_LISTED_FAILURES) summary.counts = { ...summary.counts, failuresNotListed: outcome.failures.length - MAX_LISTED_FAILURES };
    metrics.count(MetricNames.runSucceeded, 1);
    metrics.count(MetricNames.itemFailures, outcome.failures.length);
    if (cursorLagSeconds !== undefined && Number.isFinite(cursorLagSeconds)) {
      metrics.gauge(MetricNames.cursorLagSeconds, Math.max(0, Math.round(cursorLagSeconds)), 'Seconds');
    }
    logger.info('run summary', { summary });
    await recordHistory(stateServices, summary, startedAt);
    return summary;
  }

  async function finishFailed(error: unknown, partial: Partial<RunSummary>, startedAt: number): Promise<FecjstError> {
    const failure = toRunFailure(job, error);
    metrics.count(MetricNames.runFailed, 1);
    const durationMs = clock.now() - startedAt;
    const errorFields = { code: failure.code, message: failure.message, context: failure.context };
    if (partial.runId) {
      // The lease was taken: the run started. Its summary so far is logged and kept in history.
      const summary: RunSummary = {
        job,
        runId: partial.runId,
        mode: partial.mode ?? 'incremental',
        dryRun: partial.dryRun ?? false,
        window: { from: null, to: null },
        complete: false,
        counts: {},
        failures: [],
        durationMs,
        cursor: partial.cursor ?? { before: null, after: null },
        error: { code: failure.code, message: failure.message },
      };
      logger.error('run failed', { error: errorFields, summary });
      if (state) await recordHistory(state, summary, startedAt);
    } else {
      logger.error('run failed', { error: errorFields, durationMs });
    }
    return failure;
  }

  async function recordHistory(stateServices: StateServices, summary: RunSummary, startedAt: number): Promise<void> {
    await stateServices.history.record(job, summary.runId, startedAt, summary).catch((error: unknown) => logger.warn('could not record run history', { error: errorMessage(error) }));
  }

  async function releaseLease(keeper: LeaseKeeper, leases: LeaseStore, lease: HeldLease): Promise<void> {
    await keeper.stop();
    await leases.release(lease).catch((error: unknown) => logger.warn('could not release the lease', { error: errorMessage(error), fence: lease.fence }));
  }

  return middy(base)
    .use(injectLambdaContext(pt.logger, { resetKeys: true }))
    .use(logMetrics(pt.metrics, { captureColdStartMetric: true })) as unknown as JobHandler;
}

function createStateServices(env: Environment): StateServices {
  const doc = createStateDocumentClient();
  return {
    doc,
    leases: new LeaseStore(doc, env.STATE_TABLE),
    cursors: new CursorStore(doc, env.STATE_TABLE),
    history: new RunHistory(doc, env.STATE_TABLE, env.RUN_HISTORY_DAYS),
  };
}

/** `manual` when the event names an explicit window, SKUs or orders; otherwise the requested mode. */
function summaryMode(request: JobRequest): RunSummary['mode'] {
  return request.skus || request.orders || request.window ? 'manual' : request.mode;
}

function fromMap(map: Map<string, unknown>): unknown {
  if (map.size === 0) return null;
  if (map.size === 1) return [...map.values()][0];
  return Object.fromEntries(map);
}
