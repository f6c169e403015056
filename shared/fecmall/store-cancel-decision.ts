import { BBC_STATUS, CORE_STATUS } from './order-statuses';
import type { StoreSchema } from './store-schema';

export type StoreCancelOutcome = 'applied' | 'already_cancelled' | 'refused_shipped' | 'refused_status' | 'unknown_order';

/**
 * Core statuses Fecmall's own cancel may leave (docs/store-schema.md §3.1, §7.8): not yet shipped and
 * not closed — unpaid, paid, under review, being prepared. The status set is the one that still holds
 * deducted stock (CORE_STATUS.holdingStock). Fecmall's `Order::cancel()` itself checks no source status;
 * the connector never cancels after dispatch.
 */
export const CORE_CANCELLABLE: readonly string[] = CORE_STATUS.holdingStock;
/** The status Fecmall's `Order::cancel()` sets (core). */
export const CORE_CANCELED_STATUS = 'canceled';

/** BBC: a cancellation only moves `order_operate_status` (docs/store-schema.md §3.2), from these pipeline statuses. */
export const BBC_CANCELLABLE: readonly string[] = [...BBC_STATUS.holdingStock, 'order_audit_fail'];
/** BBC overlays a cancellation may replace (a buyer's pending cancel request included). */
export const BBC_CANCELLABLE_OPERATE: readonly string[] = ['operate_normal', 'operate_waiting_canceled', 'operate_holded'];
export const BBC_CANCELED_OPERATE = 'operate_canceled';

/** What cancelling a store order in this status would do (no I/O; the repository applies it, guarded). */
export function decideStoreCancel(
  schema: Pick<StoreSchema, 'flavour'>,
  order: { status: string | null; operateStatus: string | null } | undefined,
): { outcome: StoreCancelOutcome; reason?: string } {
  if (!order) return { outcome: 'unknown_order', reason: 'no store order has this increment id' };
  const status = order.status ?? '';
  if (schema.flavour === 'bbc') {
    const operate = order.operateStatus ?? 'operate_normal';
    if ((BBC_STATUS.cancelledOperate as readonly string[]).includes(operate) || status === 'payment_canceled') return { outcome: 'already_cancelled' };
    if ((BBC_STATUS.shipped as readonly string[]).includes(status))
      return { outcome: 'refused_shipped', reason: `store order is ${status}: never cancelled after dispatch` };
    if (!BBC_CANCELLABLE.includes(status) || !BBC_CANCELLABLE_OPERATE.includes(operate))
      return { outcome: 'refused_status', reason: `store order is ${status}/${operate}: not a status Fecmall cancels from` };
    return { outcome: 'applied' };
  }
  if ((CORE_STATUS.cancelled as readonly string[]).includes(status)) return { outcome: 'already_cancelled' };
  if ((CORE_STATUS.shipped as readonly string[]).includes(status))
    return { outcome: 'refused_shipped', reason: `store order is ${status}: never cancelled after dispatch` };
  if (!CORE_CANCELLABLE.includes(status))
    return { outcome: 'refused_status', reason: `store order is ${status || '(no status)'}: not a status Fecmall cancels from` };
  return { outcome: 'applied' };
}
