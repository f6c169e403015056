import { createJstClient, type Page } from '../../../shared/jst/client';
import type { InventoryRow } from '../../../shared/jst/reply-schemas';
import { walkTimeWindow, type WalkOptions } from '../../../shared/jobs/walk-time-window';
import type { SweepStats } from '../../../shared/jobs/window-sweep';
import type { Environment } from '../../../shared/config/environment';
import type { JobCursors } from '../../../shared/jobs/run-context';
import { formatBeijing } from '../../../shared/domain/beijing-time';
import { sandboxCredentials, useJstSandbox } from '../../support/jst-sandbox';

/** In-memory cursors (the walk's port), with a log of every commit. */
class MemoryCursors implements JobCursors {
  readonly positions = new Map<string, unknown>();
  readonly commits: Array<{ name: string; position: unknown }> = [];
  async read<T>(name: string): Promise<T | undefined> {
    return this.positions.get(name) as T | undefined;
  }
  async advance<T>(name: string, position: T | null): Promise<void> {
    if (position === null) this.positions.delete(name);
    else this.positions.set(name, structuredClone(position));
    this.commits.push({ name, position });
  }
}

const env = { SETTLE_LAG_SECONDS: 0, LOOKBACK_SECONDS: 600 } as Environment;

describe('the window walk over the inventory query of a live ERP sandbox', () => {
  const sandbox = useJstSandbox();
  const client = () => createJstClient({ ...sandboxCredentials(sandbox(), 'open'), rateLimit: { perSecond: 1000, perMinute: 100_000 } });
  beforeEach(() => sandbox().reset());

  function walker(cursors: MemoryCursors, seen: Map<string, number>, options: { expireAfterPages?: number; stats?: SweepStats; versions?: Set<string> } = {}) {
    const erp = client();
    let pages = 0;
    const walk: WalkOptions<InventoryRow> = {
      initialLookbackMs: 24 * 3600_000,
      source: {
        readPage: (modified, pageIndex) => erp.inventoryPage({ modified, pageSize: 100 }, pageIndex),
        keyOf: (r) => r.sku_id,
        modifiedOf: (r) => r.modified,
        pageSize: 100,
      },
      applyPage: async (page: Page<InventoryRow>) => {
        pages++;
        for (const r of page.rows) seen.set(r.sku_id, (seen.get(r.sku_id) ?? 0) + 1);
        for (const r of page.rows) options.versions?.add(`${r.sku_id}@${r.modified}`);
      },
      stats: options.stats,
    };
    const ctx = {
      request: { trigger: 'schedule' as const, dryRun: false, mode: 'incremental' as const },
      env,
      cursors,
      clock: { now: () => Date.now() },
      deadline: { expired: () => options.expireAfterPages !== undefined && pages >= options.expireAfterPages, remainingMs: () => 60_000 },
    };
    return () => walkTimeWindow(ctx, walk);
  }

  it('reads every row of a window while rows of pages already served are modified, dense seconds included', async () => {
    const base = Date.now() - 6 * 3600_000;
    const rows = [
      ...Array.from({ length: 700 }, (_, i) => ({ sku_id: `S-${i}`, qty: 1, modifiedMs: base + i * 7_000 })),
      // 350 rows on one second: more than three pages that no narrower range can split.
      ...Array.from({ length: 350 }, (_, i) => ({ sku_id: `D-${i}`, qty: 2, modifiedMs: base + 3600_000 })),
    ];
    sandbox().seedInventory(rows);
    // After a third of the pages served (12 in all), one row just served is modified (moves to now).
    sandbox().setFaults({ churn: { endpoint: 'inventory', rows: 1, probability: 0.33, times: 12 } }, 5);
    const seen = new Map<string, number>();
    const versions = new Set<string>();
    const cursors = new MemoryCursors();
    const stats: SweepStats = { pages: 0, narrowed: 0, verifiedSeconds: 0 };
    const outcome = await walker(cursors, seen, { stats, versions })();
    expect(outcome.complete).toBe(true);
    const current = (sku: string) => `${sku}@${String(sandbox().state.stockView(sku, undefined)!.modified)}`;
    const changed = rows.filter((r) => current(r.sku_id) !== `${r.sku_id}@${formatBeijing(r.modifiedMs)}`);
    expect(changed.length).toBeGreaterThan(0);
    // Every row not modified again was read by this run; the ones modified again leave for the next.
    expect(rows.filter((r) => !changed.includes(r) && !seen.has(r.sku_id)).map((r) => r.sku_id)).toEqual([]);
    expect(stats.verifiedSeconds).toBeGreaterThanOrEqual(1);
    expect(cursors.positions.get('walk')).toBeUndefined();
    expect(cursors.positions.get('incremental')).toBe(Date.parse(outcome.window.to!));
    sandbox().setFaults({});
    await walker(cursors, seen, { versions })();
    // After the next run, every row's latest version was read.
    expect(rows.filter((r) => !versions.has(current(r.sku_id))).map((r) => r.sku_id)).toEqual([]);
  });

  it('page-number paging over the same live window does lose a row (the bug the walk fixes)', async () => {
    const base = Date.now() - 3600_000;
    sandbox().seedInventory(Array.from({ length: 150 }, (_, i) => ({ sku_id: `P-${i}`, qty: 1, modifiedMs: base + i * 1000 })));
    sandbox().setFaults({ churn: { endpoint: 'inventory', afterPage: 1, rows: 1, times: 1 } });
    const seen = new Set<string>();
    for await (const page of client().inventoryPages({ modified: { fromMs: base - 1000, toMs: base + 200_000 }, pageSize: 100 }))
      for (const r of page.rows) seen.add(r.sku_id);
    expect(seen.size).toBe(149);
  });

  it('finishes a window over several deadline-cut runs, resuming where the last one stopped, a page repeated at most', async () => {
    const base = Date.now() - 5 * 3600_000;
    sandbox().seedInventory(Array.from({ length: 2000 }, (_, i) => ({ sku_id: `K-${i}`, qty: 1, modifiedMs: base + i * 5_000 })));
    const cursors = new MemoryCursors();
    const seen = new Map<string, number>();
    const outcomes = [];
    for (let run = 0; run < 100; run++) {
      const outcome = await walker(cursors, seen, { expireAfterPages: 3 })();
      outcomes.push(outcome);
      if (outcome.complete) break;
      expect(cursors.positions.get('walk')).toMatchObject({ doneMs: outcome.cursor.after });
    }
    expect(outcomes.length).toBeGreaterThan(5);
    expect(outcomes.at(-1)!.complete).toBe(true);
    expect(seen.size).toBe(2000);
    // Ranges share their boundary second: a row on it may be read twice, never more.
    expect(Math.max(...seen.values())).toBeLessThanOrEqual(2);
    // Every run after the first continued the same window instead of planning a new one.
    expect(new Set(outcomes.map((o) => o.window.from)).size).toBe(1);
  });

  describe('a stocktake on one second while the ERP touches a row after every multi-page read (issue #26)', () => {
    function stocktake(count: number, churn = true) {
      const base = Date.now() - 2 * 3600_000;
      const rows = [
        ...Array.from({ length: 50 }, (_, i) => ({ sku_id: `B-${i}`, qty: 1, modifiedMs: base - 600_000 + i * 10_000 })),
        ...Array.from({ length: count }, (_, i) => ({ sku_id: `T-${i}`, qty: 3, modifiedMs: base })),
      ];
      sandbox().seedInventory(rows);
      sandbox().setFaults(churn ? { churn: { endpoint: 'inventory', afterRead: true, rows: 1 } } : {});
      return rows;
    }

    it.each([300, 3000])('finishes the second of %i rows in one run and loses none', async (count) => {
      stocktake(count, false);
      const quiet: SweepStats = { pages: 0, narrowed: 0, verifiedSeconds: 0 };
      await walker(new MemoryCursors(), new Map(), { stats: quiet })();
      sandbox().reset();
      const rows = stocktake(count);
      const seen = new Map<string, number>();
      const versions = new Set<string>();
      const stats: SweepStats = { pages: 0, narrowed: 0, verifiedSeconds: 0 };
      const cursors = new MemoryCursors();
      const outcome = await walker(cursors, seen, { stats, versions })();
      expect(outcome.complete).toBe(true);
      sandbox().setFaults({});
      const touched = rows.filter((r) => String(sandbox().state.stockView(r.sku_id, undefined)!.modified) !== formatBeijing(r.modifiedMs));
      expect(touched.length).toBeGreaterThan(0);
      // Every row was read; the touched ones at their new time too, by the next run.
      expect(rows.filter((r) => !seen.has(r.sku_id)).map((r) => r.sku_id)).toEqual([]);
      await walker(cursors, seen, { versions })();
      const current = (sku: string) => `${sku}@${String(sandbox().state.stockView(sku, undefined)!.modified)}`;
      expect(rows.filter((r) => !versions.has(current(r.sku_id))).map((r) => r.sku_id)).toEqual([]);
      // As on a quiet ERP: the busy one costs no extra reads of the second.
      expect(stats.pages).toBeLessThanOrEqual(quiet.pages + 2);
    });
  });
});
