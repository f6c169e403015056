/**
 * `npm run bench -- inventory`: syncInventory against the ERP sandbox (own process, L calls/min, 50 ms
 * latency) and MariaDB. Prints: full sync of N SKUs as a ratio to the ERP-bound limit (L × 100 SKUs per
 * minute) and the store-side share of the time; an incremental run with 1% changed as a share of the
 * full run's ERP calls; the naive baseline (pages one after another, one UPDATE per SKU) on the same
 * data; peak RSS. Then one night at 15-minute polls (the schedule before issue #23; 03:00 full run, then every 15 minutes),
 * each invocation cut at the calls it can make in (timeout 300 s − margin 20 s) at the function's
 * share of the ERP budget: how many invocations the full pass needs and when it completes. Then the same
 * full sync with safety-stock rules on (a global rule + 1,000 prefix and SKU rules, read from a dynalite
 * state table; docs/design.md §14): its ratio next to the one without, and peak RSS of both. Then the same
 * full sync with a SKU mapping table of one row per SKU (BENCH_SKUS rows in the dynalite state table, every
 * store SKU mapped to another ERP code; docs/design.md §19) and the rules on: its ratio next to the one
 * without, and (memory run) the job's peak RSS with both. Sizes: BENCH_SKUS (100000), BENCH_L (1200),
 * BENCH_RSS_SKUS (200000; 0 skips the memory run). BENCH_SKU_MAP=only runs just the plain full sync, the
 * mapping variant and their memory runs.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { createStoreSchema } from '../fecmall/schema';
import { seedStore, skuOf } from '../fecmall/generator';
import { StockRepository } from '../../shared/fecmall/stock-repository';
import { OrderRepository } from '../../shared/fecmall/order-repository';
import { detectStoreSchema } from '../../shared/fecmall/store-schema';
import { createJstClient } from '../../shared/jst/client';
import { syncInventory } from '../../shared/jobs/inventory/sync-inventory';
import { DEMO_CREDENTIALS } from '../jst-sandbox/server';
import { MemoryRetrySet } from '../fakes/memory-retry-set';
import { startDynalite } from '../local/dynalite-server';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { stateTableDefinition, createStateDocumentClient } from '../../shared/state/state-table';
import { StockRulesStore } from '../../shared/state/stock-rules';
import { SkuMapStore } from '../../shared/state/sku-map';
import { benchErpCode, benchSkuMapRows } from './_sku-map';
import { benchStockRules } from './_stock-rules';
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

const N = Number(process.env.BENCH_SKUS ?? 100_000);
const L = Number(process.env.BENCH_L ?? 1200);
const RSS_N = Number(process.env.BENCH_RSS_SKUS ?? 200_000);
const SKU_MAP_ONLY = process.env.BENCH_SKU_MAP === 'only';
/** BENCH_MEMORY_ONLY=1: only the memory runs (job alone, bundled like the deployed function). */
const MEMORY_ONLY = process.env.BENCH_MEMORY_ONLY === '1';

/** Seeds the ERP with n SKUs; `mapped`: under the ERP codes of the mapping variant (_sku-map.ts). */
async function seedErp(url: string, n: number, modifiedMs: number, mapped = false): Promise<void> {
  for (let start = 1; start <= n; start += 5000) {
    const rows = [];
    for (let i = start; i < Math.min(start + 5000, n + 1); i++)
      rows.push({ sku_id: mapped ? benchErpCode(i) : skuOf(i), qty: (i * 37) % 500, order_lock: i % 3 });
    await adminPost(url, '/__admin/stock', { rows: rows.map((r) => ({ ...r, modifiedMs })) });
  }
}

/** Times spent in the store repository, to report the store-side share. */
function timedStock(stock: StockRepository) {
  let ms = 0;
  const time =
    <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
    async (...a: A) => {
      const t = performance.now();
      try {
        return await fn(...a);
      } finally {
        ms += performance.now() - t;
      }
    };
  return {
    port: {
      listSkus: time(stock.listSkus.bind(stock)),
      countSkus: time(stock.countSkus.bind(stock)),
      readStock: time(stock.readStock.bind(stock)),
      writeStock: time(stock.writeStock.bind(stock)),
    },
    ms: () => ms,
  };
}

/** A dynalite state table holding the bench's safety-stock rules, and the store the job reads them from. */
async function rulesInStateTable(n: number) {
  const dynamo = await startDynalite();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: process.env.AWS_REGION ?? 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
  });
  const client = new DynamoDBClient({});
  await client.send(new CreateTableCommand(stateTableDefinition('bench-state')));
  client.destroy();
  const doc = createStateDocumentClient();
  const store = new StockRulesStore(doc, 'bench-state');
  const rules = benchStockRules(n);
  await store.write(rules, [], Date.now(), 'bench');
  return { store, rules: rules.length, stop: async () => (doc.destroy(), await dynamo.stop()) };
}

/** The bench's SKU mapping table (one row per SKU) in the state table of `state`, imported as an operator would. */
async function skuMapInStateTable(n: number): Promise<{ store: SkuMapStore; rows: number; importMs: number; coldReadMs: number }> {
  const store = new SkuMapStore(createStateDocumentClient(), 'bench-state');
  const t0 = performance.now();
  await store.apply(await store.plan(benchSkuMapRows(n), false), Date.now(), 'bench');
  const importMs = performance.now() - t0;
  // What a cold container pays once (a warm one reads the meta item only): the rows' paged Query and the maps.
  const t1 = performance.now();
  await new SkuMapStore(createStateDocumentClient(), 'bench-state').mapping();
  return { store, rows: n, importMs, coldReadMs: performance.now() - t1 };
}

async function run(n: number, l: number, label: string, stockRules?: StockRulesStore, skuMap?: SkuMapStore) {
  const db = await benchDatabase(label);
  const sandbox = await sandboxProcess({ perSecond: Math.ceil(l / 60), perMinute: l, latencyMs: 50 });
  try {
    await createStoreSchema(db.pool, 'core');
    await seedStore(db.pool, { products: n, orders: 0, flavour: 'core' });
    await seedErp(sandbox.url, n, Date.now() - 3_600_000, skuMap !== undefined);
    const schema = await detectStoreSchema(db.pool);
    const erp = createJstClient({
      credentials: { generation: 'open', ...DEMO_CREDENTIALS.open },
      baseUrl: sandbox.url,
      rateLimit: { perSecond: Math.ceil(l / 60), perMinute: l },
    });
    const stock = timedStock(new StockRepository(db.pool));
    const ports = {
      erp,
      stock: stock.port,
      orders: new OrderRepository(db.pool, schema),
      ledger: memoryLedger(),
      retries: new MemoryRetrySet(),
      ...(stockRules ? { stockRules } : {}),
      ...(skuMap ? { skuMap } : {}),
    };
    const env = benchEnvironment({ STOCK_FORMULA: 'available', SETTLE_LAG_SECONDS: '0', LOOKBACK_SECONDS: '0' });
    const rss = rssSampler();
    const callsBefore = (await adminStats(sandbox.url)).calls;
    const t0 = performance.now();
    const full = await syncInventory(ports, benchContext(env, { mode: 'full' }));
    const fullMs = performance.now() - t0;
    const fullCalls = (await adminStats(sandbox.url)).calls - callsBefore;
    rss.stop();
    return { db, sandbox, erp, ports, env, full, fullMs, fullCalls, storeMs: stock.ms(), peakRssMb: rss.peakMb() };
  } catch (error) {
    sandbox.stop();
    await db.drop();
    throw error;
  }
}

/** Peak RSS of a full sync of RSS_N SKUs, measured in a process that only runs the job. */
async function memoryRun(): Promise<void> {
  const without = await memoryRunOnce(false);
  const withRules = SKU_MAP_ONLY ? undefined : await memoryRunOnce(true);
  const withMap = await memoryRunOnce(true, true);
  printTable('syncInventory memory (job alone in its own process)', [
    { measure: `SKUs whose product_flat.qty differs from product_flat_qty.qty after the pass`, value: without.off },
    { measure: 'RSS (MB) of the process before the job (node, the bundle loaded)', value: +without.startRssMb.toFixed(0) },
    { measure: `peak RSS (MB), full sync of ${RSS_N} SKUs`, value: +without.peakRssMb.toFixed(0) },
    ...(withRules ? [{ measure: `peak RSS (MB), full sync of ${RSS_N} SKUs, safety-stock rules on`, value: +withRules.peakRssMb.toFixed(0) }] : []),
    { measure: `peak RSS (MB), full sync of ${RSS_N} SKUs, rules on + ${RSS_N}-row SKU mapping table`, value: +withMap.peakRssMb.toFixed(0) },
    { measure: 'SKUs updated (without / rules / rules + map)', value: `${without.updated} / ${withRules?.updated ?? '-'} / ${withMap.updated}` },
    { measure: 'SKUs held back (rules on)', value: withRules?.heldBackSkus ?? withMap.heldBackSkus ?? 0 },
    {
      measure: 'time (s) (without / rules / rules + map)',
      value: `${(without.ms / 1000).toFixed(1)} / ${withRules ? (withRules.ms / 1000).toFixed(1) : '-'} / ${(withMap.ms / 1000).toFixed(1)}`,
    },
  ]);
}

async function memoryRunOnce(rules: boolean, skuMap = false) {
  const l = 60_000;
  const db = await benchDatabase('rss');
  const sandbox = await sandboxProcess({ perSecond: Math.ceil(l / 60), perMinute: l, latencyMs: 5 });
  try {
    await createStoreSchema(db.pool, 'core');
    await seedStore(db.pool, { products: RSS_N, orders: 0, flavour: 'core' });
    await seedErp(sandbox.url, RSS_N, Date.now() - 3_600_000, skuMap);
    // The store's copy (product_flat.qty) is off everywhere before the pass: the pass must mend it.
    await db.pool.query('UPDATE product_flat SET qty = qty + 1');
    const [rows] = await db.pool.query('SELECT DATABASE() AS name');
    const u = new URL(db.server.url);
    const connection = {
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username || 'root'),
      password: decodeURIComponent(u.password),
      database: (rows as Array<{ name: string }>)[0]!.name,
    };
    // Bundled by esbuild and run by plain node, as the deployed function runs its bundle: under tsx the
    // loader and its TypeScript transform alone add about 35 MB to the process.
    const bundle = join(tmpdir(), `fecjst-inventory-full-${process.pid}.cjs`);
    buildSync({
      entryPoints: [join(__dirname, '_inventory-full.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile: bundle,
      logLevel: 'error',
    });
    // BENCH_CHILD_NODE_ARGS (e.g. --max-old-space-size=64): node flags for the job's process only.
    const nodeArgs = (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawnSync(process.execPath, [...nodeArgs, bundle], {
      env: {
        ...process.env,
        BENCH_DB: JSON.stringify(connection),
        BENCH_SANDBOX_URL: sandbox.url,
        BENCH_L: String(l),
        BENCH_SKUS: String(RSS_N),
        BENCH_STOCK_RULES: rules ? '1' : '0',
        BENCH_SKU_MAP_ROWS: skuMap ? String(RSS_N) : '0',
      },
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    rmSync(bundle, { force: true });
    if (child.status !== 0) throw new Error(`memory run failed: ${child.stderr}`);
    const result = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as {
      ms: number;
      peakRssMb: number;
      startRssMb: number;
      updated: number;
      heldBackSkus?: number;
    };
    // Issue #26: after the full pass both stock tables agree for every SKU (product_flat.qty is the copy).
    const [off] = await db.pool.query(
      'SELECT COUNT(*) AS n FROM product_flat_qty q JOIN product_flat p ON p.id = CAST(q.product_id AS UNSIGNED) WHERE p.qty <> q.qty',
    );
    return { ...result, off: Number((off as Array<{ n: number }>)[0]!.n) };
  } finally {
    sandbox.stop();
    await db.drop();
  }
}

async function main(): Promise<void> {
  if (MEMORY_ONLY) {
    await memoryRun();
    return;
  }
  console.log(`syncInventory benchmark: ${N} SKUs, sandbox at L=${L} calls/min (${Math.ceil(L / 60)}/s), 50 ms latency`);
  const r = await run(N, L, 'inv');
  const skusPerMin = N / (r.fullMs / 60_000);
  const bound = L * 100;
  if (SKU_MAP_ONLY) {
    r.sandbox.stop();
    await r.db.drop();
    await skuMapTable(skusPerMin / bound, r.peakRssMb);
    if (RSS_N > 0) await memoryRun();
    return;
  }

  // Incremental: 1% of SKUs change in the ERP after the full run.
  const ctx = benchContext(r.env);
  await ctx.cursors.advance('incremental', Date.now() - 1000); // as after the full pass (a first run would start one)
  const changed = Math.floor(N / 100);
  await adminPost(r.sandbox.url, '/__admin/stock', { rows: Array.from({ length: changed }, (_, i) => ({ sku_id: skuOf(1 + i * 100), qty: 999 })) });
  const before = (await adminStats(r.sandbox.url)).calls;
  const inc = await syncInventory(r.ports, ctx);
  const incCalls = (await adminStats(r.sandbox.url)).calls - before;

  // Naive baseline (the old add-on's description): one ERP page after another, one UPDATE per SKU.
  const baseN = Math.min(N, 20_000);
  const tb = performance.now();
  for (let start = 1; start <= baseN; start += 100) {
    const skus = Array.from({ length: Math.min(100, baseN - start + 1) }, (_, i) => skuOf(start + i));
    for await (const page of r.erp.inventoryPages({ skuIds: skus })) {
      for (const row of page.rows) {
        // skuOf(i) is product id i in the generated store.
        const productId = Number(row.sku_id.slice(4));
        await r.db.pool.query('UPDATE product_flat_qty SET qty = ? WHERE product_id = ?', [row.qty, String(productId)]);
        await r.db.pool.query('UPDATE product_flat SET qty = ? WHERE id = ?', [row.qty, productId]);
      }
    }
  }
  const baselineMs = performance.now() - tb;
  const baselineSkusPerMin = baseN / (baselineMs / 60_000);
  const stats = await adminStats(r.sandbox.url);
  await nightTable(r);
  r.sandbox.stop();
  await r.db.drop();

  printTable('syncInventory', [
    { measure: 'full sync SKUs', value: N },
    { measure: 'full sync time (s)', value: +(r.fullMs / 1000).toFixed(1) },
    { measure: 'full sync SKUs/min', value: Math.round(skusPerMin) },
    { measure: 'ERP-bound limit SKUs/min (L×100)', value: bound },
    { measure: 'ratio to ERP-bound limit', value: +(skusPerMin / bound).toFixed(3) },
    { measure: 'store-side share of full time', value: +(r.storeMs / r.fullMs).toFixed(3) },
    { measure: 'full sync ERP calls', value: r.fullCalls },
    { measure: 'full sync ERP minutes at the account limit (calls/100)', value: +(r.fullCalls / 100).toFixed(1) },
    { measure: 'SKUs updated / failed', value: `${r.full.counts.updated} / ${r.full.counts.failed}` },
    { measure: 'incremental (1% changed) ERP calls', value: incCalls },
    { measure: 'incremental calls / full calls', value: +(incCalls / r.fullCalls).toFixed(4) },
    { measure: 'incremental SKUs updated', value: inc.counts.updated ?? 0 },
    { measure: `naive baseline SKUs/min (${baseN} SKUs)`, value: Math.round(baselineSkusPerMin) },
    { measure: 'ratio to naive baseline', value: +(skusPerMin / baselineSkusPerMin).toFixed(2) },
    { measure: 'rate-limit rejections', value: stats.rateLimited },
  ]);

  await rulesTable(skusPerMin / bound, r.peakRssMb);
  await skuMapTable(skusPerMin / bound, r.peakRssMb);

  if (RSS_N > 0) await memoryRun();
}

/** The same full sync with a one-row-per-SKU mapping table and the safety-stock rules on (docs/design.md §19). */
async function skuMapTable(ratioWithout: number, rssWithout: number): Promise<void> {
  const state = await rulesInStateTable(N);
  try {
    const map = await skuMapInStateTable(N);
    const r = await run(N, L, 'inv-skumap', state.store, map.store);
    r.sandbox.stop();
    await r.db.drop();
    const ratio = N / (r.fullMs / 60_000) / (L * 100);
    printTable(`syncInventory full sync of ${N} SKUs with a ${map.rows}-row SKU mapping table and ${state.rules} safety-stock rules on`, [
      { measure: 'ratio to ERP-bound limit, without', value: +ratioWithout.toFixed(3) },
      { measure: 'ratio to ERP-bound limit, mapping table + rules on', value: +ratio.toFixed(3) },
      { measure: 'mapping + rules vs without (%)', value: +((ratio / ratioWithout - 1) * 100).toFixed(1) },
      {
        measure: 'SKUs updated / failed / unknown to the ERP',
        value: `${r.full.counts.updated} / ${r.full.counts.failed} / ${r.full.counts.storeSkusUnknownToErp}`,
      },
      { measure: `import of the ${map.rows}-row table into dynalite (s)`, value: +(map.importMs / 1000).toFixed(1) },
      { measure: 'cold read of the table from dynalite, once per container (s; inside the run above)', value: +(map.coldReadMs / 1000).toFixed(1) },
      { measure: 'peak RSS of the bench process (MB), without / mapping + rules', value: `${rssWithout.toFixed(0)} / ${r.peakRssMb.toFixed(0)}` },
    ]);
  } finally {
    await state.stop();
  }
}

/** The same full sync with safety-stock rules on, on fresh data: its ratio next to the one without. */
async function rulesTable(ratioWithout: number, rssWithout: number): Promise<void> {
  const state = await rulesInStateTable(N);
  try {
    const r = await run(N, L, 'inv-rules', state.store);
    r.sandbox.stop();
    await r.db.drop();
    const ratio = N / (r.fullMs / 60_000) / (L * 100);
    printTable(`syncInventory full sync of ${N} SKUs with safety-stock rules on (${state.rules} rules: global + prefixes + SKUs)`, [
      { measure: 'ratio to ERP-bound limit, without rules', value: +ratioWithout.toFixed(3) },
      { measure: 'ratio to ERP-bound limit, rules on', value: +ratio.toFixed(3) },
      { measure: 'rules on vs without (%)', value: +((ratio / ratioWithout - 1) * 100).toFixed(1) },
      { measure: 'SKUs held back / units held back', value: `${r.full.counts.heldBackSkus} / ${r.full.counts.heldBackUnits}` },
      { measure: 'SKUs updated / failed', value: `${r.full.counts.updated} / ${r.full.counts.failed}` },
      { measure: 'peak RSS of the bench process (MB), without / rules on', value: `${rssWithout.toFixed(0)} / ${r.peakRssMb.toFixed(0)}` },
    ]);
  } finally {
    await state.stop();
  }
}

/**
 * A night at 15-minute polls (the schedule before issue #23): the 03:00 full run and the 15-minute scheduled runs after it, each
 * invocation stopped (soft deadline) once it has made the ERP calls that fit in 280 s at `share`
 * calls/min; 0.1% of the SKUs change in the ERP between runs. Returns invocations and calls.
 */
async function night(r: Awaited<ReturnType<typeof run>>, share: number) {
  const perInvocation = Math.floor(((300 - 20) / 60) * share);
  const positions = new Map<string, unknown>([['incremental', Date.now() - 15 * 60_000]]);
  const cursors = {
    read: async <T>(name: string) => positions.get(name) as T | undefined,
    advance: async (name: string, p: unknown) => void (p === null ? positions.delete(name) : positions.set(name, p)),
  };
  const start = r.erp.stats.calls;
  let invocations = 0;
  let done = 0;
  let total = 0;
  for (let complete = false; !complete && invocations < 100;) {
    invocations++;
    const changed = Math.max(1, Math.floor(N / 1000));
    await adminPost(r.sandbox.url, '/__admin/stock', {
      rows: Array.from({ length: changed }, (_, i) => ({ sku_id: skuOf(1 + ((i * 997 + invocations * 31) % N)), qty: 100 + invocations })),
    });
    const before = r.erp.stats.calls;
    const deadline = { expired: () => r.erp.stats.calls - before >= perInvocation, remainingMs: () => 1000 };
    const ctx = { ...benchContext(r.env, { trigger: 'schedule', mode: invocations === 1 ? 'full' : 'incremental' }), cursors, deadline };
    const out = await syncInventory(r.ports, ctx);
    const pass = out.details?.fullPass as { done: number; total: number; complete: boolean } | undefined;
    complete = pass?.complete ?? true;
    done = pass?.done ?? done;
    total = pass?.total ?? total;
  }
  return { perInvocation, invocations, calls: r.erp.stats.calls - start, done, total };
}

async function nightTable(r: Awaited<ReturnType<typeof run>>): Promise<void> {
  const rows: Array<Record<string, string | number>> = [];
  for (const share of [50, 100]) {
    const n = await night(r, share);
    const finishMin = (n.invocations - 1) * 15 + (n.calls - (n.invocations - 1) * n.perInvocation) / share;
    const finish = `${String(3 + Math.floor(finishMin / 60)).padStart(2, '0')}:${String(Math.round(finishMin % 60)).padStart(2, '0')}`;
    rows.push({
      'share (calls/min)': share,
      'calls per invocation': n.perInvocation,
      'pass SKUs done/total': `${n.done}/${n.total}`,
      'ERP calls (pass + windows)': n.calls,
      'ERP minutes at 100/min': +(n.calls / 100).toFixed(1),
      invocations: n.invocations,
      'pass complete by (Beijing)': finish,
      'within the night (before 06:00)': finishMin < 180 ? 'yes' : 'no',
    });
  }
  printTable(`syncInventory full pass of ${N} SKUs over one night (03:00 full run, then every 15 min; 280 s per invocation)`, rows);
}

runBench(main);
