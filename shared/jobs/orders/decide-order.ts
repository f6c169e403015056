import type { StoreOrder } from '../../fecmall/order-repository';
import type { LedgerEntry } from '../../state/order-ledger';
import { describeKeyFieldProblems } from './key-fields';
import { mapOrderToErp, type ErpUploadOrder, type OrderMappingOptions } from './map-order';
import { payloadHash } from './payload-hash';
import type { TruncationWarning } from './truncate';

/** Why an order in the pass is not for the ERP. */
export type NotPushableReason = 'unpaid_or_other' | 'shipped' | 'closed_never_pushed';

export interface Candidate {
  order: StoreOrder;
  payload: ErpUploadOrder;
  hash: string;
  entry: LedgerEntry | undefined;
  /** Sent as TRADE_CLOSED (a pushed order that is cancelled, refunded …). */
  closing: boolean;
}

export type OrderDecision =
  | { kind: 'notPushable'; reason: NotPushableReason }
  | { kind: 'unchanged' }
  | { kind: 'waitingRetry' }
  /** Given up on in an earlier run (ORDER_MAX_ATTEMPTS); listed in GivenUpOrders. */
  | { kind: 'abandoned' }
  /** Not sent: a key field is over the ERP's limit (docs/erp-api.md §3b). */
  | { kind: 'rejectLocally'; candidate: Candidate; reason: string; truncated: TruncationWarning[] }
  | { kind: 'send'; candidate: Candidate; truncated: TruncationWarning[] };

export interface DecisionRules {
  mapping: OrderMappingOptions;
  now: number;
  maxAttempts: number;
  /** A manual run naming orders: retried now, whatever their backoff or given-up state. */
  named: boolean;
  /** With `named`: re-send even if the ERP already has this exact payload. */
  force: boolean;
}

/**
 * What to do with one store order given its ledger entry (docs/design.md §5): send it when the ERP does not
 * have its current payload, close it in the ERP once it was pushed and is now closed in the store,
 * respect the backoff of a rejected payload, and never send an order with an over-long key field.
 */
export function decideOrder(order: StoreOrder, entry: LedgerEntry | undefined, rules: DecisionRules): OrderDecision {
  const closing = order.lifecycle === 'cancelled';
  if (order.lifecycle === 'shipped') return { kind: 'notPushable', reason: 'shipped' };
  if (closing && !entry?.acceptedHash) return { kind: 'notPushable', reason: 'closed_never_pushed' };
  if (order.lifecycle !== 'ready' && !closing) return { kind: 'notPushable', reason: 'unpaid_or_other' };
  const { payload, warnings, keyFieldProblems } = mapOrderToErp(order, closing ? 'cancelled' : 'ready', rules.mapping);
  const hash = payloadHash(payload);
  if (entry?.acceptedHash === hash && !(rules.named && rules.force)) return { kind: 'unchanged' };
  if (entry?.state === 'rejected' && entry.rejectedHash === hash && !rules.named) {
    if (entry.givenUpAt !== undefined || entry.attempts >= rules.maxAttempts) return { kind: 'abandoned' };
    if ((entry.nextRetryAt ?? 0) > rules.now) return { kind: 'waitingRetry' };
  }
  const candidate: Candidate = { order, payload, hash, entry, closing };
  if (keyFieldProblems.length > 0) return { kind: 'rejectLocally', candidate, reason: describeKeyFieldProblems(keyFieldProblems), truncated: warnings };
  return { kind: 'send', candidate, truncated: warnings };
}
