import { randomUUID } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { createStoreSchema } from '../../dev/fecmall/schema';
import { seedStore, skuOf } from '../../dev/fecmall/generator';
import { startJstSandbox, DEMO_SHOP_ID, type JstSandbox } from '../../dev/jst-sandbox/server';
import { startDynalite, type DynaliteServer } from '../../dev/local/dynalite-server';
import { loadEnvironment } from '../../shared/config/environment';
import { OrderRepository } from '../../shared/fecmall/order-repository';
import { StockRepository } from '../../shared/fecmall/stock-repository';
import { detectStoreSchema } from '../../shared/fecmall/store-schema';
import type { InventoryPorts } from '../../shared/jobs/inventory/inventory-ports';
import { syncInventory } from '../../shared/jobs/inventory/sync-inventory';
import type { WarehouseListCache } from '../../shared/jobs/inventory/warehouse-stock';
import { createJstClient } from '../../shared/jst/client';
import { BoundCursors } from '../../shared/runtime/bound-cursors';
import type { JobRequest } from '../../shared/domain/job-request';
import { noDeadline, silentLogger, type Deadline } from '../../shared/domain/ports';
import type { RunOutcome } from '../../shared/domain/run-outcome';
import { CursorStore } from '../../shared/state/cursor-store';
import { LeaseStore } from '../../shared/state/lease';
import { OrderLedger } from '../../shared/state/order-ledger';
import { RetrySet } from '../../shared/state/retry-set';
import { createStateDocumentClient } from '../../shared/state/state-table';
import { StockRulesStore } from '../../shared/state/stock-rules';
import { createTestDatabase, dropTestDatabase, type TestDatabase } from './mysql';
import { createStateTable } from './state-table';

export interface RunOptions {
  env?: Record<string, string>;
  deadline?: Deadline;
  /** Added to the wall clock (to let retry-set backoff pass). */
  clockOffsetMs?: number;
  /** Wraps the real stock repository (e.g. a checkout between read and write). */
  stock?: (real: StockRepository) => InventoryPorts['stock'];
  /** Another ERP URL (a recording proxy in front of the sandbox). */
  erpUrl?: string;
  /** The container's warehouse list cache, shared by the runs given the same one (a warm Lambda). */
  warehouseList?: WarehouseListCache;
}

export interface InventoryHarness {
  db: TestDatabase;
  sandbox: JstSandbox;
  table: string;
  cursors: CursorStore;
  /** Runs syncInventory once with real adapters (MariaDB, the sandbox over HTTP, dynalite state). */
  run(request?: Partial<JobRequest>, options?: RunOptions): Promise<{ outcome: RunOutcome; metrics: Record<string, number> }>;
  storeQty(sku: string): Promise<number | null>;
  setStoreQty(sku: string, qty: number): Promise<void>;
  retrySet(): RetrySet;
  /** The safety-stock rules every run reads (the state table's STOCK_RULES partition). */
  stockRules: StockRulesStore;
}

/** A deadline that expires after `checks` calls of expired(). */
export function deadlineAfterChecks(checks: number): Deadline {
  let n = 0;
  return { expired: () => ++n > checks, remainingMs: () => (n >= checks ? 0 : 60_000) };
}

/** A fresh store of `products` SKUs (no orders), the ERP sandbox, and a dynalite state table for one test file. */
export function useInventoryHarness(options: { products: number }): () => InventoryHarness {
  let harness: InventoryHarness | undefined;
  let dynamo: DynaliteServer | undefined;
  beforeAll(async () => {
    const db = await createTestDatabase('inv');
    await createStoreSchema(db.pool, 'core');
    await seedStore(db.pool, { products: options.products, orders: 0, flavour: 'core' });
    const sandbox = await startJstSandbox({ rateLimit: { perSecond: 1000, perMinute: 100_000 } });
    dynamo = await startDynalite();
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
    const table = await createStateTable();
    const doc = createStateDocumentClient();
    const cursors = new CursorStore(doc, table);
    const leases = new LeaseStore(doc, table);
    const schema = await detectStoreSchema(db.pool);
    const retrySet = (maxAttempts = 8) => new RetrySet(doc, table, 'syncInventory', { maxAttempts });
    harness = {
      db,
      sandbox,
      table,
      cursors,
      retrySet: () => retrySet(),
      stockRules: new StockRulesStore(doc, table),
      async run(request = {}, o = {}) {
        const env = loadEnvironment({
          STATE_TABLE: table,
          JST_SECRET_ID: 'x',
          DB_SECRET_ID: 'x',
          JST_SHOP_ID: String(DEMO_SHOP_ID),
          SETTLE_LAG_SECONDS: '0',
          ...o.env,
        });
        const clock = { now: () => Date.now() + (o.clockOffsetMs ?? 0) };
        const lease = await leases.acquire('syncInventory', randomUUID(), 60_000, clock.now());
        if (!lease) throw new Error('lease held');
        const metrics: Record<string, number> = {};
        const erp = createJstClient({
          credentials: { generation: 'open', ...sandbox.credentials.open },
          baseUrl: o.erpUrl ?? sandbox.url,
          rateLimit: { perSecond: 500, perMinute: 50_000 },
        });
        const stock = new StockRepository(db.pool);
        try {
          const outcome = await syncInventory(
            {
              erp,
              stock: o.stock ? o.stock(stock) : stock,
              orders: new OrderRepository(db.pool, schema),
              ledger: new OrderLedger(doc, table, DEMO_SHOP_ID),
              retries: retrySet(env.INVENTORY_RETRY_MAX_ATTEMPTS),
              stockRules: new StockRulesStore(doc, table),
              ...(o.warehouseList ? { warehouseList: o.warehouseList } : {}),
            },
            {
              request: { trigger: 'schedule', dryRun: false, mode: 'incremental', ...request },
              env,
              fence: lease.fence,
              cursors: new BoundCursors(cursors, 'syncInventory', lease.fence, clock),
              clock,
              logger: silentLogger,
              metrics: {
                count: (name, value = 1) => void (metrics[name] = (metrics[name] ?? 0) + value),
                gauge: (name, value) => void (metrics[name] = value),
              },
              deadline: o.deadline ?? noDeadline,
            },
          );
          return { outcome, metrics };
        } finally {
          await leases.release(lease);
        }
      },
      async storeQty(sku) {
        const [rows] = await db.pool.query<RowDataPacket[]>(
          'SELECT q.qty, p.qty AS mirror FROM product_flat p LEFT JOIN product_flat_qty q ON q.product_id = CAST(p.id AS CHAR) WHERE p.sku = ?',
          [sku],
        );
        return rows[0]?.qty === null || rows[0] === undefined ? null : Number(rows[0].qty);
      },
      async setStoreQty(sku, qty) {
        const id = Number(sku.slice(4));
        await db.pool.query('INSERT INTO product_flat_qty (product_id, qty) VALUES (?, ?) ON DUPLICATE KEY UPDATE qty = VALUES(qty)', [String(id), qty]);
      },
    };
  });
  afterAll(async () => {
    await harness?.sandbox.close();
    await dynamo?.stop();
    if (harness) await dropTestDatabase(harness.db);
  });
  return () => {
    if (!harness) throw new Error('inventory harness not ready');
    return harness;
  };
}

export { skuOf };
