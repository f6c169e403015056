import type { Pool, RowDataPacket } from 'mysql2/promise';
import { StoreError } from './store-errors';
import { inTransaction } from './store-transaction';
import {
  BBC_CANCELED_OPERATE,
  BBC_CANCELLABLE,
  BBC_CANCELLABLE_OPERATE,
  CORE_CANCELED_STATUS,
  CORE_CANCELLABLE,
  decideStoreCancel,
  type StoreCancelOutcome,
} from './store-cancel-decision';
import type { StoreSchema } from './store-schema';

export interface StoreCancelResult {
  incrementId: string;
  outcome: StoreCancelOutcome;
  /** The store status found (`status/operate` in BBC): no personal data. */
  status?: string;
  reason?: string;
}

interface FoundOrder {
  orderId: number;
  incrementId: string;
  status: string | null;
  operateStatus: string | null;
  customerId: number | null;
  bdminUserId: number | null;
}

type Queryable = Pick<Pool, 'query'>;

/**
 * Cancels store orders the ERP cancelled, with Fecmall's own semantics (docs/store-schema.md §3, §7.7,
 * §7.8): core `order_status → canceled`, BBC `order_operate_status → operate_canceled` (plus its
 * process-log row), only from statuses Fecmall cancels from and never after dispatch. One transaction
 * per batch: the orders are read FOR UPDATE, decided, and moved by one guarded UPDATE
 * (`WHERE order_id IN (…) AND order_status IN (allowed)`), so a second run changes nothing. Stock is
 * not returned here (`returnQty`): the store's stock is the ERP's figure, which syncInventory writes
 * (docs/design.md §15). `if_is_return_stock` is never touched.
 */
export class OrderCancelRepository {
  constructor(
    private readonly pool: Pool,
    private readonly schema: StoreSchema,
  ) {}

  /** What cancelling would do, without writing (recording only, dry runs). */
  async plan(incrementIds: readonly string[]): Promise<StoreCancelResult[]> {
    if (incrementIds.length === 0) return [];
    const found = await this.read(this.pool, incrementIds, false);
    return incrementIds.map((id) => this.result(id, found.get(id)));
  }

  async cancel(incrementIds: readonly string[]): Promise<StoreCancelResult[]> {
    if (incrementIds.length === 0) return [];
    return inTransaction(this.pool, async (conn) => {
      const found = await this.read(conn, incrementIds, true);
      const results = incrementIds.map((id) => this.result(id, found.get(id)));
      const toCancel = results.filter((r) => r.outcome === 'applied').map((r) => found.get(r.incrementId)!);
      if (toCancel.length === 0) return results;
      const bbc = this.schema.flavour === 'bbc';
      const [update] = bbc
        ? await conn.query(
            'UPDATE sales_flat_order SET order_operate_status = ?, updated_at = UNIX_TIMESTAMP() WHERE order_id IN (?) AND order_status IN (?) AND (order_operate_status IS NULL OR order_operate_status IN (?))',
            [BBC_CANCELED_OPERATE, toCancel.map((o) => o.orderId), BBC_CANCELLABLE, BBC_CANCELLABLE_OPERATE],
          )
        : await conn.query('UPDATE sales_flat_order SET order_status = ?, updated_at = UNIX_TIMESTAMP() WHERE order_id IN (?) AND order_status IN (?)', [
            CORE_CANCELED_STATUS,
            toCancel.map((o) => o.orderId),
            CORE_CANCELLABLE,
          ]);
      const changed = (update as { affectedRows: number }).affectedRows;
      // The rows are locked FOR UPDATE, so the guard matches every decided row; if it does not, roll back
      // (nothing half-applied) and let the next run decide again.
      if (changed !== toCancel.length)
        throw new StoreError(
          'STORE_CANCEL_CONFLICT',
          `cancelling ${toCancel.length} store order(s) changed ${changed}: rolled back, decided again by the next run`,
          {
            expected: toCancel.length,
            changed,
          },
        );
      if (bbc) {
        const at = Math.floor(Date.now() / 1000);
        await conn.query('INSERT INTO sales_order_process_log (order_id, increment_id, customer_id, bdmin_user_id, type, created_at, updated_at) VALUES ?', [
          toCancel.map((o) => [o.orderId, o.incrementId, o.customerId, o.bdminUserId, 'log_order_cancel_audit_accept', at, at]),
        ]);
      }
      return results;
    });
  }

  private result(incrementId: string, order: FoundOrder | undefined): StoreCancelResult {
    const decision = decideStoreCancel(this.schema, order);
    const result: StoreCancelResult = { incrementId, outcome: decision.outcome };
    if (order) result.status = this.schema.flavour === 'bbc' ? `${order.status ?? ''}/${order.operateStatus ?? 'operate_normal'}` : (order.status ?? '');
    if (decision.reason) result.reason = decision.reason;
    return result;
  }

  private async read(conn: Queryable, incrementIds: readonly string[], lock: boolean): Promise<Map<string, FoundOrder>> {
    const bbc = this.schema.flavour === 'bbc';
    const [rows] = await conn.query<RowDataPacket[]>(
      `SELECT order_id, increment_id, order_status, customer_id${bbc ? ', order_operate_status, bdmin_user_id' : ''}
         FROM sales_flat_order WHERE increment_id IN (?)${lock ? ' FOR UPDATE' : ''}`,
      [[...incrementIds]],
    );
    return new Map(
      rows.map((r) => [
        String(r.increment_id),
        {
          orderId: Number(r.order_id),
          incrementId: String(r.increment_id),
          status: r.order_status ?? null,
          operateStatus: r.order_operate_status ?? null,
          customerId: r.customer_id ?? null,
          bdminUserId: r.bdmin_user_id ?? null,
        },
      ]),
    );
  }
}
