import type { Pool } from 'mysql2/promise';
import type { Environment } from '../config/environment';
import { createStorePool } from '../fecmall/store-pool';
import { detectStoreSchema, type StoreSchema } from '../fecmall/store-schema';
import { StockRepository } from '../fecmall/stock-repository';
import { OrderRepository } from '../fecmall/order-repository';
import { ShipmentRepository } from '../fecmall/shipment-repository';
import { createJstClient, type JstClient } from '../jst/client';
import type { RuntimeServices } from '../runtime/run-context';
import type { JobName } from '../domain/job-request';
import { SharedErpBudget } from '../state/erp-budget';
import { budgetConfig } from '../state/erp-budget-config';
import { ErpBudgetStore } from '../state/erp-budget-store';
import { OrderLedger } from '../state/order-ledger';
import { RetrySet } from '../state/retry-set';
import { StockRulesStore } from '../state/stock-rules';
import { SkuMapStore } from '../state/sku-map';
import { ErpCancellationLog } from '../state/erp-cancellations';
import { PushHints } from '../state/push-hints';
import { OrderCancelRepository } from '../fecmall/order-cancel-repository';
import type { ErpCancellationPorts } from '../jobs/shipping/erp-cancellations';
import { WarehouseListCache } from '../jobs/inventory/warehouse-stock';

/** The hint partition of `cancel.order` pushes (HINT#syncShipping#cancel; the hint store: shared/state/push-hints.ts). */
export const ERP_CANCEL_HINT_JOB = 'syncShipping#cancel';

/**
 * The warehouse lists of this container (docs/design.md §13), per ERP secret and URL: kept by the module,
 * not the dependencies, so they outlive a rebuild of the dependencies (after `invoke local` disposed them,
 * or an authentication failure) exactly as long as the container lives.
 */
const warehouseLists = new Map<string, WarehouseListCache>();

function containerWarehouseList(env: Environment): WarehouseListCache {
  const key = `${env.JST_SECRET_ID}|${env.JST_BASE_URL ?? ''}`;
  let list = warehouseLists.get(key);
  if (!list) warehouseLists.set(key, (list = new WarehouseListCache()));
  return list;
}

/** The real adapters of one cold start, shared by the three functions (each uses what it needs). */
export interface ConnectorDependencies {
  erp: JstClient;
  pool: Pool;
  schema: StoreSchema;
  stock: StockRepository;
  orders: OrderRepository;
  shipments: ShipmentRepository;
  ledger: OrderLedger;
  /** syncShipping's retry set (shipments not applied yet). */
  shippingRetries: RetrySet;
  /** syncInventory's SKU retry set. */
  inventoryRetries: RetrySet;
  /** syncInventory's safety-stock rules (docs/design.md §14). */
  stockRules: StockRulesStore;
  /** The SKU mapping of syncInventory, pushOrders and its reconcile (docs/design.md §19): the table cached per container, version-checked each run. */
  skuMap: SkuMapStore;
  /** syncInventory's warehouse list, kept for an hour by this container (docs/design.md §13; containerWarehouseList). */
  warehouseList: WarehouseListCache;
  /** syncShipping's ERP-cancellation step: `cancel.order` hints, the cancellation records, the store's cancel. */
  erpCancellations: ErpCancellationPorts;
  /** HINT#syncInventory: SKUs named by `inventory.upload` pushes (docs/design.md §18). */
  inventoryHints: PushHints;
  /** HINT#syncShipping: so_ids named by `logistics.upload` pushes. */
  shippingHints: PushHints;
  /** The account-wide ERP budget this function draws from (absent with JST_BUDGET=local). */
  budget?: SharedErpBudget;
}

/**
 * Reads both secrets, builds the ERP client (its token keeper re-reads the ERP secret and writes
 * renewed tokens back to it; with JST_BUDGET=shared its calls draw from the account-wide budget in the
 * state table, under `job`'s priority), one mysql2 pool with the detected store schema, and the ledger.
 */
export async function buildConnectorDependencies(env: Environment, runtime: RuntimeServices, job?: JobName): Promise<ConnectorDependencies> {
  const [jst, db] = await Promise.all([runtime.secrets.loadJstCredentials(env.JST_SECRET_ID), runtime.secrets.loadDbCredentials(env.DB_SECRET_ID)]);
  const { stateClient } = runtime;
  const budget =
    env.JST_BUDGET === 'shared'
      ? new SharedErpBudget({
          store: new ErpBudgetStore(stateClient, env.STATE_TABLE, env.JST_BUDGET_ACCOUNT),
          config: budgetConfig(env),
          job: job ?? 'manual',
          account: env.JST_BUDGET_ACCOUNT,
          logger: runtime.logger,
        })
      : undefined;
  const erp = createJstClient({
    credentials: jst,
    baseUrl: env.JST_BASE_URL,
    // Shared: the container paces at the account's limits and the budget shares them; local: its own share.
    rateLimit: budget
      ? { perSecond: env.JST_BUDGET_PER_SECOND, perMinute: env.JST_BUDGET_PER_MINUTE, budget }
      : { perSecond: env.JST_RATE_PER_SECOND, perMinute: env.JST_RATE_PER_MINUTE },
    timeoutMs: env.JST_TIMEOUT_MS,
    logger: runtime.logger,
    tokenStore: runtime.secrets.jstTokenStore(env.JST_SECRET_ID),
  });
  const pool = createStorePool(db);
  try {
    const schema = await detectStoreSchema(pool);
    runtime.logger.info('store schema detected', { ...schema });
    return {
      erp,
      pool,
      schema,
      stock: new StockRepository(pool),
      orders: new OrderRepository(pool, schema, env.ORDER_READY_STATUSES),
      shipments: new ShipmentRepository(pool, schema),
      ledger: new OrderLedger(stateClient, env.STATE_TABLE, env.JST_SHOP_ID),
      shippingRetries: new RetrySet(stateClient, env.STATE_TABLE, 'syncShipping', { maxAttempts: env.SHIPPING_RETRY_MAX_ATTEMPTS }),
      inventoryRetries: new RetrySet(stateClient, env.STATE_TABLE, 'syncInventory', { maxAttempts: env.INVENTORY_RETRY_MAX_ATTEMPTS }),
      stockRules: new StockRulesStore(stateClient, env.STATE_TABLE),
      skuMap: new SkuMapStore(stateClient, env.STATE_TABLE, { transform: env.SKU_TRANSFORM }),
      inventoryHints: new PushHints(stateClient, env.STATE_TABLE, 'syncInventory'),
      shippingHints: new PushHints(stateClient, env.STATE_TABLE, 'syncShipping'),
      warehouseList: containerWarehouseList(env),
      erpCancellations: {
        erp,
        hints: new PushHints(stateClient, env.STATE_TABLE, ERP_CANCEL_HINT_JOB),
        log: new ErpCancellationLog(stateClient, env.STATE_TABLE, env.JST_SHOP_ID),
        store: new OrderCancelRepository(pool, schema),
      },
      ...(budget ? { budget } : {}),
    };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}

export async function disposeConnectorDependencies(deps: ConnectorDependencies): Promise<void> {
  await deps.pool.end().catch(() => undefined);
}
