import type { RowDataPacket } from 'mysql2/promise';
import { skuOf } from '../../dev/fecmall/generator';
import { lambdaContext } from '../support/capture-stdout';
import { useE2EWorld } from '../support/e2e-world';
import { describeWithMoto } from '../support/moto';

type Handler = (event: unknown, context: unknown) => Promise<any>;

/** syncInventory's window walk through its handler while the ERP changes rows between pages (issue #13, scenario 1). */
describeWithMoto('syncInventory over a window whose rows change while it is read', () => {
  const world = useE2EWorld({ products: 300, orders: 20, env: { STOCK_FORMULA: 'qty' } });
  let handler: Handler;
  const seededAt = Date.now() - 3 * 3600_000;
  beforeAll(async () => {
    handler = (await import('../../functions/sync-inventory/handler')).handler as unknown as Handler;
    // 250 SKUs changed in the ERP, one a second: three pages of the inventory query.
    for (let i = 1; i <= 250; i++) world().sandbox.state.setStock(skuOf(i), { qty: 1000 + i }, 0, seededAt + i * 1000);
  });

  it('applies every row of the window in one run, though a row served first is modified again meanwhile', async () => {
    world().sandbox.setFaults({ churn: { endpoint: 'inventory', afterPage: 1, rows: 1, times: 1 } });
    const window = { from: new Date(seededAt).toISOString(), to: new Date(seededAt + 300_000).toISOString() };
    const summary = await handler(window, lambdaContext());
    world().sandbox.setFaults({});
    expect(summary.complete).toBe(true);
    const [rows] = await world().db.pool.query<RowDataPacket[]>(
      'SELECT p.sku, q.qty FROM product_flat p JOIN product_flat_qty q ON q.product_id = CAST(p.id AS CHAR) WHERE p.sku IN (?)',
      [Array.from({ length: 250 }, (_, i) => skuOf(i + 1))],
    );
    const qty = new Map(rows.map((r) => [String(r.sku), Number(r.qty)]));
    // A row modified again moved past the window (the next run reads it there); every other row is applied now.
    const stayed = Array.from({ length: 250 }, (_, i) => i + 1).filter(
      (i) =>
        String(world().sandbox.state.stockView(skuOf(i), undefined)!.modified) <=
        new Date(seededAt + 300_000 + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19),
    );
    expect(stayed.length).toBe(249);
    expect(stayed.filter((i) => qty.get(skuOf(i)) !== 1000 + i)).toEqual([]);
  });
});
