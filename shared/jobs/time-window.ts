/**
 * The time window one incremental run reads (docs/design.md §2): it ends `settleLag` before now (rows
 * still committing are left for the next run) and starts `lookback` before the committed cursor
 * (late commits are re-read; every write is idempotent). A first run, with no cursor, starts
 * `initialLookback` before its end. An explicit window from a manual event is used as given.
 */
export interface TimeWindow {
  /** Inclusive start, epoch milliseconds. */
  fromMs: number;
  /** Exclusive end, epoch milliseconds. */
  toMs: number;
}

export interface WindowPlanInput {
  nowMs: number;
  /** The committed cursor (epoch ms), or undefined on a first run. */
  cursorMs: number | undefined;
  settleLagMs: number;
  lookbackMs: number;
  initialLookbackMs: number;
  /** A manual run's explicit window; the cursor is then neither read nor moved. */
  explicit?: TimeWindow;
}

export function planWindow(input: WindowPlanInput): TimeWindow {
  if (input.explicit) return input.explicit;
  const toMs = input.nowMs - input.settleLagMs;
  const fromMs = input.cursorMs === undefined ? toMs - input.initialLookbackMs : input.cursorMs - input.lookbackMs;
  return { fromMs: Math.min(fromMs, toMs), toMs };
}
