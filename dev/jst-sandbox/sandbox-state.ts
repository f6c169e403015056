import { formatBeijing } from '../../shared/jst/beijing-time';

/** Stock counters of one SKU in one warehouse (jst-api.md §3a). */
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

export interface SandboxOrder {
  o_id: number;
  shop_id: number;
  so_id: string;
  status: 'WaitPay' | 'WaitConfirm' | 'Sent' | 'Cancelled';
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
}

const ZERO: StockCounters = { qty: 0, order_lock: 0, pick_lock: 0, virtual_qty: 0, purchase_qty: 0, return_qty: 0, in_qty: 0, defective_qty: 0 };

/** The sandbox ERP's in-memory data: inventory, orders upserted by (shop_id, so_id), shipments. */
export class SandboxState {
  readonly inventory = new Map<string, InventoryRecord>(); // key: `${wms}|${sku}`
  readonly skuWarehouses = new Map<string, Set<number>>();
  readonly orders = new Map<string, SandboxOrder>(); // key: `${shop}|${so_id}`
  readonly shipments: SandboxShipment[] = [];
  readonly shops = new Set<number>();
  private nextOId = 100001;
  private nextTs = 1;

  constructor(private readonly now: () => number) {}

  /** Sets stock counters of a SKU (warehouse 0 = the main warehouse), bumping its modified time. */
  setStock(sku: string, counters: Partial<StockCounters> & { name?: string; i_id?: string }, wmsCoId = 0, modifiedMs = this.now()): InventoryRecord {
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
    return record;
  }

  /** Stock as the inventory query reports it: one warehouse, or (wms 0/absent) the sum over all. */
  stockView(sku: string, wmsCoId: number | undefined): Record<string, unknown> | undefined {
    const warehouses = this.skuWarehouses.get(sku);
    if (!warehouses) return undefined;
    const records = wmsCoId ? [this.inventory.get(`${wmsCoId}|${sku}`)].filter(Boolean) : [...warehouses].map((w) => this.inventory.get(`${w}|${sku}`));
    const present = records.filter((r): r is InventoryRecord => r !== undefined);
    if (present.length === 0) return undefined;
    const sum = { ...ZERO };
    for (const r of present) for (const k of Object.keys(ZERO) as Array<keyof StockCounters>) sum[k] += r[k];
    const latest = present.reduce((a, b) => (a.modifiedMs >= b.modifiedMs ? a : b));
    return { sku_id: sku, i_id: latest.i_id, name: latest.name, ...sum, modified: formatBeijing(latest.modifiedMs), ts: latest.ts };
  }

  /** SKUs whose stock changed within [fromMs, toMs], oldest first. */
  skusModifiedBetween(fromMs: number, toMs: number, wmsCoId: number | undefined): string[] {
    const hits = new Map<string, number>();
    for (const r of this.inventory.values()) {
      if (wmsCoId && r.wms_co_id !== wmsCoId) continue;
      if (r.modifiedMs >= fromMs && r.modifiedMs <= toMs) hits.set(r.sku_id, Math.max(hits.get(r.sku_id) ?? 0, r.modifiedMs));
    }
    return [...hits.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).map(([sku]) => sku);
  }

  upsertOrder(shopId: number, payload: Record<string, unknown>): SandboxOrder {
    const soId = String(payload.so_id);
    const key = `${shopId}|${soId}`;
    const now = this.now();
    const shopStatus = String(payload.shop_status);
    const existing = this.orders.get(key);
    const statusFor = (current: SandboxOrder['status'] | undefined): SandboxOrder['status'] => {
      if (shopStatus === 'TRADE_CLOSED' || shopStatus === 'TRADE_CLOSED_BY_TAOBAO') return 'Cancelled';
      if (current === 'Sent') return 'Sent';
      return shopStatus === 'WAIT_BUYER_PAY' ? 'WaitPay' : 'WaitConfirm';
    };
    if (existing) {
      const wasLocking = existing.status === 'WaitConfirm';
      this.lock(existing.payload, wasLocking ? -1 : 0);
      existing.payload = payload;
      existing.shop_status = shopStatus;
      existing.status = statusFor(existing.status);
      existing.uploads += 1;
      existing.modifiedMs = now;
      this.lock(payload, existing.status === 'WaitConfirm' ? 1 : 0);
      return existing;
    }
    const order: SandboxOrder = { o_id: this.nextOId++, shop_id: shopId, so_id: soId, status: statusFor(undefined), shop_status: shopStatus, payload, uploads: 1, createdMs: now, modifiedMs: now };
    this.orders.set(key, order);
    this.lock(payload, order.status === 'WaitConfirm' ? 1 : 0);
    return order;
  }

  /**
   * Ships an uploaded order in one or more packages. The first package keeps the order's o_id; each
   * further package is a split sub-order with its own o_id and the same so_id, as the ERP reports them.
   */
  ship(shopId: number, soId: string, packages: Array<{ lc_id: string; l_id: string; logistics_company: string }>, atMs = this.now()): SandboxShipment[] {
    const order = this.orders.get(`${shopId}|${soId}`);
    if (!order) throw new Error(`sandbox: no order ${soId} in shop ${shopId}`);
    // Shipping takes the units out of the warehouse and releases their order lock.
    if (order.status === 'WaitConfirm') this.lock(order.payload, -1, true);
    order.status = 'Sent';
    order.modifiedMs = atMs;
    const created = packages.map((p, i) => ({ o_id: i === 0 ? order.o_id : this.nextOId++, shop_id: shopId, so_id: soId, ...p, sendMs: atMs, modifiedMs: atMs }));
    this.shipments.push(...created);
    return created;
  }

  cancelByOId(oIds: number[]): number {
    let n = 0;
    for (const order of this.orders.values()) {
      if (oIds.includes(order.o_id)) {
        if (order.status === 'WaitConfirm') this.lock(order.payload, -1);
        order.status = 'Cancelled';
        order.modifiedMs = this.now();
        n++;
      }
    }
    return n;
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

  order(shopId: number, soId: string): SandboxOrder | undefined {
    return this.orders.get(`${shopId}|${soId}`);
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
