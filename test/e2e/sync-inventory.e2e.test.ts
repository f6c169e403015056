import type { RowDataPacket } from 'mysql2/promise';
import { skuOf } from '../../dev/fecmall/generator';
import { captureStdout, lambdaContext } from '../support/capture-stdout';
import { useE2EWorld } from '../support/e2e-world';
import { describeWithMoto } from '../support/moto';
import { createStateDocumentClient } from '../../shared/state/state-table';
import { StockRulesStore } from '../../shared/state/stock-rules';

type Handler = (event: unknown, context: unknown) => Promise<any>;

describeWithMoto('syncInventory end to end through its handler', () => {
  const world = useE2EWorld({ products: 300, orders: 120, env: { STOCK_FORMULA: 'available' } });
  let handler: Handler;
  beforeAll(async () => {
    handler = (await import('../../functions/sync-inventory/handler')).handler as unknown as Handler;
    const { sandbox } = world();
    // The ERP knows SKUs 1..250 (plus two it has and the store does not); 251..300 are unknown to the ERP.
    for (let i = 1; i <= 250; i++) sandbox.state.setStock(skuOf(i), { qty: 100 + i, order_lock: i % 5 }, 0, Date.now() - 3600_000);
    sandbox.state.setStock('ERP-ONLY-1', { qty: 5 }, 0, Date.now() - 3600_000);
    sandbox.state.setStock(skuOf(7), { qty: -3 }, 0, Date.now() - 3600_000);
  });

  async function storeQty(sku: string): Promise<number | null> {
    const [rows] = await world().db.pool.query<RowDataPacket[]>(
      'SELECT q.qty, p.qty AS mirror FROM product_flat p LEFT JOIN product_flat_qty q ON q.product_id = CAST(p.id AS CHAR) WHERE p.sku = ?',
      [sku],
    );
    expect(rows[0]!.mirror).toBe(rows[0]!.qty ?? rows[0]!.mirror);
    return rows[0]!.qty === null ? null : Number(rows[0]!.qty);
  }

  async function pendingUnits(sku: string): Promise<number> {
    const [rows] = await world().db.pool.query<RowDataPacket[]>(
      "SELECT COALESCE(SUM(i.qty), 0) AS n FROM sales_flat_order o JOIN sales_flat_order_item i ON i.order_id = o.order_id WHERE i.sku = ? AND o.order_status IN ('payment_pending','payment_processing','payment_confirmed','payment_suspected_fraud','holded','processing') AND o.created_at >= ?",
      [sku, world().nowUnix - 30 * 86400],
    );
    return Number(rows[0]!.n);
  }

  it('dry run: reports the planned changes and writes nothing', async () => {
    const before = await storeQty(skuOf(1));
    const summary = await handler({ dryRun: true, mode: 'full' }, lambdaContext());
    expect(summary.dryRun).toBe(true);
    expect(summary.details.plannedChanges.length).toBeGreaterThan(0);
    expect(await storeQty(skuOf(1))).toBe(before);
  });

  it('full run: writes qty − order_lock − units of store orders the ERP has not accepted, for every SKU the ERP knows', async () => {
    const summary = await handler({ source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: { mode: 'full' } }, lambdaContext());
    expect(summary).toMatchObject({ job: 'syncInventory', mode: 'full', complete: true });
    for (const i of [1, 2, 3, 50, 250]) {
      const expected = Math.max(0, 100 + i - (i % 5) - (await pendingUnits(skuOf(i))));
      expect(await storeQty(skuOf(i))).toBe(expected);
    }
    expect(summary.counts.storeSkusUnknownToErp).toBe(50);
    expect(summary.details.storeSkusUnknownToErp).toHaveLength(50);
    expect(summary.failures).toEqual([{ key: skuOf(7), reason: expect.stringMatching(/negative stock/) }]);
    expect(summary.counts.failed).toBe(1);
  });

  it('incremental run: asks only for stock modified since the cursor, and writes just the changes', async () => {
    const first = await handler({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} }, lambdaContext());
    expect(first.complete).toBe(true);
    const { sandbox } = world();
    sandbox.state.setStock(skuOf(10), { qty: 7, order_lock: 0 });
    sandbox.state.setStock('ERP-ONLY-2', { qty: 1 });
    sandbox.resetStats();
    const second = await handler({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} }, lambdaContext());
    expect(second.cursor.before).toBe(first.cursor.after);
    expect(second.counts).toMatchObject({ erpRows: 2, updated: 1, erpSkusUnknownToStore: 1 });
    expect(await storeQty(skuOf(10))).toBe(Math.max(0, 7 - (await pendingUnits(skuOf(10)))));
    expect(sandbox.stats.calls).toBeLessThanOrEqual(2);
  });

  it('{"mode":"reconcile"}: a full pass that reports the drift it heals (run summary, metrics); a second reports none', async () => {
    await world().db.pool.query('UPDATE product_flat_qty SET qty = qty + 5 WHERE product_id = ?', ['30']);
    const { result: summary, lines } = await captureStdout(() => handler({ mode: 'reconcile' }, lambdaContext()));
    expect(summary).toMatchObject({
      mode: 'reconcile',
      complete: true,
      details: { drift: { count: 1, sumAbsDiff: 5, missed: 0 }, fullPass: { complete: true } },
    });
    expect(summary.details.drift.examples).toEqual([expect.objectContaining({ sku: skuOf(30), missed: false })]);
    expect(await storeQty(skuOf(30))).toBe(Math.max(0, 130 - (30 % 5) - (await pendingUnits(skuOf(30)))));
    const emf = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => '_aws' in l)!;
    expect(emf).toMatchObject({ StockDrift: 1, StockDriftMissed: 0, ItemsAbandoned: 0 });
    expect(emf.FullPassAgeHours).toEqual(expect.any(Number));
    const again = await handler({ mode: 'reconcile' }, lambdaContext());
    expect(again.details.drift.count).toBe(0);
  });

  it('manual SKU list leaves the cursor alone; a repeated run changes nothing', async () => {
    const summary = await handler({ skus: [skuOf(20), skuOf(21), 'NOT-A-SKU'] }, lambdaContext());
    expect(summary).toMatchObject({ mode: 'manual', cursor: { before: null, after: null }, counts: { updated: 0, storeSkusUnknownToErp: 1 } });
  });

  it('applies the safety-stock rules an operator keeps in the state table (#24)', async () => {
    const doc = createStateDocumentClient();
    const rules = new StockRulesStore(doc, world().table);
    await rules.set({ kind: 'sku', key: skuOf(40), buffer: { type: 'units', units: 30 } }, Date.now(), 'ops:e2e');
    try {
      const summary = await handler({ skus: [skuOf(40)] }, lambdaContext());
      const formula = Math.max(0, 140 - (40 % 5) - (await pendingUnits(skuOf(40))));
      expect(await storeQty(skuOf(40))).toBe(Math.max(0, formula - 30));
      expect(summary).toMatchObject({ counts: { heldBackSkus: 1, heldBackUnits: Math.min(30, formula) }, details: { safetyStock: { skuRules: 1 } } });
    } finally {
      await rules.remove('sku', skuOf(40));
      doc.destroy();
    }
  });
});
