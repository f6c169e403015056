import { errorMessage } from '../errors';
import { JobControl } from '../state/job-control';
import type { HeldLease } from '../state/lease';
import { BoundCursors } from './bound-cursors';
import type { JobRuntime } from './job-runtime';
import { LeaseKeeper } from './lease-keeper';
import { remainingMs, runState, type JobMiddleware, type JobMiddyRequest } from './run-request';
import { StateTableError } from './runtime-errors';

/** A lease outlives the invocation by this much at most: no run can go on after Lambda's own timeout. */
const LEASE_GRACE_MS = 10_000;
/** How long a push-started run waits for a lease another run holds, and how often it asks again. */
export const PUSH_LEASE_WAIT_MS = 20_000;
const PUSH_LEASE_RETRY_MS = 500;

/** The positions a reconcile in its own scope reads from the job's cursor item (never writes). */
const READ_FROM_JOB = ['incremental'] as const;

/** The lease (and cursor item) a run takes: `<job>#reconcile` for a reconcile with its own lease, else the job. */
export function leaseScope(job: string, mode: string | undefined, ownReconcileLease: boolean | undefined): string {
  return ownReconcileLease && mode === 'reconcile' ? `${job}#reconcile` : job;
}

/**
 * One run at a time per job (docs/design.md §4). Takes the job's lease for min(LEASE_SECONDS, remaining
 * time + 10 s), renews it in the background, binds the cursors to its fence, and releases it after
 * the run whatever happened. Held by another run: the run is marked `skipped` (the handler does
 * nothing and the summary says "already running"; a push-started run first waits up to 20 s for it).
 * A scheduled or push-started run of a job an
 * operator paused (`npm run ops -- pause`) is skipped the same way, before the lease (`skipped:
 * "paused"`); manual runs still go.
 * Logs the "run started" line (trigger, mode, window, committed cursor positions).
 *
 * Scope: a job whose definition sets `ownReconcileLease` runs `mode: "reconcile"` under its own lease and
 * cursor item, `<job>#reconcile` (leaseScope), reading the job's `incremental` position without writing
 * it: a reconcile and an incremental run of one job proceed side by side.
 */
export function jobLease(runtime: JobRuntime<unknown>): JobMiddleware {
  const { job, clock, logger } = runtime;
  const keepers = new WeakMap<JobMiddyRequest, { keeper: LeaseKeeper; lease: HeldLease }>();

  async function release(request: JobMiddyRequest): Promise<void> {
    const held = keepers.get(request);
    if (!held) return;
    keepers.delete(request);
    await held.keeper.stop();
    await runtime
      .state()
      .leases.release(held.lease)
      .catch((error: unknown) => logger.warn('could not release the lease', { error: errorMessage(error), fence: held.lease.fence }));
  }

  return {
    async before(request) {
      const run = runState(request);
      const env = runtime.environment();
      const state = runtime.state();
      if (run.request && run.request.trigger !== 'manual') {
        const control = await new JobControl(state.doc, env.STATE_TABLE).read(job).catch((error: unknown) => {
          throw new StateTableError(env.STATE_TABLE, 'read the pause switch', error);
        });
        if (control.paused) {
          run.skipped = 'paused';
          return;
        }
      }
      const leaseMs = () => Math.min(env.LEASE_SECONDS * 1000, remainingMs(request.context) + LEASE_GRACE_MS);
      const scope = leaseScope(job, run.request?.mode, runtime.definition.ownReconcileLease);
      const acquire = () =>
        state.leases.acquire(scope, run.runId, leaseMs(), clock.now()).catch((error: unknown) => {
          throw new StateTableError(env.STATE_TABLE, 'take the lease', error);
        });
      let lease = await acquire();
      // A push-started run that meets a running one waits a little for it (docs/design.md §18): erpNotify
      // started it because that run may already have taken its hints for the last time.
      const waitUntil = clock.now() + Math.min(PUSH_LEASE_WAIT_MS, Math.max(0, remainingMs(request.context) - env.DEADLINE_MARGIN_MS));
      while (!lease && run.request?.trigger === 'push' && clock.now() + PUSH_LEASE_RETRY_MS <= waitUntil) {
        await new Promise((resolve) => setTimeout(resolve, PUSH_LEASE_RETRY_MS));
        lease = await acquire();
      }
      if (!lease) {
        run.skipped = 'already running';
        return;
      }
      keepers.set(request, { lease, keeper: new LeaseKeeper(state.leases, lease, leaseMs, clock, logger, leaseMs() / 3) });
      run.fence = lease.fence;
      run.scope = scope;
      run.cursors = new BoundCursors(state.cursors, scope, lease.fence, clock, scope === job ? undefined : { job, names: READ_FROM_JOB });
      const positions = await state.cursors.readAll(scope).then(
        (all) => Object.fromEntries(Object.entries(all.positions).map(([name, value]) => [name, value.position])),
        () => undefined,
      );
      const window = run.request?.window;
      logger.info('run started', {
        trigger: run.request?.trigger,
        mode: run.request?.mode,
        dryRun: run.request?.dryRun,
        window: window ? { from: new Date(window.fromMs).toISOString(), to: new Date(window.toMs).toISOString() } : null,
        skus: run.request?.skus?.length,
        orders: run.request?.orders?.length,
        cursor: positions ?? null,
        ...(scope === job ? {} : { lease: scope }),
        fence: lease.fence,
        remainingMs: Number.isFinite(remainingMs(request.context)) ? remainingMs(request.context) : undefined,
      });
    },
    after: release,
    onError: release,
  };
}
