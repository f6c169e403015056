/**
 * The freshness benchmark's shop day: changes made on either side at a rate, and each change's
 * effect watched for every 250 ms until it is seen.
 *
 * - stock: an ERP stock edit (sandbox admin) of a *tracked* SKU — the first half of the catalogue,
 *   which no store order ever holds, so the job's formula (docs/design.md §12) reduces to
 *   max(0, qty − order_lock) with no pending store units. Effect: `product_flat_qty.qty` equals it.
 *   A SKU whose previous change is still awaited is not changed again (its effect would be masked).
 * - order: a store checkout (`payment_pending`, items from the other half of the catalogue), paid
 *   after BENCH_PAYMENT_DELAY_S. Measured from the payment; effect: the ERP holds the order.
 * - shipment: the ERP ships an order it holds (sandbox admin, one package with a tracking number).
 *   Effect: the store order is `dispatched` (docs/store-schema.md §3.3) with that tracking number.
 * - cancellation: the ERP cancels an order it holds (`POST /__admin/cancel`), when the sandbox has
 *   the route. Effect: the store order is `canceled` (the functions run with ERP_CANCEL_APPLY=true).
 */
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { storeQuantity } from '../../shared/jobs/inventory/stock-formula';
import { DEMO_SHOP_ID } from '../jst-sandbox/server';
import { seededRandom } from '../jst-sandbox/seeded-random';
import { adminPost } from './_support';
import { insertCheckout, markPaid } from './_freshness-checkouts';

export const EFFECT_KINDS = ['stock', 'order', 'shipment', 'cancellation'] as const;
export type EffectKind = (typeof EFFECT_KINDS)[number];

export interface TrackedChange {
  kind: EffectKind;
  /** SKU (stock) or increment id. */
  key: string;
  changedAt: number;
  seenAt?: number;
  expectedQty?: number;
  productId?: number;
  trackingNumber?: string;
}

/** Changes per day of the shop, spread over the benchmark's window. */
export interface ShopDayRates {
  stockChanges: number;
  checkouts: number;
  shipments: number;
  cancellations: number;
  paymentDelayS: number;
}

const POLL_MS = 250;

export class ShopDay {
  readonly changes: TrackedChange[] = [];
  /** Changes not made, per kind, and why (e.g. nothing the ERP holds is left to ship). */
  readonly skipped: Record<EffectKind, number> = { stock: 0, order: 0, shipment: 0, cancellation: 0 };
  private readonly random = seededRandom(23);
  private readonly tracked: Array<{ sku: string; productId: number }>;
  private readonly checkoutSkus: Array<{ sku: string; productId: number }>;
  private readonly awaitedSkus = new Set<string>();
  private readonly storeQty = new Map<string, number>();
  /** Orders the ERP holds that are neither shipped nor cancelled by the day yet, oldest first. */
  private readonly erpHeld: string[] = [];
  private readonly erpKnown = new Set<string>();
  private readonly timers: NodeJS.Timeout[] = [];
  private observing = false;
  private observer: Promise<void> | undefined;
  private nextOrder = 1;
  private readonly orderPrefix = String(Date.now()).slice(-6);

  constructor(
    private readonly pool: Pool,
    private readonly sandboxUrl: string,
    skus: ReadonlyArray<{ sku: string; productId: number }>,
    private readonly cancellationsSupported: boolean,
  ) {
    const half = Math.floor(skus.length / 2);
    this.tracked = skus.slice(0, half);
    this.checkoutSkus = skus.slice(half);
  }

  /** Paid store orders created an hour ago, for the warm-up push (the ERP then holds orders to ship). */
  async seedPaidOrders(count: number): Promise<void> {
    const createdAt = Math.floor(Date.now() / 1000) - 3600;
    for (let i = 0; i < count; i++) {
      const id = this.newIncrementId();
      await insertCheckout(this.pool, id, this.pickItems(), createdAt);
      await markPaid(this.pool, id);
    }
  }

  /** The store's current figures of the tracked SKUs (after the warm-up's full pass). */
  async readBaseline(): Promise<void> {
    const [rows] = await this.pool.query<RowDataPacket[]>('SELECT p.sku, q.qty FROM product_flat p JOIN product_flat_qty q ON q.product_id = p.id');
    for (const r of rows) this.storeQty.set(String(r.sku), Number(r.qty));
  }

  /** Starts the changes, each kind at `perDay / windowMs` with exponential gaps (a Poisson stream). */
  startChanges(rates: ShopDayRates, windowMs: number): void {
    const stream = (perDay: number, change: () => Promise<void>) => {
      if (perDay <= 0) return;
      const meanGap = windowMs / perDay;
      const schedule = () => {
        const timer = setTimeout(
          () => {
            void change().catch((error: unknown) => console.error(`  shop day: ${error instanceof Error ? error.message : String(error)}`));
            schedule();
          },
          -Math.log(1 - this.random()) * meanGap,
        );
        this.timers.push(timer);
      };
      schedule();
    };
    stream(rates.stockChanges, () => this.changeStock());
    stream(rates.checkouts, () => this.checkout(rates.paymentDelayS));
    stream(rates.shipments, () => this.ship());
    if (this.cancellationsSupported) stream(rates.cancellations, () => this.cancel());
  }

  stopChanges(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }

  startObserving(): void {
    this.observing = true;
    this.observer = (async () => {
      while (this.observing) {
        const started = Date.now();
        await this.observeOnce().catch((error: unknown) => console.error(`  observer: ${error instanceof Error ? error.message : String(error)}`));
        await new Promise((r) => setTimeout(r, Math.max(0, POLL_MS - (Date.now() - started))));
      }
    })();
  }

  async stopObserving(): Promise<void> {
    this.observing = false;
    await this.observer;
  }

  pending(): TrackedChange[] {
    return this.changes.filter((c) => c.seenAt === undefined);
  }

  /** Orders the ERP holds (as last observed). */
  erpHolds(): number {
    return this.erpKnown.size;
  }

  private async changeStock(): Promise<void> {
    const free = this.tracked.filter((t) => !this.awaitedSkus.has(t.sku));
    if (free.length === 0) return void this.skipped.stock++;
    const target = free[Math.floor(this.random() * free.length)]!;
    const current = this.storeQty.get(target.sku);
    let qty: number;
    let orderLock: number;
    let expected: number;
    do {
      qty = Math.floor(this.random() * 300);
      orderLock = Math.floor(this.random() * 6);
      expected = storeQuantity('available', { qty, orderLock, pendingUnits: 0 });
    } while (expected === current);
    this.awaitedSkus.add(target.sku);
    const changedAt = Date.now();
    await adminPost(this.sandboxUrl, '/__admin/stock', { rows: [{ sku_id: target.sku, qty, order_lock: orderLock, wms_co_id: 0 }] });
    this.changes.push({ kind: 'stock', key: target.sku, changedAt, expectedQty: expected, productId: target.productId });
  }

  private async checkout(paymentDelayS: number): Promise<void> {
    const id = this.newIncrementId();
    await insertCheckout(this.pool, id, this.pickItems(), Math.floor(Date.now() / 1000));
    const timer = setTimeout(() => {
      const changedAt = Date.now();
      void markPaid(this.pool, id).then((paid) => {
        if (paid) this.changes.push({ kind: 'order', key: id, changedAt });
      });
    }, paymentDelayS * 1000);
    this.timers.push(timer);
  }

  private async ship(): Promise<void> {
    const soId = this.erpHeld.shift();
    if (!soId) return void this.skipped.shipment++;
    const trackingNumber = `SF${soId}`;
    const changedAt = Date.now();
    await adminPost(this.sandboxUrl, '/__admin/ship', {
      shop_id: DEMO_SHOP_ID,
      so_id: soId,
      packages: [{ lc_id: 'SF', l_id: trackingNumber, logistics_company: '顺丰速运' }],
    });
    this.changes.push({ kind: 'shipment', key: soId, changedAt, trackingNumber });
  }

  private async cancel(): Promise<void> {
    const soId = this.erpHeld.shift();
    if (!soId) return void this.skipped.cancellation++;
    const changedAt = Date.now();
    await adminPost(this.sandboxUrl, '/__admin/cancel', { shop_id: DEMO_SHOP_ID, so_id: soId });
    this.changes.push({ kind: 'cancellation', key: soId, changedAt });
  }

  private async observeOnce(): Promise<void> {
    const now = () => Date.now();
    const waiting = this.pending();
    const stock = waiting.filter((c) => c.kind === 'stock');
    if (stock.length > 0) {
      const [rows] = await this.pool.query<RowDataPacket[]>('SELECT product_id, qty FROM product_flat_qty WHERE product_id IN (?)', [
        stock.map((c) => String(c.productId)),
      ]);
      const qty = new Map(rows.map((r) => [Number(r.product_id), Number(r.qty)]));
      for (const c of stock)
        if (qty.get(c.productId!) === c.expectedQty) {
          c.seenAt = now();
          this.storeQty.set(c.key, c.expectedQty!);
          this.awaitedSkus.delete(c.key);
        }
    }
    const storeSide = waiting.filter((c) => c.kind === 'shipment' || c.kind === 'cancellation');
    if (storeSide.length > 0) {
      const [rows] = await this.pool.query<RowDataPacket[]>(
        'SELECT increment_id, order_status, tracking_number FROM sales_flat_order WHERE increment_id IN (?)',
        [storeSide.map((c) => c.key)],
      );
      const orders = new Map(rows.map((r) => [String(r.increment_id), { status: String(r.order_status), tracking: String(r.tracking_number ?? '') }]));
      for (const c of storeSide) {
        const order = orders.get(c.key);
        if (!order) continue;
        if (c.kind === 'shipment' && order.status === 'dispatched' && order.tracking.split(',').includes(c.trackingNumber!)) c.seenAt = now();
        if (c.kind === 'cancellation' && order.status === 'canceled') c.seenAt = now();
      }
    }
    const res = await fetch(`${this.sandboxUrl}/__admin/orders`);
    if (!res.ok) throw new Error(`sandbox /__admin/orders: HTTP ${res.status}`);
    const erpOrders = (await res.json()) as Array<{ shop_id: number; so_id: string }>;
    const seen = now();
    for (const o of erpOrders) {
      if (o.shop_id !== DEMO_SHOP_ID || this.erpKnown.has(o.so_id)) continue;
      this.erpKnown.add(o.so_id);
      this.erpHeld.push(o.so_id);
    }
    for (const c of waiting) if (c.kind === 'order' && this.erpKnown.has(c.key)) c.seenAt = seen;
  }

  private pickItems() {
    const count = 1 + Math.floor(this.random() * 2);
    return Array.from({ length: count }, () => {
      const p = this.checkoutSkus[Math.floor(this.random() * this.checkoutSkus.length)]!;
      return { sku: p.sku, productId: p.productId, qty: 1 + Math.floor(this.random() * 2) };
    });
  }

  private newIncrementId(): string {
    return `9${this.orderPrefix}${String(this.nextOrder++).padStart(5, '0')}`;
  }
}
