import { formatBeijing } from '../../shared/domain/beijing-time';
import { ModifiedIndex } from './modified-index';

/** Stock counters of one SKU in one warehouse (docs/erp-api.md §3a). */
export interface StockCounters {
  qty: number;
  order_lock: number;
  pick_lock: number;
  virtual_qty: number;
  purchase_qty: number;
  return_qty: number;
  in_qty: number;
  defective_qty: number;
}

export interface InventoryRecord extends StockCounters {
  sku_id: string;
  i_id: string;
  name: string;
  wms_co_id: number;
  modifiedMs: number;
  ts: number;
}

/** ERP order statuses the sandbox uses (docs/erp-api.md §3d status vocabulary). */
export type SandboxOrderStatus = 'WaitPay' | 'WaitConfirm' | 'Sent' | 'Cancelled';

export interface SandboxOrder {
  o_id: number;
  shop_id: number;
  so_id: string;
  status: SandboxOrderStatus;
  shop_status: string;
  payload: Record<string, unknown>;
  /** How many uploads created or updated it. */
  uploads: number;
  createdMs: number;
  modifiedMs: number;
}

export interface SandboxShipment {
  o_id: number;
  shop_id: number;
  so_id: string;
  lc_id: string;
  l_id: string;
  logistics_company: string;
  sendMs: number;
  modifiedMs: number;
  /** Store orders merged into this ERP order (its items' `raw_so_id`, docs/erp-api.md §3c); empty when not merged. */
  rawSoIds: string[];
}

export interface ShipmentPackage {
  lc_id: string;
  l_id: string;
  logistics_company: string;
}

/** Who hears of the ERP's changes (the push sender, push-sender.ts); unset: nobody. */
export interface SandboxChangeListener {
  stockChanged(sku: string): void;
  shipped(shipments: readonly SandboxShipment[]): void;
  cancelled(order: SandboxOrder): void;
}

const ZERO: StockCounters = { qty: 0, order_lock: 0, pick_lock: 0, virtual_qty: 0, purchase_qty: 0, return_qty: 0, in_qty: 0, defective_qty: 0 };
const COUNTERS = Object.keys(ZERO) as Array<keyof StockCounters>;

/**
 * The sandbox ERP's in-memory data: inventory per (warehouse, SKU), orders upserted by
 * (shop_id, so_id) with an incrementing o_id, and shipments. Indexed so that queries by SKU list or
 * modified range stay cheap with 200k SKUs (the job benchmarks seed that many).
 *
 * Warehouses: `setStock(..., wmsCoId = 0)` writes the main warehouse; a query with wms_co_id 0 or
 * absent sums every warehouse of the SKU, a query with a warehouse id returns that warehouse alone
 * (docs/erp-api.md §3a).
 */
/** Shops of the sandbox account of types that take no uploads (a marketplace shop and an offline store). */
export const FOREIGN_TYPE_SHOPS: ReadonlyArray<[number, { name: string; site: string }]> = [
  [20001, { name: '天猫旗舰店', site: '天猫' }],
  [20002, { name: '线下门店', site: '线下' }],
];

/** The `shop_site` the sandbox gives the shops that accept uploads (a choice: the real value is [U]). */
export const OWN_MALL_SITE = '自有商城';

/** The main warehouse's id in the warehouse query (its stock is stored under 0). */
export const MAIN_WAREHOUSE_ID = 10_001;
const storedWarehouse = (wmsCoId: number): number => (wmsCoId === MAIN_WAREHOUSE_ID ? 0 : wmsCoId);

export class SandboxState {
  readonly inventory = new Map<string, InventoryRecord>(); // key: `${wms}|${sku}`
  readonly skuWarehouses = new Map<string, Set<number>>();
  readonly orders = new Map<string, SandboxOrder>(); // key: `${shop}|${so_id}`
  readonly ordersByOId = new Map<number, SandboxOrder>();
  readonly shipments: SandboxShipment[] = [];
  readonly shops = new Set<number>();
  /** Told of every stock change, shipment and cancellation (the ERP's pushes start here). */
  listener: SandboxChangeListener | undefined;
  /**
   * The account's shops as the shop query (店铺查询, docs/erp-api.md §3f) lists them: every shop that
   * accepts uploads (as a 自有商城 shop) plus shops of other types that do not. The `site` values are a
   * sandbox choice: the real values of `shop_site` are not documented [U].
   */
  readonly shopDirectory = new Map<number, { name: string; site: string }>(FOREIGN_TYPE_SHOPS);
  /**
   * The account's warehouses as the warehouse query (分仓查询) lists them. The main one is stored under
   * 0 (what `setStock` writes by default) and answers to its own id too; a warehouse id first used by
   * `setStock` joins the list as a second warehouse.
   */
  readonly warehouses = new Map<number, { name: string; isMain: boolean }>([[MAIN_WAREHOUSE_ID, { name: '主仓', isMain: true }]]);
  private readonly shipmentsBySoId = new Map<string, SandboxShipment[]>();
  private readonly stockIndex = new ModifiedIndex<string>();
  private rangeCache: { key: string; skus: string[] } | undefined;
  private shipmentsSorted = true;
  private nextOId = 100001;
  private nextTs = 1;

  constructor(private readonly now: () => number) {}

  /** Sets stock counters of a SKU in a warehouse (0 = main), bumping its modified time and ts. */
  setStock(sku: string, counters: Partial<StockCounters> & { name?: string; i_id?: string }, wmsCoId = 0, modifiedMs = this.now()): InventoryRecord {
    wmsCoId = storedWarehouse(wmsCoId);
    if (wmsCoId !== 0 && !this.warehouses.has(wmsCoId)) this.warehouses.set(wmsCoId, { name: `分仓 ${wmsCoId}`, isMain: false });
    const key = `${wmsCoId}|${sku}`;
    const current = this.inventory.get(key);
    const record: InventoryRecord = {
      ...ZERO,
      ...(current ?? {}),
      ...stripUndefined(counters),
      sku_id: sku,
      i_id: counters.i_id ?? current?.i_id ?? sku.split('-')[0] ?? sku,
      name: counters.name ?? current?.name ?? sku,
      wms_co_id: wmsCoId,
      modifiedMs,
      ts: this.nextTs++,
    };
    this.inventory.set(key, record);
    let set = this.skuWarehouses.get(sku);
    if (!set) this.skuWarehouses.set(sku, (set = new Set()));
    set.add(wmsCoId);
    this.stockIndex.touch(key, modifiedMs);
    this.listener?.stockChanged(sku);
    return record;
  }

  /** Stock as the inventory query reports it: one warehouse, or (wms 0/absent) the sum over all. */
  stockView(sku: string, wmsCoId: number | undefined): Record<string, unknown> | undefined {
    const warehouses = this.skuWarehouses.get(sku);
    if (!warehouses) return undefined;
    const records: InventoryRecord[] = [];
    for (const w of wmsCoId ? [storedWarehouse(wmsCoId)] : warehouses) {
      const r = this.inventory.get(`${w}|${sku}`);
      if (r) records.push(r);
    }
    if (records.length === 0) return undefined;
    const sum = { ...ZERO };
    for (const r of records) for (const k of COUNTERS) sum[k] += r[k];
    const latest = records.reduce((a, b) => (a.modifiedMs >= b.modifiedMs ? a : b));
    return { sku_id: sku, i_id: latest.i_id, name: latest.name, ...sum, modified: formatBeijing(latest.modifiedMs), ts: latest.ts, min_qty: 0, max_qty: 0 };
  }

  /**
   * SKUs whose stock changed within [fromMs, toMs], oldest change first, each once. The answer is
   * cached until the next stock change, so paging through a large range costs one index walk.
   */
  skusModifiedBetween(fromMs: number, toMs: number, wmsCoId: number | undefined): string[] {
    const cacheKey = `${fromMs}|${toMs}|${wmsCoId ?? 0}|${this.stockIndex.generation}`;
    if (this.rangeCache?.key === cacheKey) return this.rangeCache.skus;
    const prefix = wmsCoId ? `${storedWarehouse(wmsCoId)}|` : undefined;
    const seen = new Set<string>();
    for (const key of this.stockIndex.between(fromMs, toMs)) {
      if (prefix && !key.startsWith(prefix)) continue;
      seen.add(key.slice(key.indexOf('|') + 1));
    }
    const skus = [...seen];
    this.rangeCache = { key: cacheKey, skus };
    return skus;
  }

  upsertOrder(shopId: number, payload: Record<string, unknown>): SandboxOrder {
    const soId = String(payload.so_id);
    const key = `${shopId}|${soId}`;
    const now = this.now();
    const shopStatus = String(payload.shop_status);
    const existing = this.orders.get(key);
    if (existing) {
      const wasLocking = existing.status === 'WaitConfirm';
      this.lock(existing.payload, wasLocking ? -1 : 0);
      existing.payload = payload;
      existing.shop_status = shopStatus;
      existing.status = erpStatusFor(shopStatus, existing.status);
      existing.uploads += 1;
      existing.modifiedMs = now;
      this.lock(payload, existing.status === 'WaitConfirm' ? 1 : 0);
      return existing;
    }
    const order: SandboxOrder = {
      o_id: this.nextOId++,
      shop_id: shopId,
      so_id: soId,
      status: erpStatusFor(shopStatus, undefined),
      shop_status: shopStatus,
      payload,
      uploads: 1,
      createdMs: now,
      modifiedMs: now,
    };
    this.orders.set(key, order);
    this.ordersByOId.set(order.o_id, order);
    this.lock(payload, order.status === 'WaitConfirm' ? 1 : 0);
    return order;
  }

  /**
   * Ships an uploaded order in one or more packages. The first package keeps the order's o_id; each
   * further package is a split sub-order with its own o_id and the same so_id, as the ERP reports them.
   */
  ship(shopId: number, soId: string, packages: ShipmentPackage[], atMs = this.now(), rawSoIds: readonly string[] = []): SandboxShipment[] {
    const order = this.orders.get(`${shopId}|${soId}`);
    if (!order) throw new Error(`sandbox: no order ${soId} in shop ${shopId}`);
    // Shipping takes the units out of the warehouse and releases their order lock.
    if (order.status === 'WaitConfirm') this.lock(order.payload, -1, true);
    order.status = 'Sent';
    order.modifiedMs = atMs;
    const created = packages.map((p, i) => ({
      o_id: i === 0 ? order.o_id : this.nextOId++,
      shop_id: shopId,
      so_id: soId,
      lc_id: p.lc_id,
      l_id: p.l_id,
      logistics_company: p.logistics_company,
      sendMs: atMs,
      modifiedMs: atMs,
      rawSoIds: [...rawSoIds],
    }));
    for (const s of created) {
      const last = this.shipments[this.shipments.length - 1];
      if (last && s.modifiedMs < last.modifiedMs) this.shipmentsSorted = false;
      this.shipments.push(s);
      const list = this.shipmentsBySoId.get(s.so_id);
      if (list) list.push(s);
      else this.shipmentsBySoId.set(s.so_id, [s]);
    }
    this.listener?.shipped(created);
    return created;
  }

  /**
   * Ships one ERP order that merges several store orders (the ERP's 合并订单): `soId` is the order
   * uploaded first, and the merged order's items name every store order in `raw_so_id`.
   */
  shipMerged(shopId: number, soIds: readonly string[], packages: ShipmentPackage[], atMs = this.now()): SandboxShipment[] {
    for (const so of soIds.slice(1)) {
      const merged = this.orders.get(`${shopId}|${so}`);
      if (!merged) throw new Error(`sandbox: no order ${so} in shop ${shopId}`);
      if (merged.status === 'WaitConfirm') this.lock(merged.payload, -1, true);
      merged.status = 'Sent';
      merged.modifiedMs = atMs;
    }
    return this.ship(shopId, soIds[0]!, packages, atMs, soIds);
  }

  /** Modifies a shipment again (its `modified` becomes `atMs`), as a re-weighed or re-labelled package. */
  touchShipment(oId: number, atMs = this.now()): void {
    const s = this.shipments.find((x) => x.o_id === oId);
    if (!s) return;
    s.modifiedMs = atMs;
    this.shipmentsSorted = false;
  }

  /** Modifies a SKU's stock again with the same counters (its `modified` becomes `atMs`). */
  touchStock(sku: string, wmsCoId: number | undefined, atMs = this.now()): void {
    const warehouses = wmsCoId ? [storedWarehouse(wmsCoId)] : [...(this.skuWarehouses.get(sku) ?? [])];
    const w = warehouses.includes(0) ? 0 : warehouses[0];
    if (w !== undefined && this.inventory.has(`${w}|${sku}`)) this.setStock(sku, {}, w, atMs);
  }

  /** Shipments of the given so_ids (optionally one shop), oldest first. */
  shipmentsOf(soIds: readonly string[], shopId: number | undefined): SandboxShipment[] {
    return soIds
      .flatMap((so) => this.shipmentsBySoId.get(so) ?? [])
      .filter((s) => shopId === undefined || s.shop_id === shopId)
      .sort((a, b) => a.modifiedMs - b.modifiedMs || a.o_id - b.o_id);
  }

  /** Shipments modified (in the sandbox: sent) within [fromMs, toMs], oldest first. */
  shipmentsBetween(fromMs: number, toMs: number, shopId: number | undefined): SandboxShipment[] {
    if (!this.shipmentsSorted) {
      this.shipments.sort((a, b) => a.modifiedMs - b.modifiedMs || a.o_id - b.o_id);
      this.shipmentsSorted = true;
    }
    let lo = 0;
    let hi = this.shipments.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.shipments[mid]!.modifiedMs < fromMs) lo = mid + 1;
      else hi = mid;
    }
    const hits: SandboxShipment[] = [];
    for (let i = lo; i < this.shipments.length && this.shipments[i]!.modifiedMs <= toMs; i++) {
      const s = this.shipments[i]!;
      if (shopId === undefined || s.shop_id === shopId) hits.push(s);
    }
    return hits;
  }

  /** Cancels orders by ERP o_id; returns how many it found. */
  cancelByOId(oIds: readonly number[]): number {
    let n = 0;
    for (const oId of oIds) {
      const order = this.ordersByOId.get(oId);
      if (!order) continue;
      if (order.status === 'WaitConfirm') this.lock(order.payload, -1);
      order.status = 'Cancelled';
      order.modifiedMs = this.now();
      n++;
      this.listener?.cancelled(order);
    }
    return n;
  }

  /**
   * Test hook (drift on the ERP side): forgets an order as if it had never been uploaded, releasing
   * its stock lock. Its shipments stay. Returns whether it existed.
   */
  deleteOrder(shopId: number, soId: string): boolean {
    const order = this.orders.get(`${shopId}|${soId}`);
    if (!order) return false;
    if (order.status === 'WaitConfirm') this.lock(order.payload, -1);
    this.orders.delete(`${shopId}|${soId}`);
    this.ordersByOId.delete(order.o_id);
    return true;
  }

  /** Test hook (drift on the ERP side): changes an order's pay_amount without an upload. */
  setOrderAmount(shopId: number, soId: string, payAmount: string): SandboxOrder {
    const order = this.orders.get(`${shopId}|${soId}`);
    if (!order) throw new Error(`sandbox: no order ${soId} in shop ${shopId}`);
    order.payload = { ...order.payload, pay_amount: payAmount };
    order.modifiedMs = this.now();
    return order;
  }

  order(shopId: number, soId: string): SandboxOrder | undefined {
    return this.orders.get(`${shopId}|${soId}`);
  }

  /** Forgets all inventory, orders and shipments (shops stay). */
  clear(): void {
    this.inventory.clear();
    this.skuWarehouses.clear();
    this.orders.clear();
    this.ordersByOId.clear();
    this.shipments.length = 0;
    this.shipmentsBySoId.clear();
    this.stockIndex.clear();
    this.rangeCache = undefined;
    this.shipmentsSorted = true;
    this.nextOId = 100001;
    this.nextTs = 1;
  }

  /**
   * Like the ERP, an accepted order locks its units (order_lock) in the main warehouse until it ships
   * (then qty drops too) or is cancelled. `sign` 1 locks, -1 releases; 0 does nothing.
   */
  private lock(payload: Record<string, unknown>, sign: number, shipped = false): void {
    if (sign === 0 || !Array.isArray(payload.items)) return;
    for (const item of payload.items as Array<{ sku_id?: unknown; qty?: unknown }>) {
      const sku = String(item.sku_id ?? '');
      const qty = Number(item.qty ?? 0);
      const current = this.inventory.get(`0|${sku}`);
      if (!sku || !Number.isFinite(qty) || !current) continue;
      this.setStock(sku, { order_lock: Math.max(0, current.order_lock + sign * qty), ...(shipped ? { qty: Math.max(0, current.qty - qty) } : {}) });
    }
  }
}

/**
 * Store status → ERP status (docs/erp-api.md §4.7, partly inferred): unpaid → WaitPay, paid → WaitConfirm,
 * either closed status → Cancelled; a shipped order stays Sent unless closed.
 */
export function erpStatusFor(shopStatus: string, current: SandboxOrderStatus | undefined): SandboxOrderStatus {
  if (shopStatus === 'TRADE_CLOSED' || shopStatus === 'TRADE_CLOSED_BY_TAOBAO') return 'Cancelled';
  if (current === 'Sent') return 'Sent';
  return shopStatus === 'WAIT_BUYER_PAY' ? 'WaitPay' : 'WaitConfirm';
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
