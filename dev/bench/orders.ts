/**
 * `npm run bench -- orders`: pushOrders of BENCH_ORDERS (10000) ready orders into the ERP sandbox (own
 * process, L calls/min, 50 ms latency) in batches of 50. Prints the ratio to the ERP-bound rate
 * (L × 50 orders per minute), store-side read time, and a second run's cost (nothing changed).
 */
import { createStoreSchema } from '../fecmall/schema';
import { seedStore } from '../fecmall/generator';
import { OrderRepository } from '../../shared/fecmall/order-repository';
import { detectStoreSchema } from '../../shared/fecmall/store-schema';
import { createJstClient } from '../../shared/jst/client';
import { pushOrders } from '../../shared/jobs/orders/push-orders';
import { DEMO_CREDENTIALS } from '../jst-sandbox/server';
import { adminStats, benchContext, benchDatabase, benchEnvironment, memoryLedger, printTable, rssSampler, sandboxProcess, runBench } from './_support';

const N = Number(process.env.BENCH_ORDERS ?? 10_000);
const L = Number(process.env.BENCH_L ?? 1200);

async function main(): Promise<void> {
  console.log(`pushOrders benchmark: ${N} ready orders, sandbox at L=${L} calls/min (${Math.ceil(L / 60)}/s), 50 ms latency, batches of 50`);
  const db = await benchDatabase('orders');
  const sandbox = await sandboxProcess({ perSecond: Math.ceil(L / 60), perMinute: L, latencyMs: 50 });
  try {
    await createStoreSchema(db.pool, 'core');
    await seedStore(db.pool, { products: 2000, orders: N, flavour: 'core', days: 20 });
    await db.pool.query("UPDATE sales_flat_order SET order_status = 'payment_confirmed'");
    const schema = await detectStoreSchema(db.pool);
    const orders = new OrderRepository(db.pool, schema);
    let storeMs = 0;
    const timed = {
      databaseNow: orders.databaseNow.bind(orders),
      horizonStartOrderId: orders.horizonStartOrderId.bind(orders),
      readOrdersByIncrementIds: orders.readOrdersByIncrementIds.bind(orders),
      markHolded: orders.markHolded.bind(orders),
      readOrdersAfter: async (after: number, limit: number) => {
        const t = performance.now();
        try {
          return await orders.readOrdersAfter(after, limit);
        } finally {
          storeMs += performance.now() - t;
        }
      },
    };
    const erp = createJstClient({ credentials: { generation: 'open', ...DEMO_CREDENTIALS.open }, baseUrl: sandbox.url, rateLimit: { perSecond: Math.ceil(L / 60), perMinute: L } });
    const ledger = memoryLedger();
    const env = benchEnvironment({ ORDER_PUSH_BATCH_SIZE: '50' });
    const rss = rssSampler();
    const t0 = performance.now();
    const first = await pushOrders({ erp, orders: timed, ledger }, { ...benchContext(env), job: 'pushOrders' });
    const ms = performance.now() - t0;
    const t1 = performance.now();
    const second = await pushOrders({ erp, orders: timed, ledger }, { ...benchContext(env), job: 'pushOrders' });
    const secondMs = performance.now() - t1;
    rss.stop();
    const stats = await adminStats(sandbox.url);
    const perMin = first.counts.pushed! / (ms / 60_000);
    printTable('pushOrders', [
      { measure: 'orders pushed', value: first.counts.pushed! },
      { measure: 'time (s)', value: +(ms / 1000).toFixed(1) },
      { measure: 'orders/min', value: Math.round(perMin) },
      { measure: 'ERP-bound limit orders/min (L×50)', value: L * 50 },
      { measure: 'ratio to ERP-bound limit', value: +(perMin / (L * 50)).toFixed(3) },
      { measure: 'store read time (s)', value: +(storeMs / 1000).toFixed(2) },
      { measure: 'ERP calls', value: stats.calls },
      { measure: 'orders in the ERP (no duplicates)', value: stats.orders },
      { measure: 'second run: sent / unchanged', value: `${second.counts.pushed} / ${second.counts.unchanged}` },
      { measure: 'second run time (s)', value: +(secondMs / 1000).toFixed(2) },
      { measure: 'peak RSS (MB)', value: +rss.peakMb().toFixed(0) },
      { measure: 'rate-limit rejections', value: stats.rateLimited },
    ]);
  } finally {
    sandbox.stop();
    await db.drop();
  }
}

runBench(main);
