/**
 * `npm run bench -- orders`: pushOrders of BENCH_ORDERS (10000) ready orders into the ERP sandbox (own
 * process, L calls/min, 50 ms latency) in batches of 50, twice on the same store:
 * 1. a clean run (every order accepted), then a second run (nothing changed);
 * 2. on a fresh sandbox and ledger, a hostile run: 1% of the orders rejected one by one by the ERP and
 *    one order whose presence makes the ERP refuse the whole upload call (code 140).
 * Prints for the hostile run: whether every other order was pushed in that one run, its ERP calls as a
 * ratio to the clean run's (target ≤ 1.15), and the throughput of both runs as a ratio to the ERP-bound
 * rate (L × 50 orders per minute). Never fails on a timing.
 */
import type { RowDataPacket } from 'mysql2/promise';
import { createStoreSchema } from '../fecmall/schema';
import { seedStore } from '../fecmall/generator';
import { OrderRepository } from '../../shared/fecmall/order-repository';
import { detectStoreSchema } from '../../shared/fecmall/store-schema';
import { createJstClient } from '../../shared/jst/client';
import { pushOrders } from '../../shared/jobs/orders/push-orders';
import { DEMO_CREDENTIALS } from '../jst-sandbox/server';
import {
  adminPost,
  adminStats,
  benchContext,
  benchDatabase,
  benchEnvironment,
  memoryLedger,
  printTable,
  rssSampler,
  sandboxProcess,
  runBench,
} from './_support';

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
    const env = benchEnvironment({ ORDER_PUSH_BATCH_SIZE: '50' });
    const client = () =>
      createJstClient({
        credentials: { generation: 'open', ...DEMO_CREDENTIALS.open },
        baseUrl: sandbox.url,
        rateLimit: { perSecond: Math.ceil(L / 60), perMinute: L },
      });
    const run = async (ledger: ReturnType<typeof memoryLedger>) => {
      const t = performance.now();
      const outcome = await pushOrders({ erp: client(), orders: timed, ledger }, { ...benchContext(env), job: 'pushOrders' });
      return { outcome, ms: performance.now() - t };
    };
    const perMinRatio = (accepted: number, ms: number) => +(accepted / (ms / 60_000) / (L * 50)).toFixed(3);

    const rss = rssSampler();
    const cleanLedger = memoryLedger();
    const clean = await run(cleanLedger);
    const second = await run(cleanLedger);
    const cleanStoreMs = storeMs;
    const cleanStats = await adminStats(sandbox.url);

    // Hostile: a fresh ERP and ledger, 1% rejected per order, one order poisoning its whole call.
    const ids = (await db.pool.query<RowDataPacket[]>('SELECT increment_id FROM sales_flat_order ORDER BY order_id'))[0].map((r) => String(r.increment_id));
    const rejectSoIds = ids.filter((_, i) => i % 100 === 37);
    const poison = ids[Math.floor(ids.length / 2) + 3]!;
    await adminPost(sandbox.url, '/__admin/reset', {});
    await adminPost(sandbox.url, '/__admin/faults', { faults: { rejectSoIds, rejectCallsWithSoIds: [poison] } });
    const hostile = await run(memoryLedger());
    rss.stop();
    const hostileStats = await adminStats(sandbox.url);
    const c = clean.outcome.counts;
    const h = hostile.outcome.counts;
    const expected = N - rejectSoIds.length - 1;

    printTable('pushOrders, clean store', [
      { measure: 'orders pushed', value: c.pushed! },
      { measure: 'time (s)', value: +(clean.ms / 1000).toFixed(1) },
      { measure: 'orders/min', value: Math.round(c.pushed! / (clean.ms / 60_000)) },
      { measure: 'ERP-bound limit orders/min (L×50)', value: L * 50 },
      { measure: 'ratio to ERP-bound limit', value: perMinRatio(c.pushed!, clean.ms) },
      { measure: 'ERP upload calls', value: c.erpCalls! },
      { measure: 'store read time (s)', value: +(cleanStoreMs / 1000).toFixed(2) },
      { measure: 'orders in the ERP (no duplicates)', value: cleanStats.orders },
      { measure: 'second run: sent / unchanged', value: `${second.outcome.counts.pushed} / ${second.outcome.counts.unchanged}` },
      { measure: 'second run time (s)', value: +(second.ms / 1000).toFixed(2) },
      { measure: 'rate-limit rejections', value: cleanStats.rateLimited },
    ]);
    printTable(`pushOrders, ${rejectSoIds.length} orders rejected one by one + 1 order refusing its whole call`, [
      { measure: 'orders pushed in one run / expected', value: `${h.pushed} / ${expected}` },
      { measure: 'every other order pushed in that run', value: h.pushed === expected && hostileStats.orders === expected ? 'yes' : 'NO' },
      { measure: 'rejected (per order) / isolated (whole call)', value: `${h.rejected! - h.isolated!} / ${h.isolated}` },
      { measure: 'run complete', value: String(hostile.outcome.complete) },
      { measure: 'ERP upload calls (batch splits)', value: `${h.erpCalls} (${h.batchSplits})` },
      { measure: 'ERP calls as a ratio to the clean run (target ≤ 1.15)', value: +(h.erpCalls! / c.erpCalls!).toFixed(3) },
      { measure: 'time (s)', value: +(hostile.ms / 1000).toFixed(1) },
      { measure: 'throughput ratio to ERP-bound limit', value: perMinRatio(h.pushed!, hostile.ms) },
      { measure: 'failures listed', value: hostile.outcome.failures.length },
      { measure: 'peak RSS (MB)', value: +rss.peakMb().toFixed(0) },
    ]);
  } finally {
    sandbox.stop();
    await db.drop();
  }
}

runBench(main);
