import type { LedgerEntry } from '../../state/order-ledger';

/**
 * Units per SKU held by store orders the ERP has not accepted yet: the store deducted them at
 * checkout, the ERP's stock does not know them. Orders the ERP has accepted are in its order_lock.
 */
export function pendingUnitsBySku(
  held: ReadonlyArray<{ incrementId: string; sku: string; qty: number }>,
  ledger: ReadonlyMap<string, Pick<LedgerEntry, 'state' | 'acceptedHash'>>,
): Map<string, number> {
  const units = new Map<string, number>();
  for (const row of held) {
    const entry = ledger.get(row.incrementId);
    if (entry?.acceptedHash) continue;
    units.set(row.sku, (units.get(row.sku) ?? 0) + row.qty);
  }
  return units;
}
