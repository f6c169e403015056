import type { Page } from '../../../shared/jst/client';
import type { TimeWindow } from '../../../shared/jobs/time-window';
import { sweepWindow, type SweepHooks, type SweepSource, type SweepStats } from '../../../shared/jobs/window-sweep';

interface Row {
  key: string;
  modifiedMs: number;
}

type Bounds = 'inclusive' | 'end-exclusive' | 'begin-exclusive';

/** An in-memory ERP answering modified-range queries with page-number paging over its live rows. */
function fakeErp(rows: Row[], bounds: Bounds, onPage?: (served: Row[], pageIndex: number) => void): SweepSource<Row> & { calls: number } {
  const erp = {
    calls: 0,
    async readPage(range: TimeWindow, pageIndex: number): Promise<Page<Row>> {
      erp.calls++;
      const inRange = (t: number) =>
        bounds === 'inclusive'
          ? t >= range.fromMs && t <= range.toMs
          : bounds === 'end-exclusive'
            ? t >= range.fromMs && t < range.toMs
            : t > range.fromMs && t <= range.toMs;
      const all = rows.filter((r) => inRange(r.modifiedMs)).sort((a, b) => a.modifiedMs - b.modifiedMs || a.key.localeCompare(b.key));
      const served = all.slice((pageIndex - 1) * 100, pageIndex * 100).map((r) => ({ ...r }));
      onPage?.(served, pageIndex);
      return { pageIndex, rows: served, invalid: [], duplicates: 0, hasNext: pageIndex * 100 < all.length };
    },
    pageSize: 100,
    keyOf: (r: Row) => r.key,
    modifiedOf: (r: Row) => {
      const d = new Date(r.modifiedMs + 8 * 3600_000);
      return d.toISOString().slice(0, 19).replace('T', ' ');
    },
  };
  return erp;
}

function recorder(expired = () => false) {
  const seen = new Set<string>();
  const checkpoints: number[] = [];
  const hooks: SweepHooks<Row> = {
    apply: async (page) => void page.rows.forEach((r) => seen.add(r.key)),
    onComplete: async (doneMs) => void checkpoints.push(doneMs),
    expired,
  };
  return { seen, checkpoints, hooks };
}

const stats = (): SweepStats => ({ pages: 0, narrowed: 0, verifiedSeconds: 0 });
const T0 = Date.UTC(2026, 10, 20);

describe('sweepWindow', () => {
  it.each<Bounds>(['inclusive', 'end-exclusive', 'begin-exclusive'])(
    'reads every row, those on range boundaries included, whatever the ERP does with the ends (%s)',
    async (bounds) => {
      // Rows on every second of a busy hour, so that many ranges start and end on a row.
      const rows = Array.from({ length: 3600 }, (_, i) => ({ key: `R${i}`, modifiedMs: T0 + i * 1000 }));
      const { seen, hooks } = recorder();
      const result = await sweepWindow(fakeErp(rows, bounds), hooks, { fromMs: T0 - 1000, toMs: T0 + 3600_000 }, 3600_000, stats());
      expect(result.complete).toBe(true);
      expect(rows.filter((r) => !seen.has(r.key)).map((r) => r.key)).toEqual([]);
    },
  );

  it('checkpoints after each complete range and stops at the deadline before the next ERP call', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ key: `R${i}`, modifiedMs: T0 + i * 10_000 }));
    let calls = 0;
    const erp = fakeErp(rows, 'inclusive', () => void calls++);
    const { checkpoints, hooks } = recorder(() => calls >= 5);
    const result = await sweepWindow(erp, hooks, { fromMs: T0, toMs: T0 + 10_000_000 }, 600_000, stats());
    expect(result.complete).toBe(false);
    expect(erp.calls).toBe(5);
    expect(result.doneMs).toBe(checkpoints.at(-1));
    expect(checkpoints).toEqual([...checkpoints].sort((a, b) => a - b));
  });

  it.each([300, 3000])('reads a dense second of %i rows in one pass while a row of it leaves after every page', async (count) => {
    const rows = [{ key: 'before', modifiedMs: T0 }, ...Array.from({ length: count }, (_, i) => ({ key: `D${i}`, modifiedMs: T0 + 5000 }))];
    const left = new Set<string>();
    // After every page, the first row served leaves (modified again, now far later): the busiest ERP.
    const erp = fakeErp(rows, 'inclusive', (served) => {
      const row = rows.find((r) => r.key === served[0]?.key);
      if (row && row.key.startsWith('D') && row.modifiedMs === T0 + 5000) {
        row.modifiedMs = T0 + 86_400_000;
        left.add(row.key);
      }
    });
    const { seen, checkpoints, hooks } = recorder();
    const result = await sweepWindow(erp, hooks, { fromMs: T0, toMs: T0 + 10_000 }, 10_000, stats());
    expect(result.complete).toBe(true);
    expect(checkpoints.at(-1)).toBe(T0 + 10_000);
    // Every row still on the second was read; those that left are read at their new time by a later range.
    expect(rows.filter((r) => r.modifiedMs === T0 + 5000 && !seen.has(r.key)).map((r) => r.key)).toEqual([]);
    expect(left.size).toBeGreaterThan(0);
  });

  it('gives a dense second up at the deadline, with the checkpoint before it', async () => {
    const rows = [{ key: 'before', modifiedMs: T0 + 1000 }, ...Array.from({ length: 450 }, (_, i) => ({ key: `D${i}`, modifiedMs: T0 + 5000 }))];
    const erp = fakeErp(rows, 'inclusive');
    const { checkpoints, hooks } = recorder(() => erp.calls >= 12);
    const result = await sweepWindow(erp, hooks, { fromMs: T0, toMs: T0 + 10_000 }, 10_000, stats());
    expect(result.complete).toBe(false);
    expect(result.doneMs).toBeLessThan(T0 + 5000);
    expect(Math.max(...checkpoints)).toBe(result.doneMs);
  });

  it('reads a dense second whole', async () => {
    const rows = Array.from({ length: 250 }, (_, i) => ({ key: `D${i}`, modifiedMs: T0 + 5000 }));
    const s = stats();
    const { seen, hooks } = recorder();
    await sweepWindow(fakeErp(rows, 'inclusive'), hooks, { fromMs: T0, toMs: T0 + 10_000 }, 10_000, s);
    expect(seen.size).toBe(250);
    // With inclusive ends the dense second is the end of one one-second range and the start of the next.
    expect(s.verifiedSeconds).toBeGreaterThanOrEqual(1);
  });
});
