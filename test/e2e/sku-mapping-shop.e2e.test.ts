import type { RowDataPacket } from 'mysql2/promise';
import { DEMO_SHOP_ID } from '../../dev/jst-sandbox/server';
import { MAIN_WAREHOUSE_ID } from '../../dev/jst-sandbox/sandbox-state';
import { CORE_STATUS } from '../../shared/fecmall/order-statuses';
import { SkuMapStore } from '../../shared/state/sku-map';
import { createStateDocumentClient } from '../../shared/state/state-table';
import { StockRulesStore } from '../../shared/state/stock-rules';
import { lambdaContext } from '../support/capture-stdout';
import { useE2EWorld } from '../support/e2e-world';
import { describeWithMoto } from '../support/moto';

type Handler = (event: unknown, context: unknown) => Promise<any>;
const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
const THREE_PL = 7;

/**
 * The shop of issue #24, end to end through the three handlers (docs/design.md §19): the store's SKUs carry a
 * `SHOP-` prefix and are lower case where the ERP's are upper case (SKU_TRANSFORM strip-prefix:SHOP-,upper);
 * a few articles have ERP codes of their own (the mapping table); the ERP holds stock in its main warehouse
 * and a 3PL beside it (only main is offered); the three best sellers keep a buffer of 2 units.
 */
describeWithMoto('a shop whose codes differ from the ERP’s, end to end (#24)', () => {
  const world = useE2EWorld({ products: 40, orders: 80, env: { SKU_TRANSFORM: 'strip-prefix:SHOP-,upper', STOCK_WAREHOUSES: 'main' } });
  const handlers: Record<'inventory' | 'orders' | 'shipping', Handler> = {} as never;
  /** Store SKU → the ERP's code, as the shop's operator knows them. */
  const erpCode = new Map<string, string>();
  const storeSkus: string[] = [];
  const TABLE = new Map([
    ['SHOP-sku-000003', 'LEGACY-3'],
    ['SHOP-sku-000004', 'KIT-4-NEW'],
    // A store SKU without the prefix, whose ERP code is what the transform would give another SKU.
    ['old-5', 'SKU-000005'],
  ]);
  const BEST_SELLERS = ['SHOP-sku-000001', 'SHOP-sku-000002', 'SHOP-sku-000003'];

  beforeAll(async () => {
    const { pool } = world().db;
    // The generator's SKU-000001 … become the shop's SHOP-sku-000001 …, in products and in order lines alike.
    for (const t of ['product_flat', 'sales_flat_order_item']) await pool.query(`UPDATE ${t} SET sku = CONCAT('SHOP-', LOWER(sku))`);
    for (const t of ['product_flat', 'sales_flat_order_item']) await pool.query(`UPDATE ${t} SET sku = 'old-5' WHERE sku = 'SHOP-sku-000005'`);
    const [rows] = await pool.query<RowDataPacket[]>('SELECT sku FROM product_flat ORDER BY sku');
    for (const r of rows) {
      const sku = String(r.sku);
      storeSkus.push(sku);
      erpCode.set(sku, TABLE.get(sku) ?? sku.slice('SHOP-'.length).toUpperCase());
    }
    const { state } = world().sandbox;
    state.warehouses.set(THREE_PL, { name: '3PL', isMain: false });
    const old = Date.now() - 3600_000;
    storeSkus.forEach((sku, i) => {
      state.setStock(erpCode.get(sku)!, { qty: 50 + i }, MAIN_WAREHOUSE_ID, old);
      state.setStock(erpCode.get(sku)!, { qty: 500 }, THREE_PL, old);
    });
    // The store's own code is unknown to the ERP for every SKU (it never hears of SHOP-…).
    const doc = createStateDocumentClient();
    const map = new SkuMapStore(doc, world().table);
    await map.apply(
      await map.plan(
        [...TABLE].map(([storeSku, erpSku]) => ({ storeSku, erpSku })),
        false,
      ),
      Date.now(),
      'ops:e2e',
    );
    const rules = new StockRulesStore(doc, world().table);
    for (const sku of BEST_SELLERS) await rules.set({ kind: 'sku', key: sku, buffer: { type: 'units', units: 2 } }, Date.now(), 'ops:e2e');
    doc.destroy();
    handlers.inventory = (await import('../../functions/sync-inventory/handler')).handler as unknown as Handler;
    handlers.orders = (await import('../../functions/push-orders/handler')).handler as unknown as Handler;
    handlers.shipping = (await import('../../functions/sync-shipping/handler')).handler as unknown as Handler;
  });

  const storeQty = async (sku: string): Promise<number | null> => {
    const [rows] = await world().db.pool.query<RowDataPacket[]>(
      'SELECT q.qty FROM product_flat p LEFT JOIN product_flat_qty q ON q.product_id = CAST(p.id AS CHAR) WHERE p.sku = ?',
      [sku],
    );
    return rows[0]?.qty === null || rows[0] === undefined ? null : Number(rows[0].qty);
  };
  /** Units of open store orders (inside the 30-day horizon) the ERP has not accepted: still pending. */
  const pendingUnits = async (sku: string): Promise<number> => {
    const [rows] = await world().db.pool.query<RowDataPacket[]>(
      'SELECT o.increment_id, i.qty FROM sales_flat_order o JOIN sales_flat_order_item i ON i.order_id = o.order_id WHERE i.sku = ? AND o.order_status IN (?) AND o.created_at >= ?',
      [sku, CORE_STATUS.holdingStock, world().nowUnix - 30 * 86400],
    );
    return rows.filter((r) => !world().sandbox.state.order(DEMO_SHOP_ID, String(r.increment_id))).reduce((n, r) => n + Number(r.qty), 0);
  };

  it('uploads the orders under the ERP’s codes, with shop_sku_id the store’s own', async () => {
    const summary = await handlers.orders(scheduled, lambdaContext());
    expect(summary).toMatchObject({ job: 'pushOrders', complete: true, failures: [] });
    expect(summary.counts.pushed).toBeGreaterThan(10);
    const lines = [...world().sandbox.state.orders.values()].flatMap((o) => o.payload.items as Array<{ sku_id: string; shop_sku_id: string }>);
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(line.sku_id).toBe(erpCode.get(line.shop_sku_id));
    expect(lines.some((l) => l.shop_sku_id.startsWith('SHOP-'))).toBe(true);
    expect(lines.every((l) => !l.sku_id.startsWith('SHOP-'))).toBe(true);
  });

  it('offers exactly the main warehouse’s stock minus the buffer on the right store SKUs', async () => {
    const summary = await handlers.inventory({ mode: 'full' }, lambdaContext());
    expect(summary).toMatchObject({ job: 'syncInventory', complete: true, failures: [] });
    expect(summary.details).toMatchObject({ stockWarehouses: [MAIN_WAREHOUSE_ID], skuMapping: { tableRows: 3, transform: 'strip-prefix:SHOP-,upper' } });
    expect(summary.counts.storeSkusUnknownToErp).toBe(0);
    expect(summary.counts.erpSkusUnknownToStore).toBe(0);
    const { state } = world().sandbox;
    for (const sku of storeSkus) {
      const main = state.inventory.get(`0|${erpCode.get(sku)}`)!;
      const formula = Math.max(0, main.qty - main.order_lock - (await pendingUnits(sku)));
      expect({ sku, qty: await storeQty(sku) }).toEqual({ sku, qty: Math.max(0, formula - (BEST_SELLERS.includes(sku) ? 2 : 0)) });
    }
    // The ERP locked the uploaded units under its own codes: the orders reached the right articles.
    expect(storeSkus.some((sku) => state.inventory.get(`0|${erpCode.get(sku)}`)!.order_lock > 0)).toBe(true);
    expect(summary.counts.heldBackUnits).toBe(6);
  });

  it('a reconcile of stock and of orders finds no drift under the same mapping', async () => {
    const stock = await handlers.inventory({ mode: 'reconcile' }, lambdaContext());
    expect(stock.counts).toMatchObject({ stockDrift: 0, updated: 0 });
    const orders = await handlers.orders({ mode: 'reconcile' }, lambdaContext());
    expect(orders.counts).toMatchObject({ missingInErp: 0, differentInErp: 0 });
    expect(orders.counts.checked).toBeGreaterThan(10);
  });

  it('an incremental run writes an ERP change to the mapped store SKU', async () => {
    world().sandbox.state.setStock('LEGACY-3', { qty: 900 }, MAIN_WAREHOUSE_ID);
    world().sandbox.state.setStock('SKU-000010', { qty: 777 }, THREE_PL);
    const summary = await handlers.inventory(scheduled, lambdaContext());
    expect(summary.failures).toEqual([]);
    const main = world().sandbox.state.inventory.get('0|LEGACY-3')!;
    expect(await storeQty('SHOP-sku-000003')).toBe(main.qty - main.order_lock - (await pendingUnits('SHOP-sku-000003')) - 2);
  });

  it('brings the shipments back: the store orders go to dispatched', async () => {
    const { pool } = world().db;
    const [rows] = await pool.query<RowDataPacket[]>(
      "SELECT DISTINCT o.increment_id FROM sales_flat_order o JOIN sales_flat_order_item i ON i.order_id = o.order_id WHERE o.order_status = 'payment_confirmed' AND i.sku IN ('SHOP-sku-000003', 'old-5', 'SHOP-sku-000006')",
    );
    const shipped = rows.map((r) => String(r.increment_id)).filter((so) => world().sandbox.state.order(DEMO_SHOP_ID, so));
    expect(shipped.length).toBeGreaterThan(0);
    for (const so of shipped) world().sandbox.state.ship(DEMO_SHOP_ID, so, [{ lc_id: 'SF', l_id: `SF-${so}`, logistics_company: '顺丰速运' }]);
    const summary = await handlers.shipping(scheduled, lambdaContext());
    expect(summary).toMatchObject({ job: 'syncShipping', failures: [] });
    for (const so of shipped) {
      const [order] = await pool.query<RowDataPacket[]>('SELECT order_status, tracking_number FROM sales_flat_order WHERE increment_id = ?', [so]);
      expect(order[0]).toMatchObject({ order_status: 'dispatched', tracking_number: `SF-${so}` });
    }
  });
});
