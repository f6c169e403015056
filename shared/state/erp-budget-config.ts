import type { Environment } from '../config/environment';
import type { BudgetConfig } from './erp-budget-plan';

/** A job counts as active (its floor and priority apply) this long after its last claim or call left the minute. */
export const BUDGET_ACTIVE_MS = 15_000;

/**
 * The budget's settings from the validated environment (README "ERP budget"). The horizon — how far
 * ahead of its own clock a container may place a slice — is two slices long: enough to queue behind
 * the slice another job holds, short enough that a container never books a future it may not reach.
 */
export function budgetConfig(env: Environment): BudgetConfig {
  const spacingMs = Math.ceil(1000 / env.JST_BUDGET_PER_SECOND) + 1;
  return {
    perSecond: env.JST_BUDGET_PER_SECOND,
    perMinute: env.JST_BUDGET_PER_MINUTE,
    priorities: env.JST_BUDGET_PRIORITIES,
    maxSlice: env.JST_BUDGET_SLICE,
    skewMs: env.JST_BUDGET_SKEW_MS,
    jitterMs: env.JST_BUDGET_JITTER_MS,
    headroomShare: env.JST_BUDGET_HEADROOM_PERCENT / 100,
    floorShare: env.JST_BUDGET_FLOOR_PERCENT / 100,
    activeMs: BUDGET_ACTIVE_MS,
    horizonMs: Math.max(3000, 2 * (env.JST_BUDGET_SLICE * spacingMs + env.JST_BUDGET_JITTER_MS + 2 * env.JST_BUDGET_SKEW_MS)),
    penaltyMs: env.JST_BUDGET_BACKOFF_SECONDS * 1000,
  };
}
