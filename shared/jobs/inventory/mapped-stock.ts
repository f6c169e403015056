import type { SkuMapping } from '../../domain/sku-mapping';
import type { InventoryQuery, JstClient, Page } from '../../jst/client';
import type { InventoryRow } from '../../jst/reply-schemas';

type Reader = Pick<JstClient, 'inventoryPages' | 'inventoryPage' | 'warehouses'>;

/**
 * The ERP's inventory in the store's SKUs (docs/design.md §19), the one seam of the stock sync: queries by
 * SKU take store SKUs and ask the ERP for their mapped sku_ids; every row (and every invalid row's key)
 * comes back under its store SKU. Everything after it — warehouses summed, the formula, the safety stock,
 * the retry set, the drift of the full pass — works on store SKUs alone.
 *
 * A store SKU without an ERP code is not asked for (the run then reports it as unknown to the ERP, as it
 * does any SKU the ERP does not return); an ERP row whose sku_id has no store SKU is dropped and counted
 * (`onUnmappedErpSku`), never written under its ERP code.
 */
export function mappedStockReader(erp: Reader, mapping: SkuMapping, onUnmappedErpSku: (erpSku: string) => void): Reader {
  if (mapping.isIdentity) return erp;
  const toStorePage = (page: Page<InventoryRow>): Page<InventoryRow> => {
    const rows: InventoryRow[] = [];
    for (const row of page.rows) {
      const store = mapping.toStore(row.sku_id);
      if (store === undefined) onUnmappedErpSku(row.sku_id);
      else rows.push(store === row.sku_id ? row : { ...row, sku_id: store });
    }
    const invalid = page.invalid.map((bad) => (bad.key === undefined ? bad : { ...bad, key: mapping.toStore(bad.key) ?? bad.key }));
    return { ...page, rows, invalid };
  };
  const toErpQuery = (query: InventoryQuery): InventoryQuery | undefined => {
    if (!query.skuIds) return query;
    const skuIds: string[] = [];
    for (const sku of query.skuIds) {
      const erpSku = mapping.toErp(sku);
      if (erpSku !== undefined) skuIds.push(erpSku);
    }
    // Every SKU of the list lacks an ERP code: nothing to ask (an empty list would mean "no filter").
    return skuIds.length > 0 ? { ...query, skuIds } : undefined;
  };
  return {
    warehouses: () => erp.warehouses(),
    async *inventoryPages(query) {
      const asked = toErpQuery(query);
      if (!asked) return;
      for await (const page of erp.inventoryPages(asked)) yield toStorePage(page);
    },
    async inventoryPage(query, pageIndex) {
      const asked = toErpQuery(query);
      if (!asked) return { pageIndex, rows: [], invalid: [], hasNext: false };
      return toStorePage(await erp.inventoryPage(asked, pageIndex));
    },
  };
}
