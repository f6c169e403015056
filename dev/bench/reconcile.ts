/**
 * `npm run bench -- reconcile`: reconcile of BENCH_ORDERS (10000) orders and their shipments against
 * the ERP sandbox (own process, L calls/min, 50 ms latency). The benchmark pushes every order, ships
 * half of them over 20 days and applies the shipments, then plants 1% differences on each side: orders deleted
 * from the ERP, orders whose ERP amount differs, shipments whose store update is lost. Prints the ERP
 * calls of each reconcile, the minutes they take at the account's 100 calls/min, the wall time at L,
 * and whether exactly the planted drift was found and healed (no false positive).
 */
import type { RowDataPacket } from 'mysql2/promise';
import { createStoreSchema } from '../fecmall/schema';
import { seedStore } from '../fecmall/generator';
import { OrderRepository } from '../../shared/fecmall/order-repository';
import { ShipmentRepository } from '../../shared/fecmall/shipment-repository';
import { detectStoreSchema } from '../../shared/fecmall/store-schema';
import { createJstClient } from '../../shared/jst/client';
import { pushOrders } from '../../shared/jobs/orders/push-orders';
import { reconcileOrders } from '../../shared/jobs/reconcile/reconcile-orders';
import { reconcileShipments } from '../../shared/jobs/reconcile/reconcile-shipments';
import { syncShipping } from '../../shared/jobs/shipping/sync-shipping';
import { DEMO_CREDENTIALS, DEMO_SHOP_ID } from '../jst-sandbox/server';
import { adminPost, adminStats, benchContext, benchDatabase, benchEnvironment, memoryLedger, printTable, runBench, sandboxProcess } from './_support';

const N = Number(process.env.BENCH_ORDERS ?? 10_000);
const L = Number(process.env.BENCH_L ?? 1200);
const ACCOUNT_PER_MINUTE = 100;

async function main(): Promise<void> {
  console.log(`reconcile benchmark: ${N} orders, sandbox at L=${L} calls/min, 50 ms latency; minutes computed at ${ACCOUNT_PER_MINUTE} calls/min`);
  console.log('stock: see bench inventory');
  const db = await benchDatabase('reconcile');
  const sandbox = await sandboxProcess({ perSecond: Math.ceil(L / 60), perMinute: L, latencyMs: 50 });
  try {
    await createStoreSchema(db.pool, 'core');
    await seedStore(db.pool, { products: 2000, orders: N, flavour: 'core', days: 20 });
    await db.pool.query("UPDATE sales_flat_order SET order_status = 'payment_confirmed'");
    const schema = await detectStoreSchema(db.pool);
    const orders = new OrderRepository(db.pool, schema);
    const shipments = new ShipmentRepository(db.pool, schema);
    const erp = createJstClient({
      credentials: { generation: 'open', ...DEMO_CREDENTIALS.open },
      baseUrl: sandbox.url,
      rateLimit: { perSecond: Math.ceil(L / 60), perMinute: L },
    });
    const ledger = memoryLedger();
    const env = benchEnvironment({ SETTLE_LAG_SECONDS: '0', SHIPPING_INITIAL_LOOKBACK_HOURS: '720' });
    const ordersCtx = { ...benchContext(env), job: 'pushOrders' as const };
    const shippingCtx = { ...benchContext(env), job: 'syncShipping' as const };

    // Both sides in step: every order pushed, half of them shipped in the ERP and applied to the store.
    const pushed = await pushOrders({ erp, orders, ledger }, ordersCtx);
    const ids = [...ledger.entries.keys()].sort();
    const shipped = ids.filter((_, i) => i % 2 === 0);
    // Shipped over the last 20 days (the first syncShipping run looks back 30 days here).
    const shippedAt = (i: number) => Date.now() - 20 * 86_400_000 + Math.floor((i * 20 * 86_400_000) / shipped.length);
    for (const [i, so] of shipped.entries())
      await adminPost(sandbox.url, '/__admin/ship', {
        shop_id: DEMO_SHOP_ID,
        so_id: so,
        at_ms: shippedAt(i),
        packages: [{ lc_id: 'SF', l_id: `SF${so}`, logistics_company: '顺丰速运' }],
      });
    // No shipment fails here, so the retry set stays empty.
    const retries = { all: async () => [], record: async () => [], clear: async () => undefined };
    const synced = await syncShipping({ erp, shipments, retries }, shippingCtx);

    // 1% of the orders drift in each way, on distinct orders.
    const pick = (list: string[], offset: number) => list.filter((_, i) => i % 50 === offset);
    const deleted = pick(
      ids.filter((_, i) => i % 2 === 1),
      1,
    );
    const amount = pick(
      ids.filter((_, i) => i % 2 === 1),
      3,
    );
    const lost = pick(shipped, 5);
    for (const so of deleted) await adminPost(sandbox.url, '/__admin/orders/delete', { shop_id: DEMO_SHOP_ID, so_id: so });
    for (const so of amount) await adminPost(sandbox.url, '/__admin/orders/amount', { shop_id: DEMO_SHOP_ID, so_id: so, pay_amount: '0.01' });
    await db.pool.query(
      "UPDATE sales_flat_order SET order_status = 'payment_confirmed', tracking_number = NULL, tracking_company = NULL WHERE increment_id IN (?)",
      [lost],
    );

    const byEndpoint = async () => ((await (await fetch(`${sandbox.url}/__admin/stats`)).json()) as { byEndpoint: Record<string, number> }).byEndpoint;
    const endpoints0 = await byEndpoint();
    const calls0 = (await adminStats(sandbox.url)).calls;
    const t0 = performance.now();
    const ordersRun = await reconcileOrders({ erp, orders, ledger }, { ...ordersCtx, request: { ...ordersCtx.request, mode: 'reconcile' } });
    const ordersMs = performance.now() - t0;
    const calls1 = (await adminStats(sandbox.url)).calls;
    const endpoints1 = await byEndpoint();
    const delta = (a: Record<string, number>, b: Record<string, number>) =>
      Object.entries(b)
        .map(([k, v]) => [k, v - (a[k] ?? 0)])
        .filter(([, v]) => v !== 0)
        .map(([k, v]) => `${String(k).split('/').slice(-2).join('/')} ${v}`)
        .join(', ');
    const t1 = performance.now();
    const shipRun = await reconcileShipments({ erp, shipments }, { ...shippingCtx, request: { ...shippingCtx.request, mode: 'reconcile' } });
    const shipMs = performance.now() - t1;
    const calls2 = (await adminStats(sandbox.url)).calls;
    const again = await reconcileOrders({ erp, orders, ledger }, { ...ordersCtx, request: { ...ordersCtx.request, mode: 'reconcile' } });
    const shipAgain = await reconcileShipments({ erp, shipments }, { ...shippingCtx, request: { ...shippingCtx.request, mode: 'reconcile' } });

    const erpOrders = (await (await fetch(`${sandbox.url}/__admin/orders`)).json()) as Array<{ so_id: string; payload: { pay_amount: string } }>;
    const restoredAmounts = erpOrders.filter((o) => amount.includes(o.so_id) && o.payload.pay_amount !== '0.01').length;
    const [dispatched] = await db.pool.query<RowDataPacket[]>(
      "SELECT COUNT(*) AS n FROM sales_flat_order WHERE increment_id IN (?) AND order_status = 'dispatched'",
      [lost],
    );
    const c = ordersRun.counts;
    const s = shipRun.counts;
    printTable('reconcile', [
      { measure: 'orders pushed / shipments applied before planting', value: `${pushed.counts.pushed} / ${synced.counts.applied}` },
      { measure: 'orders: checked', value: c.checked! },
      { measure: 'orders: planted missing / found', value: `${deleted.length} / ${c.missingInErp}` },
      { measure: 'orders: planted different / found', value: `${amount.length} / ${c.differentInErp}` },
      {
        measure: 'orders: healed (re-pushed; ERP has all again; amounts restored)',
        value: `${c.repushed} (${erpOrders.length === ids.length}; ${restoredAmounts}/${amount.length})`,
      },
      { measure: 'orders: ERP calls', value: calls1 - calls0 },
      { measure: 'orders: ERP calls by endpoint', value: delta(endpoints0, endpoints1) },
      { measure: `orders: minutes at ${ACCOUNT_PER_MINUTE} calls/min`, value: +((calls1 - calls0) / ACCOUNT_PER_MINUTE).toFixed(1) },
      { measure: `orders: wall time at L=${L} (s)`, value: +(ordersMs / 1000).toFixed(1) },
      { measure: 'shipments: checked', value: s.shipmentsChecked! },
      { measure: 'shipments: planted lost / found', value: `${lost.length} / ${s.missingInStore}` },
      { measure: 'shipments: healed (dispatched again)', value: `${s.applied} (${Number(dispatched[0]!.n)}/${lost.length})` },
      { measure: 'shipments: ERP calls', value: calls2 - calls1 },
      { measure: `shipments: minutes at ${ACCOUNT_PER_MINUTE} calls/min`, value: +((calls2 - calls1) / ACCOUNT_PER_MINUTE).toFixed(1) },
      { measure: `shipments: wall time at L=${L} (s)`, value: +(shipMs / 1000).toFixed(1) },
      {
        measure: 'exactly the planted drift (no false positive)',
        value: String(
          c.missingInErp === deleted.length &&
            c.differentInErp === amount.length &&
            s.missingInStore === lost.length &&
            restoredAmounts === amount.length &&
            erpOrders.length === ids.length &&
            Number(dispatched[0]!.n) === lost.length,
        ),
      },
      {
        measure: 'second reconcile: orders / shipments drift',
        value: `${again.counts.missingInErp! + again.counts.differentInErp!} / ${shipAgain.counts.missingInStore}`,
      },
      { measure: 'stock', value: 'see bench inventory' },
    ]);
  } finally {
    sandbox.stop();
    await db.drop();
  }
}

runBench(main);
