import { FecjstError } from '../errors';
import { parseBeijing } from '../domain/beijing-time';
import type { Page } from '../jst/client';
import { MAX_RANGE_MS } from '../domain/erp-range';
import type { TimeWindow } from './time-window';

/**
 * The loss-free sweep of one modified-time window (docs/design.md §3; issue #13).
 *
 * Why page-number paging loses rows: the ERP answers page n of a query over the rows that match at
 * that moment. A row served on page 1 and modified again before page 2 leaves the range, every later
 * row moves up one place, and the row that was first on page 2 is now last on page 1 — already read.
 * It is older than the next run's lookback, so no one reads it again.
 *
 * What this sweep relies on, and only this:
 *  - `has_next` ([C2], docs/erp-api.md §3a/§3c) and the modified range filter. Not `data_count` (it is [U]
 *    for inventory; used here only as a sizing hint when present), not `ts` ([C1]), not any row order.
 *  - A row's `modified` only grows: modifying a row again moves it to "now". The window ends at
 *    `until = now − settleLag` fixed when it was planned, so a row modified during the sweep moves
 *    past the window's end (or, if the sweep is already past it, later still) and is read by a later
 *    range of this sweep or by the next run, whose window starts at or before this window's end.
 *    Rows therefore only LEAVE a range of the window while it is read; none enter it (late commits
 *    are what the lookback is for, docs/design.md §2).
 *
 * The sweep reads the window left to right in ranges [pos, pos + width] of whole seconds:
 *  1. One page (page_index 1) with `has_next = false` is one answer computed at one moment: every
 *     row in the range at that moment is in it. The range is complete as read; the checkpoint moves
 *     to its end. Adjacent ranges share their boundary second, so nothing is lost whether the ERP
 *     treats `modified_end` (or `modified_begin`) as inclusive or exclusive (rows on it are read twice;
 *     every write is idempotent).
 *  2. A range that does not fit in one page is not paged: its width shrinks (at most half, less when
 *     the rows' density over the last ranges, `data_count` or the page's own `modified` times suggest
 *     it; at least 1 s) and it is asked again. After a range that fits, the next width aims at 85% of a page
 *     by the density of the last ranges. Sizing is a guess; correctness never depends on it.
 *  3. A one-second range that still does not fit (many rows modified in the same second) is read
 *     from its last page back to page 1 (readSecondWhole). A row is skipped by ascending page-number
 *     paging only when a row before it leaves and it moves up onto a page already read; read in
 *     descending order, it moves onto a page still to be read. So the second is read in one pass
 *     however busy the ERP is (issue #26: the former "read again until two reads agree" rule never
 *     finished while the ERP touched a row after every read). Rows that left are read at their new time.
 *
 * Progress: the checkpoint (`onComplete`) is called after each range's rows are applied; the caller
 * commits it, so a killed run repeats at most the page it was applying (a one-second range read under
 * rule 3 is repeated whole). The deadline is checked before every ERP call; at the deadline a
 * one-second range being read under rule 3 is given up for this run (the next run reads it again).
 * Known limit: a second holding more rows than one invocation can read once never finishes.
 */
export interface SweepSource<T> {
  /** One page (from 1) of the rows modified within [fromMs, toMs]. */
  readPage(range: TimeWindow, pageIndex: number): Promise<Page<T>>;
  /** The row's identity (SKU, ERP o_id …), for comparing two reads of one second. */
  keyOf(row: T): string;
  /** The row's `modified` (Beijing time), a sizing hint only. */
  modifiedOf(row: T): string | null | undefined;
  /** The page size `readPage` asks for (ranges aim at 85% of it). */
  pageSize: number;
}

export interface SweepHooks<T> {
  apply(page: Page<T>): Promise<void>;
  /** Everything in the window up to `doneMs` is applied; `widthMs` is the width the sweep would try next. */
  onComplete(doneMs: number, widthMs: number): Promise<void>;
  expired(): boolean;
}

export interface SweepStats {
  /** ERP pages read. */
  pages: number;
  /** Ranges that did not fit in one page and were narrowed. */
  narrowed: number;
  /** One-second ranges read whole and verified by a second read. */
  verifiedSeconds: number;
}

export interface SweepResult {
  complete: boolean;
  /** The end of the last complete range (the start of the window if none). */
  doneMs: number;
  widthMs: number;
}

export const SECOND_MS = 1000;
/** Share of a page aimed at per range: fewer ranges overflow below it, more calls per row above it (dev/bench/walk.ts). */
const TARGET_FILL = 0.85;
const MAX_PAGES = 100_000;

export class WindowWalkError extends FecjstError {
  constructor(message: string, context: Record<string, unknown>) {
    super('WINDOW_WALK_UNSTABLE', message, context);
  }
}

export async function sweepWindow<T>(
  source: SweepSource<T>,
  hooks: SweepHooks<T>,
  window: TimeWindow,
  startWidthMs: number,
  stats: SweepStats,
): Promise<SweepResult> {
  const end = Math.ceil(window.toMs / SECOND_MS) * SECOND_MS;
  let pos = Math.floor(window.fromMs / SECOND_MS) * SECOND_MS;
  let width = clampWidth(startWidthMs);
  const target = Math.max(1, Math.floor(source.pageSize * TARGET_FILL));
  const density = new DensityEstimate();
  while (pos < end) {
    if (hooks.expired()) return { complete: false, doneMs: pos, widthMs: width };
    const range = { fromMs: pos, toMs: Math.min(pos + width, end) };
    const page = await source.readPage(range, 1);
    stats.pages++;
    const span = range.toMs - range.fromMs;
    const rows = page.rows.length + page.invalid.length + (page.duplicates ?? 0);
    if (page.hasNext && span > SECOND_MS) {
      stats.narrowed++;
      density.add(Math.max(rows + 1, page.dataCount ?? 0), span);
      width = clampWidth(Math.min(narrowed(source, page, range, target), density.widthFor(target) ?? Number.POSITIVE_INFINITY));
      continue;
    }
    if (!page.hasNext) await hooks.apply(page);
    else if (!(await readSecondWhole(source, hooks, range, page, stats))) return { complete: false, doneMs: pos, widthMs: width };
    // A range cut short by the window's end says little about density; a one-second range read whole, nothing.
    if (!page.hasNext && span === width) density.add(rows, span);
    width = page.hasNext ? SECOND_MS : clampWidth(Math.min(width * 4, density.widthFor(target) ?? width * 4));
    pos = range.toMs;
    await hooks.onComplete(pos, width);
  }
  return { complete: true, doneMs: pos, widthMs: width };
}

/** Rows per millisecond over the last 8 ranges read, to size the next range (a hint, never a guarantee). */
class DensityEstimate {
  private readonly recent: Array<{ rows: number; ms: number }> = [];

  add(rows: number, ms: number): void {
    this.recent.push({ rows, ms });
    if (this.recent.length > 8) this.recent.shift();
  }

  widthFor(rows: number): number | undefined {
    const total = this.recent.reduce((a, r) => ({ rows: a.rows + r.rows, ms: a.ms + r.ms }), { rows: 0, ms: 0 });
    return total.rows === 0 ? undefined : (rows * total.ms) / total.rows;
  }
}

/**
 * Rule 3: a one-second range that does not fit in one page is read from its last page back to its first.
 * Rows of a past second only leave it (modified again), never enter, so a row that stays can only move
 * to a lower position while the second is read. Reading pages in descending order, a row that moves
 * lands on a page not yet read (or is served twice): no row that stays is skipped, whatever leaves and
 * when. Rows that left are read at their new time. The last page is found first: pages 2, 4, 8 … until
 * one has `has_next` false (page 1 is the range's first answer; `data_count`, when given, is the first
 * guess), then the smallest such page by bisection. That page bounds the rows at the moment it was read,
 * and the descending read starts from it, so one read of the second suffices — no verifying re-read.
 */
async function readSecondWhole<T>(source: SweepSource<T>, hooks: SweepHooks<T>, range: TimeWindow, first: Page<T>, stats: SweepStats): Promise<boolean> {
  stats.verifiedSeconds++;
  await hooks.apply(first);
  const read = async (pageIndex: number): Promise<Page<T> | undefined> => {
    if (pageIndex > MAX_PAGES)
      throw new WindowWalkError(`a one-second range is still has_next after ${MAX_PAGES} pages`, { from: new Date(range.fromMs).toISOString() });
    // At the deadline the second is given up for this run (no checkpoint inside it): the next run reads it again.
    if (hooks.expired()) return undefined;
    const page = await source.readPage(range, pageIndex);
    stats.pages++;
    await hooks.apply(page);
    return page;
  };
  // Find a page past the rows: `lo` has has_next true, `hi` has has_next false.
  let lo = 1;
  let hi = first.dataCount && first.dataCount > source.pageSize ? Math.ceil(first.dataCount / source.pageSize) : 2;
  for (;;) {
    const page = await read(hi);
    if (!page) return false;
    if (!page.hasNext) break;
    lo = hi;
    hi *= 2;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const page = await read(mid);
    if (!page) return false;
    if (page.hasNext) lo = mid;
    else hi = mid;
  }
  // Page `hi` was read with has_next false: the descending read starts there and goes on below it.
  for (let pageIndex = hi - 1; pageIndex >= 1; pageIndex--) if (!(await read(pageIndex))) return false;
  return true;
}

/** The next width after a range that did not fit: at most half, less when the page's times say so. */
function narrowed<T>(source: SweepSource<T>, page: Page<T>, range: TimeWindow, target: number): number {
  const width = range.toMs - range.fromMs;
  let next = width / 2;
  if (page.dataCount && page.dataCount > 0) next = Math.min(next, (width * target) / page.dataCount);
  const times = page.rows
    .map((r) => parseBeijing(source.modifiedOf(r) ?? ''))
    .filter((t): t is number => t !== undefined && t >= range.fromMs && t <= range.toMs)
    .sort((a, b) => a - b);
  if (times.length >= target) {
    // End one second before the target-th time of the page. When a quarter of the page shares that
    // second (a bulk change), go straight there, even past the half: the range before it then fits,
    // and the dense second gets a one-second range of its own.
    const at = times[target - 1]!;
    const beforeIt = at - SECOND_MS - range.fromMs;
    const dense = times.filter((t) => t === at).length * 4 >= times.length;
    next = dense ? Math.max(SECOND_MS, beforeIt) : Math.min(next, beforeIt);
  }
  return clampWidth(next);
}

function clampWidth(ms: number): number {
  if (!Number.isFinite(ms)) return MAX_RANGE_MS;
  return Math.min(MAX_RANGE_MS, Math.max(SECOND_MS, Math.floor(ms / SECOND_MS) * SECOND_MS));
}
