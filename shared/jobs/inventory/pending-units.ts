import type { LedgerEntry } from '../../state/order-ledger';

/**
 * Units per SKU held by store orders the ERP has not accepted yet: the store deducted them at
 * checkout, the ERP's stock does not know them. Orders the ERP has accepted are in its order_lock —
 * unless the ERP accepted them after the inventory row was read (`erpReadAtMs`): the ledger entry is
 * then newer than the row, whose order_lock may not hold them yet, so they still count as pending.
 * That errs on the low side (the store may understate until the next run), never on the high side.
 */
export function pendingUnitsBySku(
  held: ReadonlyArray<{ incrementId: string; sku: string; qty: number }>,
  ledger: ReadonlyMap<string, Pick<LedgerEntry, 'state' | 'acceptedHash' | 'updatedAt'>>,
  erpReadAtMs?: number,
): Map<string, number> {
  const units = new Map<string, number>();
  for (const row of held) {
    const entry = ledger.get(row.incrementId);
    const acceptedBeforeRead = entry?.acceptedHash !== undefined && (erpReadAtMs === undefined || entry.updatedAt < erpReadAtMs);
    if (acceptedBeforeRead) continue;
    units.set(row.sku, (units.get(row.sku) ?? 0) + row.qty);
  }
  return units;
}
