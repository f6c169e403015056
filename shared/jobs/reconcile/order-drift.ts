import type { ErpOrderStatus, QueriedOrder } from '../../jst/reply-schemas';
import { toCents } from '../money';

/** What the store says the ERP should hold for one order (from the current upload payload). */
export interface ExpectedErpOrder {
  soId: string;
  shopId: number;
  /** The payload's pay_amount (2 decimals). */
  payAmount: string;
  /** The payload's shop_status. */
  shopStatus: 'WAIT_SELLER_SEND_GOODS' | 'TRADE_CLOSED' | 'WAIT_BUYER_PAY';
}

export type OrderDrift = { kind: 'missing'; problems: string[] } | { kind: 'different'; problems: string[] };

/**
 * The ERP `status` values (docs/erp-api.md §3d) each upload `shop_status` may legitimately lead to
 * (docs/erp-api.md §4.7, partly inferred): a paid order moves on through review, question, split/merge,
 * delivery and sending, but is never waiting for payment nor cancelled; a closed order is Cancelled.
 */
const ALLOWED_STATUSES: Record<ExpectedErpOrder['shopStatus'], readonly ErpOrderStatus[]> = {
  WAIT_SELLER_SEND_GOODS: ['WaitConfirm', 'WaitFConfirm', 'Question', 'Delivering', 'WaitOuterSent', 'Sent', 'Merged', 'Split'],
  TRADE_CLOSED: ['Cancelled'],
  WAIT_BUYER_PAY: ['WaitPay', 'Cancelled'],
};

/** Statuses whose pay_amount is not the store order's own (merged into or split off another order). */
const AMOUNT_NOT_COMPARABLE: readonly ErpOrderStatus[] = ['Merged', 'Split'];

/**
 * Compares one store order with the ERP orders the order query returned for its so_id. An ERP order
 * belongs to it when its so_id matches, or when one of its lines came from it (`raw_so_id`, a merged
 * order). Missing: none in our shop. Different: only under another shop, a status the shop_status
 * cannot lead to, or (for a single unmerged order) another pay_amount. Undefined: in order.
 */
export function orderDrift(expected: ExpectedErpOrder, rows: readonly QueriedOrder[]): OrderDrift | undefined {
  const own = rows.filter((r) => r.so_id === expected.soId || r.items.some((i) => i.raw_so_id === expected.soId));
  const inShop = own.filter((r) => r.shop_id === expected.shopId);
  if (inShop.length === 0) {
    if (own.length === 0) return { kind: 'missing', problems: ['not in the ERP'] };
    return { kind: 'different', problems: [`only under shop ${[...new Set(own.map((r) => r.shop_id))].join(', ')}, expected ${expected.shopId}`] };
  }
  const problems: string[] = [];
  const allowed = ALLOWED_STATUSES[expected.shopStatus];
  if (!inShop.some((r) => allowed.includes(r.status))) {
    problems.push(`status ${[...new Set(inShop.map((r) => r.status))].join('/')}, expected ${allowed.join('|')} for ${expected.shopStatus}`);
  }
  const direct = inShop.filter((r) => r.so_id === expected.soId);
  const single = direct.length === 1 ? direct[0]! : undefined;
  if (single && !AMOUNT_NOT_COMPARABLE.includes(single.status) && toCents(single.pay_amount, 'pay_amount') !== toCents(expected.payAmount, 'pay_amount')) {
    problems.push(`pay_amount ${single.pay_amount}, expected ${expected.payAmount}`);
  }
  return problems.length > 0 ? { kind: 'different', problems } : undefined;
}
