import type { StoreSchema } from './store-schema';

/** Order status sets per flavour (docs/store-schema.md §3). */
export const CORE_STATUS = {
  readyDefault: ['payment_confirmed'],
  /** Core trackingShip() accepts only these as the source status. */
  shippable: ['payment_confirmed', 'processing'],
  shipped: ['dispatched', 'received', 'completed'],
  cancelled: ['canceled', 'payment_canceled'],
  /** Stock is deducted at checkout and still held by these (not returned, not shipped). */
  holdingStock: ['payment_pending', 'payment_processing', 'payment_confirmed', 'payment_suspected_fraud', 'holded', 'processing'],
} as const;

export const BBC_STATUS = {
  readyDefault: ['order_processing'],
  shippable: ['order_processing'],
  shipped: ['order_dispatched', 'order_received', 'order_completed'],
  paid: ['payment_confirmed', 'payment_no_need_confirmed', 'order_audit_fail', 'order_processing', 'order_dispatched', 'order_received', 'order_completed'],
  cancelledOperate: ['operate_canceled'],
  holdingStock: ['payment_pending', 'payment_processing', 'payment_confirmed', 'payment_no_need_confirmed', 'payment_suspected_fraud', 'order_processing'],
} as const;

export type OrderState = 'ready' | 'cancelled' | 'shipped' | 'unpaid_or_other';

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
