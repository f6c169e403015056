import type { Page } from '../../jst/client';
import type { QueriedOrder } from '../../jst/reply-schemas';

/** The ERP status that makes an order an ERP cancellation (docs/erp-api.md §3d, [C2]). */
export const ERP_CANCELLED_STATUS = 'Cancelled';

/**
 * What the ERP's order query says of one so_id:
 * - `cancelled`: every row of this shop for the so_id has status Cancelled (o_id of the first);
 * - `not_cancelled`: the ERP does not know the so_id in this shop, or reports another status —
 *   a forged or wrong push changes nothing;
 * - `unreadable`: a row for it (or a row without a readable so_id in its batch) did not have the
 *   documented shape, or it was not asked before the deadline: not judged, asked again later.
 */
export type ErpCancelVerdict =
  | { soId: string; verdict: 'cancelled'; oId: number; erpStatus: string }
  | { soId: string; verdict: 'not_cancelled'; erpStatuses: string[] }
  | { soId: string; verdict: 'unreadable'; reason: string };

/** Judges the so_ids of one order query by so_id from its pages (pure: no I/O). */
export function judgeCancellations(soIds: readonly string[], pages: readonly Page<QueriedOrder>[], shopId: number): ErpCancelVerdict[] {
  const rows = pages.flatMap((p) => p.rows).filter((r) => r.shop_id === shopId);
  const invalid = pages.flatMap((p) => p.invalid);
  const unkeyed = invalid.find((bad) => !bad.key);
  return soIds.map((soId): ErpCancelVerdict => {
    if (unkeyed) return { soId, verdict: 'unreadable', reason: `an ERP order row without a readable so_id came back with it: ${unkeyed.problem}` };
    const bad = invalid.find((b) => b.key === soId);
    if (bad) return { soId, verdict: 'unreadable', reason: `ERP order row does not have the documented shape: ${bad.problem}` };
    const mine = rows.filter((r) => r.so_id === soId);
    if (mine.length > 0 && mine.every((r) => r.status === ERP_CANCELLED_STATUS))
      return { soId, verdict: 'cancelled', oId: mine[0]!.o_id, erpStatus: ERP_CANCELLED_STATUS };
    return { soId, verdict: 'not_cancelled', erpStatuses: [...new Set(mine.map((r) => r.status))] };
  });
}
