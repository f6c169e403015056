import type { PushHint, PushHints } from '../state/push-hints';
import type { RunContext } from './run-context';

/** The hint store a job drains (its `HINT#<job>` partition, docs/design.md §18). */
export type HintSource = Pick<PushHints, 'take' | 'clear'>;

/** Re-reads and applies the keys through the job's trusted path; returns the keys it got through (the rest stay). */
export type HintHandler = (keys: readonly string[]) => Promise<ReadonlySet<string>>;

type Ctx = Pick<RunContext, 'request' | 'clock' | 'deadline'>;

/** Rounds per drain at most (a round takes one batch; more follow while batches come back full). */
export const HINT_ROUNDS_PER_DRAIN = 4;
/** A long run (a busy window, a full pass) also drains between its pages, at most this often. */
export const HINT_DRAIN_INTERVAL_MS = 5_000;

/** What a run did with its hints, for the summary (`counts.hints…`) and the HintAgeSeconds metric. */
export interface HintDrainCounts {
  /** Hints taken (a key named again during the run is counted once per round that took it). */
  hints: number;
  /** Re-read, applied and cleared. */
  hintsCleared: number;
  /** Left for the next run: named again while this run re-read them, not reached before the deadline, or a dry run. */
  hintsKept: number;
}

/**
 * The owning job's side of the pushes (docs/design.md §18): takes a bounded batch of hints, hands their
 * keys to the job's own re-read (the ERP query it trusts, the same guarded writes and retry set), and
 * clears what went through — conditionally on the hint's id, so a key named again meanwhile stays for
 * the next round or run. A key whose re-read failed as an item goes to the job's retry set through the
 * handler; a run-level failure leaves every hint in place. A dry run reads and reports, and clears
 * nothing. Called at the start of a run, between the pages of a long one (`drainIfDue`, every 5 s at
 * most) and after its window, so a push that lands while the job is busy waits seconds, not the run.
 */
export class HintDrain {
  readonly counts: HintDrainCounts = { hints: 0, hintsCleared: 0, hintsKept: 0 };
  /** Age (ms) of the oldest hint this run cleared, from the first push that named it. */
  oldestClearedAgeMs: number | undefined;
  private lastDrainAt: number | undefined;

  constructor(
    private readonly source: HintSource,
    private readonly perRound: number,
    private readonly ctx: Ctx,
  ) {}

  /**
   * One round, and more while batches come back full (at most HINT_ROUNDS_PER_DRAIN, never past the
   * deadline). Returns how many keys were handed to the handler.
   */
  async drain(handle: HintHandler): Promise<number> {
    let handed = 0;
    this.lastDrainAt = this.ctx.clock.now();
    for (let round = 0; round < HINT_ROUNDS_PER_DRAIN && !this.ctx.deadline.expired(); round++) {
      const taken = await this.source.take(this.perRound);
      if (taken.length === 0) break;
      this.counts.hints += taken.length;
      handed += taken.length;
      const done = await handle(taken.map((h) => h.key));
      await this.settle(
        taken.filter((h) => done.has(h.key)),
        taken.length,
      );
      // A dry run clears nothing, so another round would take the same hints again.
      if (this.ctx.request.dryRun || taken.length < this.perRound) break;
    }
    return handed;
  }

  /** A drain, when the last one is at least HINT_DRAIN_INTERVAL_MS ago (between the pages of a long run; never on a dry run). */
  async drainIfDue(handle: HintHandler): Promise<number> {
    if (this.ctx.request.dryRun) return 0;
    if (this.lastDrainAt !== undefined && this.ctx.clock.now() - this.lastDrainAt < HINT_DRAIN_INTERVAL_MS) return 0;
    return this.drain(handle);
  }

  private async settle(done: PushHint[], taken: number): Promise<void> {
    if (this.ctx.request.dryRun || done.length === 0) {
      this.counts.hintsKept += taken;
      return;
    }
    const { cleared } = await this.source.clear(done);
    this.counts.hintsCleared += cleared.length;
    this.counts.hintsKept += taken - cleared.length;
    const now = this.ctx.clock.now();
    const clearedKeys = new Set(cleared);
    for (const hint of done) {
      if (!clearedKeys.has(hint.key)) continue;
      const age = Math.max(0, now - hint.firstHintAt);
      if (this.oldestClearedAgeMs === undefined || age > this.oldestClearedAgeMs) this.oldestClearedAgeMs = age;
    }
  }
}
