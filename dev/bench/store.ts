/**
 * `npm run bench -- store`: the store data layer on MariaDB. Prints rows/s writing BENCH_ROWS (100000)
 * stock changes through the compare-and-set batch write, and reading as many orders with their items
 * through the horizon keyset pages.
 */
import { createStoreSchema } from '../fecmall/schema';
import { seedStore, skuOf } from '../fecmall/generator';
import { StockRepository } from '../../shared/fecmall/stock-repository';
import { OrderRepository } from '../../shared/fecmall/order-repository';
import { detectStoreSchema } from '../../shared/fecmall/store-schema';
import { benchDatabase, printTable, runBench } from './_support';

const N = Number(process.env.BENCH_ROWS ?? 100_000);
const BATCH = 1000;

async function main(): Promise<void> {
  console.log(`store benchmark: ${N} stock changes, ${N} orders`);
  const db = await benchDatabase('store');
  try {
    await createStoreSchema(db.pool, 'core');
    const ts = performance.now();
    await seedStore(db.pool, { products: N, orders: N, flavour: 'core', missingQtyShare: 0.05 });
    const seedMs = performance.now() - ts;
    const stock = new StockRepository(db.pool);
    const t0 = performance.now();
    let written = 0;
    for (let start = 1; start <= N; start += BATCH) {
      const skus = Array.from({ length: Math.min(BATCH, N - start + 1) }, (_, i) => skuOf(start + i));
      const current = await stock.readStock(skus);
      const result = await stock.writeStock([...current.values()].map((s) => ({ sku: s.sku, productId: s.productId, expected: s.qty, qty: (s.qty ?? 0) + 1 })));
      written += result.written.length;
    }
    const writeMs = performance.now() - t0;
    const orders = new OrderRepository(db.pool, await detectStoreSchema(db.pool), ['payment_pending', 'payment_confirmed', 'holded', 'processing']);
    const t1 = performance.now();
    let read = 0;
    let items = 0;
    for (let after = 0, done = false; !done;) {
      const page = await orders.readOrdersAfter(after, BATCH);
      read += page.orders.length;
      items += page.orders.reduce((a, o) => a + o.items.length, 0);
      after = page.lastOrderId;
      done = page.done;
    }
    const readMs = performance.now() - t1;
    printTable('store data layer', [
      { measure: 'seed (products + orders) s', value: +(seedMs / 1000).toFixed(1) },
      { measure: 'stock rows written (read + CAS write)', value: written },
      { measure: 'stock rows/s', value: Math.round(written / (writeMs / 1000)) },
      { measure: 'orders read (with items)', value: read },
      { measure: 'items read', value: items },
      { measure: 'orders/s', value: Math.round(read / (readMs / 1000)) },
    ]);
  } finally {
    await db.drop();
  }
}

runBench(main);
