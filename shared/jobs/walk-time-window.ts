import { chunkTimeRange } from '../jst/time-chunks';
import type { RunContext } from '../runtime/handler-factory';
import type { RunOutcome } from '../runtime/run-summary';
import { planWindow, type TimeWindow } from './time-window';

type Ctx = Pick<RunContext, 'request' | 'env' | 'cursors' | 'clock' | 'deadline'>;

/**
 * The incremental walk both ERP-side jobs share (docs/design.md §2–§3): plan the window from the
 * `incremental` cursor (or the manual `from`/`to`), split it into ≤7-day chunks, let `processChunk`
 * read every page of a chunk, and commit the cursor after each finished chunk — never on a dry run or
 * an explicit window. Stops between chunks at the soft deadline.
 */
export async function walkTimeWindow(
  ctx: Ctx,
  initialLookbackMs: number,
  processChunk: (chunk: TimeWindow) => Promise<void>,
): Promise<Pick<RunOutcome, 'window' | 'complete' | 'cursor' | 'cursorLagSeconds'>> {
  const explicit = ctx.request.window;
  const cursor = explicit ? undefined : await ctx.cursors.read<number>('incremental');
  const window = planWindow({
    nowMs: ctx.clock.now(),
    cursorMs: cursor,
    settleLagMs: ctx.env.SETTLE_LAG_SECONDS * 1000,
    lookbackMs: ctx.env.LOOKBACK_SECONDS * 1000,
    initialLookbackMs,
    explicit,
  });
  let committed = cursor ?? null;
  let complete = true;
  for (const chunk of chunkTimeRange(window.fromMs, window.toMs)) {
    if (ctx.deadline.expired()) {
      complete = false;
      break;
    }
    await processChunk(chunk);
    const reached = Math.min(chunk.toMs, window.toMs);
    if (!explicit && !ctx.request.dryRun) {
      await ctx.cursors.advance('incremental', reached);
      committed = reached;
    }
  }
  return {
    window: { from: new Date(window.fromMs).toISOString(), to: new Date(window.toMs).toISOString() },
    complete,
    cursor: { before: cursor ?? null, after: explicit ? (cursor ?? null) : committed },
    cursorLagSeconds: committed === null || explicit ? undefined : (ctx.clock.now() - committed) / 1000,
  };
}
