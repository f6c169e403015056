/**
 * One full syncInventory run in a process of its own, so its peak RSS is the job's alone (the parent
 * seeded the data). Reads BENCH_DB (JSON connection), BENCH_SANDBOX_URL, BENCH_L, and BENCH_STOCK_RULES=1 for
 * the safety-stock rules of _stock-rules.ts (BENCH_SKUS SKUs), BENCH_SKU_MAP_ROWS=N for a mapping table of N rows
 * (_sku-map.ts, built in this process as a run builds it from the state table); prints one JSON line.
 */
import mysql from 'mysql2/promise';
import { StockRepository } from '../../shared/fecmall/stock-repository';
import { OrderRepository } from '../../shared/fecmall/order-repository';
import { detectStoreSchema } from '../../shared/fecmall/store-schema';
import { createJstClient } from '../../shared/jst/client';
import { syncInventory } from '../../shared/jobs/inventory/sync-inventory';
import { DEMO_CREDENTIALS } from '../jst-sandbox/server';
import { MemoryRetrySet } from '../fakes/memory-retry-set';
import { benchSafetyStockSource } from './_stock-rules';
import { benchSkuMapRows } from './_sku-map';
import { SkuMapping } from '../../shared/domain/sku-mapping';
import { benchContext, benchEnvironment, memoryLedger, rssSampler } from './_support';

async function main(): Promise<void> {
  const startRssMb = process.memoryUsage().rss / 1048576;
  const rss = rssSampler();
  const pool = mysql.createPool({ ...(JSON.parse(process.env.BENCH_DB!) as mysql.PoolOptions), connectionLimit: 4 });
  const l = Number(process.env.BENCH_L);
  const erp = createJstClient({
    credentials: { generation: 'open', ...DEMO_CREDENTIALS.open },
    baseUrl: process.env.BENCH_SANDBOX_URL,
    rateLimit: { perSecond: Math.ceil(l / 60), perMinute: l },
  });
  const schema = await detectStoreSchema(pool);
  const mapRows = Number(process.env.BENCH_SKU_MAP_ROWS ?? 0);
  const skuMap = mapRows > 0 ? { mapping: async () => new SkuMapping(benchSkuMapRows(mapRows)) } : undefined;
  const t0 = performance.now();
  const summary = await syncInventory(
    {
      erp,
      stock: new StockRepository(pool),
      orders: new OrderRepository(pool, schema),
      ledger: memoryLedger(),
      retries: new MemoryRetrySet(),
      ...(process.env.BENCH_STOCK_RULES === '1' ? { stockRules: benchSafetyStockSource(Number(process.env.BENCH_SKUS)) } : {}),
      ...(skuMap ? { skuMap } : {}),
    },
    benchContext(benchEnvironment({ STOCK_FORMULA: 'available' }), { mode: 'full' }),
  );
  const ms = performance.now() - t0;
  await pool.end();
  process.stdout.write(
    `${JSON.stringify({ ms, peakRssMb: rss.peakMb(), startRssMb, updated: summary.counts.updated, heldBackSkus: summary.counts.heldBackSkus })}\n`,
  );
}

void main().then(() => process.exit(0));
