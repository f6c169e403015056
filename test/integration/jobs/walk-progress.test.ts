import { createJstClient } from '../../../shared/jst/client';
import type { InventoryRow } from '../../../shared/jst/reply-schemas';
import { walkTimeWindow } from '../../../shared/jobs/walk-time-window';
import type { Environment } from '../../../shared/config/environment';
import { sandboxCredentials, useJstSandbox } from '../../support/jst-sandbox';

describe('the window walk reports its progress to the run context', () => {
  const sandbox = useJstSandbox();

  it('calls ctx.progress after each page with the pages and rows so far (the handler logs it at most every 30 s)', async () => {
    const base = Date.now() - 3 * 3600_000;
    sandbox().seedInventory(Array.from({ length: 250 }, (_, i) => ({ sku_id: `P-${i}`, qty: 1, modifiedMs: base + i * 1_000 })));
    const erp = createJstClient({ ...sandboxCredentials(sandbox(), 'open'), rateLimit: { perSecond: 1000, perMinute: 100_000 } });
    const reports: Array<Record<string, number>> = [];
    const positions = new Map<string, unknown>();
    await walkTimeWindow(
      {
        request: { trigger: 'schedule', dryRun: false, mode: 'incremental' },
        env: { SETTLE_LAG_SECONDS: 0, LOOKBACK_SECONDS: 600 } as Environment,
        cursors: {
          read: async <T>(name: string) => positions.get(name) as T | undefined,
          advance: async (name, position) => void positions.set(name, position),
        },
        clock: { now: () => Date.now() },
        deadline: { expired: () => false, remainingMs: () => 60_000 },
        progress: (counts) => reports.push(counts),
      },
      {
        initialLookbackMs: 24 * 3600_000,
        source: {
          readPage: (modified, pageIndex) => erp.inventoryPage({ modified, pageSize: 100 }, pageIndex),
          keyOf: (r: InventoryRow) => r.sku_id,
          modifiedOf: (r: InventoryRow) => r.modified,
          pageSize: 100,
        },
        applyPage: async () => {},
      },
    );
    expect(reports.length).toBeGreaterThanOrEqual(3);
    expect(reports.at(-1)).toMatchObject({ rows: 250 });
    expect(reports.map((r) => r.pages)).toEqual([...reports.map((r) => r.pages)].sort((a, b) => a! - b!));
  });
});
