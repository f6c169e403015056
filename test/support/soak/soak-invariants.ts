import type { Pool, RowDataPacket } from 'mysql2/promise';
import { DEMO_SHOP_ID, type JstSandbox } from '../../../dev/jst-sandbox/server';
import type { SandboxShipment } from '../../../dev/jst-sandbox/sandbox-state';
import { OrderRepository } from '../../../shared/fecmall/order-repository';
import { detectStoreSchema } from '../../../shared/fecmall/store-schema';
import { mapOrderToErp } from '../../../shared/jobs/orders/map-order';
import { payloadHash } from '../../../shared/jobs/orders/payload-hash';
import { formatBeijingSeconds } from '../../../shared/domain/beijing-time';
import { CursorStore } from '../../../shared/state/cursor-store';
import { OrderLedger } from '../../../shared/state/order-ledger';
import { RetrySet } from '../../../shared/state/retry-set';
import { createStateDocumentClient } from '../../../shared/state/state-table';

/** Ready = paid and neither shipped nor closed (core flavour). */
export const READY_STATUSES = ['payment_confirmed', 'processing', 'holded'];
/** Statuses whose orders still hold the stock deducted at checkout (docs/store-schema.md). */
const HOLDING = ['payment_pending', 'payment_processing', 'payment_confirmed', 'payment_suspected_fraud', 'holded', 'processing'];
const RANK: Record<string, number> = {
  payment_pending: 0,
  payment_processing: 0,
  payment_confirmed: 1,
  processing: 1,
  holded: 1,
  dispatched: 2,
  received: 3,
  completed: 4,
};
const HORIZON_SECONDS = 30 * 86400;

export type InvariantName =
  | 'stockOffFormula'
  | 'stockOffFormulaBeforeFullPass'
  | 'readyOrdersMissingInErp'
  | 'erpOrdersStale'
  | 'duplicateErpOrders'
  | 'shipmentsMissingInStore'
  | 'ordersMovedBackwards'
  | 'cursorsAheadOfWork';

/**
 * The soak's invariants, counted (never asserted one by one, so the figures show every violation):
 * checked after every run (orders moved backwards, cursors ahead of applied work) and after settling.
 */
export class SoakInvariants {
  readonly counts: Record<InvariantName, number> = {
    stockOffFormula: 0,
    stockOffFormulaBeforeFullPass: 0,
    readyOrdersMissingInErp: 0,
    erpOrdersStale: 0,
    duplicateErpOrders: 0,
    shipmentsMissingInStore: 0,
    ordersMovedBackwards: 0,
    cursorsAheadOfWork: 0,
  };
  readonly cursorsAheadByJob: Record<string, number> = {};
  readonly examples: string[] = [];
  itemsChecked = { stock: 0, readyOrders: 0, shipments: 0, cursorChecks: 0 };
  private readonly statuses = new Map<string, string>();
  private readonly doc = createStateDocumentClient();
  private readonly cursors: CursorStore;
  private readonly ledger: OrderLedger;
  /** syncShipping's retry set: shipments its orders could not take yet (item failures, not cursor faults). */
  readonly shippingRetries: RetrySet;

  constructor(
    private readonly pool: Pool,
    private readonly sandbox: JstSandbox,
    table: string,
  ) {
    this.cursors = new CursorStore(this.doc, table);
    this.ledger = new OrderLedger(this.doc, table, DEMO_SHOP_ID);
    this.shippingRetries = new RetrySet(this.doc, table, 'syncShipping');
  }

  private violation(name: InvariantName, example: string): void {
    this.counts[name]++;
    if (this.examples.length < 20) this.examples.push(`${name}: ${example}`);
  }

  /** No order's status ever goes back (payment_confirmed → pending, dispatched → confirmed…). */
  async checkNothingMovedBackwards(): Promise<void> {
    const [rows] = await this.pool.query<RowDataPacket[]>('SELECT increment_id, order_status FROM sales_flat_order');
    for (const r of rows) {
      const id = String(r.increment_id);
      const before = this.statuses.get(id);
      const now = String(r.order_status);
      if (before !== undefined && (RANK[now] ?? 0) < (RANK[before] ?? 0)) this.violation('ordersMovedBackwards', `${id} ${before} -> ${now}`);
      this.statuses.set(id, now);
    }
  }

  /**
   * Ready orders an operator retries by hand after the faults: those the ERP does not have, and those
   * the ledger holds as rejected (a lost reply, then a rejection of the retried call: the ERP kept the
   * first upload, the ledger waits for the backoff; until then the order counts as held stock).
   */
  async ordersToRetryByHand(): Promise<string[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT increment_id FROM sales_flat_order WHERE order_status IN (?) AND created_at >= UNIX_TIMESTAMP() - ?',
      [READY_STATUSES, HORIZON_SECONDS],
    );
    const ids = rows.map((r) => String(r.increment_id));
    const ledger = await this.ledger.getMany(ids);
    return ids.filter((id) => !this.sandbox.state.order(DEMO_SHOP_ID, id) || ledger.get(id)?.state === 'rejected');
  }

  /** syncShipping: every ERP shipment modified in a second wholly before the applied point of the walk is on its store order. */
  async checkShippingCursor(): Promise<void> {
    const applied = await this.appliedPoint('syncShipping');
    if (applied === undefined) return;
    const before = this.sandbox.state.shipments.filter((s) => Math.floor(s.modifiedMs / 1000) < Math.floor(applied / 1000));
    this.itemsChecked.cursorChecks++;
    const retrying = new Set((await this.shippingRetries.all()).map((i) => i.key));
    for (const id of await this.shipmentsNotInStore(before.filter((s) => !(s.rawSoIds.length > 0 ? s.rawSoIds : [s.so_id]).some((so) => retrying.has(so)))))
      this.cursorAhead('syncShipping', `shipment of ${id} before the cursor is not in the store`);
  }

  /**
   * pushOrders: every ready order the pass went past (up to `bound`: the scan cursor, or every order
   * that existed when a complete run started) is in the ERP or recorded as rejected in the ledger.
   */
  async checkOrdersCursor(bound: number | undefined): Promise<void> {
    const scan = (await this.cursors.read<{ afterOrderId: number }>('pushOrders', 'scan'))?.position;
    const upTo = bound ?? scan?.afterOrderId;
    if (upTo === undefined) return;
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT increment_id FROM sales_flat_order WHERE order_id <= ? AND order_status IN (?) AND created_at >= UNIX_TIMESTAMP() - ?',
      [upTo, READY_STATUSES, HORIZON_SECONDS],
    );
    const absent = rows.map((r) => String(r.increment_id)).filter((id) => !this.sandbox.state.order(DEMO_SHOP_ID, id));
    this.itemsChecked.cursorChecks++;
    if (absent.length === 0) return;
    const ledger = await this.ledger.getMany(absent);
    for (const id of absent)
      if (ledger.get(id)?.state !== 'rejected') this.cursorAhead('pushOrders', `ready order ${id} before the cursor is neither in the ERP nor rejected`);
  }

  /**
   * syncInventory after any run: no SKU whose ERP row the walk went past is above the formula (the job
   * never counts fewer held units than the truth, so above means an ERP change it did not apply).
   */
  async checkInventoryCursor(): Promise<void> {
    const applied = await this.appliedPoint('syncInventory');
    if (applied === undefined) return;
    this.itemsChecked.cursorChecks++;
    for (const off of await this.stockOff()) {
      if (off.store > off.target && off.erpModifiedMs !== undefined && Math.floor(off.erpModifiedMs / 1000) < Math.floor(applied / 1000)) {
        this.cursorAhead('syncInventory', `${off.sku} store ${off.store} formula ${off.target}`);
      }
    }
  }

  /** Everything the job's walk read before this (epoch ms) is applied: the unfinished walk's progress, else the incremental cursor. */
  private async appliedPoint(job: string): Promise<number | undefined> {
    const { positions } = await this.cursors.readAll(job);
    const walk = positions.walk?.position as { doneMs: number } | undefined;
    return walk?.doneMs ?? (positions.incremental?.position as number | undefined);
  }

  /**
   * syncInventory after a settling incremental run, before any full pass heals: every SKU is at the
   * formula. Above it for a row the walk went past is a cursor ahead of applied work. Below it is
   * allowed only by the documented case (docs/design.md §2): an order of that SKU the ERP accepted after
   * the row was last modified still counts as held until the SKU is written again, so the store may
   * understate by those units — never overstate.
   */
  async checkInventoryBeforeFullPass(): Promise<{ understatedAsDesigned: number }> {
    const applied = (await this.appliedPoint('syncInventory')) ?? 0;
    this.itemsChecked.cursorChecks++;
    let understatedAsDesigned = 0;
    for (const off of await this.stockOff()) {
      const example = `${off.sku} store ${off.store} formula ${off.target}`;
      if (off.store > off.target) {
        if (off.erpModifiedMs !== undefined && Math.floor(off.erpModifiedMs / 1000) < Math.floor(applied / 1000)) this.cursorAhead('syncInventory', example);
        else this.violation('stockOffFormulaBeforeFullPass', example);
      } else if (off.target - off.store <= (await this.unitsAcceptedAfter(off.sku, off.erpModifiedMs ?? 0))) understatedAsDesigned++;
      else this.violation('stockOffFormulaBeforeFullPass', example);
    }
    return { understatedAsDesigned };
  }

  /** Units of store orders holding `sku` that the push ledger shows accepted after `erpModifiedMs` (the row's last change). */
  private async unitsAcceptedAfter(sku: string, erpModifiedMs: number): Promise<number> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT o.increment_id, i.qty FROM sales_flat_order o JOIN sales_flat_order_item i ON i.order_id = o.order_id WHERE i.sku = ? AND o.order_status IN (?)',
      [sku, HOLDING],
    );
    const ledger = await this.ledger.getMany(rows.map((r) => String(r.increment_id)));
    let units = 0;
    for (const r of rows) {
      const entry = ledger.get(String(r.increment_id));
      if (entry?.acceptedHash !== undefined && entry.updatedAt >= Math.floor(erpModifiedMs / 1000) * 1000) units += Number(r.qty);
    }
    return units;
  }

  private cursorAhead(job: string, example: string): void {
    this.cursorsAheadByJob[job] = (this.cursorsAheadByJob[job] ?? 0) + 1;
    this.violation('cursorsAheadOfWork', `${job}: ${example}`);
  }

  /** After settling: store stock = max(0, ERP qty − order_lock − units of store orders the ERP does not have). */
  async checkStock(): Promise<void> {
    const off = await this.stockOff();
    this.itemsChecked.stock = this.lastStockRows;
    for (const o of off) this.violation('stockOffFormula', `${o.sku} store ${o.store} formula ${o.target}`);
  }

  private lastStockRows = 0;

  private async stockOff(): Promise<Array<{ sku: string; store: number; target: number; erpModifiedMs?: number }>> {
    const [held] = await this.pool.query<RowDataPacket[]>(
      'SELECT o.increment_id, i.sku, i.qty FROM sales_flat_order o JOIN sales_flat_order_item i ON i.order_id = o.order_id WHERE o.order_status IN (?) AND o.created_at >= UNIX_TIMESTAMP() - ?',
      [HOLDING, HORIZON_SECONDS],
    );
    const pending = new Map<string, number>();
    for (const h of held)
      if (!this.sandbox.state.order(DEMO_SHOP_ID, String(h.increment_id))) pending.set(String(h.sku), (pending.get(String(h.sku)) ?? 0) + Number(h.qty));
    const [stock] = await this.pool.query<RowDataPacket[]>(
      'SELECT p.sku, q.qty FROM product_flat p JOIN product_flat_qty q ON q.product_id = CAST(p.id AS CHAR)',
    );
    this.lastStockRows = stock.length;
    const off: Array<{ sku: string; store: number; target: number; erpModifiedMs?: number }> = [];
    for (const row of stock) {
      const sku = String(row.sku);
      const erp = this.sandbox.state.stockView(sku, undefined) as { qty: number; order_lock: number; modified: string } | undefined;
      if (!erp) continue;
      const target = Math.max(0, erp.qty - erp.order_lock - (pending.get(sku) ?? 0));
      if (Number(row.qty) !== target) off.push({ sku, store: Number(row.qty), target, erpModifiedMs: Date.parse(`${erp.modified.replace(' ', 'T')}+08:00`) });
    }
    return off;
  }

  /** After settling: every ready order is in the ERP once, with its latest content. */
  async checkReadyOrders(): Promise<void> {
    const repo = new OrderRepository(this.pool, await detectStoreSchema(this.pool), READY_STATUSES);
    const start = (await repo.horizonStartOrderId(Math.floor(Date.now() / 1000) - HORIZON_SECONDS)) ?? 1;
    for (let after = start - 1, done = false; !done;) {
      const page = await repo.readOrdersAfter(after, 200);
      for (const o of page.orders.filter((x) => x.lifecycle === 'ready')) {
        this.itemsChecked.readyOrders++;
        const erp = this.sandbox.state.order(DEMO_SHOP_ID, o.incrementId);
        if (!erp) {
          this.violation('readyOrdersMissingInErp', o.incrementId);
          continue;
        }
        const latest = mapOrderToErp(o, 'ready', { shopId: DEMO_SHOP_ID, currency: 'order', formatTime: formatBeijingSeconds }).payload;
        if (payloadHash(erp.payload) !== payloadHash(latest)) this.violation('erpOrdersStale', o.incrementId);
      }
      after = page.lastOrderId;
      done = page.done;
    }
    const soIds = [...this.sandbox.state.orders.values()].map((o) => o.so_id);
    this.counts.duplicateErpOrders += soIds.length - new Set(soIds).size;
  }

  /** After settling: every ERP shipment is on its store order(s) (unless the store closed the order). */
  async checkShipments(): Promise<void> {
    this.itemsChecked.shipments = this.sandbox.state.shipments.length;
    for (const id of await this.shipmentsNotInStore(this.sandbox.state.shipments)) this.violation('shipmentsMissingInStore', id);
  }

  private async shipmentsNotInStore(shipments: readonly SandboxShipment[]): Promise<string[]> {
    if (shipments.length === 0) return [];
    const ids = shipments.flatMap((s) => (s.rawSoIds.length > 0 ? s.rawSoIds : [s.so_id]));
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT increment_id, order_status, tracking_number FROM sales_flat_order WHERE increment_id IN (?)',
      [ids],
    );
    const byId = new Map(rows.map((r) => [String(r.increment_id), r]));
    const missing: string[] = [];
    for (const s of shipments) {
      for (const id of s.rawSoIds.length > 0 ? s.rawSoIds : [s.so_id]) {
        const order = byId.get(id);
        if (order && /cancel/.test(String(order.order_status))) continue;
        const shipped = order !== undefined && ['dispatched', 'received', 'completed'].includes(String(order.order_status));
        if (
          !shipped ||
          !String(order.tracking_number ?? '')
            .split(',')
            .includes(s.l_id)
        )
          missing.push(
            `${id} (${s.l_id}, store ${order?.order_status ?? 'absent'} ${order?.tracking_number ?? ''}, ERP modified ${new Date(s.modifiedMs).toISOString()})`,
          );
      }
    }
    return missing;
  }

  close(): void {
    this.doc.destroy();
  }
}
