import { isoBeijing } from '../domain/human-time';
import type { JobMode, JobName } from '../domain/job-request';

/** Bounds of manual events (README "Manual events"; issue #20). */
export const EVENT_LIMITS = {
  /** `skus`, `orders`: at most this many per run. */
  maxListLength: 1000,
  /** product_flat.sku is varchar(150) (docs/store-schema.md §1.2). */
  maxSkuLength: 150,
  /** sales_flat_order.increment_id is varchar(25) (docs/store-schema.md §2.1). */
  maxOrderIdLength: 25,
  /** Without `force`, a window is at most the order horizon (ORDER_HORIZON_DAYS; this when not given). */
  defaultMaxWindowDays: 30,
  /** Even with `force`, a window is at most this long. */
  maxForcedWindowDays: 366,
  /** `to` may be this far past now (clock skew between the caller and Lambda). */
  futureToleranceMs: 5 * 60_000,
} as const;

/** The manual fields after their own validation. */
export interface ManualFields {
  dryRun?: boolean;
  from?: number;
  to?: number;
  mode?: JobMode;
  force?: boolean;
  skus?: string[];
  orders?: string[];
}

const DAY_MS = 86_400_000;

/**
 * The rules between fields of a manual event (docs/design.md §9): one target per run (a window, SKUs, orders
 * or a mode's own pass), windows bounded and not in the future, `force` only where it means something.
 * Returns the problem, naming the fields, or undefined.
 */
export function checkManualRequest(job: JobName, m: ManualFields, limits: { nowMs: number; maxWindowDays: number }): string | undefined {
  const hasWindow = m.from !== undefined || m.to !== undefined;
  const list = m.skus ? 'skus' : m.orders ? 'orders' : undefined;
  if (list && hasWindow) return `"${list}" and "from"/"to" cannot be combined: name the ${list === 'skus' ? 'SKUs' : 'orders'} or give a window`;
  if (m.mode && m.mode !== 'incremental' && list) return `"${list}" and "mode": "${m.mode}" cannot be combined: a ${m.mode} run covers everything`;
  if (m.mode && m.mode !== 'incremental' && hasWindow) return `"mode": "${m.mode}" and "from"/"to" cannot be combined: a ${m.mode} run has no window`;
  if (m.force && !hasWindow && !(job === 'pushOrders' && m.orders)) {
    return `"force" applies only to a "from"/"to" window${job === 'pushOrders' ? ' or to "orders" (re-send unchanged orders)' : ''}`;
  }
  if (!hasWindow) return undefined;
  if ((m.from === undefined) !== (m.to === undefined)) return '"from" and "to" go together';
  const from = m.from!;
  const to = m.to!;
  if (!(from < to)) return '"from" must be before "to"';
  if (to > limits.nowMs + EVENT_LIMITS.futureToleranceMs) return `"to" is in the future (${isoBeijing(to)}); a window ends at the latest now`;
  const days = (to - from) / DAY_MS;
  const allowed = m.force ? EVENT_LIMITS.maxForcedWindowDays : limits.maxWindowDays;
  if (days > allowed) {
    return m.force
      ? `the "from"/"to" window is ${Math.ceil(days)} days; at most ${allowed} days even with "force"`
      : `the "from"/"to" window is ${Math.ceil(days)} days; at most ${allowed} days (the order horizon), or add "force": true for up to ${EVENT_LIMITS.maxForcedWindowDays}`;
  }
  return undefined;
}
