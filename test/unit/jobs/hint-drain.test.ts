import { HINT_DRAIN_INTERVAL_MS, HINT_ROUNDS_PER_DRAIN, HintDrain, type HintSource } from '../../../shared/jobs/hint-drain';
import type { JobRequest } from '../../../shared/domain/job-request';
import type { PushHint } from '../../../shared/state/push-hints';

/** An in-memory hint partition with PushHints' semantics: one hint per key, cleared only while its id is unchanged. */
class MemoryHints implements HintSource {
  readonly items = new Map<string, PushHint>();
  private ids = 0;
  takes = 0;

  name(keys: string[], atMs = 1_000): void {
    for (const key of keys) {
      const old = this.items.get(key);
      this.items.set(key, {
        key,
        hintId: `h${++this.ids}`,
        firstHintAt: old?.firstHintAt ?? atMs,
        lastHintAt: atMs,
        count: (old?.count ?? 0) + 1,
        source: 'inventory.upload',
      });
    }
  }
  async take(limit: number): Promise<PushHint[]> {
    this.takes++;
    return [...this.items.values()].sort((a, b) => a.key.localeCompare(b.key)).slice(0, limit);
  }
  async clear(hints: readonly PushHint[]): Promise<{ cleared: string[]; renamed: string[] }> {
    const cleared: string[] = [];
    const renamed: string[] = [];
    for (const h of hints) {
      if (this.items.get(h.key)?.hintId === h.hintId) {
        this.items.delete(h.key);
        cleared.push(h.key);
      } else renamed.push(h.key);
    }
    return { cleared, renamed };
  }
}

const ctx = (over: { dryRun?: boolean; expired?: () => boolean; now?: number } = {}) => ({
  request: { trigger: 'push', dryRun: over.dryRun ?? false, mode: 'incremental' } as JobRequest,
  clock: { now: () => over.now ?? 61_000 },
  deadline: { expired: over.expired ?? (() => false), remainingMs: () => 60_000 },
});
const everything = async (keys: readonly string[]) => new Set(keys);

describe('HintDrain: a job takes its push hints, re-reads them and clears what went through', () => {
  it('hands the hinted keys to the job and clears them once handled, reporting the oldest hint it applied', async () => {
    const hints = new MemoryHints();
    hints.name(['B', 'A']);
    const seen: string[][] = [];
    const drain = new HintDrain(hints, 10, ctx() as never);

    expect(await drain.drain(async (keys) => (seen.push([...keys]), new Set(keys)))).toBe(2);
    expect(seen).toEqual([['A', 'B']]);
    expect(drain.counts).toEqual({ hints: 2, hintsCleared: 2, hintsKept: 0 });
    expect(drain.oldestClearedAgeMs).toBe(60_000);
    expect(hints.items.size).toBe(0);
  });

  it('keeps a key the job did not get through (deadline, run-level stop) for the next run', async () => {
    const hints = new MemoryHints();
    hints.name(['A', 'B', 'C']);
    const drain = new HintDrain(hints, 10, ctx() as never);
    await drain.drain(async () => new Set(['A']));
    expect(drain.counts).toEqual({ hints: 3, hintsCleared: 1, hintsKept: 2 });
    expect([...hints.items.keys()]).toEqual(['B', 'C']);
  });

  it('keeps a key a push named again while the job re-read it, and takes it in the next round', async () => {
    const hints = new MemoryHints();
    hints.name(['A']);
    const drain = new HintDrain(hints, 1, ctx() as never);
    let first = true;
    await drain.drain(async (keys) => {
      if (first) hints.name(['A'], 2_000); // the ERP pushed A again mid-read
      first = false;
      return new Set(keys);
    });
    expect(drain.counts).toEqual({ hints: 2, hintsCleared: 1, hintsKept: 1 });
    expect(hints.items.size).toBe(0);
  });

  it('clears nothing on a dry run, and takes only once', async () => {
    const hints = new MemoryHints();
    hints.name(['A', 'B']);
    const drain = new HintDrain(hints, 1, ctx({ dryRun: true }) as never);
    await drain.drain(everything);
    await drain.drain(everything);
    expect(drain.counts).toEqual({ hints: 2, hintsCleared: 0, hintsKept: 2 });
    expect(hints.items.size).toBe(2);
  });

  it(`drains more rounds while batches come back full, at most ${HINT_ROUNDS_PER_DRAIN} per drain, and none past the deadline`, async () => {
    const hints = new MemoryHints();
    hints.name(Array.from({ length: 20 }, (_, i) => `S${String(i).padStart(2, '0')}`));
    const drain = new HintDrain(hints, 2, ctx() as never);
    await drain.drain(everything);
    expect(hints.takes).toBe(HINT_ROUNDS_PER_DRAIN);
    expect(drain.counts.hintsCleared).toBe(2 * HINT_ROUNDS_PER_DRAIN);
    await drain.drain(everything); // the drain after the window goes on with the rest
    expect(drain.counts.hintsCleared).toBe(4 * HINT_ROUNDS_PER_DRAIN);

    const late = new MemoryHints();
    late.name(['A']);
    const expired = new HintDrain(late, 10, ctx({ expired: () => true }) as never);
    expect(await expired.drain(everything)).toBe(0);
    expect(late.takes).toBe(0);
  });

  it(`drains between the pages of a long run only when the last drain is ${HINT_DRAIN_INTERVAL_MS / 1000} s old or more`, async () => {
    const hints = new MemoryHints();
    let now = 100_000;
    const drain = new HintDrain(hints, 10, { ...ctx(), clock: { now: () => now } } as never);
    await drain.drain(everything);
    hints.name(['A']);
    now += HINT_DRAIN_INTERVAL_MS - 1;
    expect(await drain.drainIfDue(everything)).toBe(0);
    now += 1;
    expect(await drain.drainIfDue(everything)).toBe(1);
    expect(hints.items.size).toBe(0);
  });
});
