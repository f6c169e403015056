import type { StoreSchema } from './store-schema';

/**
 * Order status sets per flavour (docs/store-schema.md §3, §7.6, §7.8). The sets pushOrders and
 * syncShipping use come from here, so that what one job moves an order to, the other still accepts.
 */
export const CORE_STATUS = {
  /**
   * Paid and neither shipped nor closed: pushed to the ERP by default (§3.1 "ready to ship" =
   * payment_confirmed + holded + processing; §7.6: staff may move an order on before the next push).
   */
  readyDefault: ['payment_confirmed', 'processing', 'holded'],
  /**
   * Source statuses syncShipping moves to dispatched. Core trackingShip() accepts payment_confirmed and
   * processing; holded is added because pushOrders itself moves orders there (ORDER_HOLD_AFTER_PUSH).
   */
  shippable: ['payment_confirmed', 'processing', 'holded'],
  shipped: ['dispatched', 'received', 'completed'],
  /** No longer to be shipped: sent to the ERP as TRADE_CLOSED once the order was pushed (§3.1). */
  cancelled: ['canceled', 'payment_canceled', 'refunded'],
  /** Stock is deducted at checkout and still held by these (not returned, not shipped). */
  holdingStock: ['payment_pending', 'payment_processing', 'payment_confirmed', 'payment_suspected_fraud', 'holded', 'processing'],
} as const;

/** The status pushOrders moves a core-flavour order to after the ERP accepted it (ORDER_HOLD_AFTER_PUSH). */
export const CORE_HOLD_STATUS = 'holded';
/** The only status ORDER_HOLD_AFTER_PUSH moves from (guarded; never backwards). */
export const CORE_HOLD_FROM = 'payment_confirmed';

export const BBC_STATUS = {
  readyDefault: ['order_processing'],
  shippable: ['order_processing'],
  shipped: ['order_dispatched', 'order_received', 'order_completed'],
  paid: ['payment_confirmed', 'payment_no_need_confirmed', 'order_audit_fail', 'order_processing', 'order_dispatched', 'order_received', 'order_completed'],
  cancelledOperate: ['operate_canceled'],
  holdingStock: ['payment_pending', 'payment_processing', 'payment_confirmed', 'payment_no_need_confirmed', 'payment_suspected_fraud', 'order_processing'],
} as const;

export type OrderState = 'ready' | 'cancelled' | 'shipped' | 'unpaid_or_other';

/** The ready statuses used when ORDER_READY_STATUSES is not set. */
export function defaultReadyStatuses(schema: Pick<StoreSchema, 'flavour'>): readonly string[] {
  return schema.flavour === 'bbc' ? BBC_STATUS.readyDefault : CORE_STATUS.readyDefault;
}

/** Where an order stands, for pushing and shipping, from its status column(s). */
export function classifyOrder(schema: StoreSchema, readyStatuses: readonly string[], status: string | null, operateStatus: string | null): OrderState {
  const s = status ?? '';
  if (schema.flavour === 'bbc') {
    const op = operateStatus ?? 'operate_normal';
    if ((BBC_STATUS.cancelledOperate as readonly string[]).includes(op)) return 'cancelled';
    if ((BBC_STATUS.shipped as readonly string[]).includes(s)) return 'shipped';
    if (op === 'operate_normal' && readyStatuses.includes(s)) return 'ready';
    return 'unpaid_or_other';
  }
  if ((CORE_STATUS.cancelled as readonly string[]).includes(s)) return 'cancelled';
  if ((CORE_STATUS.shipped as readonly string[]).includes(s)) return 'shipped';
  if (readyStatuses.includes(s)) return 'ready';
  return 'unpaid_or_other';
}
