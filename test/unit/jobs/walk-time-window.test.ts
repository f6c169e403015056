import type { Environment } from '../../../shared/config/environment';
import type { Page } from '../../../shared/jst/client';
import { walkTimeWindow, type WalkProgress } from '../../../shared/jobs/walk-time-window';
import type { JobRequest } from '../../../shared/domain/job-request';

interface Row {
  key: string;
  modifiedMs: number;
}

const NOW = Date.UTC(2026, 10, 20, 12);
const env = { SETTLE_LAG_SECONDS: 60, LOOKBACK_SECONDS: 600 } as Environment;
const fmt = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

function world(rows: Row[], positions: Record<string, unknown> = {}, request: Partial<JobRequest> = {}, expireAfterCalls = Infinity) {
  const stored = new Map(Object.entries(positions));
  const writes: Array<[string, unknown]> = [];
  const reads: string[] = [];
  const ranges: Array<[number, number]> = [];
  const applied: string[] = [];
  const ctx = {
    request: { trigger: 'schedule', dryRun: false, mode: 'incremental', ...request } as JobRequest,
    env,
    clock: { now: () => NOW },
    deadline: { expired: () => ranges.length >= expireAfterCalls, remainingMs: () => 0 },
    cursors: {
      read: async <T>(name: string) => (reads.push(name), stored.get(name) as T | undefined),
      advance: async <T>(name: string, position: T | null) =>
        void (writes.push([name, position]), position === null ? stored.delete(name) : stored.set(name, position)),
    },
  };
  const run = () =>
    walkTimeWindow<Row>(ctx, {
      initialLookbackMs: 3600_000,
      source: {
        pageSize: 100,
        keyOf: (r) => r.key,
        modifiedOf: (r) => fmt(r.modifiedMs),
        readPage: async (range, pageIndex): Promise<Page<Row>> => {
          ranges.push([range.fromMs, range.toMs]);
          const all = rows.filter((r) => r.modifiedMs >= range.fromMs && r.modifiedMs <= range.toMs);
          return { pageIndex, rows: all.slice((pageIndex - 1) * 100, pageIndex * 100), invalid: [], hasNext: pageIndex * 100 < all.length };
        },
      },
      applyPage: async (page) => void applied.push(...page.rows.map((r) => r.key)),
    });
  return { run, stored, writes, reads, ranges, applied };
}

const spread = (n: number, from: number, stepMs: number) => Array.from({ length: n }, (_, i) => ({ key: `R${i}`, modifiedMs: from + i * stepMs }));

describe('walkTimeWindow: the lookback re-read every LOOKBACK_EVERY_SECONDS', () => {
  const periodic = { SETTLE_LAG_SECONDS: 10, LOOKBACK_SECONDS: 600, LOOKBACK_EVERY_SECONDS: 300 } as Environment;
  const run = (positions: Record<string, unknown>) => {
    const w = world([], positions);
    Object.assign(env, periodic);
    return w;
  };
  afterEach(() => Object.assign(env, { SETTLE_LAG_SECONDS: 60, LOOKBACK_SECONDS: 600, LOOKBACK_EVERY_SECONDS: undefined }));

  it('starts at the cursor (one second of overlap) while the last re-read is recent: an idle run is one ERP call', async () => {
    const cursor = NOW - 130_000;
    const w = run({ incremental: cursor, lookbackTo: NOW - 200_000 });
    const outcome = await w.run();
    expect(outcome.window).toEqual({ from: new Date(cursor - 1000).toISOString(), to: new Date(NOW - 10_000).toISOString() });
    expect(w.ranges).toHaveLength(1);
    expect(w.writes).toEqual([['incremental', NOW - 10_000]]);
  });

  it('re-reads LOOKBACK_SECONDS before the end of the last re-read once it is LOOKBACK_EVERY_SECONDS old, and records the new end', async () => {
    const cursor = NOW - 130_000;
    const lookbackTo = NOW - 300_000;
    const w = run({ incremental: cursor, lookbackTo });
    const outcome = await w.run();
    expect(outcome.window.from).toBe(new Date(lookbackTo - 600_000).toISOString());
    expect(w.writes).toEqual([
      ['incremental', NOW - 10_000],
      ['lookbackTo', NOW - 10_000],
    ]);
  });

  it('reads a row the ERP committed up to LOOKBACK_SECONDS after its modified time, which the run at the time could not see', async () => {
    // Stamped 400 s ago, behind the cursor of every run since; visible only now.
    const late = { key: 'LATE', modifiedMs: NOW - 400_000 };
    const between = world([late], { incremental: NOW - 130_000, lookbackTo: NOW - 200_000 });
    Object.assign(env, periodic);
    await between.run();
    expect(between.applied).toEqual([]);
    const due = world([late], { incremental: NOW - 130_000, lookbackTo: NOW - 310_000 });
    await due.run();
    expect(due.applied).toEqual(['LATE']);
  });
});

describe('walkTimeWindow', () => {
  it('never moves the cursor backwards: a window that would end before the cursor is an idle run', async () => {
    // A full pass set the cursor to its start, 30 s ago; the settle lag (60 s) puts the window's end before it.
    const cursor = NOW - 30_000;
    const w = world(spread(50, cursor - 400_000, 1000), { incremental: cursor });
    const outcome = await w.run();
    expect(outcome).toMatchObject({ complete: true, cursor: { before: cursor, after: cursor } });
    expect(w.ranges).toEqual([]);
    expect(w.writes).toEqual([]);
    expect(w.stored.get('incremental')).toBe(cursor);
  });

  it('plans from the cursor minus the lookback, ends settleLag before now, and moves incremental when done', async () => {
    const cursor = NOW - 3600_000;
    const w = world(spread(300, cursor - 500_000, 10_000), { incremental: cursor });
    const outcome = await w.run();
    expect(outcome).toMatchObject({
      complete: true,
      window: { from: new Date(cursor - 600_000).toISOString(), to: new Date(NOW - 60_000).toISOString() },
      cursor: { before: cursor, after: NOW - 60_000 },
    });
    expect(w.stored.get('incremental')).toBe(NOW - 60_000);
    expect(w.stored.has('walk')).toBe(false);
  });

  it('commits its progress after each range, and the next run resumes there without a lookback, to its own until', async () => {
    const cursor = NOW - 6 * 3600_000;
    const rows = spread(2000, cursor - 500_000, 10_000);
    const first = world(rows, { incremental: cursor }, {}, 4);
    const cut = await first.run();
    expect(cut.complete).toBe(false);
    const progress = first.stored.get('walk') as WalkProgress;
    expect(progress).toMatchObject({ fromMs: cursor - 600_000, untilMs: NOW - 60_000, doneMs: cut.cursor.after });
    expect(first.stored.get('incremental')).toBe(cursor);

    const second = world(rows, Object.fromEntries(first.stored));
    const done = await second.run();
    expect(second.ranges[0]![0]).toBe(progress.doneMs);
    expect(done.complete).toBe(true);
    expect(new Set([...first.applied, ...second.applied]).size).toBe(rows.filter((r) => r.modifiedMs >= cursor - 600_000).length);
    expect(second.stored.get('incremental')).toBe(NOW - 60_000);
    expect(second.stored.has('walk')).toBe(false);
  });

  it('neither reads nor moves a cursor for an explicit window, and writes nothing on a dry run', async () => {
    const rows = spread(500, NOW - 3 * 3600_000, 10_000);
    const explicit = world(rows, { incremental: NOW - 3600_000 }, { trigger: 'manual', window: { fromMs: NOW - 3 * 3600_000, toMs: NOW - 2 * 3600_000 } });
    await explicit.run();
    expect(explicit.reads).toEqual([]);
    expect(explicit.writes).toEqual([]);
    const dry = world(rows, { incremental: NOW - 3600_000 }, { dryRun: true }, 2);
    await dry.run();
    expect(dry.writes).toEqual([]);
  });
});
