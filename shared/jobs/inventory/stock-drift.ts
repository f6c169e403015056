/**
 * Stock drift found by a full pass (the daily reconcile, issue #16): SKUs whose store value differed
 * from the formula before the pass wrote it. A drift is `missed` — the connector's own loss — when the
 * ERP row was modified inside a window the incremental runs had already walked since the last
 * completed pass began (`since ≤ modified < walkedUntil − settle lag`): those changes the incremental
 * runs should have brought over. Older rows point at a store-side change (an edit behind the
 * connector's back); newer ones the incremental runs had not reached yet.
 *
 * The totals are JSON (they live in the `full` cursor position, so a pass spread over several
 * invocations reports its drift as a whole).
 */
export interface DriftExample {
  sku: string;
  store: number | null;
  target: number;
  /** The ERP row's `modified` (Beijing time, as sent), when present. */
  erpModified: string | null;
  missed: boolean;
}

export interface DriftTotals {
  count: number;
  sumAbsDiff: number;
  missed: number;
  examples: DriftExample[];
}

/** The summary lists this many examples at most. */
export const DRIFT_EXAMPLES = 20;

export function emptyDrift(): DriftTotals {
  return { count: 0, sumAbsDiff: 0, missed: 0, examples: [] };
}

/** The walked range that makes a drift `missed`: `[sinceMs, untilMs)` in ERP `modified` time. */
export interface MissedWindow {
  sinceMs: number;
  untilMs: number;
}

export function isMissed(modifiedMs: number | undefined, window: MissedWindow | undefined): boolean {
  if (modifiedMs === undefined || !window) return false;
  return modifiedMs >= window.sinceMs && modifiedMs < window.untilMs;
}

/** Adds one drifted SKU to `totals` (mutates and returns it). */
export function recordDrift(totals: DriftTotals, example: DriftExample): DriftTotals {
  totals.count++;
  totals.sumAbsDiff += Math.abs(example.target - (example.store ?? 0));
  if (example.missed) totals.missed++;
  if (totals.examples.length < DRIFT_EXAMPLES) totals.examples.push(example);
  return totals;
}

export function addDrift(a: DriftTotals, b: DriftTotals): DriftTotals {
  return {
    count: a.count + b.count,
    sumAbsDiff: a.sumAbsDiff + b.sumAbsDiff,
    missed: a.missed + b.missed,
    examples: [...a.examples, ...b.examples].slice(0, DRIFT_EXAMPLES),
  };
}
