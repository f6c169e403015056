/**
 * An ERP cancellation (docs/design.md §15): a store order the ERP's own order query reports with
 * status `Cancelled` (docs/erp-api.md §3d, [C2]). What the connector did with it:
 * - `recorded`: seen and kept; not applied (ERP_CANCEL_APPLY off, the default);
 * - `applied`: the store order was cancelled with Fecmall's own transition;
 * - `already_cancelled`: the store order was already closed (cancelled, refunded): nothing to do;
 * - `refused_shipped`: the store order is dispatched or further: never cancelled (refusedReason);
 * - `refused_status`: the store order is in a status Fecmall does not cancel from (refusedReason);
 * - `unknown_order`: no store order has this increment id.
 */
export type ErpCancellationOutcome = 'recorded' | 'applied' | 'already_cancelled' | 'refused_shipped' | 'refused_status' | 'unknown_order';

export interface ErpCancellationRecord {
  incrementId: string;
  /** The ERP's internal order number. */
  oId: number;
  /** The ERP status that made it a cancellation (`Cancelled`). */
  erpStatus: string;
  /** Epoch ms the connector first verified it. */
  seenAt: number;
  outcome: ErpCancellationOutcome;
  applied: boolean;
  appliedAt?: number;
  refusedReason?: string;
  /** The store status found when it was judged (no personal data). */
  storeStatus?: string;
}

/** Outcomes after which nothing more is done for the order (a `recorded` one may still be applied later). */
export const FINAL_ERP_CANCELLATION_OUTCOMES: readonly ErpCancellationOutcome[] = ['applied', 'already_cancelled', 'refused_shipped', 'refused_status'];
