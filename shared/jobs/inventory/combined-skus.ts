/**
 * Combined SKUs (组合装, kits sold as one SKU and assembled from component SKUs in the ERP) have no
 * stock row of their own: the ERP's inventory query does not return them (issue #20). Nothing in the
 * inventory reply tells a kit from a SKU the ERP does not know, and the ERP's item/combination query is
 * not among the documented facts this connector builds on (docs/erp-api.md §3a lists the inventory
 * fields only), so the operator names them: `INVENTORY_COMBINED_SKUS`, a comma-separated list of SKUs,
 * where an entry ending in `*` is a prefix (`KIT-*`). Named SKUs are kept out of the sync (never
 * queried, never written: the store keeps managing their stock) and are counted and listed apart from
 * "unknown to the ERP", so a kit is never mistaken for a catalogue error, and a normal SKU listed by
 * mistake shows up in every full pass summary.
 */
export interface CombinedSkus {
  has(sku: string): boolean;
}

export function combinedSkuMatcher(entries: readonly string[]): CombinedSkus {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (!entry) continue;
    if (entry.endsWith('*')) prefixes.push(entry.slice(0, -1));
    else exact.add(entry);
  }
  return { has: (sku) => exact.has(sku) || prefixes.some((p) => sku.startsWith(p)) };
}
