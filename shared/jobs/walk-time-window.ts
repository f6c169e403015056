import type { Page } from '../jst/client';
import { MAX_RANGE_MS } from '../domain/erp-range';
import type { RunContext } from './run-context';
import type { RunOutcome } from '../domain/run-outcome';
import { planWindow, type TimeWindow } from './time-window';
import { sweepWindow, type SweepSource, type SweepStats } from './window-sweep';

type Ctx = Pick<RunContext, 'request' | 'env' | 'cursors' | 'clock' | 'deadline' | 'progress'>;

/**
 * The unfinished window of an incremental walk, committed after every complete range (cursor
 * position `walk`): the next run resumes at `doneMs` — no lookback re-read, since everything before
 * it was applied — and extends the window to its own `until`.
 */
export interface WalkProgress {
  fromMs: number;
  untilMs: number;
  doneMs: number;
  widthMs: number;
  /** The window re-reads the lookback: its end becomes `lookbackTo` once it is done. */
  lookback?: boolean;
}

/** Runs between two lookback re-reads start this much before their cursor: the boundary second again. */
export const BOUNDARY_OVERLAP_MS = 1000;

export interface WalkOptions<T> {
  /** How far back a first run (no cursor) starts. */
  initialLookbackMs: number;
  /** One page of the job's ERP query over a modified range (the walk chooses the ranges). */
  source: SweepSource<T>;
  /** Applies one page's rows to the store; must be idempotent (rows may be read more than once). */
  applyPage(page: Page<T>): Promise<void>;
  /** Filled with the sweep's page counts (for the run summary), when given. */
  stats?: SweepStats;
}

export type WalkOutcome = Pick<RunOutcome, 'window' | 'complete' | 'cursor' | 'cursorLagSeconds'>;

/**
 * The incremental walk both ERP-side jobs share (docs/design.md §2, §3, §6). Plans the window from the
 * `incremental` cursor (epoch ms: everything before it was applied) or resumes the unfinished `walk`,
 * or takes the manual `from`/`to`; sweeps it with `sweepWindow` (loss-free under concurrent changes,
 * see window-sweep.ts), committing `walk` after every complete range and `incremental` when the window
 * is done — never on a dry run or an explicit window. Stops at the soft deadline, between ERP calls.
 */
export async function walkTimeWindow<T>(ctx: Ctx, options: WalkOptions<T>): Promise<WalkOutcome> {
  const explicit = ctx.request.window;
  const commits = !explicit && !ctx.request.dryRun;
  const cursor = explicit ? undefined : await ctx.cursors.read<number>('incremental');
  const progress = explicit ? undefined : await ctx.cursors.read<WalkProgress>('walk');
  const nowMs = ctx.clock.now();
  // The lookback re-read (docs/design.md §2): every LOOKBACK_EVERY_SECONDS a run starts LOOKBACK_SECONDS
  // before the end of the last re-read (`lookbackTo`), so every row up to LOOKBACK_SECONDS late is read
  // by one of them; the runs in between start at their cursor (one second of overlap).
  const lookbackTo = explicit || progress || cursor === undefined ? undefined : await ctx.cursors.read<number>('lookbackTo');
  const everyMs = (ctx.env.LOOKBACK_EVERY_SECONDS ?? 0) * 1000;
  const lookback = progress ? progress.lookback === true : cursor === undefined || everyMs === 0 || lookbackTo === undefined || nowMs - lookbackTo >= everyMs;
  const lookbackMs = ctx.env.LOOKBACK_SECONDS * 1000;
  const window = progress
    ? { fromMs: progress.fromMs, toMs: Math.max(progress.untilMs, nowMs - ctx.env.SETTLE_LAG_SECONDS * 1000) }
    : planWindow({
        nowMs,
        cursorMs: cursor,
        settleLagMs: ctx.env.SETTLE_LAG_SECONDS * 1000,
        lookbackMs:
          cursor === undefined
            ? lookbackMs
            : lookback
              ? cursor - Math.min(lookbackTo ?? cursor, cursor) + lookbackMs
              : Math.min(BOUNDARY_OVERLAP_MS, lookbackMs),
        initialLookbackMs: options.initialLookbackMs,
        explicit,
      });
  // A cursor never moves backwards (issue #26): a window that would end at or before the cursor it
  // starts from (a full pass set the cursor to its start; the settle lag puts the end earlier) is an
  // idle run — nothing read, the cursor left where it is.
  if (!explicit && !progress && cursor !== undefined && window.toMs <= cursor) {
    return {
      window: { from: new Date(cursor).toISOString(), to: new Date(cursor).toISOString() },
      complete: true,
      cursor: { before: cursor, after: cursor },
      cursorLagSeconds: (nowMs - cursor) / 1000,
    };
  }
  const startMs = progress ? Math.max(progress.doneMs, window.fromMs) : window.fromMs;
  const stats: SweepStats = options.stats ?? { pages: 0, narrowed: 0, verifiedSeconds: 0 };
  let progressWritten = progress !== undefined;

  // Rows read twice in one walk (a shared boundary second, a dense second read again to verify it) are
  // applied once per version: same key and same `modified`.
  const applied = new Set<string>();
  const fresh = (row: T) => {
    const modified = options.source.modifiedOf(row);
    if (!modified) return true;
    const version = `${options.source.keyOf(row)}@${modified}`;
    if (applied.has(version)) return false;
    applied.add(version);
    return true;
  };

  const result = await sweepWindow(
    options.source,
    {
      apply: async (page) => {
        // Filtered in place: the caller may key facts on the page object it returned from readPage.
        page.rows = page.rows.filter(fresh);
        if (page.rows.length > 0 || page.invalid.length > 0) await options.applyPage(page);
        // A "run progress" log line at most every 30 s on long walks (the handler throttles it).
        ctx.progress?.({ pages: stats.pages, rows: applied.size, narrowed: stats.narrowed });
      },
      expired: () => ctx.deadline.expired(),
      onComplete: async (doneMs, widthMs) => {
        if (!commits || doneMs >= window.toMs) return;
        await ctx.cursors.advance<WalkProgress>('walk', { fromMs: window.fromMs, untilMs: window.toMs, doneMs, widthMs, ...(lookback ? { lookback } : {}) });
        progressWritten = true;
      },
    },
    { fromMs: startMs, toMs: window.toMs },
    progress?.widthMs ?? MAX_RANGE_MS,
    stats,
  );
  if (commits && result.complete) {
    await ctx.cursors.advance('incremental', Math.max(window.toMs, cursor ?? window.toMs));
    if (lookback && everyMs > 0) await ctx.cursors.advance('lookbackTo', window.toMs);
    if (progressWritten) await ctx.cursors.advance('walk', null);
  }
  const reached = result.complete ? window.toMs : result.doneMs;
  const moved = commits && (result.complete || progressWritten);
  return {
    window: { from: new Date(window.fromMs).toISOString(), to: new Date(window.toMs).toISOString() },
    complete: result.complete,
    cursor: { before: cursor ?? null, after: explicit ? (cursor ?? null) : moved ? reached : (cursor ?? null) },
    cursorLagSeconds: explicit || (!moved && cursor === undefined) ? undefined : (ctx.clock.now() - (moved ? reached : cursor!)) / 1000,
  };
}

export type { TimeWindow };
