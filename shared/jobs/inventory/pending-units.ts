import type { LedgerEntry } from '../../state/order-ledger';

/**
 * Units per SKU held by store orders the ERP has not accepted yet: the store deducted them at
 * checkout, the ERP's stock does not know them. Each unit counts once: an order
 * the ERP accepted before the inventory row was read (`erpReadAtMs`) is in that row's order_lock and
 * is not held again (docs/design.md §12) — whatever was written to its ledger entry since (a re-send of a changed payload,
 * a rejected re-send, a hold): what counts is when it was FIRST accepted (`firstAcceptedAt`). An order
 * first accepted after the read may not be in the row's order_lock yet, so it still counts as pending:
 * that errs low for one read, never high.
 */
export function pendingUnitsBySku(
  held: ReadonlyArray<{ incrementId: string; sku: string; qty: number }>,
  ledger: ReadonlyMap<string, Pick<LedgerEntry, 'state' | 'acceptedHash' | 'updatedAt' | 'firstAcceptedAt'>>,
  erpReadAtMs?: number,
): Map<string, number> {
  const units = new Map<string, number>();
  for (const row of held) {
    const entry = ledger.get(row.incrementId);
    const acceptedAt = entry?.firstAcceptedAt ?? entry?.updatedAt;
    const acceptedBeforeRead = entry?.acceptedHash !== undefined && (erpReadAtMs === undefined || acceptedAt! < erpReadAtMs);
    if (acceptedBeforeRead) continue;
    units.set(row.sku, (units.get(row.sku) ?? 0) + row.qty);
  }
  return units;
}
