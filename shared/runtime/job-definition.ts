import type { Context } from 'aws-lambda';
import type { Environment } from '../config/environment';
import type { JobName } from '../domain/job-request';
import type { Clock } from '../domain/ports';
import type { RunContext } from '../jobs/run-context';
import type { RuntimeServices } from './run-context';
import type { RunOutcome } from '../domain/run-outcome';
import type { RunSummary } from './run-summary';

/**
 * The run's side of the account-wide ERP budget (docs/design.md §7; shared/state/erp-budget.ts fits it):
 * told the run's soft deadline (and the name a reconcile draws under) when the run begins, released
 * when it ends, so another job gets the whole budget at once.
 */
export interface RunBudget {
  beginRun(run: { deadline?: { remainingMs(): number }; job?: string }): void;
  release(): Promise<void>;
}

/** What a function handler declares: its job, how to build its adapters, and its use case. */
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
   * Releases what the dependencies hold (mysql2 pool, sockets). Called when IS_LOCAL=true after the
   * last invocation using them ended (`invoke local` never exits while a pool is open), and when
   * dependencies are dropped after an authentication failure.
   */
  dispose?(deps: Deps): Promise<void>;
  /** The ERP budget the dependencies draw from, if any (begun and released around every run). */
  erpBudget?(deps: Deps): RunBudget | undefined;
  /**
   * `mode: "reconcile"` runs take their own lease and cursor item, `<job>#reconcile` (docs/design.md §4,
   * §10), so an hours-long reconcile never makes an incremental run skip. Only for jobs whose reconcile
   * shares no cursor position with the incremental runs (pushOrders, syncShipping; not syncInventory,
   * whose reconcile is the full pass the incremental runs continue).
   */
  ownReconcileLease?: boolean;
  /** Whether a run-level error means the credentials were refused (default: isAuthenticationFailure). */
  isAuthenticationFailure?(error: unknown): boolean;
  /** Overrides for tests and local runners. */
  clock?: Clock;
  environment?: NodeJS.ProcessEnv;
}

/** The Lambda handler the factory returns (middy-wrapped; `serverless invoke` gets the summary). */
export type JobHandler = (event: unknown, context: Context) => Promise<RunSummary>;
