import type { SlidingWindowLog } from './sliding-window';

export interface RateWindows {
  now: () => number;
  limit: () => { perSecond: number; perMinute: number };
  perSecond: SlidingWindowLog;
  perMinute: SlidingWindowLog;
}

/**
 * Calls by "another application" on the same ERP account (the shop's other tools): they count in the
 * account's rate windows like ours (docs/erp-api.md §2.7), so our calls draw 199/200 when the sum is too
 * high. Records up to `count` calls now, as many as the windows admit; returns how many.
 */
export function recordForeignCalls(windows: RateWindows, count: number): number {
  if (!Number.isInteger(count) || count < 0 || count > 100_000) throw new Error('count must be a whole number from 0 to 100000');
  let admitted = 0;
  for (let i = 0; i < count; i++) {
    const t = windows.now();
    const { perSecond, perMinute } = windows.limit();
    if (windows.perSecond.count(t) >= perSecond || windows.perMinute.count(t) >= perMinute) continue;
    windows.perSecond.record(t);
    windows.perMinute.record(t);
    admitted++;
  }
  return admitted;
}
