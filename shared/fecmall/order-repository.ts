import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { ErpOrderSource, ErpOrderSourceItem } from '../domain/erp-order-source';
import { BBC_STATUS, CORE_HOLD_FROM, CORE_HOLD_STATUS, CORE_STATUS, classifyOrder, defaultReadyStatuses, type OrderState } from './order-statuses';
import type { StoreSchema } from './store-schema';

export interface StoreOrder extends ErpOrderSource {
  status: string | null;
  operateStatus: string | null;
  lifecycle: OrderState;
  trackingNumber: string | null;
}

export interface OrderPage {
  orders: StoreOrder[];
  /** Keyset position to continue from. */
  lastOrderId: number;
  done: boolean;
}

const ORDER_COLUMNS = `order_id, increment_id, order_status, created_at, updated_at, order_currency_code, grand_total, base_grand_total,
  shipping_total, base_shipping_total, subtotal_with_discount, base_subtotal_with_discount, customer_id, customer_email,
  customer_firstname, customer_lastname, customer_telephone, customer_address_country, customer_address_state,
  customer_address_city, customer_address_zip, customer_address_street1, customer_address_street2, order_remark,
  payment_method, txn_id, store, tracking_number`;

/**
 * Store orders (docs/store-schema.md §2–§4). Fecmall does not bump `updated_at` on many payments and
 * status changes, and `created_at` is not indexed, so orders are read through the primary key:
 * inside a horizon (the first order created within the last N days, found by binary search over the
 * primary key) in keyset pages `order_id > :last ORDER BY order_id LIMIT n`, filtered by status.
 */
export class OrderRepository {
  readonly readyStatuses: readonly string[];

  constructor(
    private readonly pool: Pool,
    private readonly schema: StoreSchema,
    readyStatuses?: readonly string[],
  ) {
    this.readyStatuses = readyStatuses?.length ? readyStatuses : defaultReadyStatuses(schema);
  }

  /** The database clock, unix seconds (store-side windows never use the Lambda clock). */
  async databaseNow(): Promise<number> {
    const [rows] = await this.pool.query<RowDataPacket[]>('SELECT UNIX_TIMESTAMP() AS now');
    return Number(rows[0]!.now);
  }

  /**
   * The smallest order_id whose order was created at or after `sinceUnix`, or undefined when there is
   * none. Order ids grow with creation time, so a binary search over the primary key finds it in
   * about log2(N) point reads.
   */
  async horizonStartOrderId(sinceUnix: number): Promise<number | undefined> {
    const [bounds] = await this.pool.query<RowDataPacket[]>('SELECT MIN(order_id) AS lo, MAX(order_id) AS hi FROM sales_flat_order');
    let lo = Number(bounds[0]?.lo ?? 0);
    let hi = Number(bounds[0]?.hi ?? 0);
    if (!hi) return undefined;
    // P(x) = "the first order with order_id >= x was created at or after sinceUnix" is monotone in x;
    // find the smallest x where it holds, then the first order at or after it.
    const firstAtOrAfter = async (id: number): Promise<{ id: number; createdAt: number } | undefined> => {
      const [rows] = await this.pool.query<RowDataPacket[]>('SELECT order_id, created_at FROM sales_flat_order WHERE order_id >= ? ORDER BY order_id LIMIT 1', [
        id,
      ]);
      return rows[0] ? { id: Number(rows[0].order_id), createdAt: Number(rows[0].created_at ?? 0) } : undefined;
    };
    const holds = async (id: number) => ((await firstAtOrAfter(id))?.createdAt ?? -1) >= sinceUnix;
    if (!(await holds(hi))) return undefined;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (await holds(mid)) hi = mid;
      else lo = mid + 1;
    }
    return (await firstAtOrAfter(lo))?.id;
  }

  /** Orders after `afterOrderId` that are ready, cancelled or shipped, with their items, in primary-key order. */
  async readOrdersAfter(afterOrderId: number, limit: number): Promise<OrderPage> {
    const { clause, params } = this.relevantStatusFilter();
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT ${this.columns()} FROM sales_flat_order
        WHERE order_id > ? AND increment_id IS NOT NULL AND (${clause})
        ORDER BY order_id LIMIT ?`,
      [afterOrderId, ...params, limit],
    );
    const orders = await this.withItems(rows);
    return { orders, lastOrderId: orders.at(-1)?.orderId ?? afterOrderId, done: rows.length < limit };
  }

  async readOrdersByIncrementIds(incrementIds: readonly string[]): Promise<StoreOrder[]> {
    if (incrementIds.length === 0) return [];
    const [rows] = await this.pool.query<RowDataPacket[]>(`SELECT ${this.columns()} FROM sales_flat_order WHERE increment_id IN (?) ORDER BY order_id`, [
      incrementIds,
    ]);
    return this.withItems(rows);
  }

  /**
   * Units per (order, SKU) in store orders that still hold stock deducted at checkout (placed,
   * paid, not shipped, not cancelled), from `minOrderId` on. The inventory job subtracts those the
   * ERP has not accepted yet. With `skus`, only those SKUs (read per batch, right after the stock).
   */
  async unitsHeldByOpenOrders(minOrderId: number, skus?: readonly string[]): Promise<Array<{ incrementId: string; sku: string; qty: number }>> {
    if (skus !== undefined && skus.length === 0) return [];
    const bbc = this.schema.flavour === 'bbc';
    const statuses = bbc ? BBC_STATUS.holdingStock : CORE_STATUS.holdingStock;
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT o.increment_id, i.sku, SUM(i.qty) AS qty FROM sales_flat_order o
         JOIN sales_flat_order_item i ON i.order_id = o.order_id
        WHERE o.order_id >= ? AND o.increment_id IS NOT NULL AND o.order_status IN (?)
          ${bbc ? "AND (o.order_operate_status IS NULL OR o.order_operate_status <> 'operate_canceled')" : ''}
          ${skus ? 'AND i.sku IN (?)' : ''}
        GROUP BY o.increment_id, i.sku`,
      skus ? [minOrderId, statuses, skus] : [minOrderId, statuses],
    );
    return rows.map((r) => ({ incrementId: String(r.increment_id), sku: String(r.sku), qty: Number(r.qty) }));
  }

  /**
   * Core flavour: moves accepted orders from payment_confirmed to holded (guarded; never backwards) and
   * returns the held orders' updated_at (unix seconds), read back, so the caller can record the hash of
   * the payload the next run will compute. BBC: nothing (its hold is an operate status we never set).
   */
  async markHolded(orderIds: readonly number[]): Promise<Map<number, number>> {
    if (orderIds.length === 0 || this.schema.flavour !== 'core') return new Map();
    await this.pool.query(
      'UPDATE sales_flat_order SET order_status = ?, updated_at = GREATEST(COALESCE(updated_at, 0), UNIX_TIMESTAMP()) WHERE order_id IN (?) AND order_status = ?',
      [CORE_HOLD_STATUS, orderIds, CORE_HOLD_FROM],
    );
    const [rows] = await this.pool.query<RowDataPacket[]>('SELECT order_id, updated_at FROM sales_flat_order WHERE order_id IN (?) AND order_status = ?', [
      orderIds,
      CORE_HOLD_STATUS,
    ]);
    return new Map(rows.map((r) => [Number(r.order_id), Number(r.updated_at ?? 0)]));
  }

  private columns(): string {
    const extra = this.schema.flavour === 'bbc' ? ', order_operate_status' : '';
    return `${ORDER_COLUMNS}${extra}${this.schema.hasCustomerAddressArea ? ', customer_address_area' : ''}`;
  }

  private relevantStatusFilter(): { clause: string; params: unknown[] } {
    if (this.schema.flavour === 'bbc') {
      return {
        clause: '(order_status IN (?) AND (order_operate_status IS NULL OR order_operate_status = ?)) OR order_operate_status IN (?) OR order_status IN (?)',
        params: [this.readyStatuses, 'operate_normal', BBC_STATUS.cancelledOperate, BBC_STATUS.shipped],
      };
    }
    return { clause: 'order_status IN (?)', params: [[...this.readyStatuses, ...CORE_STATUS.cancelled, ...CORE_STATUS.shipped]] };
  }

  private async withItems(rows: RowDataPacket[]): Promise<StoreOrder[]> {
    if (rows.length === 0) return [];
    const [itemRows] = await this.pool.query<RowDataPacket[]>(
      `SELECT item_id, order_id, sku, name, qty, price, row_total, base_price, base_row_total, custom_option_sku
         FROM sales_flat_order_item WHERE order_id IN (?) ORDER BY item_id`,
      [rows.map((r) => r.order_id)],
    );
    const items = new Map<number, ErpOrderSourceItem[]>();
    for (const r of itemRows) {
      const list = items.get(Number(r.order_id)) ?? [];
      list.push({
        itemId: Number(r.item_id),
        sku: String(r.sku ?? ''),
        name: String(r.name ?? ''),
        qty: Number(r.qty ?? 0),
        price: str(r.price),
        rowTotal: str(r.row_total),
        basePrice: str(r.base_price),
        baseRowTotal: str(r.base_row_total),
        customOptionSku: r.custom_option_sku ? String(r.custom_option_sku) : null,
      });
      items.set(Number(r.order_id), list);
    }
    return rows.map((r) => {
      const status = r.order_status === null ? null : String(r.order_status);
      const operateStatus = r.order_operate_status === undefined || r.order_operate_status === null ? null : String(r.order_operate_status);
      return {
        orderId: Number(r.order_id),
        incrementId: String(r.increment_id),
        createdAt: Number(r.created_at ?? 0),
        updatedAt: r.updated_at === null ? null : Number(r.updated_at),
        orderCurrencyCode: r.order_currency_code ?? null,
        grandTotal: str(r.grand_total),
        baseGrandTotal: str(r.base_grand_total),
        shippingTotal: str(r.shipping_total),
        baseShippingTotal: str(r.base_shipping_total),
        discount: str(r.subtotal_with_discount),
        baseDiscount: str(r.base_subtotal_with_discount),
        customerId: r.customer_id === null ? null : Number(r.customer_id),
        customerEmail: r.customer_email ?? null,
        customerFirstname: r.customer_firstname ?? null,
        customerLastname: r.customer_lastname ?? null,
        customerTelephone: r.customer_telephone ?? null,
        country: r.customer_address_country ?? null,
        state: r.customer_address_state ?? null,
        city: r.customer_address_city ?? null,
        district: r.customer_address_area ?? null,
        zip: r.customer_address_zip ?? null,
        street1: r.customer_address_street1 ?? null,
        street2: r.customer_address_street2 ?? null,
        orderRemark: r.order_remark ?? null,
        paymentMethod: r.payment_method ?? null,
        txnId: r.txn_id ?? null,
        store: r.store ?? null,
        items: items.get(Number(r.order_id)) ?? [],
        status,
        operateStatus,
        trackingNumber: r.tracking_number ?? null,
        lifecycle: classifyOrder(this.schema, this.readyStatuses, status, operateStatus),
      };
    });
  }
}

function str(value: unknown): string {
  return value === null || value === undefined ? '0.00' : String(value);
}
