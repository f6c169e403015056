import type { RunContext } from '../run-context';
import type { RunOutcome } from '../../domain/run-outcome';

type Ctx = Pick<RunContext, 'request' | 'env' | 'cursors' | 'clock'>;

/** The `reconcile` cursor position: a pass under way (where it stands), or when the last one finished. */
export type ReconcilePosition<P> = { startedAt: number; progress: P } | { completedAt: number };

export const RECONCILE_CURSOR = 'reconcile';
/** At most this many drift examples are listed in a run summary. */
export const MAX_DRIFT_EXAMPLES = 20;

export type PassStart<P> = { upToDate: false; startedAt: number; progress: P; before: ReconcilePosition<P> | null } | { upToDate: true; outcome: RunOutcome };

/**
 * Where a reconcile run starts (docs/design.md §3, §6): an unfinished pass is continued (a run stops at
 * the deadline and the next reconcile run — by hand or the reconcile schedule firing again — goes on
 * from the checkpoint). A finished pass is followed by a new one, except that a scheduled run does
 * nothing while the last pass finished less than RECONCILE_MIN_INTERVAL_HOURS ago: the schedule fires
 * several times in its window so that a long pass finishes, and the later firings find it done.
 */
export async function beginPass<P>(ctx: Ctx, fresh: () => Promise<P>): Promise<PassStart<P>> {
  const before = (await ctx.cursors.read<ReconcilePosition<P>>(RECONCILE_CURSOR)) ?? null;
  if (before && 'progress' in before) return { upToDate: false, startedAt: before.startedAt, progress: before.progress, before };
  const now = ctx.clock.now();
  if (before && ctx.request.trigger === 'schedule' && now - before.completedAt < ctx.env.RECONCILE_MIN_INTERVAL_HOURS * 3600_000) {
    return {
      upToDate: true,
      outcome: {
        window: { from: null, to: null },
        complete: true,
        counts: {},
        failures: [],
        cursor: { before, after: before },
        details: { reconcile: 'the last pass finished recently; nothing to do', lastCompletedAt: new Date(before.completedAt).toISOString() },
      },
    };
  }
  return { upToDate: false, startedAt: now, progress: await fresh(), before };
}

/** Commits the progress of the pass (never on a dry run). Returns the position written. */
export async function checkpoint<P>(ctx: Ctx, startedAt: number, progress: P): Promise<ReconcilePosition<P>> {
  const position: ReconcilePosition<P> = { startedAt, progress };
  if (!ctx.request.dryRun) await ctx.cursors.advance(RECONCILE_CURSOR, position);
  return position;
}

/** Marks the pass finished (never on a dry run). */
export async function finishPass(ctx: Ctx): Promise<ReconcilePosition<never>> {
  const position = { completedAt: ctx.clock.now() };
  if (!ctx.request.dryRun) await ctx.cursors.advance(RECONCILE_CURSOR, position);
  return position;
}
