import type { RowDataPacket } from 'mysql2/promise';
import { useInventoryHarness, type InventoryHarness } from '../../support/inventory-harness';

/**
 * Issue #26: at catalogue scale the full pass left product_flat.qty (the copy kept for sorting) behind
 * product_flat_qty.qty wherever the authoritative value was already right, and a repeat run was no
 * no-op. Against MariaDB, the ERP sandbox over HTTP and dynalite, through the use case.
 */
const PRODUCTS = 1500;
const old = () => Date.now() - 3 * 86400_000;

async function tables(h: InventoryHarness): Promise<Array<{ sku: string; qty: number | null; mirror: number }>> {
  const [rows] = await h.db.pool.query<RowDataPacket[]>(
    'SELECT p.sku, q.qty, p.qty AS mirror FROM product_flat p LEFT JOIN product_flat_qty q ON q.product_id = CAST(p.id AS CHAR) ORDER BY p.sku',
  );
  return rows.map((r) => ({ sku: String(r.sku), qty: r.qty === null ? null : Number(r.qty), mirror: Number(r.mirror) }));
}

describe(`the stock copy at ${PRODUCTS} SKUs (issue #26)`, () => {
  const h = useInventoryHarness({ products: PRODUCTS });

  it('the full pass writes product_flat.qty for every SKU it writes or finds right, and a second run changes nothing', async () => {
    // The store's copy is off everywhere (an import, an older add-on); the ERP agrees with
    // product_flat_qty on every other SKU and differs on the rest.
    await h().db.pool.query('UPDATE product_flat SET qty = qty + 500');
    const before = await tables(h());
    before.forEach((row, i) => h().sandbox.state.setStock(row.sku, { qty: i % 2 === 0 ? (row.qty ?? 0) : 7 + (i % 50), order_lock: 0 }, 0, old()));

    const first = await h().run();
    expect(first.outcome.details?.fullPass).toMatchObject({ done: PRODUCTS, total: PRODUCTS, complete: true });
    const after = await tables(h());
    expect(after.filter((r) => r.mirror !== (r.qty ?? 0)).map((r) => `${r.sku}: ${r.mirror} vs ${r.qty}`)).toEqual([]);
    after.forEach((row, i) => expect(row.qty).toBe(i % 2 === 0 ? (before[i]!.qty ?? 0) : 7 + (i % 50)));
    expect(first.outcome.counts.mirrorRepaired).toBeGreaterThan(PRODUCTS / 3);

    const second = await h().run({ mode: 'full' });
    expect(second.outcome.counts).toMatchObject({ updated: 0, mirrorRepaired: 0, conflictsRetried: 0 });
    expect(await tables(h())).toEqual(after);
  });
});
