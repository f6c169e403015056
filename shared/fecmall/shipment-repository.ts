import type { Pool, RowDataPacket } from 'mysql2/promise';
import { inTransaction } from './store-transaction';
import { BBC_STATUS, CORE_STATUS } from './order-statuses';
import type { StoreSchema } from './store-schema';
import { toUtf8mb3 } from './utf8-text';

export interface ShipmentToApply {
  incrementId: string;
  /** Every tracking number of the order (several packages), in ERP order. */
  trackingNumbers: string[];
  carrierCode: string;
  carrierName: string;
  /** Unix seconds the ERP shipped it. */
  shippedAt: number;
}

/**
 * `tracking_too_long`: the order's tracking numbers, comma-joined, do not fit the store's 100-character
 * column; nothing is written (a number is never cut).
 */
export type ShipmentOutcome = 'applied' | 'tracking_added' | 'already_shipped' | 'cancelled' | 'not_shippable' | 'tracking_too_long' | 'unknown';

export interface ShipmentResult {
  incrementId: string;
  outcome: ShipmentOutcome;
  /** The order status found, for the run summary (never personal data). */
  status?: string;
}

/** `sales_flat_order.tracking_number` varchar(100) (docs/store-schema.md §2.1). */
export const TRACKING_NUMBER_MAX = 100;
const TRACKING_COMPANY_MAX = 150;
const TRACKING_NAME_MAX = 50;

/**
 * Applies ERP shipments to store orders with the guarded transition Fecmall itself uses
 * (docs/store-schema.md §3.3): core `payment_confirmed|processing → dispatched`; BBC
 * `order_processing (operate_normal) → order_dispatched` plus its process-log row. An order is never
 * moved backwards; an already shipped order only gains tracking numbers it did not have.
 */
export class ShipmentRepository {
  constructor(
    private readonly pool: Pool,
    private readonly schema: StoreSchema,
  ) {}

  /** What applying would do, without writing (dry runs). */
  async plan(shipments: readonly ShipmentToApply[]): Promise<ShipmentResult[]> {
    const found = await this.readOrders(
      this.pool,
      shipments.map((s) => s.incrementId),
      false,
    );
    return shipments.map((s) => ({ incrementId: s.incrementId, ...this.decide(found.get(s.incrementId), s) }));
  }

  async apply(shipments: readonly ShipmentToApply[]): Promise<ShipmentResult[]> {
    if (shipments.length === 0) return [];
    return inTransaction(this.pool, async (conn) => {
      const found = await this.readOrders(
        conn,
        shipments.map((s) => s.incrementId),
        true,
      );
      const results: ShipmentResult[] = [];
      const logRows: unknown[][] = [];
      for (const shipment of shipments) {
        const order = found.get(shipment.incrementId);
        const decision = this.decide(order, shipment);
        if (order && (decision.outcome === 'applied' || decision.outcome === 'tracking_added')) {
          const tracking = joinTracking(order.trackingNumber, shipment.trackingNumbers, decision.outcome === 'tracking_added')!;
          const ok =
            decision.outcome === 'applied'
              ? await this.dispatch(conn, order.orderId, shipment, tracking)
              : await this.addTracking(conn, order.orderId, order.status, tracking);
          if (!ok) {
            results.push({ incrementId: shipment.incrementId, outcome: 'not_shippable', status: order.status ?? undefined });
            continue;
          }
          if (decision.outcome === 'applied' && this.schema.flavour === 'bbc')
            logRows.push([order.orderId, order.incrementId, order.customerId, order.bdminUserId, 'log_order_dispatch']);
        }
        results.push({ incrementId: shipment.incrementId, ...decision });
      }
      if (logRows.length > 0) {
        await conn.query('INSERT INTO sales_order_process_log (order_id, increment_id, customer_id, bdmin_user_id, type, created_at, updated_at) VALUES ?', [
          logRows.map((r) => [...r, Math.floor(Date.now() / 1000), Math.floor(Date.now() / 1000)]),
        ]);
      }
      return results;
    });
  }

  private decide(order: FoundOrder | undefined, shipment: ShipmentToApply): { outcome: ShipmentOutcome; status?: string } {
    if (!order) return { outcome: 'unknown' };
    const status = order.status ?? '';
    const bbc = this.schema.flavour === 'bbc';
    if (
      bbc
        ? order.operateStatus === 'operate_canceled' || order.operateStatus === 'operate_waiting_canceled'
        : (CORE_STATUS.cancelled as readonly string[]).includes(status)
    ) {
      return { outcome: 'cancelled', status: bbc ? `${status}/${order.operateStatus}` : status };
    }
    if ((bbc ? BBC_STATUS.shipped : CORE_STATUS.shipped).includes(status as never)) {
      const known = new Set(
        (order.trackingNumber ?? '')
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      );
      const fresh = shipment.trackingNumbers.filter((t) => !known.has(t));
      if (fresh.length === 0) return { outcome: 'already_shipped', status };
      return joinTracking(order.trackingNumber, shipment.trackingNumbers, true) === undefined
        ? { outcome: 'tracking_too_long', status }
        : { outcome: 'tracking_added', status };
    }
    const shippable = bbc
      ? (BBC_STATUS.shippable as readonly string[]).includes(status) && (order.operateStatus ?? 'operate_normal') === 'operate_normal'
      : (CORE_STATUS.shippable as readonly string[]).includes(status);
    if (!shippable) return { outcome: 'not_shippable', status };
    return joinTracking(null, shipment.trackingNumbers, false) === undefined ? { outcome: 'tracking_too_long', status } : { outcome: 'applied', status };
  }

  private async dispatch(conn: Queryable, orderId: number, s: ShipmentToApply, tracking: string): Promise<boolean> {
    const sets = ['order_status = ?', 'tracking_company = ?', 'tracking_number = ?', 'updated_at = UNIX_TIMESTAMP()'];
    const params: unknown[] = [this.schema.flavour === 'bbc' ? 'order_dispatched' : 'dispatched', fit(s.carrierCode, TRACKING_COMPANY_MAX), tracking];
    if (this.schema.hasTrackingCompanyName) {
      sets.push('tracking_company_name = ?');
      params.push(fit(s.carrierName, TRACKING_NAME_MAX));
    }
    if (this.schema.hasDispatchedAt) {
      sets.push('dispatched_at = ?');
      params.push(s.shippedAt);
    }
    let guard = 'order_status IN (?)';
    const guardParams: unknown[] = [this.schema.flavour === 'bbc' ? BBC_STATUS.shippable : CORE_STATUS.shippable];
    if (this.schema.flavour === 'bbc') {
      sets.push('recevie_delay_days = 0');
      guard += " AND (order_operate_status IS NULL OR order_operate_status = 'operate_normal')";
    }
    const [result] = await conn.query(`UPDATE sales_flat_order SET ${sets.join(', ')} WHERE order_id = ? AND ${guard}`, [...params, orderId, ...guardParams]);
    return (result as { affectedRows: number }).affectedRows === 1;
  }

  private async addTracking(conn: Queryable, orderId: number, status: string | null, tracking: string): Promise<boolean> {
    const [result] = await conn.query(
      'UPDATE sales_flat_order SET tracking_number = ?, updated_at = UNIX_TIMESTAMP() WHERE order_id = ? AND order_status = ?',
      [tracking, orderId, status],
    );
    return (result as { affectedRows: number }).affectedRows === 1;
  }

  private async readOrders(conn: Queryable, incrementIds: string[], lock: boolean): Promise<Map<string, FoundOrder>> {
    const bbc = this.schema.flavour === 'bbc';
    const [rows] = await conn.query<RowDataPacket[]>(
      `SELECT order_id, increment_id, order_status, tracking_number, customer_id${bbc ? ', order_operate_status, bdmin_user_id' : ''}
         FROM sales_flat_order WHERE increment_id IN (?)${lock ? ' FOR UPDATE' : ''}`,
      [incrementIds],
    );
    return new Map(
      rows.map((r) => [
        String(r.increment_id),
        {
          orderId: Number(r.order_id),
          incrementId: String(r.increment_id),
          status: r.order_status ?? null,
          trackingNumber: r.tracking_number ?? null,
          customerId: r.customer_id ?? null,
          operateStatus: r.order_operate_status ?? null,
          bdminUserId: r.bdmin_user_id ?? null,
        },
      ]),
    );
  }
}

interface FoundOrder {
  orderId: number;
  incrementId: string;
  status: string | null;
  trackingNumber: string | null;
  customerId: number | null;
  operateStatus: string | null;
  bdminUserId: number | null;
}

type Queryable = Pick<Pool, 'query'>;

/**
 * All tracking numbers, comma-separated, or undefined when they do not fit the column's 100
 * characters: a tracking number is never cut or dropped silently (the caller reports the order).
 */
export function joinTracking(existing: string | null, incoming: string[], keepExisting: boolean): string | undefined {
  const all: string[] = [];
  const add = (t: string) => {
    const clean = toUtf8mb3(t.trim());
    if (clean && !all.includes(clean)) all.push(clean);
  };
  if (keepExisting) for (const t of (existing ?? '').split(',')) add(t);
  for (const t of incoming) add(t);
  const joined = all.join(',');
  return Array.from(joined).length > TRACKING_NUMBER_MAX ? undefined : joined;
}

function fit(text: string, max: number): string {
  return Array.from(toUtf8mb3(text)).slice(0, max).join('');
}
