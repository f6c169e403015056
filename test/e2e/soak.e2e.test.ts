import type { RowDataPacket } from 'mysql2/promise';
import { skuOf } from '../../dev/fecmall/generator';
import { DEMO_SHOP_ID } from '../../dev/jst-sandbox/server';
import { seededRandom } from '../../dev/jst-sandbox/seeded-random';
import { mapOrderToErp } from '../../shared/jobs/orders/map-order';
import { payloadHash } from '../../shared/jobs/orders/payload-hash';
import { formatBeijingSeconds } from '../../shared/jst/beijing-time';
import { OrderRepository } from '../../shared/fecmall/order-repository';
import { detectStoreSchema } from '../../shared/fecmall/store-schema';
import { lambdaContext } from '../support/capture-stdout';
import { useE2EWorld } from '../support/e2e-world';
import { describeWithMoto } from '../support/moto';

type Handler = (event: unknown, context: unknown) => Promise<any>;
const ROUNDS = Number(process.env.SOAK_ROUNDS ?? 40);
const PRODUCTS = 150;
const scheduled = (detail: Record<string, unknown> = {}) => ({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail });
const HOLDING = ['payment_pending', 'payment_processing', 'payment_confirmed', 'payment_suspected_fraud', 'holded', 'processing'];

describeWithMoto('soak: many runs of the three jobs under faults, then one fault-free settling pass', () => {
  const world = useE2EWorld({ products: PRODUCTS, orders: 200, env: { LOOKBACK_SECONDS: '3600', DEADLINE_MARGIN_MS: '20000' } });
  const random = seededRandom(2026);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  let jobs: Record<'inventory' | 'orders' | 'shipping', Handler>;
  let checkouts = 0;

  beforeAll(async () => {
    jobs = {
      inventory: (await import('../../functions/sync-inventory/handler')).handler as unknown as Handler,
      orders: (await import('../../functions/push-orders/handler')).handler as unknown as Handler,
      shipping: (await import('../../functions/sync-shipping/handler')).handler as unknown as Handler,
    };
    for (let i = 1; i <= PRODUCTS; i++) world().sandbox.state.setStock(skuOf(i), { qty: 200 + i, order_lock: 0 }, 0, Date.now() - 600_000);
  });

  /** A shopper checks out: Fecmall deducts stock and creates an order (paid half of the time). */
  async function checkout(): Promise<void> {
    const pool = world().db.pool;
    const product = 1 + Math.floor(random() * PRODUCTS);
    const [deducted] = await pool.query("UPDATE product_flat_qty SET qty = qty - 1 WHERE product_id = ? AND qty >= 1", [String(product)]);
    if ((deducted as { affectedRows: number }).affectedRows === 0) return;
    const n = ++checkouts;
    const now = Math.floor(Date.now() / 1000);
    const status = random() < 0.5 ? 'payment_confirmed' : 'payment_pending';
    const [res] = await pool.query(
      `INSERT INTO sales_flat_order (increment_id, order_status, created_at, updated_at, order_currency_code, order_to_base_rate, grand_total, base_grand_total, subtotal, base_subtotal,
        subtotal_with_discount, base_subtotal_with_discount, shipping_total, base_shipping_total, customer_email, customer_firstname, customer_lastname, customer_address_country,
        customer_address_state, customer_address_city, customer_address_street1, payment_method, txn_id)
       VALUES (?, ?, ?, ?, 'CNY', 6.9, '20.00', '2.90', '20.00', '2.90', '0.00', '0.00', '0.00', '0.00', ?, '王', '五', 'CN', 'GD', '广州市', '天河路 1 号', 'alipay_standard', ?)`,
      [`SOAK${n}`, status, now, now, `soak${n}@example.com`, `T${n}`],
    );
    await pool.query("INSERT INTO sales_flat_order_item (order_id, product_id, sku, name, qty, price, base_price, row_total, base_row_total) VALUES (?, ?, ?, 'soak', 1, '20.00', '2.90', '20.00', '2.90')", [
      (res as { insertId: number }).insertId, String(product), skuOf(product),
    ]);
  }

  async function killStoreConnections(): Promise<void> {
    const pool = world().db.pool;
    const [rows] = await pool.query<RowDataPacket[]>('SELECT id FROM information_schema.PROCESSLIST WHERE db = ? AND id <> CONNECTION_ID()', [world().db.database]);
    for (const r of rows) await pool.query('KILL ?', [r.id]).catch(() => undefined);
  }

  it('keeps every invariant', async () => {
    const { sandbox } = world();
    const dispatched = new Set<string>();
    let failedRuns = 0;
    let incompleteRuns = 0;
    for (let round = 0; round < ROUNDS; round++) {
      sandbox.setFaults({ http5xx: 0.12, html: 0.06, internalError: 0.06, slow: 0.05, slowMs: 300, rejectOrder: 0.15 }, round);
      for (let k = 0; k < 3; k++) await checkout();
      const waiting = [...sandbox.state.orders.values()].filter((o) => o.status === 'WaitConfirm');
      if (waiting.length > 0 && random() < 0.7) {
        const order = pick(waiting);
        sandbox.state.ship(DEMO_SHOP_ID, order.so_id, [{ lc_id: 'SF', l_id: `SF-${order.so_id}`, logistics_company: '顺丰速运' }]);
      }
      if (random() < 0.5) sandbox.state.setStock(skuOf(1 + Math.floor(random() * PRODUCTS)), { qty: 100 + Math.floor(random() * 100) });
      const job = pick(['inventory', 'orders', 'shipping'] as const);
      const event = job === 'inventory' && random() < 0.3 ? { ...scheduled({ mode: 'full' }), source: 'aws.scheduler' } : scheduled();
      // Sometimes the Lambda is close to its timeout: the soft deadline cuts the run short.
      const context = lambdaContext(random() < 0.25 ? 20_005 : 300_000);
      const run = jobs[job](event, context);
      // Connections are dropped while the job runs, never after it: a late kill would hit the test's own pool.
      let running = true;
      run.then(() => (running = false), () => (running = false));
      if (random() < 0.15) setTimeout(() => void (running ? killStoreConnections() : undefined), Math.floor(random() * 30));
      try {
        const summary = await run;
        if (!summary.complete) incompleteRuns++;
      } catch {
        failedRuns++;
      }
      const [rows] = await world().db.pool.query<RowDataPacket[]>("SELECT increment_id FROM sales_flat_order WHERE order_status IN ('dispatched','completed')");
      for (const r of rows) dispatched.add(String(r.increment_id));
    }

    // One fault-free settling pass.
    sandbox.setFaults({});
    for (const job of ['orders', 'shipping', 'orders'] as const) await jobs[job](scheduled(), lambdaContext());
    await jobs.inventory({ ...scheduled({ mode: 'full' }), source: 'aws.scheduler' }, lambdaContext());
    const pool = world().db.pool;

    // No order moved backwards.
    const [statusRows] = await pool.query<RowDataPacket[]>('SELECT increment_id, order_status, tracking_number, created_at FROM sales_flat_order');
    const byId = new Map(statusRows.map((r) => [String(r.increment_id), r]));
    for (const id of dispatched) expect(['dispatched', 'completed']).toContain(byId.get(id)!.order_status);

    // Every ERP shipment is on its store order (unless the store cancelled the order).
    for (const s of sandbox.state.shipments) {
      const order = byId.get(s.so_id)!;
      if (order.order_status === 'canceled' || order.order_status === 'payment_canceled') continue;
      expect({ id: s.so_id, status: order.order_status, tracking: String(order.tracking_number ?? '').split(',').includes(s.l_id) }).toEqual({ id: s.so_id, status: expect.stringMatching(/dispatched|completed/), tracking: true });
    }

    // Orders the ERP rejected during the faults wait for their backoff (5 minutes and up); an operator's
    // manual run for them retries at once. Nothing else may be missing.
    const horizon = Math.floor(Date.now() / 1000) - 30 * 86400;
    const missing = [...byId.keys()].filter((id) => byId.get(id)!.order_status === 'payment_confirmed' && Number(byId.get(id)!.created_at) >= horizon && !sandbox.state.order(DEMO_SHOP_ID, id));
    if (missing.length > 0) {
      const manual = await jobs.orders({ orders: missing }, lambdaContext());
      expect(manual.counts.rejected).toBe(0);
    }

    // Every ready order is in the ERP, once, with its latest content.
    const schema = await detectStoreSchema(pool);
    const repo = new OrderRepository(pool, schema);
    const start = (await repo.horizonStartOrderId(Math.floor(Date.now() / 1000) - 30 * 86400)) ?? 1;
    const ready: string[] = [];
    for (let after = start - 1, done = false; !done; ) {
      const page = await repo.readOrdersAfter(after, 200);
      for (const o of page.orders.filter((x) => x.lifecycle === 'ready')) {
        ready.push(o.incrementId);
        const erp = sandbox.state.order(DEMO_SHOP_ID, o.incrementId);
        expect({ id: o.incrementId, inErp: erp !== undefined }).toEqual({ id: o.incrementId, inErp: true });
        const latest = mapOrderToErp(o, 'ready', { shopId: DEMO_SHOP_ID, currency: 'order', formatTime: formatBeijingSeconds }).payload;
        expect(payloadHash(erp!.payload)).toBe(payloadHash(latest));
      }
      after = page.lastOrderId;
      done = page.done;
    }
    expect(sandbox.state.orders.size).toBe(new Set([...sandbox.state.orders.values()].map((o) => o.so_id)).size);

    // Store stock equals the formula over ERP stock: qty − order_lock − units of store orders the ERP has not accepted.
    const [held] = await pool.query<RowDataPacket[]>(
      `SELECT o.increment_id, i.sku, i.qty FROM sales_flat_order o JOIN sales_flat_order_item i ON i.order_id = o.order_id WHERE o.order_status IN (?) AND o.order_id >= ?`,
      [HOLDING, start],
    );
    const pending = new Map<string, number>();
    for (const h of held) if (!sandbox.state.order(DEMO_SHOP_ID, String(h.increment_id))) pending.set(String(h.sku), (pending.get(String(h.sku)) ?? 0) + Number(h.qty));
    const [stock] = await pool.query<RowDataPacket[]>("SELECT p.sku, q.qty FROM product_flat p JOIN product_flat_qty q ON q.product_id = CAST(p.id AS CHAR)");
    for (const row of stock) {
      const erp = sandbox.state.stockView(String(row.sku), undefined) as { qty: number; order_lock: number } | undefined;
      if (!erp) continue;
      expect({ sku: row.sku, qty: Number(row.qty) }).toEqual({ sku: row.sku, qty: Math.max(0, erp.qty - erp.order_lock - (pending.get(String(row.sku)) ?? 0)) });
    }

    // No cursor ahead of committed work: the shipping cursor is not in the future.
    const last = await jobs.shipping(scheduled(), lambdaContext());
    expect(last.cursor.after).toBeLessThanOrEqual(Date.now());
    expect(last.counts.applied).toBe(0);
    // The faults and deadline cuts really happened.
    expect(sandbox.stats.faultsInjected).toBeGreaterThan(0);
    expect(incompleteRuns + failedRuns).toBeGreaterThan(0);
    console.log(`soak: ${ROUNDS} rounds, ${checkouts} checkouts, ${sandbox.state.shipments.length} shipments, ${failedRuns} failed and ${incompleteRuns} incomplete runs, ${sandbox.stats.faultsInjected} faults, ${ready.length} ready orders checked`);
  }, 240_000);
});
