import type { StockRepository } from '../../fecmall/stock-repository';
import type { OrderRepository } from '../../fecmall/order-repository';
import type { JstClient } from '../../jst/client';
import type { RunContext } from '../run-context';
import type { OrderLedger } from '../../state/order-ledger';
import type { RetrySet } from '../../state/retry-set';
import type { StockRulesStore } from '../../state/stock-rules';
import type { SkuMappingSource } from '../../domain/sku-mapping';
import type { HintSource } from '../hint-drain';
import type { WarehouseListCache } from './warehouse-stock';

/**
 * The SKU retry set of syncInventory (docs/design.md §5; the RetrySet store fits it): SKUs that failed (bad
 * ERP row, a value the store cannot hold, lost every compare-and-set attempt) are retried by later
 * runs with backoff and given up on after a bounded number of attempts.
 */
export type SkuRetryPort = Pick<RetrySet, 'record' | 'due' | 'clear' | 'all' | 'size'>;

export interface InventoryPorts {
  /** Once a run has started, `inventoryPage(s)` are scoped to its warehouses (warehouse-stock.ts). */
  erp: Pick<JstClient, 'inventoryPages' | 'inventoryPage' | 'warehouses'>;
  stock: Pick<StockRepository, 'listSkus' | 'countSkus' | 'readStock' | 'writeStock'>;
  orders: Pick<OrderRepository, 'databaseNow' | 'horizonStartOrderId' | 'unitsHeldByOpenOrders'>;
  ledger: Pick<OrderLedger, 'getMany'>;
  retries: SkuRetryPort;
  /** The safety-stock rules (docs/design.md §14), read once per run; absent: no buffer (every unit offered). */
  stockRules?: Pick<StockRulesStore, 'safetyStock'>;
  /** The SKU mapping (docs/design.md §19), read once per run; absent: identity (store SKU = ERP sku_id). */
  skuMap?: SkuMappingSource;
  /** `HINT#syncInventory`: SKUs named by `inventory.upload` pushes (docs/design.md §18); absent: no drain. */
  hints?: HintSource;
  /** The container's warehouse list (docs/design.md §13), kept an hour; absent: asked at every run. */
  warehouseList?: WarehouseListCache;
}

export type InventoryCtx = Pick<RunContext, 'request' | 'env' | 'fence' | 'cursors' | 'clock' | 'logger' | 'metrics' | 'deadline' | 'progress'>;
