import { MemoryRetrySet } from '../../dev/fakes/memory-retry-set';
import { loadEnvironment } from '../../shared/config/environment';
import type { StockChange, StockWriteResult, StoreStock } from '../../shared/fecmall/stock-repository';
import type { InventoryCtx, InventoryPorts } from '../../shared/jobs/inventory/inventory-ports';
import { formatBeijing } from '../../shared/domain/beijing-time';
import type { InventoryQuery, Page, TimeRange } from '../../shared/jst/client';
import type { InventoryRow, WarehouseRow } from '../../shared/jst/reply-schemas';
import type { JobRequest } from '../../shared/domain/job-request';
import { silentLogger, type Deadline } from '../../shared/domain/ports';
import type { LedgerEntry } from '../../shared/state/order-ledger';

/** An ERP row as the client returns it. */
export function erpRow(sku: string, qty: number, orderLock = 0, modifiedMs = Date.UTC(2026, 10, 1)): InventoryRow {
  return {
    sku_id: sku,
    qty,
    order_lock: orderLock,
    pick_lock: 0,
    virtual_qty: 0,
    purchase_qty: 0,
    return_qty: 0,
    in_qty: 0,
    defective_qty: 0,
    modified: formatBeijing(modifiedMs),
  };
}

/** The main warehouse of the fake ERP (its only one unless a test adds more). */
export const FAKE_MAIN_WAREHOUSE = 1;

/** In-memory ERP inventory of one warehouse: by SKU list (one page) or by modified range (pages of 100). */
export class FakeErp {
  readonly rows = new Map<string, { row: InventoryRow; modifiedMs: number }>();
  readonly warehouseList: WarehouseRow[] = [{ wms_co_id: FAKE_MAIN_WAREHOUSE, name: '主仓', is_main: true }];
  readonly askedSkus: string[] = [];
  readonly queries: InventoryQuery[] = [];

  set(sku: string, qty: number, orderLock = 0, modifiedMs = Date.UTC(2026, 10, 1)): void {
    this.rows.set(sku, { row: erpRow(sku, qty, orderLock, modifiedMs), modifiedMs });
  }

  async warehouses(): Promise<WarehouseRow[]> {
    return this.warehouseList;
  }

  async *inventoryPages(query: InventoryQuery): AsyncIterable<Page<InventoryRow>> {
    this.queries.push(query);
    this.askedSkus.push(...(query.skuIds ?? []));
    const rows = (query.skuIds ?? []).flatMap((sku) => {
      const r = this.rows.get(sku);
      return r ? [r.row] : [];
    });
    yield { pageIndex: 1, rows, invalid: [], hasNext: false, duplicates: 0 };
  }

  async inventoryPage(query: InventoryQuery & { modified: TimeRange }, pageIndex: number): Promise<Page<InventoryRow>> {
    this.queries.push(query);
    const inRange = [...this.rows.values()].filter((r) => r.modifiedMs >= query.modified.fromMs && r.modifiedMs <= query.modified.toMs).map((r) => r.row);
    const rows = inRange.slice((pageIndex - 1) * 100, pageIndex * 100);
    return { pageIndex, rows, invalid: [], hasNext: inRange.length > pageIndex * 100, duplicates: 0 };
  }
}

/** In-memory store stock with the repository's compare-and-set semantics. */
export class FakeStock {
  readonly qty = new Map<string, number | null>();
  private readonly ids = new Map<string, number>();
  /** Called inside writeStock before the compare (a checkout racing the write). */
  beforeWrite: (() => void) | undefined;

  constructor(skus: readonly string[], initial: number | null = 0) {
    skus.forEach((sku, i) => {
      this.ids.set(sku, i + 1);
      this.qty.set(sku, initial);
    });
  }

  async listSkus(afterSku: string | undefined, limit: number) {
    return [...this.ids.keys()]
      .sort()
      .filter((s) => afterSku === undefined || s > afterSku)
      .slice(0, limit)
      .map((sku) => ({ sku, productId: this.ids.get(sku)! }));
  }

  async countSkus() {
    return this.ids.size;
  }

  async readStock(skus: readonly string[]) {
    const out = new Map<string, StoreStock>();
    for (const sku of skus) if (this.ids.has(sku)) out.set(sku, { sku, productId: this.ids.get(sku)!, qty: this.qty.get(sku) ?? null });
    return out;
  }

  async writeStock(changes: readonly StockChange[]): Promise<StockWriteResult> {
    this.beforeWrite?.();
    const result: StockWriteResult = { written: [], conflicts: [], unchanged: [], mirrored: [] };
    for (const c of changes) {
      const actual = this.qty.get(c.sku) ?? null;
      if (actual !== c.expected) result.conflicts.push({ sku: c.sku, expected: c.expected, actual });
      else if (actual === c.qty) result.unchanged.push(c.sku);
      else {
        this.qty.set(c.sku, c.qty);
        result.written.push(c.sku);
      }
    }
    return result;
  }
}

/** Store orders holding units, and the push ledger. */
export class FakeOrders {
  readonly held: Array<{ incrementId: string; sku: string; qty: number }> = [];
  readonly ledger = new Map<string, LedgerEntry>();

  async databaseNow() {
    return Math.floor(Date.now() / 1000);
  }

  async horizonStartOrderId() {
    return this.held.length > 0 ? 1 : undefined;
  }

  async unitsHeldByOpenOrders(_min: number, skus?: readonly string[]) {
    return this.held.filter((h) => !skus || skus.includes(h.sku));
  }

  async getMany(ids: readonly string[]) {
    return new Map(ids.flatMap((id) => (this.ledger.has(id) ? [[id, this.ledger.get(id)!] as const] : [])));
  }
}

export interface FakeWorld {
  erp: FakeErp;
  stock: FakeStock;
  orders: FakeOrders;
  retries: MemoryRetrySet;
  cursors: Map<string, unknown>;
  clock: { ms: number };
  ports: InventoryPorts;
  metrics: Record<string, number>;
  ctx(
    request?: Partial<JobRequest>,
    options?: { env?: Record<string, string>; deadline?: Deadline; progress?: (counts: Record<string, number>) => void },
  ): InventoryCtx;
}

export function fakeWorld(skus: readonly string[], options: { maxAttempts?: number; storeQty?: number | null } = {}): FakeWorld {
  const erp = new FakeErp();
  const stock = new FakeStock(skus, options.storeQty ?? 0);
  const orders = new FakeOrders();
  const retries = new MemoryRetrySet(options.maxAttempts ?? 8);
  const cursors = new Map<string, unknown>();
  const clock = { ms: Date.UTC(2026, 11, 1, 12) };
  const metrics: Record<string, number> = {};
  return {
    erp,
    stock,
    orders,
    retries,
    cursors,
    clock,
    metrics,
    ports: { erp, stock, orders, ledger: orders, retries },
    ctx(request = {}, o = {}) {
      for (const k of Object.keys(metrics)) delete metrics[k];
      return {
        request: { trigger: 'schedule', dryRun: false, mode: 'incremental', ...request },
        env: loadEnvironment({
          STATE_TABLE: 't',
          JST_SECRET_ID: 'j',
          DB_SECRET_ID: 'd',
          JST_SHOP_ID: '1',
          SETTLE_LAG_SECONDS: '0',
          LOOKBACK_SECONDS: '0',
          ...o.env,
        }),
        fence: 1,
        cursors: {
          read: async <T>(name: string) => (cursors.get(name) ?? undefined) as T | undefined,
          advance: async (name: string, position: unknown) => void (position === null ? cursors.delete(name) : cursors.set(name, structuredClone(position))),
        },
        clock: { now: () => clock.ms },
        logger: silentLogger,
        metrics: { count: (name, value = 1) => void (metrics[name] = (metrics[name] ?? 0) + value), gauge: (name, value) => void (metrics[name] = value) },
        deadline: o.deadline ?? { expired: () => false, remainingMs: () => 60_000 },
        progress: o.progress,
      };
    },
  };
}

/** A deadline that expires after `checks` calls of expired(). */
export function deadlineAfter(checks: number): Deadline {
  let n = 0;
  return { expired: () => ++n > checks, remainingMs: () => 0 };
}
