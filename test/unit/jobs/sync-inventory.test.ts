import { combinedSkuMatcher } from '../../../shared/jobs/inventory/combined-skus';
import { pendingUnitsBySku } from '../../../shared/jobs/inventory/pending-units';
import { latestRowPerSku } from '../../../shared/jobs/inventory/stock-applier';
import { isMissed, recordDrift, emptyDrift, DRIFT_EXAMPLES } from '../../../shared/jobs/inventory/stock-drift';
import { syncInventory } from '../../../shared/jobs/inventory/sync-inventory';
import { loadEnvironment } from '../../../shared/config/environment';
import { RETRY_BASE_MS } from '../../../shared/domain/retry-backoff';
import { deadlineAfter, erpRow, FAKE_MAIN_WAREHOUSE, fakeWorld } from '../../support/inventory-fakes';

/** syncInventory's decisions over in-memory fakes of its ports (issue #19); the same scenarios run on real services in test/integration/inventory. */
const sku = (i: number) => `S${String(i).padStart(4, '0')}`;
const skus = (n: number) => Array.from({ length: n }, (_, i) => sku(i + 1));
const OLD = Date.UTC(2026, 9, 1);

describe('syncInventory over in-memory ports', () => {
  it('first run: a full pass over every store SKU whatever its ERP age, and the incremental cursor set to when it began', async () => {
    const w = fakeWorld(skus(5));
    for (const s of skus(5)) w.erp.set(s, 9, 0, OLD);
    const out = await syncInventory(w.ports, w.ctx());
    expect([...w.stock.qty.values()]).toEqual([9, 9, 9, 9, 9]);
    expect(w.cursors.get('incremental')).toBe(w.clock.ms);
    expect(w.cursors.has('full')).toBe(false);
    expect(w.cursors.get('fullCompleted')).toMatchObject({ startedAtMs: w.clock.ms, skus: 5 });
    expect(out.details!.fullPass).toMatchObject({ done: 5, total: 5, complete: true });
    expect(w.metrics.FullPassAgeHours).toBe(0);
  });

  it('a dry first run computes the pass and writes neither stock nor cursors', async () => {
    const w = fakeWorld(skus(3));
    for (const s of skus(3)) w.erp.set(s, 4, 0, OLD);
    const out = await syncInventory(w.ports, w.ctx({ dryRun: true, trigger: 'manual' }));
    expect(out.details!.plannedChanges).toHaveLength(3);
    expect([...w.stock.qty.values()]).toEqual([0, 0, 0]);
    expect(w.cursors.size).toBe(0);
  });

  it('an unfinished pass is continued by the next scheduled run after its window, and reports progress', async () => {
    const w = fakeWorld(skus(1000));
    for (const s of skus(1000)) w.erp.set(s, 3, 0, OLD);
    const reported: Array<Record<string, number>> = [];
    const first = await syncInventory(w.ports, w.ctx({}, { deadline: deadlineAfter(1), progress: (counts) => reported.push(counts) }));
    expect(first.complete).toBe(false);
    expect(reported).toContainEqual({ fullPassSkusDone: 400, fullPassSkusTotal: 1000 });
    expect(first.details!.fullPass).toMatchObject({ done: 400, total: 1000, complete: false });
    expect(w.cursors.get('full')).toMatchObject({ afterSku: sku(400), done: 400 });

    w.clock.ms += 15 * 60_000;
    w.erp.set(sku(999), 7, 0, w.clock.ms - 1000);
    const second = await syncInventory(w.ports, w.ctx());
    expect(second.complete).toBe(true);
    expect(second.details!.fullPass).toMatchObject({ done: 1000, total: 1000, complete: true });
    expect(w.stock.qty.get(sku(1000))).toBe(3);
    expect(w.stock.qty.get(sku(999))).toBe(7);
    expect(w.cursors.get('fullCompleted')).toMatchObject({ completedAtMs: w.clock.ms });
  });

  it('a pass position saved before passes were resumable ({ afterSku }) is taken up where it stopped', async () => {
    const w = fakeWorld(skus(6));
    for (const s of skus(6)) w.erp.set(s, 2, 0, OLD);
    w.cursors.set('incremental', w.clock.ms - 60_000);
    w.cursors.set('full', { afterSku: sku(4) });
    const out = await syncInventory(w.ports, w.ctx());
    expect(out.details!.fullPass).toMatchObject({ done: 2, complete: true });
    expect([...w.stock.qty.values()]).toEqual([0, 0, 0, 0, 2, 2]);
  });

  it('a scheduled full run continues the pending pass instead of starting over', async () => {
    const w = fakeWorld(skus(900));
    for (const s of skus(900)) w.erp.set(s, 1, 0, OLD);
    await syncInventory(w.ports, w.ctx({}, { deadline: deadlineAfter(1) }));
    const started = (w.cursors.get('full') as { startedAtMs: number }).startedAtMs;
    w.clock.ms += 3600_000;
    const full = await syncInventory(w.ports, w.ctx({ mode: 'full' }));
    expect(full.details!.fullPass).toMatchObject({ done: 900, complete: true, startedAt: new Date(started).toISOString() });
    expect(full.counts.erpRows).toBe(500);
  });

  it('FullPassAgeHours: hours since the last completed pass, published on every run', async () => {
    const w = fakeWorld(skus(2));
    await syncInventory(w.ports, w.ctx());
    w.clock.ms += 30 * 3600_000;
    await syncInventory(w.ports, w.ctx());
    expect(w.metrics.FullPassAgeHours).toBe(30);
    await syncInventory(w.ports, w.ctx({ trigger: 'manual', skus: [sku(1)] }));
    expect(w.metrics.FullPassAgeHours).toBe(30);
  });

  it('failed SKUs go to the retry set, are retried by SKU after their backoff, and given up on after the last attempt', async () => {
    const w = fakeWorld(skus(3), { maxAttempts: 3 });
    for (const s of skus(3)) w.erp.set(s, 5, 0, OLD);
    w.erp.set(sku(2), -1, 0, OLD);
    const first = await syncInventory(w.ports, w.ctx());
    expect(first.failures.map((f) => f.key)).toEqual([sku(2)]);
    expect(first.counts).toMatchObject({ retrySetSize: 1 });

    w.clock.ms += RETRY_BASE_MS - 1;
    expect((await syncInventory(w.ports, w.ctx())).counts.retried).toBe(0);
    w.clock.ms += 1;
    const second = await syncInventory(w.ports, w.ctx());
    expect(second.counts).toMatchObject({ retried: 1, failed: 1, retrySetSize: 1 });
    expect(w.erp.askedSkus.filter((s) => s === sku(2))).toHaveLength(2);

    w.clock.ms += 2 * RETRY_BASE_MS;
    const third = await syncInventory(w.ports, w.ctx());
    expect(third.counts).toMatchObject({ retried: 1, abandoned: 1, retrySetSize: 0, retrySetAbandoned: 1 });
    expect(w.metrics.ItemsAbandoned).toBe(1);
    expect(third.details!.abandonedSkus).toEqual([sku(2)]);

    // Applied later by any route: cleared from the set, abandoned or not.
    w.erp.set(sku(2), 4, 0, w.clock.ms);
    w.clock.ms += 1000;
    const healed = await syncInventory(w.ports, w.ctx());
    expect(healed.counts).toMatchObject({ retrySetSize: 0, retrySetAbandoned: 0 });
    expect(w.stock.qty.get(sku(2))).toBe(4);
  });

  it('an abandoned SKU that fails again is not counted as abandoned again', async () => {
    const w = fakeWorld(skus(1), { maxAttempts: 1 });
    w.erp.set(sku(1), -5, 0, OLD);
    await syncInventory(w.ports, w.ctx());
    expect(w.metrics.ItemsAbandoned).toBe(1);
    const again = await syncInventory(w.ports, w.ctx({ trigger: 'manual', skus: [sku(1)] }));
    expect(again.counts.failed).toBe(1);
    expect(w.metrics.ItemsAbandoned).toBe(0);
  });

  it('a run-level failure still records the item failures seen so far (the window may have moved past them)', async () => {
    const w = fakeWorld(skus(2));
    await syncInventory(w.ports, w.ctx());
    w.clock.ms += 60_000;
    w.erp.set(sku(1), -3, 0, w.clock.ms - 1000);
    w.stock.listSkus = async () => {
      throw new Error('store down');
    };
    await expect(syncInventory(w.ports, w.ctx({ mode: 'full' }))).rejects.toThrow('store down');
    expect([...w.retries.items.keys()]).toEqual([sku(1)]);
  });

  it('a checkout racing the write: the retry recomputes the target with the new held units', async () => {
    const w = fakeWorld(skus(1), { storeQty: 4 });
    w.erp.set(sku(1), 10, 0, OLD);
    w.stock.beforeWrite = () => {
      w.stock.beforeWrite = undefined;
      w.stock.qty.set(sku(1), 2);
      w.orders.held.push({ incrementId: 'O1', sku: sku(1), qty: 2 });
    };
    const out = await syncInventory(w.ports, w.ctx({ trigger: 'manual', skus: [sku(1)] }));
    expect(out.counts.conflictsRetried).toBe(1);
    expect(w.stock.qty.get(sku(1))).toBe(8);
  });

  it('losing every compare-and-set attempt is an item failure that goes to the retry set', async () => {
    const w = fakeWorld(skus(1), { storeQty: 4 });
    w.erp.set(sku(1), 10, 0, OLD);
    w.stock.beforeWrite = () => w.stock.qty.set(sku(1), (w.stock.qty.get(sku(1)) ?? 0) - 1);
    const out = await syncInventory(w.ports, w.ctx({ trigger: 'manual', skus: [sku(1)] }));
    expect(out.failures).toEqual([{ key: sku(1), reason: expect.stringMatching(/every write attempt/) }]);
    expect(out.counts.retrySetSize).toBe(1);
  });

  it('a value beyond the store column is an item failure naming the SKU; the rest is written', async () => {
    const w = fakeWorld(skus(2));
    w.erp.set(sku(1), 2_147_483_648, 0, OLD);
    w.erp.set(sku(2), 6, 0, OLD);
    const out = await syncInventory(w.ports, w.ctx({ mode: 'full', trigger: 'manual' }));
    expect(out.failures).toEqual([{ key: sku(1), reason: expect.stringContaining('2147483648 is beyond') }]);
    expect(w.stock.qty.get(sku(2))).toBe(6);
    expect(out.complete).toBe(true);
  });

  it('reconcile: drift before the write, with the ERP changes the incremental runs should have caught marked missed', async () => {
    const w = fakeWorld(skus(4));
    for (const s of skus(4)) w.erp.set(s, 20, 0, OLD);
    await syncInventory(w.ports, w.ctx());
    const passStart = w.clock.ms;
    w.clock.ms += 600_000;
    await syncInventory(w.ports, w.ctx());
    w.stock.qty.set(sku(1), 25);
    w.erp.set(sku(2), 12, 0, passStart + 60_000);
    w.clock.ms += 600_000;
    const out = await syncInventory(w.ports, w.ctx({ trigger: 'manual', mode: 'reconcile' }));
    expect(out.details!.drift).toMatchObject({ count: 2, sumAbsDiff: 13, missed: 1 });
    expect(w.metrics).toMatchObject({ StockDrift: 2, StockDriftMissed: 1 });
    expect(w.stock.qty.get(sku(1))).toBe(20);
    expect(w.stock.qty.get(sku(2))).toBe(12);
    const again = await syncInventory(w.ports, w.ctx({ trigger: 'manual', mode: 'reconcile' }));
    expect(again.details!.drift).toMatchObject({ count: 0 });
  });

  it('a reconcile run never moves the incremental cursor (docs/design.md §10)', async () => {
    const w = fakeWorld(skus(2));
    await syncInventory(w.ports, w.ctx());
    const cursor = w.cursors.get('incremental');
    w.clock.ms += 3600_000;
    w.erp.set(sku(1), 5, 0, w.clock.ms - 1000);
    const out = await syncInventory(w.ports, w.ctx({ trigger: 'manual', mode: 'reconcile' }));
    expect(w.cursors.get('incremental')).toBe(cursor);
    expect(out.cursor).toEqual({ before: cursor, after: cursor });
    expect(w.stock.qty.get(sku(1))).toBe(5);
  });

  it('combined SKUs are neither queried nor written, and are listed apart from SKUs unknown to the ERP', async () => {
    const w = fakeWorld(['KIT-1', 'KIT-2', 'S1', 'S2']);
    w.erp.set('S1', 3, 0, OLD);
    const out = await syncInventory(w.ports, w.ctx({}, { env: { INVENTORY_COMBINED_SKUS: 'KIT-*' } }));
    expect(out.counts).toMatchObject({ combinedSkus: 2, storeSkusUnknownToErp: 1 });
    expect(out.details).toMatchObject({ combinedSkus: ['KIT-1', 'KIT-2'], storeSkusUnknownToErp: ['S2'] });
    expect(w.erp.askedSkus).not.toContain('KIT-1');
  });

  it('reads the main warehouse by default: the one the ERP flags as main is passed to every inventory query', async () => {
    const w = fakeWorld(skus(1));
    w.erp.warehouseList.push({ wms_co_id: 7, name: '3PL', is_main: false });
    const out = await syncInventory(w.ports, w.ctx({}));
    expect(w.erp.queries.map((q) => q.wmsCoId)).toEqual([FAKE_MAIN_WAREHOUSE]);
    expect(out.details).toMatchObject({ stockWarehouses: [FAKE_MAIN_WAREHOUSE] });
  });

  it('the older STOCK_WAREHOUSE_ID still names one warehouse (0: all, the client omits wms_co_id, docs/erp-api.md §3a)', async () => {
    const w = fakeWorld(skus(1));
    w.erp.warehouseList.push({ wms_co_id: 7, name: '3PL', is_main: false });
    await syncInventory(w.ports, w.ctx({}, { env: { STOCK_WAREHOUSE_ID: '7' } }));
    await syncInventory(w.ports, w.ctx({}, { env: { STOCK_WAREHOUSE_ID: '0' } }));
    expect(w.erp.queries.map((q) => q.wmsCoId)).toEqual([7, undefined]);
  });

  it('a configured warehouse the ERP does not list fails the run naming it, before any stock is read', async () => {
    const w = fakeWorld(skus(1));
    const error = await syncInventory(w.ports, w.ctx({}, { env: { STOCK_WAREHOUSES: '1,99' } })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STOCK_WAREHOUSE_UNKNOWN', context: { unknown: [99] } });
    expect((error as Error).message).toMatch(/warehouse 99 the ERP does not know/);
    expect(w.erp.queries).toEqual([]);
  });

  it('an ERP that flags no warehouse as main fails a main-only run and says what to configure', async () => {
    const w = fakeWorld(skus(1));
    w.erp.warehouseList[0]!.is_main = false;
    await expect(syncInventory(w.ports, w.ctx({}))).rejects.toMatchObject({ code: 'STOCK_WAREHOUSE_MAIN_UNKNOWN', message: /set STOCK_WAREHOUSES/ });
  });
});

describe('inventory decisions', () => {
  it('keeps the row with the latest modified per SKU (later in the page on a tie)', () => {
    const a = erpRow('A', 1, 0, Date.UTC(2026, 0, 2));
    const b = erpRow('A', 2, 0, Date.UTC(2026, 0, 1));
    const c = erpRow('B', 3);
    const d = erpRow('B', 4);
    expect([...latestRowPerSku([a, b, c, d]).values()].map((r) => r.qty)).toEqual([1, 4]);
  });

  it('counts orders the ERP accepted after the row was read as still pending', () => {
    const held = [
      { incrementId: 'O1', sku: 'A', qty: 1 },
      { incrementId: 'O2', sku: 'A', qty: 2 },
      { incrementId: 'O3', sku: 'A', qty: 4 },
    ];
    const ledger = new Map([
      ['O1', { state: 'accepted' as const, acceptedHash: 'h', updatedAt: 100 }],
      ['O2', { state: 'accepted' as const, acceptedHash: 'h', updatedAt: 300 }],
      ['O3', { state: 'rejected' as const, updatedAt: 50 }],
    ]);
    expect(pendingUnitsBySku(held, ledger, 200).get('A')).toBe(6);
    expect(pendingUnitsBySku(held, ledger).get('A')).toBe(4);
  });

  it('does not hold an order again that the ERP accepted before the read, however recently its entry was rewritten (issue #26)', () => {
    const held = [
      { incrementId: 'O1', sku: 'A', qty: 1 },
      { incrementId: 'O2', sku: 'A', qty: 2 },
    ];
    // O1 was accepted at 100 and re-sent (status change) at 300; O2 first accepted at 300.
    const ledger = new Map([
      ['O1', { state: 'accepted' as const, acceptedHash: 'h2', firstAcceptedAt: 100, updatedAt: 300 }],
      ['O2', { state: 'accepted' as const, acceptedHash: 'h', firstAcceptedAt: 300, updatedAt: 300 }],
    ]);
    expect(pendingUnitsBySku(held, ledger, 200).get('A')).toBe(2);
    expect(pendingUnitsBySku(held, ledger, 400).get('A')).toBeUndefined();
  });

  it('drift is missed only inside the walked range; examples are bounded', () => {
    expect(isMissed(150, { sinceMs: 100, untilMs: 200 })).toBe(true);
    expect(isMissed(200, { sinceMs: 100, untilMs: 200 })).toBe(false);
    expect(isMissed(99, { sinceMs: 100, untilMs: 200 })).toBe(false);
    expect(isMissed(undefined, { sinceMs: 100, untilMs: 200 })).toBe(false);
    const totals = emptyDrift();
    for (let i = 0; i < 30; i++) recordDrift(totals, { sku: `S${i}`, store: 1, target: 3, erpModified: null, missed: false });
    expect(totals).toMatchObject({ count: 30, sumAbsDiff: 60 });
    expect(totals.examples).toHaveLength(DRIFT_EXAMPLES);
  });

  it('combined SKUs: exact entries and PREFIX* entries; a bare * is refused at cold start', () => {
    const m = combinedSkuMatcher(['KIT-9', 'BOX-*', ' ']);
    expect(['KIT-9', 'KIT-90', 'BOX-1', 'BO'].map((s) => m.has(s))).toEqual([true, false, true, false]);
    const base = { STATE_TABLE: 't', JST_SECRET_ID: 'j', DB_SECRET_ID: 'd', JST_SHOP_ID: '1' };
    expect(() => loadEnvironment({ ...base, INVENTORY_COMBINED_SKUS: 'A,*' })).toThrow(/INVENTORY_COMBINED_SKUS.*bare "\*"/);
    expect(loadEnvironment({ ...base, INVENTORY_COMBINED_SKUS: 'A, B-*' }).INVENTORY_COMBINED_SKUS).toEqual(['A', 'B-*']);
  });
});
